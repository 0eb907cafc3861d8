from django.db import models


class TimeStampedModel(models.Model):
    """Adds when a row was created and last changed; who did it is in the audit log."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
