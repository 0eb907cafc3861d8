"""Mistakes put right after the event: a held review's facts corrected, and a final
record amended. Each row is the history of one correction: what changed, why, by whom
(docs/rules.md, C1-C4)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.audit_subject import AuditSubject
from core.dates import long_date
from core.models import Correction
from reviews.models.cycle import MeetingAttendance
from reviews.models.review import Review

_USER = settings.AUTH_USER_MODEL

# What each corrected fact is called on the review page, and the labels of its codes.
FACT_LABELS = {
    "held_on": "Date held",
    "record_date": "Record date",
    "participation": "Participation",
    "chaired_by": "Chaired by",
    "next_review_date": "Next review date",
    # The mid-point progress review, corrected once recorded (C7).
    "progress_done_on": "Date of the progress review",
    "progress_dialogue_on": "Date progress was discussed with the social worker",
    "progress_summary": "Summary of progress",
}
# How someone took part, by code.
_HOW = dict(MeetingAttendance.How.choices)
_CODE_LABELS = {
    "participation": dict(Review.Participation.choices),
    "chaired_by": dict(Review.Chair.choices),
}


def _label(name: str) -> str:
    if name.startswith("took_part:"):
        return f"How {name.split(':', 1)[1]} took part"
    if name.startswith("meeting:"):
        return "Date of a meeting"
    return FACT_LABELS.get(name, name)


def _shown(name: str, value: str) -> str:
    """A stored before or after (an ISO date or a code) as the page says it."""
    if name.startswith("took_part:"):
        return _HOW.get(value, value) or "Not recorded"
    if name.startswith("progress_") and not value:
        return "not recorded"
    if name == "progress_summary":
        return f"“{value}”"
    if name in _CODE_LABELS:
        return _CODE_LABELS[name].get(value, value)
    try:
        return long_date(date.fromisoformat(value))
    except (TypeError, ValueError):
        return value


class ReviewCorrection(Correction):
    """A held review's facts (its date, participation, chair, next review date), or the
    date of one of a review's meetings, corrected in place, with the reason: the
    review is not reopened (C2)."""

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, related_name="corrections"
    )
    # {field: [before, after]}, dates as ISO strings: what the correction changed.
    changes = models.JSONField()

    def __str__(self):
        return f"Correction to {self.review} on {self.at:%d %b %Y}"

    def lines(self) -> list[str]:
        """Each change as the page says it: "Date held: 30 November 2026 to 28 November
        2026", a code as its label."""
        return [
            f"{_label(name)}: {_shown(name, before)} to {_shown(name, after)}"
            for name, (before, after) in self.changes.items()
        ]


class RecordAmendment(AuditSubject, models.Model):
    """A final record opened again by its IRO to put something right (C3): while it is
    open the record and its decisions can be changed; issuing it makes a new version of
    every document and sends it to everyone who had the old one."""

    record = models.ForeignKey(
        "reviews.ReviewRecord", on_delete=models.PROTECT, related_name="amendments"
    )
    reason = models.TextField()
    opened_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    from_version = models.PositiveIntegerField(
        help_text="The record's version when the amendment began."
    )
    issued_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    to_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The record's version the amendment issued."
    )

    class Meta:
        ordering = ["opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(issued_at__isnull=True),
                name="reviews_one_open_amendment_per_record",
            ),
            models.CheckConstraint(
                condition=Q(issued_at__isnull=True)
                | Q(issued_by__isnull=False, to_version__isnull=False),
                name="reviews_issued_amendment_says_who_and_which_version",
                violation_error_message="An issued amendment names who issued it and the version.",
            ),
        ]

    def __str__(self):
        return f"Amendment to {self.record} ({self.opened_at:%d %b %Y})"

    @property
    def is_open(self) -> bool:
        return self.issued_at is None


class LaterDateRequest(AuditSubject, models.Model):
    """The IRO asking the service manager to authorise a date after the review's due date
    (T23a), and the answer."""

    class Outcome(models.TextChoices):
        AUTHORISED = "authorised", "Authorised"
        REFUSED = "refused", "Refused"

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, related_name="later_date_requests"
    )
    until = models.DateField("latest date asked for")
    reason = models.TextField()
    asked_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)
    answer = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review"],
                condition=Q(outcome=""),
                name="reviews_one_open_later_date_request",
            )
        ]

    def __str__(self):
        return f"Later date asked for {self.review} (until {self.until:%d %b %Y})"
