"""Reviews of a looked-after child's case: its state machine as data."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from core.audit_subject import AuditSubject
from core.models import TimeStampedModel


class ReviewQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Review.OPEN_STATUSES)

    def held(self):
        return self.filter(record_date__isnull=False).exclude(
            status=Review.Status.CANCELLED
        )

    def overdue(self, *, today: date):
        return self.open().filter(due_date__lt=today)


# The columns every dashboard measure of reviews reads (the reporting indexes below).
REPORTED_COLUMNS = [
    "id",
    "child",
    "period",
    "kind",
    "status",
    "imported",
    "due_date",
    "superseded_due_date",
]


class Review(TimeStampedModel):
    """One statutory review of a child's case, from planned to closed (or cancelled)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        SCHEDULED = "scheduled", "Scheduled"
        INVITATIONS_ISSUED = "invitations_issued", "Invitations issued"
        IN_PROGRESS = "in_progress", "In progress"
        ADJOURNED = "adjourned", "Adjourned"
        HELD = "held", "Held"
        RD_SUBMITTED = "rd_submitted", "Decisions submitted"
        RD_AUTHORISED = "rd_authorised", "Decisions authorised"
        RD_DISPUTED = "rd_disputed", "Decisions disputed"
        RECORD_WRITTEN = "record_written", "Record written"
        DISTRIBUTED = "distributed", "Record distributed"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial review"
        SECOND = "second", "Second review"
        SUBSEQUENT = "subsequent", "Review"
        ADDITIONAL = "additional", "Additional review"
        ADOPTION_AUTHORISED = (
            "adoption_authorised",
            "Adoption review (authorised to place)",
        )
        ADOPTION_PLACED = "adoption_placed", "Adoption review (placed for adoption)"

    class Format(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face to face"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid (some in the room, some online)"

    class CancelReason(models.TextChoices):
        CEASED_LOOKED_AFTER = (
            "ceased_looked_after",
            "The child stopped being looked after",
        )
        SUPERSEDED = (
            "superseded_by_additional_review",
            "Replaced by an additional review",
        )
        DUPLICATE = "duplicate", "Entered twice"
        TRANSFERRED = (
            "transferred_to_other_LA",
            "The child moved to another council's care",
        )
        OTHER = "other", "Another reason (needs the service manager's authorisation)"

    class Rag(models.TextChoices):
        """Timeliness of an open review, recomputed nightly (reviews.tasks)."""

        RED = "red", "Overdue"
        AMBER = "amber", "Due soon"
        GREEN = "green", "On track"

    class Chair(models.TextChoices):
        IRO = "iro", "The IRO"
        CHILD = "child", "The child or young person"
        CO_CHAIRED = "co_chaired", "Co-chaired by the child and the IRO"

    class Participation(models.TextChoices):
        PN0 = "PN0", "PN0: child aged under 4 at the time of the review"
        PN1 = "PN1", "PN1: the child attended and spoke for themselves"
        PN2 = "PN2", "PN2: the child attended; an advocate conveyed their views"
        PN3 = "PN3", "PN3: the child attended and conveyed their views non-verbally"
        PN4 = "PN4", "PN4: the child attended but did not convey their views"
        PN5 = "PN5", "PN5: the child did not attend; an advocate conveyed their views"
        PN6 = "PN6", "PN6: the child did not attend; views conveyed another way"
        PN7 = "PN7", "PN7: the child did not attend or convey their views"

    OPEN_STATUSES = (
        Status.PLANNED,
        Status.SCHEDULED,
        Status.INVITATIONS_ISSUED,
        Status.IN_PROGRESS,
        Status.ADJOURNED,
    )
    PRE_HELD_STATUSES = OPEN_STATUSES
    # Every allowed move between statuses (G-HELD, G-CLOSE). Guards live in the services.
    # A review not yet begun can be replaced by an additional review.
    REPLACEABLE_STATUSES = frozenset({Status.PLANNED, Status.SCHEDULED})

    ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PLANNED: frozenset({Status.SCHEDULED, Status.CANCELLED}),
        Status.SCHEDULED: frozenset(
            {Status.INVITATIONS_ISSUED, Status.IN_PROGRESS, Status.CANCELLED}
        ),
        Status.INVITATIONS_ISSUED: frozenset({Status.IN_PROGRESS, Status.CANCELLED}),
        Status.IN_PROGRESS: frozenset(
            {Status.ADJOURNED, Status.HELD, Status.CANCELLED}
        ),
        Status.ADJOURNED: frozenset({Status.IN_PROGRESS, Status.CANCELLED}),
        Status.HELD: frozenset({Status.RD_SUBMITTED}),
        # The team manager may return the decisions to the IRO with comments.
        Status.RD_SUBMITTED: frozenset(
            {Status.RD_AUTHORISED, Status.RD_DISPUTED, Status.HELD}
        ),
        Status.RD_DISPUTED: frozenset({Status.RD_AUTHORISED, Status.RECORD_WRITTEN}),
        Status.RD_AUTHORISED: frozenset({Status.RECORD_WRITTEN}),
        Status.RECORD_WRITTEN: frozenset({Status.DISTRIBUTED}),
        Status.DISTRIBUTED: frozenset({Status.CLOSED}),
        Status.CLOSED: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="reviews"
    )
    period = models.ForeignKey(
        "children.PeriodOfCare", on_delete=models.PROTECT, related_name="reviews"
    )
    kind = models.CharField(max_length=30, choices=Kind, default=Kind.SUBSEQUENT)
    status = models.CharField(max_length=20, choices=Status, default=Status.PLANNED)
    # Derived from the timescale engine when the review is planned (not case data).
    due_date = models.DateField()
    due_track = models.CharField(max_length=30, blank=True)
    due_rule = models.TextField(blank=True)
    rag = models.CharField(
        "RAG status", max_length=5, choices=Rag, blank=True, default=""
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=20, choices=Format, blank=True)
    out_of_timescale_authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    out_of_timescale_until = models.DateField(
        "latest date authorised by the service manager", null=True, blank=True
    )
    out_of_timescale_reason = models.TextField(blank=True)
    # The record date: the single meeting's date, or for an adjourned review or a
    # series of meetings the date originally scheduled (D-RECORD).
    record_date = models.DateField(null=True, blank=True)
    completed_date = models.DateField(null=True, blank=True)
    participation = models.CharField(max_length=3, choices=Participation, blank=True)
    chaired_by = models.CharField(max_length=20, choices=Chair, blank=True)
    adjournment_count = models.PositiveSmallIntegerField(default=0)
    adjourned_reason = models.TextField(blank=True)
    reconvene_by = models.DateField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=40, choices=CancelReason, blank=True)
    cancel_note = models.TextField(blank=True)
    superseded_due_date = models.DateField(
        null=True,
        blank=True,
        help_text="For an additional review: the due date of the review it replaced.",
    )
    is_series = models.BooleanField("held as a series of meetings", default=False)
    series_reason = models.TextField(blank=True)
    social_worker_present = models.BooleanField(
        "the social worker or their manager was present", null=True, blank=True
    )
    social_worker_absent_reason = models.TextField(blank=True)
    child_not_seen_reason = models.TextField(
        blank=True,
        help_text="Why the IRO did not meet or speak to the child beforehand.",
    )
    not_adjourned_reason = models.TextField(blank=True)
    permanence_plan_ratified = models.BooleanField(null=True, blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    no_new_decisions = models.BooleanField(default=False)
    rd_submitted_on = models.DateField(null=True, blank=True)
    rd_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rd_decided_on = models.DateField(null=True, blank=True)
    rd_comments = models.TextField(blank=True)
    rd_disagreement = models.TextField(blank=True)
    imported = models.BooleanField(
        default=False, help_text="Imported from an SSDA903 return rather than run here."
    )
    version = models.PositiveIntegerField(default=1)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(
                    status__in=[
                        "planned",
                        "scheduled",
                        "invitations_issued",
                        "in_progress",
                        "adjourned",
                    ]
                ),
                name="reviews_one_open_review_per_period",
            ),
            models.CheckConstraint(
                condition=Q(adjournment_count__lte=1),
                name="reviews_adjourned_at_most_once",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="reviews_cancelled_review_has_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "planned",
                        "scheduled",
                        "invitations_issued",
                        "in_progress",
                        "adjourned",
                        "cancelled",
                    ]
                )
                | Q(record_date__isnull=False),
                name="reviews_held_review_has_a_record_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="reviews_status_due_idx"),
            models.Index(
                fields=["child", "record_date"], name="reviews_child_record_idx"
            ),
            # Open reviews only (about 4% of all): the overdue and due-soon filters and
            # the nightly RAG by due date, and each child's next review.
            models.Index(
                fields=["due_date", "child"],
                condition=Q(
                    status__in=[
                        "planned",
                        "scheduled",
                        "invitations_issued",
                        "in_progress",
                        "adjourned",
                    ]
                ),
                name="reviews_open_due_idx",
            ),
            models.Index(
                fields=["child", "due_date"],
                condition=Q(
                    status__in=[
                        "planned",
                        "scheduled",
                        "invitations_issued",
                        "in_progress",
                        "adjourned",
                    ]
                ),
                name="reviews_open_child_due_idx",
            ),
            # Reviews not yet closed (about 5%) by due date: My work for the service
            # manager and business support, who see every child.
            models.Index(
                fields=["due_date"],
                condition=~Q(status__in=["closed", "cancelled"]),
                name="reviews_not_closed_due_idx",
            ),
            # The dashboards (reporting.queries): reviews held in a period, and reviews
            # due in one, read from the index alone (index-only scans) instead of the
            # whole table; each carries the columns the measures count.
            models.Index(
                fields=["record_date"],
                include=[*REPORTED_COLUMNS, "rd_submitted_on", "completed_date"]
                + ["reconvene_by", "out_of_timescale_authorised_by", "participation"]
                + ["chaired_by", "adjournment_count", "venue", "format"],
                condition=Q(record_date__isnull=False),
                name="reviews_held_report_idx",
            ),
            models.Index(
                Coalesce("superseded_due_date", "due_date"),
                include=[*REPORTED_COLUMNS, "record_date", "cancel_reason"],
                name="reviews_due_report_idx",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} for {self.child}, due {self.due_date:%d %b %Y}"
        )

    def get_absolute_url(self):
        return reverse("reviews:detail", args=[self.pk])

    def can_become(self, status: str) -> bool:
        return status in self.ALLOWED_TRANSITIONS.get(self.status, frozenset())

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())


class ReviewEvent(AuditSubject, models.Model):
    """One row per status change or rearrangement: the review's timeline and audit trail."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=20, choices=Review.Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Review.Status)
    action = models.CharField(max_length=40)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.action}: {self.from_status or '-'} → {self.to_status}"
