"""seed_scale: a small population on PostgreSQL, its guards and determinism.

The command loads with COPY from a second connection, so these tests run outside a
test transaction (transaction=True) and need PostgreSQL.
"""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import User
from children.models import Child, PeriodOfCare
from reviews.models import Review
from reviews.services import next_due_for_period
from reviews.services.recompute import recompute_due_dates
from tests.factories import ChildFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="seed_scale loads with PostgreSQL COPY (set DATABASE_URL to PostgreSQL)",
    ),
]

TODAY = date(2026, 11, 23)
N = 200


@pytest.fixture(autouse=True)
def _debug(settings):
    """seed_scale runs only with DEBUG on (pytest-django turns it off)."""
    settings.DEBUG = True


def seed(**options) -> str:
    out = StringIO()
    call_command(
        "seed_scale",
        children=N,
        seed=7,
        today=TODAY,
        stdout=out,
        stderr=StringIO(),
        **options,
    )
    return out.getvalue()


def fingerprint() -> list:
    return list(
        Review.objects.order_by("pk").values_list(
            "pk", "child__child_id", "status", "due_date", "record_date"
        )
    )


def test_a_small_population_that_the_engine_agrees_with():
    out = seed()
    assert "Seed 7" in out
    assert Child.objects.count() == N
    assert User.objects.filter(username__startswith="scale_iro").count() == 1_800
    reviews = Review.objects.count()
    assert 10 * N < reviews < 30 * N
    open_periods = PeriodOfCare.objects.filter(ended_on__isnull=True)
    assert open_periods.count() == Review.objects.open().count()
    # Every open review's due date is the engine's, so a recompute changes nothing.
    for period in open_periods[:50]:
        review = period.reviews.open().get()
        assert review.due_date == next_due_for_period(period).date
    result = recompute_due_dates(TODAY)
    assert result.due_dates_changed == 0
    assert result.rag_changed == 0
    # The sample users can sign in with the documented password.
    assert User.objects.get(username="scale_iro0001").check_password(
        "scale-bench-password"
    )


def test_the_same_seed_gives_the_same_rows():
    seed()
    first = fingerprint()
    seed(reset=True)
    assert fingerprint() == first


def test_it_refuses_real_looking_data_and_debug_off(settings):
    ChildFactory(child_id="A1234567")
    with pytest.raises(CommandError, match="real-looking"):
        seed()
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=false"):
        seed()


def test_it_refuses_to_seed_twice_without_reset():
    seed()
    with pytest.raises(CommandError, match="--reset"):
        seed()
    assert "nothing to do" in seed(if_empty=True)
