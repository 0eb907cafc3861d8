"""Planning the next statutory review of a period of care from the timescale engine."""

from datetime import date

from django.db import transaction

from accounts.models import User
from children.models import PeriodOfCare
from reviews import timescales
from reviews.models import Review, ReviewEvent

_KIND_BY_TRACK = {
    timescales.ADOPTION_AUTHORISED: Review.Kind.ADOPTION_AUTHORISED,
    timescales.ADOPTION_PLACED: Review.Kind.ADOPTION_PLACED,
}


def reviews_held_dates(period: PeriodOfCare) -> list[date]:
    """Return the record dates of the reviews held in this period of care."""
    return sorted(period.reviews.held().values_list("record_date", flat=True))


def next_due_for_period(period: PeriodOfCare) -> timescales.Due:
    """Return the next statutory review due for the period, with its rule."""
    return timescales.next_review_due(
        period.started_on,
        reviews_held_dates(period),
        authority_to_place_on=period.authority_to_place_on,
        placed_for_adoption_on=period.placed_for_adoption_on,
        placement_ended_on=period.adoption_placement_ended_on,
        start_known=period.start_known,
    )


def _kind_for(due: timescales.Due, held: int) -> str:
    if due.track in _KIND_BY_TRACK:
        return _KIND_BY_TRACK[due.track]
    return {0: Review.Kind.INITIAL, 1: Review.Kind.SECOND}.get(
        held, Review.Kind.SUBSEQUENT
    )


@transaction.atomic
def review_plan_next(*, period: PeriodOfCare, by: User | None) -> Review | None:
    """Plan the period's next review with its due date, unless one is already open.

    Returns the open review (new or existing), or None when the period has ended.
    """
    period = PeriodOfCare.objects.select_for_update().get(pk=period.pk)
    if period.ended_on is not None:
        return None
    existing = period.reviews.open().first()
    if existing is not None:
        return existing
    due = next_due_for_period(period)
    review = Review(
        child_id=period.child_id,
        period=period,
        kind=_kind_for(due, len(reviews_held_dates(period))),
        status=Review.Status.PLANNED,
        due_date=due.date,
        due_track=due.track,
        due_rule=timescales.explain(due),
    )
    review.full_clean()
    review.save()
    ReviewEvent.objects.create(
        review=review, to_status=review.status, action="planned", by=by
    )
    return review
