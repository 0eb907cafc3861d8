"""The reviews' reminder sources: each review step, the review dates, progress reviews
and IRO allocation. Registered in ReviewsConfig.ready() (core.reminders.sources).

A source is `source(today, staff) -> Iterable[TaskDue]`, `staff` being the run's
accounts.staff.Staff.
"""

from collections.abc import Iterable
from datetime import date

from accounts.staff import IRO, IRO_MANAGER, Staff
from core.reminders.sources import TaskDue


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
