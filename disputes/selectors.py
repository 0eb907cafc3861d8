"""Reading challenges for pages: lists for a user or a child, and a stage's timers."""

from dataclasses import dataclass
from datetime import date

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role, User
from children.models import Child
from disputes import timers
from disputes.models import Challenge, ChallengeStage
from disputes.permissions import challenges_visible_to
from reviews.timescales import long_date


def _with_current_stage(challenges: QuerySet[Challenge]) -> QuerySet[Challenge]:
    """Annotate the current stage's owner and (extended) due date without a query per row."""
    current = ChallengeStage.objects.filter(
        challenge=OuterRef("pk"), number=OuterRef("stage"), skipped=False
    )
    return challenges.annotate(
        current_owner_id=Subquery(current.values("owner")[:1]),
        current_due_on=Subquery(
            current.annotate(due=Coalesce("extended_to", "due_on")).values("due")[:1]
        ),
    ).select_related("child", "raised_by", "team_at_time")


def _about_children_of(iro: User) -> Q:
    """Challenges about a child this user is the IRO for: a semi-join on the IRO's
    children (an index), so that the children are not joined first to test each
    challenge (a scan of every child nationally, 20 ms on a manager's My work)."""
    return Q(child__in=Child.objects.filter(iro=iro).values("pk"))


def awaiting_response_from(user: User) -> QuerySet[Challenge]:
    """Open challenges whose current stage this user must answer."""
    owned = ChallengeStage.objects.filter(
        owner=user, skipped=False, ended_on__isnull=True, responded_at__isnull=True
    ).values("challenge")
    return _with_current_stage(
        challenges_visible_to(user)
        .filter(status=Challenge.Status.AWAITING_RESPONSE, pk__in=owned)
        .order_by("pk")
    ).order_by(F("current_due_on").asc(nulls_last=True), "pk")


def followed_by(user: User) -> QuerySet[Challenge]:
    """Open challenges an IRO raised or holds as the child's IRO (they decide what next)."""
    if not user.has_role(Role.IRO, Role.DUTY_IRO, Role.IRO_MANAGER):
        return Challenge.objects.none()
    mine = Q(raised_by=user) | _about_children_of(user)
    return _with_current_stage(
        challenges_visible_to(user).open().filter(mine)
    ).order_by(F("current_due_on").asc(nulls_last=True), "pk")


def open_challenges_for(user: User) -> QuerySet[Challenge]:
    """The open challenges on this user's desk, soonest due first: for My work.

    A stage owner's challenges waiting for their response, and an IRO's own open
    challenges (raised by them, or about a child they are the IRO for). Each row has
    `current_due_on` and `current_owner_id` annotated.
    """
    owned = ChallengeStage.objects.filter(
        owner=user, skipped=False, ended_on__isnull=True, responded_at__isnull=True
    ).values("challenge")
    mine = Q(pk__in=owned, status=Challenge.Status.AWAITING_RESPONSE)
    if user.has_role(Role.IRO, Role.DUTY_IRO, Role.IRO_MANAGER):
        mine |= Q(raised_by=user) | _about_children_of(user)
    return _with_current_stage(
        challenges_visible_to(user).open().filter(mine)
    ).order_by(F("current_due_on").asc(nulls_last=True), "pk")


def other_open_challenges(user: User, exclude: set[int]) -> QuerySet[Challenge]:
    return _with_current_stage(
        challenges_visible_to(user).open().exclude(pk__in=exclude)
    ).order_by(F("current_due_on").asc(nulls_last=True), "pk")


def challenges_of_child(child: Child, user: User) -> dict[str, list[Challenge]]:
    """The child's open and closed challenges this user may see."""
    rows = list(
        _with_current_stage(challenges_visible_to(user).filter(child=child)).order_by(
            "-raised_on", "-pk"
        )
    )
    return {
        "open": [c for c in rows if c.is_open],
        "closed": [c for c in rows if not c.is_open],
    }


def challenges_closed_since(
    child: Child, since: date | None, *, until: date | None = None
) -> QuerySet[Challenge]:
    """The child's challenges closed after `since` (the last review), for the next
    review's record (D7); all closed ones when `since` is None."""
    closed = Challenge.objects.closed().filter(child=child)
    if since is not None:
        closed = closed.filter(closed_on__gt=since)
    if until is not None:
        closed = closed.filter(closed_on__lte=until)
    return closed.select_related("team_at_time").order_by("closed_on", "pk")


@dataclass(frozen=True)
class StageTimer:
    """What a page says about the current stage's clock."""

    due_on: date
    explanation: str
    practical_on: date | None  # set when the due date is not a working day
    overdue: bool
    working_days_over: int
    formal_started_on: date | None
    formal_elapsed: int | None
    formal_due_on: date | None
    past_formal_total: bool


def stage_timer(
    challenge: Challenge, stage: ChallengeStage, *, today: date | None = None
) -> StageTimer:
    """Return the current stage's timer: the engine's due date, explained, and the formal clock."""
    today = today or timezone.localdate()
    due = stage.effective_due_on
    explanation = stage.due_rule
    if stage.extended_to:
        explanation = (
            f"Extended to {long_date(stage.extended_to)} by the IRO: "
            f"{stage.extension_reason} (first due {long_date(stage.due_on)}: {stage.due_rule})"
        )
    practical = timers.practical_date(due)
    overdue = stage.is_overdue(today=today)
    formal_due = None
    elapsed = None
    if challenge.formal_started_on:
        deadline = timers.formal_deadline(challenge.formal_started_on)
        formal_due = deadline.date
        end = challenge.closed_on or today
        elapsed = timers.working_days_between(challenge.formal_started_on, end)
    return StageTimer(
        due_on=due,
        explanation=explanation,
        practical_on=practical if practical != due else None,
        overdue=overdue,
        working_days_over=timers.working_days_between(due, today) if overdue else 0,
        formal_started_on=challenge.formal_started_on,
        formal_elapsed=elapsed,
        formal_due_on=formal_due,
        past_formal_total=bool(formal_due and due > formal_due),
    )
