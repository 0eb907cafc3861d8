"""Secure accommodation reviews: a separate panel review with its own dates (CSAR reg. 15, T9)."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from core.audit_subject import AuditSubject
from core.models import Correction, TimeStampedModel


class SecureReview(TimeStampedModel):
    """One review of a secure placement, chaired by an IRO who is not the child's IRO."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    secure_placement = models.ForeignKey(
        "children.SecurePlacement", on_delete=models.PROTECT, related_name="reviews"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PLANNED)
    due_date = models.DateField()
    due_rule = models.TextField(blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="secure_reviews_chaired",
    )
    chair_nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    held_on = models.DateField(null=True, blank=True)
    views = models.TextField(
        "views of the child, parents, carers, independent visitor and the unit",
        blank=True,
    )
    criteria_still_met = models.BooleanField(null=True, blank=True)
    placement_still_necessary = models.BooleanField(null=True, blank=True)
    other_accommodation_more_suitable = models.BooleanField(null=True, blank=True)
    recommendation = models.TextField(blank=True)
    child_iro_notified_on = models.DateField(null=True, blank=True)
    cancelled_on = models.DateField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["secure_placement"],
                condition=models.Q(status="planned"),
                name="reviews_one_planned_secure_review_per_placement",
            )
        ]

    def __str__(self):
        return f"Secure accommodation review due {self.due_date:%d %b %Y}"

    def get_absolute_url(self):
        return reverse("reviews:secure_detail", args=[self.pk])

    @property
    def child(self):
        return self.secure_placement.child


class SecurePanelMember(AuditSubject, models.Model):
    """A member of the panel; at least one is neither a member nor an officer of the council."""

    review = models.ForeignKey(
        SecureReview, on_delete=models.PROTECT, related_name="panel"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=120)
    independent = models.BooleanField(
        "independent of the council (neither a member nor an officer)", default=False
    )

    def __str__(self):
        return f"{self.name} ({self.role})"


# What each corrected finding is called on the review's page.
SECURE_FACT_LABELS = {
    "held_on": "Date of the review",
    "views": "Views heard",
    "criteria_still_met": "Criteria still apply",
    "placement_still_necessary": "Placement still necessary",
    "other_accommodation_more_suitable": "Other accommodation more suitable",
    "recommendation": "Recommendation",
}


class SecureReviewCorrection(Correction):
    """A held secure accommodation review's date or findings put right, with the
    reason: {field: [before, after]}, as the page says them (C6)."""

    review = models.ForeignKey(
        SecureReview, on_delete=models.PROTECT, related_name="corrections"
    )
    changes = models.JSONField()

    def __str__(self):
        return f"Correction to {self.review} on {self.at:%d %b %Y}"

    def lines(self) -> list[str]:
        return [
            f"{SECURE_FACT_LABELS.get(name, name)}: {before} to {after}"
            for name, (before, after) in self.changes.items()
        ]
