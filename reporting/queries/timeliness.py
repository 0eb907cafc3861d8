"""Timeliness: KPI-T1 to KPI-T9 (docs/rules.md, Measures). Pure read-only queries.

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
from documents.delivery import REALLY_SENT
from documents.models import Distribution
from iro.models import IroAllocation
from reporting.queries.base import (
    Figure,
    Filters,
    Part,
    Period,
    date_map,
    end_of_day,
    figure,
    figure_by_month,
    narrow,
)
from reviews import timescales
from reviews.models import ProgressReview, Review, ReviewEvent

S = Review.Status
C = Review.CancelReason
# KPI-T1: a review cancelled for any of these reasons leaves the population;
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
    """KPI-T1: reviews due in the period held on or before their due date (counted by
    month of the due date: the trend comes with the figure)."""
    return figure_by_month("t1", due_rows(period, f), ON_TIME, "due_counted", period)


def held_figure(key: str, part: Part, period: Period, f: Filters) -> Figure:
    """A measure of reviews held in the period, counted alone from its Part
    (reporting.queries.batch counts several Parts in one query)."""
    return figure(key, part.rows(held_rows(period, f), period, f), part.counted)


T2 = Part(counted=ON_TIME)


def reviews_in_timescale_held(period: Period, f: Filters) -> Figure:
    """KPI-T2: reviews held in the period held on or before their due date."""
    return held_figure("t2", T2, period, f)


def children_all_reviews_on_time(period: Period, f: Filters) -> Figure:
    """KPI-T3: children looked after at the period's end with a review due in it,
    every one of those reviews on time."""
    due = due_rows(period, f)
    looked_after = PeriodOfCare.objects.filter(started_on__lte=period.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=period.end)
    )
    # Semi-joins on sets of children (each read once), not a lookup per child.
    rows = Child.objects.filter(pk__in=looked_after.values("child")).filter(
        pk__in=due.values("child")
    )
    return figure("t3", rows, ~Q(pk__in=due.exclude(ON_TIME).values("child")))


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
    """KPI-T5: new periods of care with an IRO allocated within 5 working days (T2),
    counted by month of the start (the trend comes with the figure)."""
    return figure_by_month(
        "t5",
        new_period_rows(period, f),
        Q(allocated_on__isnull=False, allocated_on__lte=F("allocation_due")),
        "started_on",
        period,
    )


# --- KPI-T6: after the review ----------------------------------------------------------


HELD_HERE = Q(imported=False)  # imported 903 reviews have no workflow


def _workflow_rows(period: Period, f: Filters) -> QuerySet[Review]:
    """Reviews held here in the period."""
    return held_rows(period, f).filter(HELD_HERE)


T6_RD = Part(
    counted=Q(rd_submitted_on__isnull=False, rd_submitted_on__lte=F("rd_due")),
    population=lambda period, f: (
        HELD_HERE & (Q(rd_submitted_on__isnull=False) | Q(rd_due__lt=f.today))
    ),
    annotations=lambda period, f: {
        "rd_due": date_map(
            "record_date", period.days(), _on("recommendations_and_decisions_due")
        )
    },
)


def decisions_in_time(period: Period, f: Filters) -> Figure:
    """KPI-T6a: decisions and recommendations submitted within 5 working days (T16)."""
    return held_figure("t6_rd", T6_RD, period, f)


def _of_reviews_held(rows: QuerySet, period: Period) -> QuerySet:
    """Rows (distributions, events) of reviews held in the period: the sets the
    measures below semi-join to, each read once rather than once per review."""
    return rows.filter(
        review__record_date__gte=period.start, review__record_date__lte=period.end
    )


def record_sent_in_time(period: Period, f: Filters) -> Figure:
    """KPI-T6b: the record sent within 20 working days of the review (T19): some copy
    really sent (its email left the outbox, or its letter was posted: D-SENT) before
    the end of the deadline's day. A copy only queued, failing or waiting to be posted
    is not sent; its review counts as not in time once the deadline has passed."""
    sent = _of_reviews_held(Distribution.objects.filter(REALLY_SENT), period)
    sent_in_time = sent.annotate(
        deadline=date_map(
            "review__record_date",
            period.days(),
            lambda d: end_of_day(timescales.record_distributed_due(d).date),
        ),
        last_day=date_map(
            "review__record_date", period.days(), _on("record_distributed_due")
        ),
    ).filter(Q(email__sent_at__lt=F("deadline")) | Q(posted_on__lte=F("last_day")))
    rows = _workflow_rows(period, f).annotate(
        sent_due=date_map("record_date", period.days(), _on("record_distributed_due")),
    )
    rows = rows.filter(Q(pk__in=sent.values("review")) | Q(sent_due__lt=f.today))
    return figure("t6_record", rows, Q(pk__in=sent_in_time.values("review")))


def care_plan_updated_in_time(period: Period, f: Filters) -> Figure:
    """KPI-T6c: the care plan update confirmed when the review was closed, within 10
    working days of the review (T20). A review is closed when its `closed` event was
    written, whatever its stored status says; one not closed is judged once the
    deadline has passed (late), and left out before then."""
    closings = _of_reviews_held(ReviewEvent.objects.filter(action="closed"), period)
    confirmed = (
        closings.filter(note="")
        .annotate(
            plan_by=date_map(
                "review__record_date",
                period.days(),
                lambda d: end_of_day(timescales.care_plan_update_due(d).date),
            )
        )
        .filter(at__lt=F("plan_by"))
    )
    rows = _workflow_rows(period, f).annotate(
        plan_due=date_map("record_date", period.days(), _on("care_plan_update_due")),
    )
    rows = rows.filter(Q(pk__in=closings.values("review")) | Q(plan_due__lt=f.today))
    return figure("t6_plan", rows, Q(pk__in=confirmed.values("review")))


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


T8_ADJOURNED = Part(
    counted=Q(adjournment_count__gte=1), population=lambda period, f: HELD_HERE
)


def adjourned(period: Period, f: Filters) -> Figure:
    """KPI-T8a: reviews held in the period that were adjourned."""
    return held_figure("t8_adjourned", T8_ADJOURNED, period, f)


def reconvene_rows(period: Period, f: Filters) -> QuerySet[Review]:
    """KPI-T8b's population: reviews adjourned here (not cancelled) whose reconvene-by
    date is in the period, held, or not held with that date before today (late)."""
    rows = (
        Review.objects.filter(
            HELD_HERE,
            adjournment_count__gte=1,
            reconvene_by__gte=period.start,
            reconvene_by__lte=period.end,
        )
        .exclude(status=S.CANCELLED)
        .filter(Q(record_date__isnull=False) | Q(reconvene_by__lt=f.today))
        .annotate(
            due_counted=Coalesce("superseded_due_date", "due_date"),
            on=Coalesce("record_date", "reconvene_by"),
        )
    )
    return narrow(rows, f, day="on")


def reconvened_in_time(period: Period, f: Filters) -> Figure:
    """KPI-T8b: adjourned reviews completed by their reconvene-by date, 20 working days
    after the original date (stored when adjourned, T22), counted by that date; one
    still not held once it has passed is late."""
    return figure(
        "t8_reconvened",
        reconvene_rows(period, f),
        HELD & Q(completed_date__lte=F("reconvene_by")),
    )


def late_reviews_authorised(period: Period, f: Filters) -> Figure:
    """KPI-T9: reviews due in the period that were late (as KPI-T1 counts late: held
    after the due date counted, or not held by today), not imported, and how many of
    those the service manager had authorised in advance (T23)."""
    rows = due_rows(period, f).filter(HELD_HERE).exclude(ON_TIME)
    return figure("t9", rows, Q(out_of_timescale_authorised_by__isnull=False))
