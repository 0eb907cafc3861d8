"""The dashboard's batched count (reporting.queries.batch) against each measure's own
query: the same numerator, denominator, rows and months, for every Part."""

from datetime import date, timedelta

import pytest
from django.db.models import Count, Q

from iro.models import IroAllocation
from reporting.queries import MEASURES
from reporting.queries.base import monthly
from reporting.queries.batch import HELD_PARTS, held_figures
from reviews.models import Review
from tests.factories import TeamFactory, UserFactory
from tests.reporting.helpers import FY2024, child, f, review

pytestmark = pytest.mark.django_db
P = Review.Participation


@pytest.fixture
def year_of_reviews():
    """Reviews held across the year, each differing in what the measures count: on
    time or late (authorised or not), imported, adjourned and reconvened in time or
    not, every PN code, chaired by a child of 10 or of 12, decisions in time or late;
    plus a review outside the year and one not held."""
    team, manager = TeamFactory(), UserFactory()
    codes = list(P.values) + [""]
    for n in range(24):
        held = date(2024, 4, 3) + timedelta(days=15 * n)
        due = held + timedelta(days=(-3 if n % 4 == 0 else 5))
        kid = child(
            date_of_birth=date(2012 if n % 3 else 2014, 1, 1),
            team=team if n % 2 else None,
        )
        review(
            kid,
            due,
            held=held,
            imported=n % 7 == 0,
            participation=codes[n % len(codes)],
            chaired_by="child" if n % 5 == 0 else "",
            adjournment_count=1 if n % 6 == 0 else 0,
            reconvene_by=held - timedelta(days=1) if n % 12 == 0 else held,
            rd_submitted_on=held + timedelta(days=3 if n % 2 else 20),
            out_of_timescale_authorised_by=manager if n % 8 == 4 else None,
        )
    review(child(), date(2024, 3, 1), held=date(2024, 3, 20), participation=P.PN1)
    review(child(), date(2024, 9, 1))
    return team


@pytest.mark.parametrize("team_filter", [False, True], ids=["service", "one-team"])
def test_one_query_agrees_with_each_measure_alone(year_of_reviews, team_filter):
    filters = f(team=year_of_reviews.pk) if team_filter else f()
    batched = held_figures(list(HELD_PARTS), FY2024, filters)
    assert set(batched) == set(HELD_PARTS)
    non_zero = 0
    for key, figure in batched.items():
        alone = MEASURES[key].figure(FY2024, filters)
        assert (figure.numerator, figure.denominator) == (
            alone.numerator,
            alone.denominator,
        ), key
        assert figure.ids == alone.ids and figure.numerator_ids == alone.numerator_ids
        by_month = monthly(alone.rows, Q(counted=True), "record_date", FY2024)
        assert list(figure.months) == by_month, key
        non_zero += bool(figure.numerator)
    assert non_zero >= len(HELD_PARTS) // 2  # the fixture exercises the measures


@pytest.mark.parametrize("key", ["t1", "t5"])
def test_counted_by_month_agrees_with_one_aggregate(year_of_reviews, key):
    """KPI-T1 and T5 are counted by month (the trend comes with the figure): the sums
    are what one aggregate of the same rows gives, and the trend needs no query."""
    # New periods of care in the year, one with an IRO in time, one late, one without.
    for n, allocated_after in enumerate([2, 30, None]):
        kid = child(started_on=date(2024, 5, 6) + timedelta(days=40 * n))
        if allocated_after is not None:
            IroAllocation.objects.create(
                child=kid,
                iro=UserFactory(),
                started_on=date(2024, 5, 6) + timedelta(days=40 * n + allocated_after),
            )
    measure = MEASURES[key]
    figure = measure.figure(FY2024, f())
    totals = figure.rows.order_by().aggregate(
        n=Count("pk", filter=Q(counted=True)), d=Count("pk")
    )
    assert (figure.numerator, figure.denominator) == (totals["n"], totals["d"])
    assert 0 < figure.numerator < figure.denominator
    assert figure.month_field == measure.month_field
    by_month = monthly(figure.rows, Q(counted=True), measure.month_field, FY2024)
    assert list(figure.months) == by_month == measure.trend(figure, FY2024)
