"""An email's attachment is kept in the outbox only until the email is sent; its
name, type, size and SHA-256 stay for the history. Rows already sent give up theirs."""

import hashlib

from django.db import migrations, models


def keep_the_facts_drop_the_sent_bytes(apps, schema_editor):
    OutboundEmail = apps.get_model("core", "OutboundEmail")
    for email in OutboundEmail.objects.filter(attachment__isnull=False).iterator():
        content = bytes(email.attachment)
        email.attachment_size = len(content)
        email.attachment_sha256 = hashlib.sha256(content).hexdigest()
        if email.status == "sent":
            email.attachment = None
        email.save(
            update_fields=["attachment", "attachment_size", "attachment_sha256"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_reminders"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="attachment_sha256",
            field=models.CharField(
                blank=True,
                max_length=64,
                verbose_name="SHA-256 checksum of the attachment",
            ),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="attachment_size",
            field=models.PositiveIntegerField(
                blank=True, help_text="The attachment's size in bytes.", null=True
            ),
        ),
        migrations.AlterField(
            model_name="outboundemail",
            name="attachment",
            field=models.BinaryField(
                blank=True, help_text="Emptied once the email is sent.", null=True
            ),
        ),
        migrations.RunPython(
            keep_the_facts_drop_the_sent_bytes, migrations.RunPython.noop
        ),
    ]
