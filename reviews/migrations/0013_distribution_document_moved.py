"""Distribution.document now points at documents.Document (the same table): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0012_review_autovacuum'),
        ('documents', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='distribution',
                    name='document',
                    field=models.ForeignKey(blank=True, help_text='The stored PDF (and so its version) this person was sent.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='distributions', to='documents.document'),
                ),
            ],
        ),
    ]
