"""The world every proof harness walks: one user per role and two children."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Role
from tests.factories import ChildFactory, DutyCoverFactory, TeamFactory, make_user

IN_SCOPE_NAME = ("Northa", "Inscope")
OUT_OF_SCOPE_NAME = ("Zephyrine", "Outofscope")


def build_proof_world() -> dict:
    """One user per role, a child they can all see, and a child only the all-seeing can.

    The Duty IRO covers the in-scope child's IRO today, so every role that works with
    children has the in-scope child in scope; the out-of-scope child is in another team,
    with another IRO and social worker.
    """
    north = TeamFactory(name="North")
    south = TeamFactory(name="South")
    iro = make_user(Role.IRO, username="p_iro")
    other_iro = make_user(Role.IRO, username="p_iro_south")
    users = {
        Role.IRO: iro,
        Role.DUTY_IRO: make_user(Role.IRO, Role.DUTY_IRO, username="p_duty"),
        Role.IRO_MANAGER: make_user(Role.IRO_MANAGER, username="p_manager"),
        Role.SOCIAL_WORKER: make_user(Role.SOCIAL_WORKER, username="p_sw", team=north),
        Role.TEAM_MANAGER: make_user(Role.TEAM_MANAGER, username="p_tm", team=north),
        Role.SENIOR_MANAGER: make_user(Role.SENIOR_MANAGER, username="p_hos"),
        Role.BUSINESS_SUPPORT: make_user(Role.BUSINESS_SUPPORT, username="p_bs"),
        Role.ADMINISTRATOR: make_user(
            Role.ADMINISTRATOR, username="p_admin", is_staff=True
        ),
    }
    assert set(users) == set(Role), "tests/proof/conftest.py needs a user per role"
    users[Role.SENIOR_MANAGER].overseen_teams.add(north)
    today = timezone.localdate()
    DutyCoverFactory(
        duty_iro=users[Role.DUTY_IRO],
        covered_iro=iro,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
    )
    south_sw = make_user(Role.SOCIAL_WORKER, username="p_sw_south", team=south)
    in_child = ChildFactory(
        first_name=IN_SCOPE_NAME[0],
        last_name=IN_SCOPE_NAME[1],
        team=north,
        social_worker=users[Role.SOCIAL_WORKER],
        iro=iro,
    )
    out_child = ChildFactory(
        first_name=OUT_OF_SCOPE_NAME[0],
        last_name=OUT_OF_SCOPE_NAME[1],
        team=south,
        social_worker=south_sw,
        iro=other_iro,
    )
    return {"users": users, "in_child": in_child, "out_child": out_child}
