from datetime import date

import pytest

from children.permissions import (
    can_read_case_record,
    can_view_child_audit,
    children_visible_to,
)
from tests.factories import DutyCoverFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 1, 8)


def visible_names(user, today=TODAY) -> set[str]:
    return {c.first_name for c in children_visible_to(user, today=today)}


@pytest.mark.parametrize(
    ("user_key", "expected"),
    [
        pytest.param("iro_a", {"Northa"}, id="iro-sees-own-caseload"),
        pytest.param("iro_b", {"Southa"}, id="other-iro-sees-own-caseload"),
        pytest.param("duty", set(), id="duty-iro-without-cover-sees-nothing"),
        pytest.param("manager", {"Northa", "Southa"}, id="service-manager-sees-all"),
        pytest.param("sw_north", {"Northa"}, id="social-worker-sees-own-team"),
        pytest.param("tm_north", {"Northa"}, id="team-manager-sees-own-team"),
        pytest.param("sw_south", {"Southa"}, id="other-team-social-worker"),
        pytest.param(
            "hos_north", {"Northa"}, id="senior-manager-sees-teams-under-them"
        ),
        pytest.param("bs", {"Northa", "Southa"}, id="business-support-sees-every-name"),
        pytest.param("admin", set(), id="administrator-sees-no-case-data"),
    ],
)
def test_children_visible_to_by_role(world, user_key, expected):
    assert visible_names(world[user_key]) == expected


def test_duty_iro_sees_covered_iros_children_only_during_cover(world):
    """Absence cover lasts from its first to its last day, inclusive."""
    DutyCoverFactory(
        duty_iro=world["duty"],
        covered_iro=world["iro_a"],
        starts_on=date(2025, 1, 6),
        ends_on=date(2025, 1, 10),
    )
    assert visible_names(world["duty"], date(2025, 1, 5)) == set()
    assert visible_names(world["duty"], date(2025, 1, 6)) == {"Northa"}
    assert visible_names(world["duty"], date(2025, 1, 10)) == {"Northa"}
    assert visible_names(world["duty"], date(2025, 1, 11)) == set()


def test_duty_rota_covers_children_with_no_iro(world):
    world["south_child"].iro = None
    world["south_child"].save()
    DutyCoverFactory(duty_iro=world["duty"], covered_iro=None)
    assert visible_names(world["duty"]) == {"Southa"}


def test_inactive_user_sees_nothing(world):
    world["manager"].is_active = False
    world["manager"].save()
    world["manager"].__dict__.pop("roles", None)
    assert visible_names(world["manager"]) == set()


def test_business_support_cannot_read_case_records(world):
    assert not can_read_case_record(world["bs"], world["north_child"])
    assert can_read_case_record(world["sw_north"], world["north_child"])
    assert not can_read_case_record(world["sw_north"], world["south_child"])


def test_only_the_service_manager_opens_the_audit_history(world):
    assert can_view_child_audit(world["manager"])
    assert not can_view_child_audit(world["tm_north"])
    assert not can_view_child_audit(world["admin"])
