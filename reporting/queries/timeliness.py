"""Timeliness: KPI-T1 to KPI-T9 (domain.md §8.1). Pure read-only queries.

Every function takes the period and the filters and returns a Figure: numerator,
denominator, percentage to one decimal and the rows behind it (see docs/reporting.md).
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import (
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from children.models import Child, PeriodOfCare
from iro.models import IroAllocation
from reporting.queries.base import (
    Figure,
    Filters,
    Period,
    date_map,
    end_of_day,
    figure,
    narrow,
)
from reviews import timescales
from reviews.models import Distribution, ProgressReview, Review, ReviewEvent

S = Review.Status
C = Review.CancelReason
# KPI-T1: a review cancelled for any of these reasons leaves the population (issue 9);
# one cancelled for "another reason" stays, and counts as late.
LEAVES_THE_POPULATION = [
    C.CEASED_LOOKED_AFTER,
    C.SUPERSEDED,
    C.DUPLICATE,
    C.TRANSFERRED,
]
HELD = Q(record_date__isnull=False) & ~Q(status=S.CANCELLED)


def _on(rule: str):
    """The date of one of the engine's deadlines, as a function of its start date."""
    deadline = getattr(timescales, rule)
    return lambda day: deadline(day).date


# --- Populations -------------------------------------------------------------------


def due_rows(period: Period, f: Filters) -> QuerySet[Review]:
    """KPI-T1's population: reviews due in the period that can be judged.

    The due date counted is the one an additional review replaced, if any. Reviews not
    held whose due date has passed stay in (late); those not yet due are left out.
    """
    rows = (
        Review.objects.annotate(
            due_counted=Coalesce("superseded_due_date", "due_date"),
        )
        .filter(due_counted__gte=period.start, due_counted__lte=period.end)
        .exclude(status=S.CANCELLED, cancel_reason__in=LEAVES_THE_POPULATION)
        .filter(HELD | Q(due_counted__lt=f.today))
        .annotate(on=Coalesce("record_date", "due_counted"))
    )
    return narrow(rows, f, day="on")


ON_TIME = HELD & Q(record_date__lte=F("due_counted"))


def held_rows(period: Period, f: Filters) -> QuerySet[Review]:
    """Reviews held in the period (record date in the period, D-RECORD)."""
    rows = (
        Review.objects.filter(HELD)
        .filter(record_date__gte=period.start, record_date__lte=period.end)
        .annotate(
            due_counted=Coalesce("superseded_due_date", "due_date"), on=F("record_date")
        )
    )
    return narrow(rows, f, day="on")


# --- KPI-T1 to KPI-T4 ----------------------------------------------------------------


def reviews_in_timescale_due(period: Period, f: Filters) -> Figure:
    """KPI-T1: reviews due in the period held on or before their due date."""
    return figure("t1", due_rows(period, f), ON_TIME)


def reviews_in_timescale_held(period: Period, f: Filters) -> Figure:
    """KPI-T2: reviews held in the period held on or before their due date."""
    return figure("t2", held_rows(period, f), ON_TIME)


def children_all_reviews_on_time(period: Period, f: Filters) -> Figure:
    """KPI-T3: children looked after at the period's end with a review due in it,
    every one of those reviews on time."""
    due = due_rows(period, f).filter(child=OuterRef("pk"))
    looked_after = PeriodOfCare.objects.filter(
        child=OuterRef("pk"), started_on__lte=period.end
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=period.end))
    rows = Child.objects.filter(Exists(looked_after), Exists(due)).annotate(
        any_late=Exists(due.exclude(ON_TIME))
    )
    return figure("t3", rows, Q(any_late=False))


def first_reviews_on_time(period: Period, f: Filters) -> Figure:
    """KPI-T4: first reviews due in the period held within 20 working days of the
    period's start (an additional review that replaced the first one counts)."""
    earlier_held = Review.objects.filter(HELD, period=OuterRef("period")).exclude(
        pk=OuterRef("pk")
    )
    rows = due_rows(period, f).filter(
        Q(kind=Review.Kind.INITIAL)
        | Q(kind=Review.Kind.ADDITIONAL, superseded_due_date__isnull=False)
        & ~Exists(earlier_held.filter(record_date__lt=OuterRef("on")))
    )
    starts = Period(period.start - timedelta(days=60), period.end).days()
    rows = rows.annotate(
        first_due=date_map("period__started_on", starts, _on("first_review_due"))
    )
    return figure("t4", rows, HELD & Q(record_date__lte=F("first_due")))


# --- KPI-T5: IRO allocated within 5 working days -------------------------------------


def new_period_rows(period: Period, f: Filters) -> QuerySet[PeriodOfCare]:
    """Periods of care (not short breaks) starting in the period, with the date an IRO
    was allocated to them and the T2 deadline."""
    allocation = IroAllocation.objects.filter(child=OuterRef("child")).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("started_on"))
    )
    rows = (
        PeriodOfCare.objects.filter(
            started_on__gte=period.start, started_on__lte=period.end, short_breaks=False
        )
        .annotate(
            allocated_on=Subquery(
                allocation.order_by()
                .values("child")
                .annotate(m=Min("started_on"))
                .values("m")
            ),
            allocation_due=date_map(
                "started_on", period.days(), _on("iro_allocation_due")
            ),
        )
        .filter(Q(allocated_on__isnull=False) | Q(allocation_due__lt=f.today))
    )
    return narrow(rows, f, day="started_on")


def iro_allocated_in_time(period: Period, f: Filters) -> Figure:
    """KPI-T5: new periods of care with an IRO allocated within 5 working days (T2)."""
    return figure(
        "t5",
        new_period_rows(period, f),
        Q(allocated_on__isnull=False, allocated_on__lte=F("allocation_due")),
    )


# --- KPI-T6: after the review ----------------------------------------------------------


def _workflow_rows(period: Period, f: Filters) -> QuerySet[Review]:
    """Reviews held here in the period (imported 903 reviews have no workflow)."""
    return held_rows(period, f).filter(imported=False)


def decisions_in_time(period: Period, f: Filters) -> Figure:
    """KPI-T6a: decisions and recommendations submitted within 5 working days (T16)."""
    rows = _workflow_rows(period, f).annotate(
        rd_due=date_map(
            "record_date", period.days(), _on("recommendations_and_decisions_due")
        )
    )
    rows = rows.filter(Q(rd_submitted_on__isnull=False) | Q(rd_due__lt=f.today))
    return figure(
        "t6_rd",
        rows,
        Q(rd_submitted_on__isnull=False, rd_submitted_on__lte=F("rd_due")),
    )


def record_sent_in_time(period: Period, f: Filters) -> Figure:
    """KPI-T6b: the record sent within 20 working days of the review (T19)."""
    first_sent = (
        Distribution.objects.filter(review=OuterRef("pk"))
        .order_by()
        .values("review")
        .annotate(m=Min("sent_at"))
        .values("m")
    )
    rows = _workflow_rows(period, f).annotate(
        first_sent=Subquery(first_sent),
        sent_due=date_map("record_date", period.days(), _on("record_distributed_due")),
        sent_by=date_map(
            "record_date",
            period.days(),
            lambda d: end_of_day(timescales.record_distributed_due(d).date),
        ),
    )
    rows = rows.filter(Q(first_sent__isnull=False) | Q(sent_due__lt=f.today))
    return figure(
        "t6_record", rows, Q(first_sent__isnull=False, first_sent__lt=F("sent_by"))
    )


def care_plan_updated_in_time(period: Period, f: Filters) -> Figure:
    """KPI-T6c: the care plan update confirmed when the review was closed, within 10
    working days of the review (T20)."""
    plan_by = date_map(
        OuterRef("record_date"),
        period.days(),
        lambda d: end_of_day(timescales.care_plan_update_due(d).date),
    )
    confirmed = ReviewEvent.objects.filter(
        review=OuterRef("pk"), action="closed", note="", at__lt=plan_by
    )
    rows = _workflow_rows(period, f).annotate(
        plan_due=date_map("record_date", period.days(), _on("care_plan_update_due")),
    )
    rows = rows.filter(Q(status=S.CLOSED) | Q(plan_due__lt=f.today))
    return figure("t6_plan", rows, Exists(confirmed))


def notified_in_time(period: Period, f: Filters) -> Figure:
    """KPI-T6d: the IRO service notified within 24 hours of the child becoming looked
    after (T1, D-24H): by the same time next day when the time is known, otherwise by
    the end of the next calendar day."""
    rows = PeriodOfCare.objects.filter(
        started_on__gte=period.start, started_on__lte=period.end, short_breaks=False
    ).annotate(
        notify_by=date_map(
            "started_on", period.days(), lambda d: end_of_day(d + timedelta(days=1))
        )
    )
    rows = narrow(rows, f, day="started_on")
    rows = rows.filter(
        Q(iro_service_notified_at__isnull=False)
        | Q(started_on__lt=f.today - timedelta(days=1))
    )
    # With a time: 24 hours exactly, which the SQL cannot add portably; the engine's
    # deadline for those few rows is looked up once and given to the query as ids.
    timed = [
        pk
        for pk, started_on, at, notified in rows.filter(
            started_at_time__isnull=False, iro_service_notified_at__isnull=False
        ).values_list("pk", "started_on", "started_at_time", "iro_service_notified_at")
        if notified
        <= end_of_day(started_on)
        .replace(hour=at.hour, minute=at.minute)
        .astimezone(notified.tzinfo)
    ]
    on_time = Q(
        started_at_time__isnull=True, iro_service_notified_at__lt=F("notify_by")
    ) | Q(pk__in=timed)
    return figure("t6_notify", rows, on_time)


# --- KPI-T7 to KPI-T9 --------------------------------------------------------------------


def progress_reviews_in_time(period: Period, f: Filters) -> Figure:
    """KPI-T7: mid-point progress reviews whose target date is in the period, done by
    the target date (T24, D-MID)."""
    rows = ProgressReview.objects.filter(
        target_date__gte=period.start, target_date__lte=period.end
    ).filter(Q(done_on__isnull=False) | Q(target_date__lt=f.today))
    rows = narrow(rows, f, child="review__child", day="target_date")
    return figure("t7", rows, Q(done_on__isnull=False, done_on__lte=F("target_date")))


def adjourned(period: Period, f: Filters) -> Figure:
    """KPI-T8a: reviews held in the period that were adjourned."""
    return figure(
        "t8_adjourned", _workflow_rows(period, f), Q(adjournment_count__gte=1)
    )


def reconvened_in_time(period: Period, f: Filters) -> Figure:
    """KPI-T8b: adjourned reviews held in the period completed within 20 working days of
    the original date (the reconvene-by date stored when adjourned, T22)."""
    rows = _workflow_rows(period, f).filter(adjournment_count__gte=1)
    return figure(
        "t8_reconvened",
        rows,
        Q(completed_date__isnull=False, completed_date__lte=F("reconvene_by")),
    )


def late_reviews_authorised(period: Period, f: Filters) -> Figure:
    """KPI-T9: reviews held in the period after their due date, and how many of those
    the service manager had authorised in advance (T23)."""
    rows = held_rows(period, f).filter(record_date__gt=F("due_counted"), imported=False)
    return figure("t9", rows, Q(out_of_timescale_authorised_by__isnull=False))
