"""The steps of a review, who owns each, when each is due, and each user's tasks.

Preparation deadlines (T10–T15) count back from the practical latest date of the due
date until the review is scheduled, then from the scheduled date, so they move when
the review is rearranged. Follow-up deadlines (T16–T20) count from the record date.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from reviews import timescales
from reviews.models import (
    ChildContact,
    ConveningChecklist,
    KeyDocument,
    ProgressReview,
    Review,
    ReviewChoices,
)
from reviews.permissions import (
    can_authorise_decisions,
    can_chair_review,
    can_edit_iro_text,
    can_prepare_review,
    can_send_for_review,
    reviews_visible_to,
)

S = Review.Status
AFTER_HELD = [
    S.HELD,
    S.RD_SUBMITTED,
    S.RD_AUTHORISED,
    S.RD_DISPUTED,
    S.RECORD_WRITTEN,
    S.DISTRIBUTED,
    S.CLOSED,
]
BEFORE_MEETING = [S.PLANNED, S.SCHEDULED, S.INVITATIONS_ISSUED]


@dataclass(frozen=True)
class Step:
    key: str
    name: str
    owner: str
    done: bool
    due: timescales.Deadline | None
    url: str | None  # set when this user can do the step now
    available: bool  # the review is at a point where the step can be done

    def is_overdue(self, today: date) -> bool:
        return not self.done and self.due is not None and self.due.date < today


def preparation_base(review: Review) -> date:
    """The date the preparation deadlines count back from (T10–T15)."""
    if review.scheduled_for is not None:
        return timezone.localtime(review.scheduled_for).date()
    return timescales.practical_latest(review.due_date)


def _url(name: str, review: Review) -> str:
    """The step's page: reverse()'s answer, but worked out once per step and shape.

    My work makes a link for each of up to a few hundred steps; reverse() costs tens
    of microseconds each time, the same URL with another id costs nothing.
    """
    viewname = _STEP_PAGES.get(name, f"reviews:{name}")
    before, after = _url_shape(
        viewname, get_script_prefix(), settings.ROOT_URLCONF, get_urlconf()
    )
    return f"{before}{int(review.pk)}{after}"


# Steps whose page another app serves (the step's key names the task in reminders).
_STEP_PAGES = {
    "authorise": "disputes:authorise",
    "distribute": "documents:distribute",
}

_MARK = 987654321012  # an id in the place of the review's, to cut the URL around


@functools.lru_cache(maxsize=128)
def _url_shape(viewname: str, prefix: str, root_urlconf, urlconf) -> tuple[str, str]:
    before, mark, after = reverse(viewname, args=[_MARK]).partition(str(_MARK))
    assert mark, viewname
    return before, after


def review_steps(
    review: Review, user, today: date, *, actionable_only: bool = False
) -> list[Step]:
    """Every step of this review, in order, as this user sees them.

    With actionable_only, only the steps this user can do now and has not done (the
    ones My work lists): the others' deadlines and permissions are not worked out.
    """
    base = _Once(lambda: preparation_base(review))
    can = _Permissions(user, review)
    related = _related(review)
    rows = [
        *_preparation_rows(review, related, base, can),
        *_meeting_rows(review, base, can),
        *_decision_rows(review, can),
        *_record_rows(review, can),
    ]
    if related.progress is not None and review.record_date is not None:
        rows.append(_progress_step(review, related.progress, can.chair))
    return _steps(review, rows, actionable_only)


# A step before it becomes a Step: key, name, owner, done, its deadline and whether
# this user may do it (both worked out only when needed), and whether the review is
# at the point where the step can be done.
_Row = tuple[
    str,
    str,
    str,
    bool,
    Callable[[], timescales.Deadline | None],
    Callable[[], bool],
    bool,
]


class _Permissions:
    """What this user may do on the review, each asked when a step first needs it."""

    __slots__ = ("authorise", "chair", "edit_record", "prepare", "send")

    def __init__(self, user, review: Review):
        self.chair = _Once(lambda: can_chair_review(user, review))
        self.prepare = _Once(lambda: can_prepare_review(user, review))
        self.send = _Once(lambda: can_send_for_review(user, review))
        self.authorise = _Once(lambda: can_authorise_decisions(user, review))
        self.edit_record = lambda: can_edit_iro_text(user, review)


class _Related(NamedTuple):
    """What the steps read of the Review Choices, checklist and progress review."""

    has_choices: bool
    has_checklist: bool
    confirmed: bool
    progress: Any  # the progress review (or its two dates), None if there is none


def _related(review: Review) -> _Related:
    # my_tasks annotates what the steps need of the review's Review Choices, checklist
    # and progress review for every review at once; one review reads its own.
    if hasattr(review, "has_checklist"):
        progress = (
            SimpleNamespace(
                target_date=review.progress_target_date,
                done_on=review.progress_done_on,
            )
            if review.has_progress_review
            else None
        )
        return _Related(
            review.has_choices,
            review.has_checklist,
            review.checklist_confirmed_on is not None,
            progress,
        )
    checklist = getattr(review, "checklist", None)
    return _Related(
        hasattr(review, "choices"),
        checklist is not None,
        bool(checklist and checklist.confirmed_on),
        getattr(review, "progress_review", None),
    )


def _preparation_rows(
    review: Review, related: _Related, base: "_Once", can: _Permissions
) -> list[_Row]:
    """The steps before the meeting: Review Choices, the date, the invitations."""
    status = review.status
    open_ = status in BEFORE_MEETING
    return [
        (
            "choices",
            "Review Choices with the child",
            "Social worker",
            related.has_choices,
            lambda: _choices_visit_due(review, base),
            can.prepare,
            open_,
        ),
        (
            "schedule",
            "Set the date, time and place",
            "IRO",
            review.scheduled_for is not None,
            _no_deadline,
            can.chair,
            status in (S.PLANNED, S.SCHEDULED, S.INVITATIONS_ISSUED),
        ),
        (
            "checklist",
            "Convening checklist: who to invite",
            "Social worker",
            related.has_checklist,
            lambda: timescales.convening_checklist_due(base()),
            can.prepare,
            open_,
        ),
        (
            "confirm",
            "Confirm the invite list",
            "IRO",
            related.confirmed,
            lambda: timescales.arrangements_discussion_due(base()),
            can.chair,
            open_ and related.has_checklist,
        ),
        (
            "invitations",
            "Send invitations and consultation forms",
            "Business support",
            status not in (S.PLANNED, S.SCHEDULED, S.CANCELLED),
            lambda: timescales.invitations_due(base()),
            can.send,
            status == S.SCHEDULED and related.confirmed,
        ),
    ]


def _choices_visit_due(review: Review, base: "_Once") -> timescales.Deadline:
    """When the Review Choices visit is due; the initial review has its own rule."""
    if review.kind == Review.Kind.INITIAL:
        return timescales.initial_review_choices_visit_due(
            base(), review.period.started_on
        )
    return timescales.review_choices_visit_due(base())


def _meeting_rows(review: Review, base: "_Once", can: _Permissions) -> list[_Row]:
    """The steps up to the meeting held: seeing the child, the papers, the meeting."""
    status = review.status
    held = status in AFTER_HELD
    return [
        (
            "child_contact",
            "Meet or speak to the child",
            "IRO",
            _child_seen(review),
            _no_deadline,
            can.chair,
            status not in (S.CANCELLED, S.CLOSED),
        ),
        (
            "documents",
            "Share the report and care plan",
            "Social worker",
            _documents_shared(review) >= 2,
            lambda: timescales.social_worker_report_due(base()),
            can.prepare,
            status not in (S.CANCELLED, S.CLOSED),
        ),
        (
            "meeting",
            "Hold the meeting",
            "IRO",
            held,
            _no_deadline,
            can.chair,
            status in (S.SCHEDULED, S.INVITATIONS_ISSUED, S.IN_PROGRESS, S.ADJOURNED),
        ),
        (
            "hold",
            "Record participation and the next review date",
            "IRO",
            held,
            _no_deadline,
            can.chair,
            status == S.IN_PROGRESS,
        ),
    ]


def _child_seen(review: Review) -> bool:
    # my_tasks annotates this for every review at once; one review asks here.
    child_seen = getattr(review, "child_seen", None)
    if child_seen is None:
        child_seen = review.child_contacts.exists()
    return child_seen


def _documents_shared(review: Review) -> int:
    """How many of the report and care plan are shared (annotated by my_tasks)."""
    documents_shared = getattr(review, "documents_shared", None)
    if documents_shared is None:
        documents_shared = review.documents.filter(
            kind__in=["sw_report", "care_plan"], shared_on__isnull=False
        ).count()
    return documents_shared


def _decision_rows(review: Review, can: _Permissions) -> list[_Row]:
    """After the meeting: the decisions, then the team manager's authorisation."""
    status = review.status
    rd_submitted_on = review.rd_submitted_on
    return [
        (
            "decisions",
            "Decisions and recommendations",
            "IRO",
            status in AFTER_HELD and status != S.HELD,
            _after_record(
                timescales.recommendations_and_decisions_due, review.record_date
            ),
            can.chair,
            status == S.HELD,
        ),
        (
            "authorise",
            "Authorise the decisions",
            "Team manager",
            status
            in (
                S.RD_AUTHORISED,
                S.RD_DISPUTED,
                S.RECORD_WRITTEN,
                S.DISTRIBUTED,
                S.CLOSED,
            ),
            (lambda: timescales.tm_authorisation_due(rd_submitted_on))
            if rd_submitted_on
            else _no_deadline,
            can.authorise,
            status == S.RD_SUBMITTED,
        ),
    ]


def _record_rows(review: Review, can: _Permissions) -> list[_Row]:
    """The steps from the record to the child to closing the review."""
    status = review.status
    record_date = review.record_date
    return [
        (
            "record",
            "Write the record to the child",
            "IRO",
            status in (S.RECORD_WRITTEN, S.DISTRIBUTED, S.CLOSED),
            _after_record(timescales.record_written_due, record_date),
            can.edit_record,
            status in (S.HELD, S.RD_SUBMITTED, S.RD_AUTHORISED, S.RD_DISPUTED),
        ),
        (
            "distribute",
            "Send the record",
            "Business support",
            status in (S.DISTRIBUTED, S.CLOSED),
            _after_record(timescales.record_distributed_due, record_date),
            can.send,
            status == S.RECORD_WRITTEN,
        ),
        (
            "close",
            "Close the review",
            "IRO",
            status == S.CLOSED,
            _after_record(timescales.care_plan_update_due, record_date),
            can.chair,
            status == S.DISTRIBUTED,
        ),
    ]


def _after_record(deadline, record_date: date | None):
    """A deadline counted from the record date; none while there is no record date."""
    return (lambda: deadline(record_date)) if record_date else _no_deadline


def _steps(review: Review, rows: list[_Row], actionable_only: bool) -> list[Step]:
    """The rows as Steps: each one's deadline, and its page if this user can act."""
    result = []
    for key, name, owner, done, due, can, available in rows:
        if actionable_only and (done or not available or not can()):
            continue
        result.append(
            Step(
                key,
                name,
                owner,
                done,
                due(),
                _url(key, review) if (available and can()) else None,
                available,
            )
        )
    return result


class _Once:
    """A value worked out the first time it is asked for, then remembered."""

    __slots__ = ("_compute", "_value")
    _UNSET = object()

    def __init__(self, compute):
        self._compute = compute
        self._value = self._UNSET

    def __call__(self):
        if self._value is self._UNSET:
            self._value = self._compute()
        return self._value


def _no_deadline():
    return None


# What review_steps, the permissions it asks and the pages listing tasks read.
TASK_FIELDS = (
    "kind",
    "status",
    "due_date",
    "scheduled_for",
    "record_date",
    "rd_submitted_on",
    "child__first_name",
    "child__last_name",
    "child__iro",
    "child__team",
    "period__started_on",
)


@dataclass(frozen=True)
class Task:
    review: Review
    step: Step


def my_tasks(user, today: date, *, limit: int = 200) -> list[Task]:
    """Every step this user can do now on the reviews in their scope, overdue first."""
    checklists = ConveningChecklist.objects.filter(review=OuterRef("pk"))
    progress = ProgressReview.objects.filter(review=OuterRef("pk"))
    reviews = (
        reviews_visible_to(user, today=today)
        .exclude(status__in=[S.CLOSED, S.CANCELLED])
        .select_related("child", "period")
        # Only the columns the steps, the permissions and My work read: a review,
        # its child and period have 84 columns, and reading them all for 200 reviews
        # costs more than the steps themselves.
        .only(*TASK_FIELDS)
        # Review Choices, the checklist and the progress review as subqueries: three
        # more joins in the one statement cost the database 10 ms and more to plan
        # (it weighs every join order), and prefetching them costs three statements.
        # "Has one" is "the first one's id is not NULL", not EXISTS: for a user who
        # sees every open review PostgreSQL answered each EXISTS by hashing the whole
        # table (35 ms nationally) for the 200 rows it returns.
        .alias(
            choices_id=Subquery(
                ReviewChoices.objects.filter(review=OuterRef("pk")).values("pk")[:1]
            ),
            checklist_id=Subquery(checklists.values("pk")[:1]),
            progress_review_id=Subquery(progress.values("pk")[:1]),
        )
        .annotate(
            child_seen=Exists(ChildContact.objects.filter(review=OuterRef("pk"))),
            documents_shared=Coalesce(Subquery(_shared_documents_count()), 0),
            has_choices=_is_set("choices_id"),
            has_checklist=_is_set("checklist_id"),
            checklist_confirmed_on=Subquery(checklists.values("confirmed_on")[:1]),
            has_progress_review=_is_set("progress_review_id"),
            progress_target_date=Subquery(progress.values("target_date")[:1]),
            progress_done_on=Subquery(progress.values("done_on")[:1]),
        )
        .order_by("due_date", "pk")[:limit]
    )
    tasks = [
        Task(review, step)
        for review in reviews
        for step in review_steps(review, user, today, actionable_only=True)
        if step.url and not step.done
    ]
    far = date.max
    return sorted(
        tasks,
        key=lambda t: (
            not t.step.is_overdue(today),
            t.step.due.date if t.step.due else far,
        ),
    )


def _is_set(name: str) -> ExpressionWrapper:
    return ExpressionWrapper(
        Q(**{f"{name}__isnull": False}), output_field=BooleanField()
    )


def _shared_documents_count():
    """The number of the review's report and care plan shared (a subquery)."""
    return (
        KeyDocument.objects.filter(
            review=OuterRef("pk"),
            kind__in=["sw_report", "care_plan"],
            shared_on__isnull=False,
        )
        .order_by()
        .values("review")
        .annotate(n=Count("pk"))
        .values("n")
    )


def _progress_step(review: Review, progress, chair) -> _Row:
    """The mid-point progress review (T24, D-MID) of a held review."""

    def due():
        rule = (
            "half-way between the review held on "
            f"{timescales.long_date(review.record_date)} "
            "and the next review's due date (local standard D-MID)"
        )
        return timescales.Deadline(
            progress.target_date, rule, "Local standard", "Progress review", "T24"
        )

    name = "Progress review half-way to the next review"
    return (
        "progress",
        name,
        "IRO",
        progress.done_on is not None,
        due,
        chair,
        review.status in AFTER_HELD,
    )
