"""Single sign-on in Chromium, through a real OpenID Connect provider on 127.0.0.1
(node's oidc-provider, tests/oidc/provider.py)."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role, User
from tests.factories import make_user
from tests.oidc import provider as op

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_provider(live_server, tmp_path_factory):
    running = op.start(
        tmp_path_factory.mktemp("oidc-live"),
        [f"{live_server.url}/account/sign-in/council/callback/"],
    )
    yield running
    running.stop()


@pytest.fixture
def sso(settings, live_provider, transactional_db):
    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = live_provider.issuer
    settings.OIDC_CLIENT_ID = op.CLIENT_ID
    settings.OIDC_CLIENT_SECRET = op.CLIENT_SECRET
    settings.OIDC_TENANT_ID = op.TENANT
    settings.LOCAL_SIGN_IN = False
    settings.LOCAL_SIGN_IN_USERNAMES = []
    settings.OIDC_MFA_ENFORCED_BY_PROVIDER = False
    return live_provider


def bound_user(name: str) -> User:
    claims = op.ACCOUNTS[name]
    return make_user(
        Role.IRO,
        username=claims["preferred_username"],
        sso_tenant_id=claims["tid"],
        sso_object_id=claims["oid"],
    )


def sign_in(page: Page, base: str, login: str) -> None:
    """From the service's sign-in page, through the provider's, and back."""
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/account/sign-in/"))
    page.get_by_role("button", name="Sign in with your council account").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()


def test_a_known_user_signs_in_and_signs_out_of_the_service_and_the_provider(
    page: Page, live_server, sso
):
    bound_user("known")
    sign_in(page, live_server.url, "known")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(re.escape(sso.issuer)))
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(re.compile(r"/account/sign-in/"))
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/account/sign-in/"))
    # The provider's session ended too: it asks again who you are.
    page.get_by_role("button", name="Sign in with your council account").click()
    expect(page.locator("input[name=login]")).to_be_visible()


def test_a_user_made_by_username_is_bound_at_first_sign_in(
    page: Page, live_server, sso
):
    user = make_user(Role.IRO, username="newstarter@council.example.gov.uk")
    sign_in(page, live_server.url, "newstarter")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    user.refresh_from_db()
    assert user.sso_object_id == "oid-newstarter"


def test_an_unknown_person_is_refused(page: Page, live_server, sso):
    sign_in(page, live_server.url, "stranger")
    expect(page.get_by_role("heading", name="You cannot sign in")).to_be_visible()
    expect(page.get_by_test_id("sso-refused")).to_contain_text(
        "You do not have an account"
    )
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/account/sign-in/"))


def test_a_user_without_multi_factor_is_sent_to_the_second_step(
    page: Page, live_server, sso, settings
):
    settings.REQUIRE_2FA = True
    bound_user("nomfa")
    sign_in(page, live_server.url, "nomfa")
    expect(page).to_have_url(re.compile(r"/account/two-factor/"))
    expect(page.get_by_label("Security code")).to_be_visible()


def test_a_switched_off_user_loses_their_open_session_and_is_refused(
    page: Page, live_server, sso
):
    user = bound_user("leaver")
    sign_in(page, live_server.url, "leaver")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    User.objects.filter(pk=user.pk).update(is_active=False)
    page.reload()
    expect(page).to_have_url(re.compile(r"/account/sign-in/"))
    # The provider still says yes (its session is open); the service refuses.
    page.get_by_role("button", name="Sign in with your council account").click()
    expect(page.get_by_test_id("sso-refused")).to_contain_text("switched off")
