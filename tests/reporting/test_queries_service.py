"""Caseloads against 50–70, feedback, IRO contact between reviews, challenges,
practice acknowledgements, observations and audits (docs/rules.md, Measures)."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from disputes.models import CaseAudit, PracticeAcknowledgement, PracticeObservation
from iro.models import IroAllocation
from reporting.queries import service
from reviews.models import ChildContact, FeedbackResponse
from tests.factories import ChallengeFactory, TeamFactory, make_user
from tests.reporting.helpers import FY2024, child, f, review

pytestmark = pytest.mark.django_db
HELD = date(2024, 6, 3)
END = date(2025, 3, 31)


def _allocate(kid, iro, started=date(2023, 1, 2), ended=None):
    return IroAllocation.objects.create(
        child=kid, iro=iro, started_on=started, ended_on=ended
    )


def test_caseloads_per_fte_with_rag():
    """On 31 March 2025: A (0.05 FTE) 3 children = 60.0, green; B (0.04 FTE) 3 = 75.0,
    red; C (1 FTE) 1 = 1.0, below range. A's 18-year-old is shown apart; a child who
    left care, an allocation that ended and a short-breaks child are not counted.
    Service: 7 children / 1.09 FTE = 6.4."""
    a = make_user(Role.IRO, username="a", fte=Decimal("0.05"), last_name="A")
    b = make_user(Role.IRO, username="b", fte=Decimal("0.04"), last_name="B")
    c = make_user(Role.IRO, username="c", fte=Decimal("1.00"), last_name="C")
    for iro, n in [(a, 3), (b, 3), (c, 1)]:
        for _ in range(n):
            _allocate(child(), iro)
    _allocate(child(date_of_birth=date(2007, 3, 31)), a)  # 18 on 31 March 2025
    left = child()
    left.periods_of_care.update(ended_on=date(2025, 3, 31))
    _allocate(left, a)
    _allocate(child(), a, ended=date(2025, 3, 1))
    short = child()
    short.periods_of_care.update(short_breaks=True)
    _allocate(short, a)
    loads = service.caseloads(FY2024, f())
    rows = {r.iro.username: r for r in loads.rows}
    assert (rows["a"].children, rows["a"].post18, rows["a"].per_fte, rows["a"].rag) == (
        3,
        1,
        Decimal("60.0"),
        "green",
    )
    assert (rows["b"].per_fte, rows["b"].rag) == (Decimal("75.0"), "red")
    assert (rows["c"].per_fte, rows["c"].rag) == (Decimal("1.0"), "below")
    assert loads.on == END and loads.children == 7
    assert loads.average == Decimal("6.4")
    assert service.caseload_children(FY2024, f(iro=a.pk)).count() == 3


def test_feedback_satisfaction():
    """Child yes, child no, parent yes, a no-answer left out: 2 of 3; children 1 of 2."""
    r = review(child(), HELD, held=HELD)
    for role, satisfied in [
        ("child", True),
        ("child", False),
        ("parent", True),
        ("carer", None),
    ]:
        FeedbackResponse.objects.create(
            review=r, respondent_role=role, satisfied=satisfied
        )
    everyone = service.feedback_satisfied(FY2024, f())
    assert (everyone.numerator, everyone.denominator, everyone.percent) == (
        2,
        3,
        Decimal("66.7"),
    )
    children = service.feedback_children_satisfied(FY2024, f())
    assert (children.numerator, children.denominator) == (1, 2)


def test_contacts_between_reviews():
    """Two children reviewed; one visited between reviews (a contact tied to a review
    does not count): 1 of 2."""
    iro = make_user(Role.IRO)
    seen, unseen = child(), child()
    for kid in (seen, unseen):
        r = review(kid, HELD, held=HELD)
        ChildContact.objects.create(
            child=kid, review=r, iro=iro, on=date(2024, 5, 1), how="visit"
        )
    ChildContact.objects.create(child=seen, iro=iro, on=date(2024, 9, 1), how="visit")
    ChildContact.objects.create(child=seen, iro=iro, on=date(2024, 10, 1), how="phone")
    figure = service.contacts_between_reviews(FY2024, f())
    assert figure.numerator_ids == [seen.pk] and figure.denominator == 2
    assert service.contacts_by_kind(FY2024, f()) == {
        "visit": 1,
        "phone": 1,
        "video": 0,
        "text": 0,
    }


def test_challenges_by_team_and_level_reuse_the_disputes_reports():
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    ChallengeFactory(team_at_time=north, raised_on=date(2024, 5, 1), category="school")
    ChallengeFactory(
        team_at_time=north,
        raised_on=date(2024, 6, 1),
        level="formal",
        stage=1,
        formal_started_on=date(2024, 6, 1),
    )
    ChallengeFactory(team_at_time=south, raised_on=date(2024, 7, 1))
    ChallengeFactory(team_at_time=north, raised_on=date(2025, 4, 1))  # next year
    figure = service.challenges_raised(FY2024, f())
    assert (figure.numerator, figure.denominator) == (1, 3)
    assert service.challenges_raised(FY2024, f(team=north.pk)).denominator == 2
    d = service.disputes(FY2024, f())
    assert d["levels"] == {"informal": 2, "formal": 1}
    assert d["concerns"].totals.total == 3


def test_acknowledgements_observations_and_audits():
    north = TeamFactory(name="North")
    iro, other, manager = (
        make_user(Role.IRO),
        make_user(Role.IRO),
        make_user(Role.IRO_MANAGER),
    )
    worker = make_user(Role.SOCIAL_WORKER, team=north)
    kid = child(team=north)
    for kind in [
        "good_practice_acknowledgement",
        "good_practice_acknowledgement",
        "area_for_improvement",
    ]:
        PracticeAcknowledgement.objects.create(
            child=kid,
            kind=kind,
            worker=worker,
            team=north,
            description="d",
            impact_for_child="i",
            recorded_on=date(2024, 8, 1),
            recorded_by=iro,
        )
    rows = service.acknowledgements_by_team(FY2024, f())
    assert [(r.team, r.good_practice, r.for_improvement) for r in rows] == [
        ("North", 2, 1)
    ]
    PracticeObservation.objects.create(
        iro=iro, observed_on=date(2024, 9, 1), findings="f", recorded_by=manager
    )
    PracticeObservation.objects.create(
        iro=other, observed_on=date(2023, 9, 1), findings="f", recorded_by=manager
    )
    observed = service.iros_observed(FY2024, f())
    assert (observed.numerator_ids, observed.denominator) == ([iro.pk], 2)
    CaseAudit.objects.create(
        child=kid,
        iro=iro,
        audited_on=date(2024, 10, 1),
        grade="good",
        findings="f",
        recorded_by=manager,
    )
    assert service.case_audits(FY2024, f())["good"] == 1
