import os

import pytest
from django.test import Client

from accounts.models import Role
from tests.factories import ChildFactory, TeamFactory, make_user

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls
# from that thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REQUIRE_2FA = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def client_as():
    """A test client signed in as the given user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def north_team(db):
    return TeamFactory(name="North")


@pytest.fixture
def south_team(db):
    return TeamFactory(name="South")


@pytest.fixture
def world(db, north_team, south_team):
    """Two teams, their staff, and a child in each: the basis for scoping tests."""
    iro_a = make_user(Role.IRO, username="iro_a")
    iro_b = make_user(Role.IRO, username="iro_b")
    w = {
        "iro_a": iro_a,
        "iro_b": iro_b,
        "duty": make_user(Role.IRO, Role.DUTY_IRO, username="duty"),
        "manager": make_user(Role.IRO_MANAGER, username="manager"),
        "sw_north": make_user(Role.SOCIAL_WORKER, username="sw_north", team=north_team),
        "tm_north": make_user(Role.TEAM_MANAGER, username="tm_north", team=north_team),
        "sw_south": make_user(Role.SOCIAL_WORKER, username="sw_south", team=south_team),
        "hos_north": make_user(Role.SENIOR_MANAGER, username="hos_north"),
        "bs": make_user(Role.BUSINESS_SUPPORT, username="bs"),
        "admin": make_user(Role.ADMINISTRATOR, username="admin", is_staff=True),
    }
    w["hos_north"].overseen_teams.add(north_team)
    w["north_child"] = ChildFactory(
        first_name="Northa",
        last_name="Inscope",
        team=north_team,
        social_worker=w["sw_north"],
        iro=iro_a,
    )
    w["south_child"] = ChildFactory(
        first_name="Southa",
        last_name="Outofscope",
        team=south_team,
        social_worker=w["sw_south"],
        iro=iro_b,
    )
    return w


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """A real OpenID Connect provider on 127.0.0.1 for the test client's sign-ins
    (tests/oidc/provider.py)."""
    from tests.oidc import provider

    running = provider.start(
        tmp_path_factory.mktemp("oidc"),
        ["http://testserver/account/sign-in/council/callback/"],
    )
    yield running
    running.stop()
