"""The steps of a review, who owns each, when each is due, and each user's tasks.

Preparation deadlines (T10–T15) count back from the practical latest date of the due
date until the review is scheduled, then from the scheduled date, so they move when
the review is rearranged. Follow-up deadlines (T16–T20) count from the record date.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from reviews import timescales
from reviews.models import ChildContact, KeyDocument, Review

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
    return reverse(f"reviews:{name}", args=[review.pk])


def review_steps(review: Review, user, today: date) -> list[Step]:
    """Every step of this review, in order, as this user sees them."""
    base = preparation_base(review)
    is_initial = review.kind == Review.Kind.INITIAL
    visit = (
        timescales.initial_review_choices_visit_due(base, review.period.started_on)
        if is_initial
        else timescales.review_choices_visit_due(base)
    )
    chair = permissions.can_chair_review(user, review)
    prepare = permissions.can_prepare_review(user, review)
    send = permissions.can_send_for_review(user, review)
    authorise = permissions.can_authorise_decisions(user, review)
    status = review.status
    open_ = status in BEFORE_MEETING
    checklist = getattr(review, "checklist", None)
    held = status in AFTER_HELD
    # my_tasks annotates these two for every review at once; one review asks here.
    child_seen = getattr(review, "child_seen", None)
    if child_seen is None:
        child_seen = review.child_contacts.exists()
    documents_shared = getattr(review, "documents_shared", None)
    if documents_shared is None:
        documents_shared = review.documents.filter(
            kind__in=["sw_report", "care_plan"], shared_on__isnull=False
        ).count()
    record_date = review.record_date
    steps = [
        (
            "choices",
            "Review Choices with the child",
            "Social worker",
            hasattr(review, "choices"),
            visit,
            prepare,
            open_,
        ),
        (
            "schedule",
            "Set the date, time and place",
            "IRO",
            review.scheduled_for is not None,
            None,
            chair,
            status in (S.PLANNED, S.SCHEDULED, S.INVITATIONS_ISSUED),
        ),
        (
            "checklist",
            "Convening checklist: who to invite",
            "Social worker",
            checklist is not None,
            timescales.convening_checklist_due(base),
            prepare,
            open_,
        ),
        (
            "confirm",
            "Confirm the invite list",
            "IRO",
            bool(checklist and checklist.confirmed_on),
            timescales.arrangements_discussion_due(base),
            chair,
            open_ and checklist is not None,
        ),
        (
            "invitations",
            "Send invitations and consultation forms",
            "Business support",
            status not in (S.PLANNED, S.SCHEDULED, S.CANCELLED),
            timescales.invitations_due(base),
            send,
            status == S.SCHEDULED and bool(checklist and checklist.confirmed_on),
        ),
        (
            "child_contact",
            "Meet or speak to the child",
            "IRO",
            child_seen,
            None,
            chair,
            status not in (S.CANCELLED, S.CLOSED),
        ),
        (
            "documents",
            "Share the report and care plan",
            "Social worker",
            documents_shared >= 2,
            timescales.social_worker_report_due(base),
            prepare,
            status not in (S.CANCELLED, S.CLOSED),
        ),
        (
            "meeting",
            "Hold the meeting",
            "IRO",
            held,
            None,
            chair,
            status in (S.SCHEDULED, S.INVITATIONS_ISSUED, S.IN_PROGRESS, S.ADJOURNED),
        ),
        (
            "hold",
            "Record participation and the next review date",
            "IRO",
            held,
            None,
            chair,
            status == S.IN_PROGRESS,
        ),
        (
            "decisions",
            "Decisions and recommendations",
            "IRO",
            status in AFTER_HELD and status != S.HELD,
            timescales.recommendations_and_decisions_due(record_date)
            if record_date
            else None,
            chair,
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
            timescales.tm_authorisation_due(review.rd_submitted_on)
            if review.rd_submitted_on
            else None,
            authorise,
            status == S.RD_SUBMITTED,
        ),
        (
            "record",
            "Write the record to the child",
            "IRO",
            status in (S.RECORD_WRITTEN, S.DISTRIBUTED, S.CLOSED),
            timescales.record_written_due(record_date) if record_date else None,
            permissions.can_edit_iro_text(user, review),
            status in (S.HELD, S.RD_SUBMITTED, S.RD_AUTHORISED, S.RD_DISPUTED),
        ),
        (
            "distribute",
            "Send the record",
            "Business support",
            status in (S.DISTRIBUTED, S.CLOSED),
            timescales.record_distributed_due(record_date) if record_date else None,
            send,
            status == S.RECORD_WRITTEN,
        ),
        (
            "close",
            "Close the review",
            "IRO",
            status == S.CLOSED,
            timescales.care_plan_update_due(record_date) if record_date else None,
            chair,
            status == S.DISTRIBUTED,
        ),
    ]
    progress = getattr(review, "progress_review", None)
    if progress is not None and record_date is not None:
        steps.append(_progress_step(review, progress, chair))
    return [
        Step(
            key,
            name,
            owner,
            done,
            due,
            _url(key, review) if (can and available) else None,
            available,
        )
        for key, name, owner, done, due, can, available in steps
    ]


@dataclass(frozen=True)
class Task:
    review: Review
    step: Step


def my_tasks(user, today: date, *, limit: int = 200) -> list[Task]:
    """Every step this user can do now on the reviews in their scope, overdue first."""
    reviews = (
        permissions.reviews_visible_to(user, today=today)
        .exclude(status__in=[S.CLOSED, S.CANCELLED])
        .select_related("child", "period", "checklist", "choices", "progress_review")
        .annotate(
            child_seen=Exists(ChildContact.objects.filter(review=OuterRef("pk"))),
            documents_shared=Coalesce(Subquery(_shared_documents_count()), 0),
        )
        .order_by("due_date")[:limit]
    )
    tasks = [
        Task(review, step)
        for review in reviews
        for step in review_steps(review, user, today)
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


def _progress_step(review: Review, progress, chair: bool) -> tuple:
    """The mid-point progress review (T24, D-MID) of a held review."""
    rule = (
        f"half-way between the review held on {timescales.long_date(review.record_date)} "
        "and the next review's due date (local standard D-MID)"
    )
    due = timescales.Deadline(
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
