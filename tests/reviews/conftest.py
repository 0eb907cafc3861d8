from datetime import date, datetime

import pytest
from django.utils import timezone

from reviews.services import review_plan_next


def aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


@pytest.fixture
def review(world):
    """Northa's first review, planned: looked after Monday 6 January 2025 (W1)."""
    period = world["north_child"].periods_of_care.get()
    assert period.started_on == date(2025, 1, 6)
    return review_plan_next(period=period, by=None)
