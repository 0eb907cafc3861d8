"""Building review rows directly for the reporting tests: each test states its own
fixtures, and the expected figures are worked out by hand in the test."""

from datetime import date, datetime, time

from django.utils import timezone

from reporting.queries import Filters, Period
from reviews.models import Review
from tests.factories import ChildFactory

FY2024 = Period.financial_year(2024)  # 1 April 2024 to 31 March 2025
AFTER = date(2025, 6, 2)  # "today" for a finished year


def child(started_on=date(2023, 1, 2), **fields):
    return ChildFactory(period__started_on=started_on, **fields)


def review(kid, due, *, held=None, status=None, **fields) -> Review:
    """A review of the child's open period; held on `held` (closed) or still planned."""
    if status is None:
        status = Review.Status.CLOSED if held else Review.Status.PLANNED
    return Review.objects.create(
        child=kid,
        period=kid.periods_of_care.order_by("-started_on").first(),
        due_date=due,
        record_date=held,
        completed_date=held,
        status=status,
        **fields,
    )


def cancelled(kid, due, reason, **fields) -> Review:
    return review(
        kid, due, status=Review.Status.CANCELLED, cancel_reason=reason, **fields
    )


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def f(**kwargs) -> Filters:
    return Filters(today=kwargs.pop("today", AFTER), **kwargs)
