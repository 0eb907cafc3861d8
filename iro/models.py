from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.dates import long_date
from core.models import Correction, TimeStampedModel


class IroAllocation(TimeStampedModel):
    """Which IRO was allocated to a child, from when to when, and why it changed."""

    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="iro_allocations"
    )
    iro = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    notification_received_at = models.DateTimeField(
        "when the IRO service was notified (T1)", null=True, blank=True
    )
    child_told_on = models.DateField(
        "date the child was given their IRO's contact details", null=True, blank=True
    )
    introduction_letter_sent_on = models.DateField(null=True, blank=True)
    profile_card_sent_on = models.DateField(null=True, blank=True)
    farewell_letter_sent_on = models.DateField(null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ended_on__isnull=True),
                name="iro_one_current_allocation_per_child",
            ),
        ]

    def __str__(self):
        return f"{self.iro} for {self.child} from {self.started_on:%d %b %Y}"

    @property
    def needs_introduction_letter(self) -> bool:
        return self.ended_on is None and self.introduction_letter_sent_on is None

    @property
    def needs_farewell_letter(self) -> bool:
        return self.ended_on is not None and self.farewell_letter_sent_on is None


ALLOCATION_DATE_LABELS = {"started_on": "Start", "ended_on": "End"}


class IroAllocationCorrection(Correction):
    """A wrongly entered start or end of an IRO allocation put right by the IRO service
    manager, with the reason: what the dates said before stays here (docs/rules.md,
    C5)."""

    allocation = models.ForeignKey(
        IroAllocation, on_delete=models.PROTECT, related_name="corrections"
    )
    # {field: [before, after]}, dates as ISO strings (None for an open end).
    changes = models.JSONField()

    def __str__(self):
        return f"Correction to {self.allocation} on {self.at:%d %b %Y}"

    def lines(self) -> list[str]:
        """Each change in words: "Start: 3 March 2025 to 1 March 2025"."""

        def shown(value: str | None) -> str:
            return long_date(date.fromisoformat(value)) if value else "not ended"

        return [
            f"{ALLOCATION_DATE_LABELS.get(name, name)}: {shown(before)} to {shown(after)}"
            for name, (before, after) in self.changes.items()
        ]


class DutyCoverQuerySet(models.QuerySet):
    def on(self, day: date):
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class DutyCover(TimeStampedModel):
    """A Duty IRO covering an absent IRO's children, or the duty rota (no IRO named)."""

    duty_iro = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="duty_covers"
    )
    covered_iro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covered_by",
        help_text="Leave empty for the duty rota: unallocated children.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = DutyCoverQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="iro_duty_cover_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(duty_iro=models.F("covered_iro")),
                name="iro_duty_cover_not_self",
            ),
        ]

    def __str__(self):
        whom = self.covered_iro or "the duty rota"
        return f"{self.duty_iro} covering {whom}, {self.starts_on:%d %b} to {self.ends_on:%d %b %Y}"
