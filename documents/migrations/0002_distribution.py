"""Distribution moves from reviews to documents: state only; its table
(reviews_distribution), rows and content type stay (core.moves)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from core.moves import content_type_mover


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0001_initial'),
        ('reviews', '0013_distribution_document_moved'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Distribution',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.CharField(choices=[('child', "The child's record"), ('parent', "Parent's version (restricted items left out)"), ('professional', 'Professional record')], max_length=20)),
                        ('record_version', models.PositiveIntegerField()),
                        ('method', models.CharField(choices=[('email', 'Email with a calendar invitation'), ('letter', 'Letter')], max_length=10)),
                        ('sent_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('document', models.ForeignKey(blank=True, help_text='The stored PDF (and so its version) this person was sent.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='distributions', to='documents.document')),
                        ('invitee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='distributions', to='reviews.invitee')),
                        ('review', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='distributions', to='reviews.review')),
                        ('sent_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'reviews_distribution',
                        'constraints': [models.UniqueConstraint(fields=('invitee', 'record_version'), name='reviews_record_sent_once_per_person_and_version')],
                    },
                ),
            ],
        ),
        migrations.RunPython(*content_type_mover("reviews", "documents", "distribution")),
    ]
