"""Document has moved to the documents app; its table stays (documents 0001)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0001_initial'),
        ('documents', '0001_initial'),
        ('reviews', '0013_distribution_document_moved'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Document')],
        ),
    ]
