"""Distribution has moved to the documents app; its table stays (documents 0002)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0013_distribution_document_moved'),
        ('documents', '0002_distribution'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Distribution')],
        ),
    ]
