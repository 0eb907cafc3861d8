"""An invitation letter counts as sent on the day it was posted (docs/rules.md, D-CAL2,
D-SENT): business support says so, as for the record's letters. Letters made before
this stay without a posting date; the service no longer asks for them once the
meeting's day has passed."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0025_hearing_apart"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="posted_on",
            field=models.DateField(
                blank=True,
                help_text="When the letter was posted (a letter only): it counts as "
                "sent from that day (D-SENT).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="posted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
