"""Reminder sources: where the tasks with due dates come from, in one registry.

A source is a function `source(today: date, staff: Staff) -> Iterable[TaskDue]`: each
TaskDue names one task, the one person responsible for it and the day it is due. The
reminder run (core.reminders.send) asks every registered source, works out which
messages are due (core.reminders.moments), and sends each exactly once.

To add a source (for example another app's timers), write such a function and add
its dotted path to SOURCES below, or call `register_source("app.module.function")`
from the app's AppConfig.ready(). See docs/deployment.md, "Reminders".
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.module_loading import import_string

from accounts.models import User
from core.reminders.people import IRO, IRO_MANAGER, Staff


@dataclass(frozen=True)
class TaskDue:
    """A task someone must do by a date: what reminders and escalations are about."""

    key: tuple[str | int, ...]  # names the task, e.g. ("review", 12, "documents")
    recipient: User  # the person responsible
    due: date
    what: str  # the task: "Share the report and care plan"
    about: str  # whose case, shown in the service only: the child's name
    reference: str  # what emails call the case (the child's ID, never a name)
    url: str  # the page where the task is done or explained
    escalate_to: tuple[User, ...] | None = None  # None: the recipient's managers

    @property
    def text(self) -> str:
        return f"{self.what}: {self.about}"

    @property
    def task_key(self) -> str:
        return ":".join(str(part) for part in self.key)


Source = Callable[[date, Staff], Iterable[TaskDue]]

SOURCES: list[str] = [
    "core.reminders.sources.review_tasks",
    "core.reminders.sources.progress_review_tasks",
    "core.reminders.sources.iro_allocation_tasks",
    "core.reminders.sources.challenge_stage_tasks",
]


def register_source(path: str) -> None:
    """Add a reminder source by dotted path (idempotent)."""
    if path not in SOURCES:
        SOURCES.append(path)


def all_sources() -> list[Source]:
    return [import_string(path) for path in SOURCES]


def review_tasks(today: date, staff: Staff) -> Iterable[TaskDue]:
    """Every step of every open review (reviews.worklist) and the review date itself."""
    from reviews.models import Review
    from reviews.worklist import review_steps

    reviews = (
        Review.objects.exclude(
            status__in=[Review.Status.CLOSED, Review.Status.CANCELLED]
        )
        .filter(period__ended_on__isnull=True)
        .select_related("child", "period", "checklist", "choices")
        .order_by("pk")
    )
    for review in reviews.iterator(chunk_size=500):
        child = review.child
        url = review.get_absolute_url()
        for step in review_steps(review, _NO_ONE, today):
            if step.done or step.due is None or not step.available:
                continue
            if step.key == "progress":  # progress_review_tasks, closed reviews too
                continue
            for person in staff.responsible(step.owner, child):
                yield TaskDue(
                    ("review", review.pk, step.key),
                    person,
                    step.due.date,
                    step.name,
                    child.full_name,
                    child.child_id,
                    url,
                )
        yield from _review_dates(review, staff, url)


def _review_dates(review, staff: Staff, url: str) -> Iterable[TaskDue]:
    """The statutory date of the review (T4-T8) and an adjourned review's (T22)."""
    child = review.child
    if review.is_open:
        latest = review.out_of_timescale_until or review.due_date
        for person in staff.responsible(IRO, child):
            yield TaskDue(
                ("review", review.pk, "held"),
                person,
                latest,
                f"Hold the {review.get_kind_display().lower()}",
                child.full_name,
                child.child_id,
                url,
            )
    if review.status == review.Status.ADJOURNED and review.reconvene_by:
        for person in staff.responsible(IRO, child):
            yield TaskDue(
                ("review", review.pk, "reconvene"),
                person,
                review.reconvene_by,
                "Complete the adjourned review",
                child.full_name,
                child.child_id,
                url,
            )


def progress_review_tasks(today: date, staff: Staff) -> Iterable[TaskDue]:
    """The IRO's progress (mid-point) review between reviews (T24)."""
    from reviews.models import ProgressReview

    progress_reviews = ProgressReview.objects.filter(
        done_on__isnull=True, review__period__ended_on__isnull=True
    ).select_related("review__child")
    for progress in progress_reviews.iterator(chunk_size=500):
        child = progress.review.child
        for person in staff.responsible(IRO, child):
            yield TaskDue(
                ("progress", progress.pk),
                person,
                progress.target_date,
                "Progress review",
                child.full_name,
                child.child_id,
                progress.review.get_absolute_url(),
            )


def iro_allocation_tasks(today: date, staff: Staff) -> Iterable[TaskDue]:
    """An IRO allocated within 5 working days of the child becoming looked after (T2)."""
    from children.models import PeriodOfCare
    from reviews.timescales import iro_allocation_due

    periods = PeriodOfCare.objects.filter(
        ended_on__isnull=True,
        short_breaks=False,
        child__iro__isnull=True,
        child__archived_at__isnull=True,
    ).select_related("child")
    for period in periods.iterator(chunk_size=500):
        child = period.child
        for person in staff.responsible(IRO_MANAGER, child):
            yield TaskDue(
                ("allocation", period.pk),
                person,
                iro_allocation_due(period.started_on).date,
                "Allocate an IRO",
                child.full_name,
                child.child_id,
                child.get_absolute_url(),
            )


def challenge_stage_tasks(today: date, staff: Staff) -> Iterable[TaskDue]:
    """The response due at the current stage of a challenge (T28, IROH para. 6.2).

    An overdue stage escalates to the owner's manager and to the IRO who raised it
    (who decides whether to escalate the challenge itself).
    """
    from disputes.models import Challenge, ChallengeStage

    stages = ChallengeStage.objects.filter(
        skipped=False,
        ended_on__isnull=True,
        responded_at__isnull=True,
        owner__isnull=False,
        challenge__status=Challenge.Status.AWAITING_RESPONSE,
    ).select_related("challenge__child", "challenge__raised_by")
    for stage in stages.iterator(chunk_size=500):
        owner = staff.active(stage.owner_id)
        due = stage.effective_due_on
        if owner is None or due is None:
            continue
        challenge = stage.challenge
        escalate = [*staff.managers_of(owner)]
        raised_by = staff.active(challenge.raised_by_id)
        if raised_by is not None and raised_by.pk != owner.pk:
            escalate.append(raised_by)
        yield TaskDue(
            ("challenge_stage", stage.pk),
            owner,
            due,
            f"Respond to the challenge ({stage.name.lower()})",
            challenge.child.full_name,
            challenge.child.child_id,
            challenge.get_absolute_url(),
            escalate_to=tuple(escalate),
        )


class _NoOne:
    """The worklist's user argument when no one in particular is asking (no links)."""

    pk = None
    team_id = None
    is_authenticated = False
    is_active = False
    roles = frozenset()

    def has_role(self, *roles: str) -> bool:
        return False


_NO_ONE = _NoOne()
