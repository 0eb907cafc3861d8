"""Reports on challenges, and the Gloucestershire 2013/14 'Concerns raised' table.

Source: Gloucestershire IRO annual report 2013/14 (sources/003_5c0e6c04e00657af.txt):

    Team                        SWP  Safety  Placement  Permanence  School  Other  Total  Reviews  %
    Children & Families teams    17       1          5           8       0      3     34      567  6 %
    Children in Care team        14       0          5           3       0      5     27      354  8 %
    Permanence team               1       0          0           4       0      0      5      261  2 %
    Post 16 & Asylum teams        1       1          6           0       0      0      8      261  3 %
    TOTAL                        33       2         16          15       0      8     74     1443
    2012/13                      18       3         10          16       3      4     54     1332
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from children.models import SocialWorkerAllocation
from disputes import reports, services
from disputes.models import Category, Challenge
from reviews.models import Review
from tests.factories import (
    ChallengeFactory,
    ChildFactory,
    PeriodOfCareFactory,
    TeamFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

CATEGORIES = [
    Category.SOCIAL_WORK_PRACTICE,
    Category.CHILD_SAFETY,
    Category.PLACEMENT_POST16,
    Category.PERMANENCE_DRIFT,
    Category.SCHOOL,
    Category.OTHER,
]
GLOUCESTERSHIRE_2013_14 = [
    # team, concerns per category (in CATEGORIES order), reviews, printed %
    ("Children & Families teams", (17, 1, 5, 8, 0, 3), 567, 6),
    ("Children in Care team", (14, 0, 5, 3, 0, 5), 354, 8),
    ("Permanence team", (1, 0, 0, 4, 0, 0), 261, 2),
    ("Post 16 & Asylum teams", (1, 1, 6, 0, 0, 0), 261, 3),
]
GLOUCESTERSHIRE_2012_13 = ((18, 3, 10, 16, 3, 4), 1332)
YEAR_2013_14 = (date(2013, 4, 1), date(2014, 3, 31))
YEAR_2012_13 = (date(2012, 4, 1), date(2013, 3, 31))


def _team_with_child(name):
    team = TeamFactory(name=name)
    worker = make_user(Role.SOCIAL_WORKER, team=team)
    child = ChildFactory(team=team, social_worker=worker, period=None)
    period = PeriodOfCareFactory(child=child, started_on=date(2010, 1, 4))
    SocialWorkerAllocation.objects.create(
        child=child, social_worker=worker, team=team, started_on=date(2010, 1, 4)
    )
    return team, child, period


def _held_reviews(child, period, count, year):
    start, end = year
    span = (end - start).days + 1
    Review.objects.bulk_create(
        Review(
            child=child,
            period=period,
            status=Review.Status.CLOSED,
            due_date=start + timedelta(days=n % span),
            record_date=start + timedelta(days=n % span),
        )
        for n in range(count)
    )


def _concerns(child, team, counts, year, iro):
    start, end = year
    for category, n in zip(CATEGORIES, counts, strict=True):
        for i in range(n):
            ChallengeFactory(
                child=child,
                team_at_time=team,
                category=category,
                raised_by=iro,
                raised_on=start + timedelta(days=(i * 37) % ((end - start).days + 1)),
            )


@pytest.fixture
def gloucestershire(db):
    iro = make_user(Role.IRO, username="glos_iro")
    for name, counts, reviews, _ in GLOUCESTERSHIRE_2013_14:
        team, child, period = _team_with_child(name)
        _held_reviews(child, period, reviews, YEAR_2013_14)
        _concerns(child, team, counts, YEAR_2013_14, iro)
    # 2012/13: only the totals are printed; put them on one team.
    team, child, period = _team_with_child("Children in Care team (2012/13)")
    counts, reviews = GLOUCESTERSHIRE_2012_13
    _held_reviews(child, period, reviews, YEAR_2012_13)
    _concerns(child, team, counts, YEAR_2012_13, iro)
    # Outside both years: neither counted.
    ChallengeFactory(child=child, team_at_time=team, raised_on=date(2014, 4, 1))
    _held_reviews(child, period, 5, (date(2014, 4, 1), date(2014, 4, 5)))


def test_gloucestershire_2013_14_concerns_table_is_reproduced(gloucestershire):
    """Per-team percentages 6, 8, 2, 3 from 34/567, 27/354, 5/261 and 8/261."""
    table = reports.concerns_by_team_and_category(*YEAR_2013_14)
    assert table.categories == (
        "Social work practice",
        "Child safety",
        "Placement or post-16 planning",
        "Permanence or drift",
        "School",
        "Other",
    )
    got = [(r.team, r.counts, r.reviews, r.percent) for r in table.rows]
    expected = [
        (name, counts, reviews, percent)
        for name, counts, reviews, percent in GLOUCESTERSHIRE_2013_14
    ]
    assert sorted(got) == sorted(expected)
    by_team = {r.team: r for r in table.rows}
    in_source_order = [by_team[name] for name, *_ in GLOUCESTERSHIRE_2013_14]
    assert [r.total for r in in_source_order] == [34, 27, 5, 8]
    assert [r.percent for r in in_source_order] == [6, 8, 2, 3]
    assert table.totals.counts == (33, 2, 16, 15, 0, 8)
    assert (table.totals.total, table.totals.reviews) == (74, 1443)
    assert table.totals.percent == 5  # 74/1443 = 5.1 %, not printed in the report


def test_gloucestershire_2012_13_comparison_row(gloucestershire):
    table = reports.concerns_by_team_and_category(*YEAR_2012_13)
    assert table.totals.counts == (18, 3, 10, 16, 3, 4)
    assert (table.totals.total, table.totals.reviews) == (54, 1332)
    assert table.totals.percent == 4  # 54/1332 = 4.1 %


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        pytest.param(34, 567, 6, id="6.0"),
        pytest.param(27, 354, 8, id="7.6"),
        pytest.param(5, 261, 2, id="1.9"),
        pytest.param(8, 261, 3, id="3.07"),
        pytest.param(1, 8, 13, id="12.5-rounds-half-up"),
        pytest.param(1, 0, None, id="no-reviews"),
    ],
)
def test_percentage(part, whole, expected):
    assert reports.percentage(part, whole) == expected


def _held_on(child, period, day) -> Review:
    return Review.objects.create(
        child=child,
        period=period,
        status=Review.Status.CLOSED,
        due_date=day,
        record_date=day,
    )


def test_reviews_count_for_the_team_on_the_record_date(db):
    """A child moves team mid-year: each review counts for the team they were in then."""
    old, child, period = _team_with_child("Old team")
    new = TeamFactory(name="New team")
    allocation = SocialWorkerAllocation.objects.get(child=child)
    allocation.ended_on = date(2013, 10, 1)
    allocation.save()
    SocialWorkerAllocation.objects.create(
        child=child,
        social_worker=allocation.social_worker,
        team=new,
        started_on=date(2013, 10, 1),
    )
    for day in (date(2013, 6, 1), date(2013, 9, 30), date(2013, 10, 1)):
        _held_on(child, period, day)
    assert reports.reviews_by_team(*YEAR_2013_14) == {old.pk: 2, new.pk: 1}


def test_reviews_count_for_the_latest_allocation_then_else_the_childs_team(db):
    """Two allocations overlap in the summer: the later-started one counts there; an
    allocation started after a review, or ended before it, does not; a child with no
    allocation counts for their own team."""
    first, child, period = _team_with_child("First team")
    second, third = TeamFactory(name="Second team"), TeamFactory(name="Third team")
    allocation = SocialWorkerAllocation.objects.get(child=child)
    allocation.ended_on = date(2013, 9, 1)
    allocation.save()
    for team, started_on, ended_on in (
        (second, date(2013, 6, 1), None),  # overlaps the first from June
        (third, date(2012, 1, 1), date(2013, 5, 1)),  # ended before any review
    ):
        SocialWorkerAllocation.objects.create(
            child=child,
            social_worker=allocation.social_worker,
            team=team,
            started_on=started_on,
            ended_on=ended_on,
        )
    unallocated = ChildFactory(team=third, period=None)
    unallocated_period = PeriodOfCareFactory(
        child=unallocated, started_on=date(2010, 1, 4)
    )
    for kid, in_care, day in (
        (child, period, date(2013, 5, 20)),  # the first team alone
        (child, period, date(2013, 7, 1)),  # both: the second started later
        (child, period, date(2013, 12, 1)),  # the second alone
        (unallocated, unallocated_period, date(2013, 8, 1)),  # no allocation
    ):
        _held_on(kid, in_care, day)
    counts = reports.reviews_by_team(*YEAR_2013_14)
    assert counts == {first.pk: 1, second.pk: 2, third.pk: 1}


# --- The dispute resolution figures -----------------------------------------------------


def _raise(w, on, stage=0):
    return services.challenge_raise(
        child=w["north_child"],
        by=w["iro_a"],
        category=Category.PLACEMENT_POST16,
        description="Placement plan",
        impact_for_child="Uncertainty",
        raised_on=on,
        stage=stage,
        skip_reason="Urgent" if stage else "",
    )


def test_dispute_resolution_figures(drp_world):
    w = drp_world
    mon = date(2025, 3, 3)
    informal = _raise(w, mon)  # closed in 4 working days
    services.challenge_resolve(
        challenge=informal,
        by=w["iro_a"],
        outcome=Challenge.Outcome.RESOLVED,
        outcome_impact="Placement confirmed",
        on=date(2025, 3, 7),
    )
    quick = _raise(w, mon, stage=1)  # formal, resolved in 10 working days
    services.challenge_resolve(
        challenge=quick,
        by=w["iro_a"],
        outcome=Challenge.Outcome.PARTIALLY_RESOLVED,
        outcome_impact="Some progress",
        on=date(2025, 3, 17),
    )
    slow = _raise(w, mon, stage=1)  # escalated to 3, resolved after 20 working days
    services.challenge_escalate(
        challenge=slow, by=w["iro_a"], to_stage=3, on=date(2025, 3, 10), reason="Leave"
    )
    services.cafcass_referral_record(
        challenge=slow, by=w["iro_a"], referred_on=date(2025, 3, 28), reason="Breach"
    )
    services.challenge_resolve(
        challenge=slow,
        by=w["iro_a"],
        outcome=Challenge.Outcome.RESOLVED,
        outcome_impact="Plan in place",
        on=date(2025, 4, 2),  # formal ended Mon 31 Mar: 22 working days
    )
    _raise(w, mon, stage=2)  # still open, past its 20 working days (31 March)
    year = (date(2025, 1, 1), date(2025, 12, 31))
    summary = reports.dispute_summary(*year, today=date(2025, 6, 2))
    assert summary.levels == {"informal": 1, "formal": 3}
    assert summary.highest_stage == {0: 1, 1: 1, 2: 1, 3: 1, 4: 0}
    assert sorted(reports.working_days_to_resolution(*year)) == [4, 10, 22]
    assert summary.median_working_days == 10
    assert summary.formal_within_20 == reports.WithinTwenty(1, 3, 33, waiting=1)
    assert summary.cafcass == {"North": 1}
    assert summary.concerns.totals.counts == (0, 0, 4, 0, 0, 0)


def test_reports_take_a_scoped_queryset(drp_world):
    from disputes.permissions import challenges_visible_to

    w = drp_world
    _raise(w, timezone.localdate())
    year = (date(2000, 1, 1), date(2100, 12, 31))
    scoped = challenges_visible_to(w["sw_south"])
    assert reports.informal_and_formal(*year, challenges=scoped) == {
        "informal": 0,
        "formal": 0,
    }
    assert reports.informal_and_formal(*year)["informal"] == 1
