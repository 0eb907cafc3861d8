from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from disputes import services
from disputes.models import Category, PracticeAcknowledgement
from disputes.permissions import (
    can_act_as_iro_on_challenge,
    can_raise_challenge,
    can_see_challenges,
    challenges_visible_to,
)
from tests.factories import DutyCoverFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(drp_world):
    w = drp_world
    return services.challenge_raise(
        child=w["north_child"],
        by=w["iro_a"],
        category=Category.OTHER,
        description="Health assessment overdue.",
        impact_for_child="Unmet health needs.",
        raised_on=timezone.localdate(),
    )


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        pytest.param("iro_a", True, id="childs-iro"),
        pytest.param("iro_b", False, id="other-iro"),
        pytest.param("duty", False, id="duty-iro-not-covering"),
        pytest.param("manager", True, id="iro-service-manager"),
        pytest.param("sw_north", True, id="childs-social-worker"),
        pytest.param("tm_north", True, id="team-manager"),
        pytest.param("sw_south", False, id="other-team-social-worker"),
        pytest.param("hos_north", True, id="head-of-service-over-team"),
        pytest.param("ad_north", True, id="assistant-director-over-team"),
        pytest.param("director", False, id="director-not-yet-involved"),
        pytest.param("bs", False, id="business-support"),
        pytest.param("admin", False, id="administrator"),
    ],
)
def test_who_sees_a_challenge(drp_world, challenge, who, sees):
    assert (
        challenges_visible_to(drp_world[who]).filter(pk=challenge.pk).exists() is sees
    )


def test_the_duty_iro_covering_sees_and_acts(drp_world, challenge):
    w = drp_world
    today = timezone.localdate()
    DutyCoverFactory(
        duty_iro=w["duty"],
        covered_iro=w["iro_a"],
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
    )
    assert challenges_visible_to(w["duty"]).filter(pk=challenge.pk).exists()
    assert can_act_as_iro_on_challenge(w["duty"], challenge)
    assert can_raise_challenge(w["duty"], w["north_child"])


def test_a_stage_owner_sees_the_challenge_they_answer(drp_world, challenge):
    """The director oversees no team listed, but answers stage 4 and so sees it."""
    w = drp_world
    services.challenge_escalate(
        challenge=challenge,
        by=w["iro_a"],
        to_stage=4,
        on=timezone.localdate(),
        reason="Serious and urgent",
    )
    assert challenges_visible_to(w["director"]).filter(pk=challenge.pk).exists()


def test_inactive_users_see_nothing(drp_world, challenge):
    w = drp_world
    w["iro_a"].is_active = False
    w["iro_a"].save()
    assert not challenges_visible_to(w["iro_a"]).exists()


@pytest.mark.parametrize(
    ("who", "may"),
    [("iro_a", True), ("manager", True), ("sw_north", False), ("tm_north", False)],
)
def test_who_acts_as_the_iro(drp_world, challenge, who, may):
    assert can_act_as_iro_on_challenge(drp_world[who], challenge) is may


@pytest.mark.parametrize(
    ("who", "may"), [("bs", False), ("admin", False), ("sw_north", True)]
)
def test_challenges_in_the_navigation(drp_world, who, may):
    assert can_see_challenges(drp_world[who]) is may


def test_an_iro_moved_off_the_child_keeps_no_access_to_the_challenge(
    drp_world, challenge
):
    """Need to know: the IRO who raised it loses it with the child (the new IRO acts)."""
    w = drp_world
    assert challenge in challenges_visible_to(w["iro_a"])
    child = w["north_child"]
    child.iro = w["iro_b"]
    child.save()
    challenge.refresh_from_db()
    assert challenge not in challenges_visible_to(w["iro_a"])
    assert not can_act_as_iro_on_challenge(w["iro_a"], challenge)
    assert challenge in challenges_visible_to(w["iro_b"])
    assert can_act_as_iro_on_challenge(w["iro_b"], challenge)


def test_a_team_the_child_has_left_keeps_no_access_to_the_challenge(
    drp_world, challenge, south_team
):
    w = drp_world
    child = w["north_child"]
    child.team = south_team
    child.social_worker = None
    child.save()
    challenge.refresh_from_db()
    owners = set(challenge.stages.values_list("owner_id", flat=True))
    assert w["hos_north"].pk not in owners
    assert challenge not in challenges_visible_to(w["hos_north"])
    assert challenge not in challenges_visible_to(w["sw_north"])
    # Whoever owns a stage still answers it, whichever team the child is in now.
    for owner in owners - {None}:
        assert challenge in challenges_visible_to(User.objects.get(pk=owner))


def test_an_iro_moved_off_the_child_keeps_no_access_to_its_practice_notes(drp_world):
    from disputes.permissions import acknowledgements_visible_to

    w = drp_world
    note = services.acknowledgement_record(
        child=w["north_child"],
        by=w["iro_a"],
        kind=PracticeAcknowledgement.Kind.GOOD_PRACTICE,
        description="Thorough life-story work.",
        impact_for_child="The child understands their history.",
        recorded_on=timezone.localdate(),
    )
    assert note in acknowledgements_visible_to(w["iro_a"])
    child = w["north_child"]
    child.iro = w["iro_b"]
    child.save()
    assert note not in acknowledgements_visible_to(w["iro_a"])
    assert note in acknowledgements_visible_to(w["iro_b"])
