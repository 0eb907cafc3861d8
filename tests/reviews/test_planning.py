from datetime import date

import pytest
from django.db import IntegrityError, transaction

from reviews.models import Review
from reviews.services import review_plan_next
from reviews.services.register import child_register

pytestmark = pytest.mark.django_db


def register(looked_after_on=date(2025, 1, 6)):
    return child_register(
        child_id="W1",
        first_name="Ada",
        last_name="Example",
        date_of_birth=date(2015, 3, 1),
        looked_after_on=looked_after_on,
        by=None,
    )


def test_a_new_period_of_care_plans_the_first_review_20_working_days_on():
    """W1: looked after Monday 6 January 2025, first review due Monday 3 February 2025."""
    child = register()
    review = Review.objects.get(child=child)
    assert review.status == Review.Status.PLANNED
    assert review.kind == Review.Kind.INITIAL
    assert review.due_date == date(2025, 2, 3)
    assert "regulation 33(1)" in review.due_rule
    assert review.events.get().action == "planned"


def test_planning_again_keeps_the_one_open_review():
    child = register()
    period = child.periods_of_care.get()
    assert review_plan_next(period=period, by=None) == Review.objects.get(child=child)
    assert Review.objects.filter(child=child).count() == 1


def test_database_refuses_a_second_open_review_for_a_period():
    child = register()
    review = Review.objects.get(child=child)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            child=child, period=review.period, due_date=date(2025, 3, 1)
        )
