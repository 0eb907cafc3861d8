import pytest

from accounts.models import Role, User
from tests.factories import make_user


@pytest.fixture
def drp_world(world, north_team):
    """The `world` plus the North team's senior managers at every level."""
    hos = world["hos_north"]
    hos.senior_level = User.SeniorLevel.HEAD_OF_SERVICE
    hos.save(update_fields=["senior_level"])
    ad = make_user(
        Role.SENIOR_MANAGER,
        username="ad_north",
        senior_level=User.SeniorLevel.ASSISTANT_DIRECTOR,
    )
    ad.overseen_teams.add(north_team)
    director = make_user(
        Role.SENIOR_MANAGER,
        username="director",
        senior_level=User.SeniorLevel.DIRECTOR,
    )
    return {**world, "ad_north": ad, "director": director}
