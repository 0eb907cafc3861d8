"""Challenges, the dispute resolution process and quality of practice.

The dispute resolution process of IROH chapter 6 (docs/rules.md, T28, D1-D7 and
D-DRP). What a challenge may do next is data (Challenge.ALLOWED_ACTIONS); every
change goes through disputes.services and leaves a ChallengeEvent row.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.audit_subject import AuditSubject
from core.models import Correction, TimeStampedModel

INFORMAL_STAGE = 0
FIRST_FORMAL_STAGE = 1
LAST_STAGE = 4
STAGE_NUMBERS = range(INFORMAL_STAGE, LAST_STAGE + 1)
STAGE_NAMES = {
    0: "Informal resolution",
    1: "Stage 1",
    2: "Stage 2",
    3: "Stage 3",
    4: "Stage 4",
}


def stage_name(number: int) -> str:
    return STAGE_NAMES.get(number, f"Stage {number}")


class Category(models.TextChoices):
    """The concern categories of the Gloucestershire table (D5, S-GLO)."""

    SOCIAL_WORK_PRACTICE = "social_work_practice", "Social work practice"
    CHILD_SAFETY = "child_safety", "Child safety"
    PLACEMENT_POST16 = "placement_post16_planning", "Placement or post-16 planning"
    PERMANENCE_DRIFT = "permanence_drift", "Permanence or drift"
    SCHOOL = "school", "School"
    OTHER = "other", "Other"


class SubReason(models.TextChoices):
    """Optional sub-reasons (Nottinghamshire's IRO alert triggers, D5)."""

    CARE_PLANNING = "care_planning", "Care planning"
    CARE_PLAN_IMPLEMENTATION = (
        "care_plan_implementation",
        "Implementation of the care plan",
    )
    CARE_PLANNING_DECISIONS = (
        "care_planning_decisions",
        "Decisions in the care-planning process",
    )
    DRIFT_DELAY = "drift_delay", "Drift and delay"
    NO_EXIT_PLAN = "no_exit_plan", "Lack of a clear exit plan"
    NO_SOCIAL_WORKER = "no_social_worker", "No social worker allocated"
    POOR_PRACTICE = "poor_practice", "Poor practice"
    PARTICIPATION = "participation", "Child or young person's participation"


def validate_sub_reasons(value) -> None:
    if not isinstance(value, list) or any(v not in SubReason.values for v in value):
        raise ValidationError("Choose sub-reasons from the list")


class ChallengeQuerySet(models.QuerySet):
    def open(self):
        # Every status but closed, named: `status IN (...)` can use disputes_status_idx
        # where `status <> 'closed'` reads every challenge (most are closed).
        return self.filter(
            status__in=[
                s for s in Challenge.Status.values if s != Challenge.Status.CLOSED
            ]
        )

    def closed(self):
        return self.filter(status=Challenge.Status.CLOSED)


class Challenge(TimeStampedModel):
    """A concern the IRO raises on a child's care, from informal resolution to outcome."""

    class Level(models.TextChoices):
        INFORMAL = "informal", "Informal"
        FORMAL = "formal", "Formal (dispute resolution process)"

    class Status(models.TextChoices):
        AWAITING_RESPONSE = "awaiting_response", "Awaiting a response"
        RESPONDED = "responded", "Responded: the IRO decides what next"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", "Resolved"
        PARTIALLY_RESOLVED = "partially_resolved", "Partly resolved"
        NOT_RESOLVED_CAFCASS = (
            "not_resolved_cafcass_referral",
            "Not resolved: referred to Cafcass",
        )
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Action(models.TextChoices):
        RAISE = "raised", "Raised"
        SKIP = "skipped", "Stage skipped"
        RESPOND = "responded", "Responded"
        ESCALATE = "escalated", "Escalated"
        EXTEND = "extended", "Time extended"
        RESOLVE = "resolved", "Closed with an outcome"
        COMMENT = "commented", "Comment"
        CAFCASS = "cafcass_referred", "Referred to Cafcass"
        CAFCASS_OUTCOME = "cafcass_outcome", "Cafcass referral outcome"
        CORRECT_RESPONSE = "response_corrected", "Response corrected"

    # What may happen to a challenge in each status (D2-D4). Comments
    # and Cafcass referrals are allowed at any time (CA89 s25B(3)) and are not here,
    # nor is correcting a response given (D8: while the challenge is open).
    ALLOWED_ACTIONS: dict[str, frozenset[str]] = {
        Status.AWAITING_RESPONSE: frozenset(
            {Action.RESPOND, Action.ESCALATE, Action.EXTEND, Action.RESOLVE}
        ),
        Status.RESPONDED: frozenset({Action.ESCALATE, Action.RESOLVE}),
        Status.CLOSED: frozenset(),
    }
    # The status each action leads to.
    ACTION_RESULT: dict[str, str] = {
        Action.RAISE: Status.AWAITING_RESPONSE,
        Action.RESPOND: Status.RESPONDED,
        Action.ESCALATE: Status.AWAITING_RESPONSE,
        Action.EXTEND: Status.AWAITING_RESPONSE,
        Action.RESOLVE: Status.CLOSED,
    }

    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="challenges"
    )
    review = models.ForeignKey(
        "reviews.Review",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="challenges",
        help_text="The review the concern arose from, if any.",
    )
    rd_item_reference = models.CharField(
        "recommendation or decision",
        max_length=200,
        blank=True,
        help_text="Which recommendation or decision of a review this is about, if any.",
    )
    category = models.CharField(max_length=40, choices=Category)
    sub_reasons = models.JSONField(
        default=list, blank=True, validators=[validate_sub_reasons]
    )
    description = models.TextField()
    impact_for_child = models.TextField("impact for the child")
    # Stored when raised, for reporting by team (D6).
    team_at_time = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="team when raised",
    )
    social_worker_at_time = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateField()
    level = models.CharField(max_length=10, choices=Level, default=Level.INFORMAL)
    stage = models.PositiveSmallIntegerField(default=INFORMAL_STAGE)
    formal_started_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=Status, default=Status.AWAITING_RESPONSE
    )
    outcome = models.CharField(max_length=40, choices=Outcome, blank=True)
    outcome_impact = models.TextField("impact for the child of the outcome", blank=True)
    closed_on = models.DateField(null=True, blank=True)

    objects = ChallengeQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__gte=INFORMAL_STAGE, stage__lte=LAST_STAGE),
                name="disputes_stage_0_to_4",
            ),
            models.CheckConstraint(
                condition=Q(level="informal", stage=0, formal_started_on__isnull=True)
                | Q(level="formal", stage__gte=1, formal_started_on__isnull=False),
                name="disputes_level_matches_stage",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (Q(closed_on__isnull=False) & ~Q(outcome="") & ~Q(outcome_impact="")),
                name="disputes_closed_challenge_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(status="closed") | Q(closed_on__isnull=True, outcome=""),
                name="disputes_open_challenge_has_no_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "raised_on"], name="disputes_status_idx"),
            models.Index(fields=["child", "status"], name="disputes_child_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} challenge for {self.child}, raised {self.raised_on:%d %b %Y}"

    def get_absolute_url(self):
        return reverse("disputes:detail", args=[self.pk])

    def can(self, action: str) -> bool:
        return action in self.ALLOWED_ACTIONS.get(self.status, frozenset())

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def stage_name(self) -> str:
        return stage_name(self.stage)

    @property
    def current_stage(self) -> "ChallengeStage | None":
        return (
            self.stages.filter(number=self.stage, skipped=False)
            .select_related("owner")
            .first()
        )

    def sub_reason_labels(self) -> list[str]:
        return [SubReason(value).label for value in self.sub_reasons]


class ChallengeStage(AuditSubject, models.Model):
    """One stage of a challenge: who answers, by when, and their answer (or why skipped)."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.PROTECT, related_name="stages"
    )
    number = models.PositiveSmallIntegerField()
    skipped = models.BooleanField(default=False)
    skip_reason = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="challenge_stages",
    )
    started_on = models.DateField(null=True, blank=True)
    # From the timescale engine (reviews.timescales.drp_stage_due) when the stage starts.
    due_on = models.DateField(null=True, blank=True)
    due_rule = models.TextField(blank=True)
    extended_to = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "number"], name="disputes_one_row_per_stage"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=0, number__lte=LAST_STAGE),
                name="disputes_stage_number_0_to_4",
            ),
            models.CheckConstraint(
                condition=Q(skipped=True, owner__isnull=True) & ~Q(skip_reason="")
                | Q(
                    skipped=False,
                    owner__isnull=False,
                    started_on__isnull=False,
                    due_on__isnull=False,
                ),
                name="disputes_stage_skipped_with_reason_or_owned",
            ),
            models.CheckConstraint(
                condition=Q(extended_to__isnull=True) | ~Q(extension_reason=""),
                name="disputes_extension_has_reason",
            ),
        ]

    def __str__(self):
        return f"{stage_name(self.number)} of {self.challenge}"

    @property
    def name(self) -> str:
        return stage_name(self.number)

    @property
    def effective_due_on(self) -> date | None:
        return self.extended_to or self.due_on

    @property
    def is_current(self) -> bool:
        return not self.skipped and self.ended_on is None

    def is_overdue(self, today: date | None = None) -> bool:
        """True when the stage is still waiting for its owner after its (extended) date."""
        return (
            self.is_current
            and self.responded_at is None
            and self.effective_due_on is not None
            and self.effective_due_on < (today or timezone.localdate())
        )


class ChallengeResponseCorrection(Correction):
    """A stage's response put right by whoever gave it (or the stage's owner), with the
    reason, while the challenge is open: what it said before stays here (D8)."""

    stage = models.ForeignKey(
        ChallengeStage, on_delete=models.PROTECT, related_name="response_corrections"
    )
    before = models.TextField("the response before")
    after = models.TextField("the response after")

    def __str__(self):
        return f"Correction to the response of {self.stage} on {self.at:%d %b %Y}"


class ChallengeEvent(AuditSubject, models.Model):
    """Append-only history of a challenge: every action, who, when, and their note."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(max_length=30, choices=Challenge.Action)
    stage = models.PositiveSmallIntegerField()
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
        return f"{self.get_action_display()} ({stage_name(self.stage)})"

    @property
    def stage_name(self) -> str:
        return stage_name(self.stage)


class CafcassReferral(TimeStampedModel):
    """A referral of the child's case to Cafcass (CA89 s25B(3)), at any time."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.PROTECT, related_name="cafcass_referrals"
    )
    referred_on = models.DateField()
    reason = models.TextField()
    outcome = models.TextField(blank=True)
    outcome_recorded_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["referred_on", "pk"]

    def __str__(self):
        return f"Cafcass referral of {self.referred_on:%d %b %Y}"


class PracticeAcknowledgement(TimeStampedModel):
    """Good practice acknowledged, or an area for improvement (S-DUD, S-WOR)."""

    class Kind(models.TextChoices):
        GOOD_PRACTICE = "good_practice_acknowledgement", "Good practice"
        AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"

    child = models.ForeignKey(
        "children.Child",
        on_delete=models.PROTECT,
        related_name="practice_acknowledgements",
    )
    kind = models.CharField(max_length=40, choices=Kind)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="practice_acknowledgements",
        verbose_name="social worker",
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    team_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField()
    impact_for_child = models.TextField("impact for the child")
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_with_tm_on = models.DateField(
        "shared with the team manager on", null=True, blank=True
    )

    class Meta:
        ordering = ["-recorded_on", "-pk"]

    def __str__(self):
        return (
            f"{self.get_kind_display()} for {self.worker}, {self.recorded_on:%d %b %Y}"
        )

    def get_absolute_url(self):
        return reverse("disputes:acknowledgement_detail", args=[self.pk])


class PracticeObservation(TimeStampedModel):
    """The IRO service manager watches an IRO chair a review (at least once a year)."""

    iro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="practice_observations",
        verbose_name="IRO",
    )
    observed_on = models.DateField()
    review = models.ForeignKey(
        "reviews.Review",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    findings = models.TextField()
    actions_agreed = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-observed_on", "-pk"]

    def __str__(self):
        return f"Observation of {self.iro}, {self.observed_on:%d %b %Y}"


class CaseAudit(TimeStampedModel):
    """The IRO service manager's audit of an IRO's work on one child's case."""

    class Grade(models.TextChoices):
        OUTSTANDING = "outstanding", "Outstanding"
        GOOD = "good", "Good"
        REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
        INADEQUATE = "inadequate", "Inadequate"

    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="case_audits"
    )
    iro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_audits",
        verbose_name="IRO",
    )
    audited_on = models.DateField()
    grade = models.CharField(max_length=30, choices=Grade, blank=True)
    findings = models.TextField()
    actions_agreed = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-audited_on", "-pk"]

    def __str__(self):
        return f"Case audit of {self.child}, {self.audited_on:%d %b %Y}"
