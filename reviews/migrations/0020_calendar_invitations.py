"""Calendar invitations that calendars keep right (docs/rules.md, D-CAL1, D-CAL2).

Each person on a review's list gets a random calendar UID of their own, kept for good;
each invitation becomes a numbered version of that person's calendar entry (its
SEQUENCE), a request or a cancellation, pointing at the email that carries it.
Existing invitations are numbered in the order they were sent and linked to the
email queued for them (keyed by the person and the review's local date and time).
"""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models
from django.utils import timezone


def give_each_invitee_a_uid(apps, schema_editor):
    Invitee = apps.get_model("reviews", "Invitee")
    for invitee in Invitee._base_manager.filter(calendar_uid__isnull=True).iterator():
        invitee.calendar_uid = uuid.uuid4()
        invitee.save(update_fields=["calendar_uid"])


def number_the_invitations(apps, schema_editor):
    Invitation = apps.get_model("reviews", "Invitation")
    OutboundEmail = apps.get_model("core", "OutboundEmail")
    sequence: dict[int, int] = {}
    for invitation in Invitation.objects.order_by("invitee_id", "sent_at", "pk"):
        invitation.sequence = sequence.get(invitation.invitee_id, -1) + 1
        sequence[invitation.invitee_id] = invitation.sequence
        when = timezone.localtime(invitation.scheduled_for)
        key = f"invitation:{invitation.invitee_id}:{when:%Y%m%d%H%M}"
        invitation.email = OutboundEmail.objects.filter(key=key).first()
        invitation.save(update_fields=["sequence", "email"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_reminders"),
        ("reviews", "0019_later_date_requests"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitee",
            name="calendar_uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_each_invitee_a_uid, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="invitee",
            name="calendar_uid",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                help_text="Random, and this person's for this review for good: every "
                "version of their invitation, and its cancellation, carries it (D-CAL1).",
                unique=True,
                verbose_name="calendar entry's UID",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="invitation",
            name="reviews_one_invitation_per_invitee_and_date",
        ),
        migrations.AddField(
            model_name="invitation",
            name="sequence",
            field=models.PositiveIntegerField(
                default=0,
                help_text="The calendar entry's SEQUENCE: 0, then one more a change.",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="calendar_method",
            field=models.CharField(
                choices=[("REQUEST", "Invitation"), ("CANCEL", "Cancellation")],
                default="REQUEST",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="email",
            field=models.ForeignKey(
                blank=True,
                help_text="The email that carries it (the latest, if sent again); none "
                "for a letter.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.outboundemail",
            ),
        ),
        migrations.AlterField(
            model_name="invitation",
            name="sent_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                help_text="When it was made: queued to email, or made as a letter to "
                "print.",
            ),
        ),
        migrations.RunPython(number_the_invitations, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="invitation",
            options={"ordering": ["invitee", "sequence"]},
        ),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                fields=("invitee", "sequence"),
                name="reviews_one_invitation_per_invitee_and_version",
            ),
        ),
    ]
