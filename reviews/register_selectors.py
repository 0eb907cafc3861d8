"""Read-only questions about children: the filtered list, the child's page and timeline."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from children.models import Child, Episode, PeriodOfCare
from reviews import timescales
from reviews.models import Review
from reviews.services.planning import next_due_for_period


def with_current_state(children: QuerySet[Child]) -> QuerySet[Child]:
    """Annotate the current legal status and placement, and the next review's due date."""
    current = Episode.objects.filter(
        period__child=OuterRef("pk"), period__ended_on__isnull=True
    ).order_by("-started_on", "-pk")
    open_review = (
        Review.objects.filter(child=OuterRef("pk")).open().order_by("due_date")
    )
    return children.annotate(
        current_legal_status=Subquery(current.values("legal_status")[:1]),
        current_placement=Subquery(current.values("placement")[:1]),
        next_review_due=Subquery(open_review.values("due_date")[:1]),
    )


def filter_children(children: QuerySet[Child], filters: dict, *, today: date):
    """Apply the list's filters (ids and codes only)."""
    children = with_current_state(children)
    if filters.get("team"):
        children = children.filter(team=filters["team"])
    if filters.get("iro"):
        children = children.filter(iro=filters["iro"])
    if filters.get("legal_status"):
        children = children.filter(current_legal_status=filters["legal_status"])
    # The next review is the earliest open one, so "next due by a date" is "some open
    # review due by it": a semi-join the database runs from the open reviews' due
    # dates (reviews_open_due_idx) rather than a subquery for every child.
    open_reviews = Review.objects.filter(child=OuterRef("pk")).open()
    if filters.get("due_within") is not None:
        until = today + timedelta(days=filters["due_within"])
        children = children.filter(Exists(open_reviews.filter(due_date__lte=until)))
    if filters.get("overdue"):
        children = children.filter(Exists(open_reviews.filter(due_date__lt=today)))
    return children


@dataclass(frozen=True)
class NextReview:
    due: date
    explanation: str
    practical: date
    overdue: bool


def next_review(
    period: PeriodOfCare | None, *, today: date, reviews: list[Review] | None = None
) -> NextReview | None:
    """The open review's due date and rule, or the engine's when none is planned.

    `reviews`, when given, are the child's reviews already read (in due date order).
    """
    if period is None or period.short_breaks:
        return None
    if reviews is None:
        review = period.reviews.open().order_by("due_date").first()
    else:
        review = next(
            (
                r
                for r in sorted(reviews, key=lambda r: r.due_date)
                if r.period_id == period.pk and r.status in Review.OPEN_STATUSES
            ),
            None,
        )
    if review is not None:
        due, explanation = review.due_date, review.due_rule
    else:
        deadline = next_due_for_period(period)
        due, explanation = deadline.date, timescales.explain(deadline)
    return NextReview(
        due=due,
        explanation=explanation,
        practical=timescales.practical_latest(due),
        overdue=due < today,
    )


@dataclass(frozen=True)
class TimelineItem:
    on: date
    kind: str
    text: str
    url: str = ""


def timeline(
    child: Child,
    *,
    with_case_events: bool,
    periods: list[PeriodOfCare] | None = None,
    reviews: list[Review] | None = None,
    allocations: list | None = None,
    events: list | None = None,
) -> list[TimelineItem]:
    """Periods, episodes, reviews, IRO changes and significant events, newest first.

    The child's page passes the records it has already read (the periods with their
    episodes prefetched); what is not passed is read here.
    """
    if periods is None:
        periods = list(child.periods_of_care.all())
        episodes = list(Episode.objects.filter(period__child=child))
    else:
        episodes = sorted(
            (e for p in periods for e in p.episodes.all()),
            key=lambda e: (e.started_on, e.pk),
        )
    if allocations is None:
        allocations = child.iro_allocations.select_related("iro")
    items = [
        *(item for period in periods for item in _period_items(period)),
        *(_episode_item(episode) for episode in episodes),
        *(
            _review_item(review)
            for review in (child.reviews.all() if reviews is None else reviews)
        ),
        *(
            TimelineItem(allocation.started_on, "IRO", f"{allocation.iro} allocated")
            for allocation in allocations
        ),
    ]
    if with_case_events:
        items.extend(
            _event_item(event)
            for event in (child.significant_events.all() if events is None else events)
        )
    return sorted(items, key=lambda item: item.on, reverse=True)


def _period_items(period: PeriodOfCare) -> list[TimelineItem]:
    """The period's start and end, and its adoption milestones."""
    items = [TimelineItem(period.started_on, "Period of care", "Became looked after")]
    if period.ended_on:
        items.append(
            TimelineItem(
                period.ended_on,
                "Period of care",
                f"Ceased to be looked after ({period.reason_ended})",
            )
        )
    for label, day in (
        ("Authority to place for adoption", period.authority_to_place_on),
        ("Placed for adoption", period.placed_for_adoption_on),
        ("Adoption placement ended", period.adoption_placement_ended_on),
        ("Adoption order", period.adoption_order_on),
    ):
        if day:
            items.append(TimelineItem(day, "Adoption", label))
    return items


def _episode_item(episode: Episode) -> TimelineItem:
    return TimelineItem(
        episode.started_on,
        "Episode",
        f"{episode.get_reason_new_display()}: {episode.get_legal_status_display()}; "
        f"{episode.get_placement_display()}",
    )


def _review_item(review: Review) -> TimelineItem:
    """The review on its record date, or on its due date while it has none."""
    day = review.record_date or review.due_date
    state = review.get_status_display()
    return TimelineItem(day, "Review", f"{review.get_kind_display()} ({state.lower()})")


def _event_item(event) -> TimelineItem:
    return TimelineItem(
        event.occurred_on,
        "Significant event",
        event.get_kind_display(),
        event.get_absolute_url(),
    )
