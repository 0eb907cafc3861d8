"""The proof world is what tests/proof/world.py says, and is shared without leaking.

Built once per test module (tests/proof/conftest.py): every test gets fresh instances
and runs in a savepoint rolled back after it, so what one test changes, in the database
or in memory, the next does not see.
"""

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from accounts.models import Role, User
from children.models import Child
from children.permissions import children_visible_to
from iro.models import DutyCover, IroAllocation
from iro.permissions import acts_as_iro_for
from reviews.models import Review
from tests.factories import TEST_PASSWORD
from tests.proof.world import CHILDREN, IN_SCOPE_NAME, OUT_OF_SCOPE_NAME

pytestmark = pytest.mark.django_db


def _who(world):
    return {**world["users"], **world["people"]}


def test_every_user_sees_the_children_the_world_says(proof_world):
    """children.permissions agrees with the world's scope, for every user in it."""
    keys = {child.pk: key for key, child in proof_world["children"].items()}
    for name, user in _who(proof_world).items():
        seen = {
            keys[pk] for pk in children_visible_to(user).values_list("pk", flat=True)
        }
        assert seen == proof_world["scope"][name], name


def test_the_world_has_several_children_in_and_out_of_scope_for_each_role(proof_world):
    restricted = [Role.IRO, Role.DUTY_IRO, Role.SOCIAL_WORKER, Role.TEAM_MANAGER]
    for role in [*restricted, Role.SENIOR_MANAGER]:
        scope = proof_world["scope"][role]
        assert len(scope) >= 2 and len(set(CHILDREN) - scope) >= 2, role
        assert "in" in scope and "out" not in scope, role
    assert Child.objects.count() == len(CHILDREN)
    assert (proof_world["in_child"].first_name, proof_world["in_child"].last_name) == (
        IN_SCOPE_NAME
    )
    assert (
        proof_world["out_child"].first_name,
        proof_world["out_child"].last_name,
    ) == OUT_OF_SCOPE_NAME


def test_the_iro_no_longer_sees_their_former_child(proof_world):
    iro = proof_world["users"][Role.IRO]
    former = proof_world["former_allocation"]
    out = proof_world["out_child"]
    assert former.iro == iro and former.child == out and former.ended_on is not None
    current = IroAllocation.objects.get(child=out, ended_on__isnull=True)
    assert current.iro == out.iro == proof_world["people"]["iro_south"]
    assert not children_visible_to(iro).filter(pk=out.pk).exists()


def test_the_duty_iro_covers_an_absence_and_the_rota_today_only(proof_world):
    duty = proof_world["users"][Role.DUTY_IRO]
    today = timezone.localdate()
    covers = proof_world["covers"]
    assert covers["absence"].covered_iro == proof_world["users"][Role.IRO]
    assert covers["rota"].covered_iro is None
    on_today = set(DutyCover.objects.on(today).filter(duty_iro=duty))
    assert on_today == {covers["absence"], covers["rota"]}
    assert covers["past"].ends_on < today < covers["future"].starts_on
    children = proof_world["children"]
    assert acts_as_iro_for(duty, children["in"])  # the absent IRO's child
    assert acts_as_iro_for(duty, children["north_unallocated"])  # the rota's
    assert acts_as_iro_for(duty, children["east_duty"])  # their own
    assert not acts_as_iro_for(duty, children["out"])  # last month's cover
    assert not acts_as_iro_for(duty, children["south_scheduled"])  # next month's


def test_two_users_hold_two_roles(proof_world):
    two = proof_world["two_roles"]
    assert two["iro_and_duty_iro"].roles >= {Role.IRO, Role.DUTY_IRO}
    assert two["team_manager_and_social_worker"].roles >= {
        Role.TEAM_MANAGER,
        Role.SOCIAL_WORKER,
    }


def test_reviews_in_several_states(proof_world):
    states = {key: review.status for key, review in proof_world["reviews"].items()}
    S = Review.Status
    assert states == {
        "held": S.HELD,
        "planned_after_held": S.PLANNED,
        "cancelled": S.CANCELLED,
        "planned": S.PLANNED,
        "scheduled_east": S.SCHEDULED,
        "scheduled_south": S.SCHEDULED,
    }
    # in_child keeps what the URL table was written for: no review until a builder
    # plans one.
    assert not Review.objects.filter(child=proof_world["in_child"]).exists()


def test_every_user_signs_in_with_the_test_password(proof_world):
    for user in _who(proof_world).values():
        assert check_password(TEST_PASSWORD, user.password)


@pytest.mark.parametrize("turn", ["first", "second"])
def test_what_one_test_changes_the_next_does_not_see(proof_world, turn):
    """Whichever runs first, each finds the world as built: changes are rolled back."""
    child = proof_world["in_child"]
    user = proof_world["users"][Role.IRO]
    assert Child.objects.get(pk=child.pk).first_name == IN_SCOPE_NAME[0]
    assert child.first_name == IN_SCOPE_NAME[0]  # in memory too: a fresh instance
    assert User.objects.get(pk=user.pk).last_login is None
    assert user.last_login is None
    assert not Child.objects.filter(first_name="Changed").exists()
    child.first_name = "Changed"
    child.save()
    user.last_login = timezone.now()
    user.save()
    Child.objects.create(
        child_id=f"LEAK{turn}",
        first_name="Changed",
        last_name="Leak",
        date_of_birth=child.date_of_birth,
    )
