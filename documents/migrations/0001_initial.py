"""The Document model moves from reporting to documents: state only; its table
(reporting_document), rows and content type stay (core.moves)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import documents.models
from core.moves import content_type_mover


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('children', '0005_child_to_complete_idx'),
        ('iro', '0002_allocation_letters'),
        ('reviews', '0012_review_autovacuum'),
        ('reporting', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Document',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(help_text='What the document is, e.g. record_parent:review=3:invitee=9; every version of one document shares it.', max_length=120)),
                        ('version', models.PositiveIntegerField()),
                        ('kind', models.CharField(choices=[('record_child', 'Record of review: the letter to the child'), ('record_parent', "Record of review: a parent's version"), ('record_professional', 'Record of review: professional'), ('invitation', 'Invitation letter'), ('consultation_child', 'Consultation form for a child'), ('consultation_adult', 'Consultation form for an adult'), ('iro_introduction', 'IRO introduction letter and profile card'), ('iro_farewell', 'IRO farewell letter')], max_length=30)),
                        ('audience', models.CharField(help_text='Who it is written for.', max_length=60)),
                        ('title', models.CharField(max_length=200)),
                        ('language', models.CharField(default='English', help_text='The language of the text.', max_length=60)),
                        ('record_version', models.PositiveIntegerField(blank=True, help_text="The record's version this was made from.", null=True)),
                        ('source_sha256', models.CharField(blank=True, help_text='Checksum of the HTML it was made from.', max_length=64)),
                        ('sha256', models.CharField(max_length=64, verbose_name='SHA-256 checksum of the file')),
                        ('size', models.PositiveIntegerField()),
                        ('file', models.FileField(upload_to=documents.models.document_path)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('allocation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='iro.iroallocation')),
                        ('child', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='children.child')),
                        ('created_by', models.ForeignKey(blank=True, help_text='Empty when the service made it in the background.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('invitee', models.ForeignKey(blank=True, help_text='Who the document is for, when it is for one person.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='reviews.invitee')),
                        ('review', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='generated_documents', to='reviews.review')),
                        ('translation_of', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='translations', to='documents.document')),
                    ],
                    options={
                        'db_table': 'reporting_document',
                        'ordering': ['key', '-version'],
                        'indexes': [models.Index(fields=['review', 'key'], name='reporting_doc_review_idx')],
                        'constraints': [models.UniqueConstraint(fields=('key', 'version'), name='reporting_one_document_per_key_version'), models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='reporting_document_version_from_1')],
                    },
                ),
            ],
        ),
        migrations.RunPython(*content_type_mover('reporting', 'documents', 'document')),
    ]
