"""Single sign-on through a real OpenID Connect provider (tests/oidc/provider.py):
the service's rules (accounts.sso) and the ID token checks (accounts.oidc, Authlib)."""

import logging
import time
import uuid

import pytest
from auditlog.models import LogEntry
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import RSAKey

from accounts import oidc
from accounts.models import Role, User
from core.middleware import SESSION_STARTED_KEY
from tests.factories import TEST_PASSWORD, make_user
from tests.oidc import provider as op

pytestmark = pytest.mark.django_db

SERVICE = "http://testserver"


@pytest.fixture
def sso(settings, oidc_provider):
    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_CLIENT_ID = op.CLIENT_ID
    settings.OIDC_CLIENT_SECRET = op.CLIENT_SECRET
    settings.OIDC_SCOPES = "openid profile email"
    settings.LOCAL_SIGN_IN = False
    settings.LOCAL_SIGN_IN_USERNAMES = []
    settings.OIDC_GROUP_ROLES = {}
    settings.OIDC_GROUP_TEAMS = {}
    settings.OIDC_ADMIT_BY_GROUP = False
    settings.OIDC_MFA_ENFORCED_BY_PROVIDER = False
    settings.OIDC_TENANT_ID = op.TENANT
    return oidc_provider


def sign_in(client: Client, login: str):
    """Start at the service, sign in at the provider, come back to the callback."""
    start = client.get(reverse("accounts:sso_start"))
    assert start.status_code == 302, start.content
    back = op.sign_in_at_provider(start["Location"], login, SERVICE)
    return client.get(back.removeprefix(SERVICE))


def bound_user(name: str, *roles, **fields) -> User:
    claims = op.ACCOUNTS[name]
    return make_user(
        *(roles or (Role.IRO,)),
        username=claims["preferred_username"],
        sso_tenant_id=claims["tid"],
        sso_object_id=claims["oid"],
        **fields,
    )


def signed_in_as(client: Client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


def test_a_known_user_signs_in_and_reaches_my_work(sso):
    user = bound_user("known")
    client = Client()
    response = sign_in(client, "known")
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:home")
    assert signed_in_as(client) == user
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_user_made_by_username_is_bound_to_the_object_id_once(sso):
    user = make_user(Role.IRO, username="NewStarter@council.example.gov.uk")
    client = Client()
    assert sign_in(client, "newstarter").status_code == 302
    user.refresh_from_db()
    assert (user.sso_tenant_id, user.sso_object_id) == (op.TENANT, "oid-newstarter")
    entry = LogEntry.objects.get_for_object(user).latest("timestamp")
    assert entry.changes_dict["sso_object_id"] == ["", "oid-newstarter"]
    assert entry.actor == user
    # Once bound, another person with that username is refused.
    user.username = op.ACCOUNTS["stranger"]["preferred_username"]
    user.save()
    response = sign_in(Client(), "stranger")
    assert response.status_code == 403
    assert "linked to a different person" in response.content.decode()
    user.refresh_from_db()
    assert user.sso_object_id == "oid-newstarter"


def test_an_unknown_person_is_refused(sso, caplog):
    client = Client()
    with caplog.at_level(logging.INFO, logger="reviews.security"):
        response = sign_in(client, "stranger")
    assert response.status_code == 403
    assert "You do not have an account" in response.content.decode()
    assert signed_in_as(client) is None
    assert not User.objects.filter(sso_object_id="oid-stranger").exists()
    assert '"reason": "unknown"' in caplog.text


def test_matching_is_never_by_email(sso):
    make_user(Role.IRO, username="known-local", email="known@council.example.gov.uk")
    response = sign_in(Client(), "lookalike")
    assert response.status_code == 403
    assert not User.objects.exclude(sso_object_id="").exists()


def test_a_person_from_another_tenant_is_refused(sso):
    bound_user("foreign")  # even bound: the tenant is not the council's
    response = sign_in(Client(), "foreign")
    assert response.status_code == 403
    assert "not from this council" in response.content.decode()


def test_without_multi_factor_at_the_provider_the_services_own_step_follows(
    sso, settings
):
    settings.REQUIRE_2FA = True
    bound_user("nomfa")
    client = Client()
    assert sign_in(client, "nomfa").status_code == 302
    assert client.get(reverse("workspace:home"))["Location"] == reverse(
        "accounts:two_factor"
    )
    bound_user("known")
    with_mfa = Client()
    sign_in(with_mfa, "known")
    assert with_mfa.get(reverse("accounts:profile")).status_code == 200


def test_the_councils_word_that_conditional_access_enforces_mfa_is_honoured(
    sso, settings
):
    settings.REQUIRE_2FA = True
    settings.OIDC_MFA_ENFORCED_BY_PROVIDER = True
    bound_user("nomfa")
    client = Client()
    sign_in(client, "nomfa")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_an_amr_without_a_second_factor_outweighs_the_councils_word(sso, settings):
    settings.REQUIRE_2FA = True
    settings.OIDC_MFA_ENFORCED_BY_PROVIDER = True
    bound_user("pwdonly")
    client = Client()
    sign_in(client, "pwdonly")
    assert client.get(reverse("accounts:profile"))["Location"] == reverse(
        "accounts:two_factor"
    )


def test_an_acrs_context_the_council_names_counts_as_multi_factor(sso, settings):
    settings.REQUIRE_2FA = True
    bound_user("context")
    without = Client()
    sign_in(without, "context")
    assert without.get(reverse("accounts:profile")).status_code == 302
    settings.OIDC_MFA_ACRS = ["c1"]
    client = Client()
    sign_in(client, "context")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_switched_off_user_is_refused_and_their_open_session_ends(sso):
    user = bound_user("leaver")
    open_session = Client()
    sign_in(open_session, "leaver")
    assert open_session.get(reverse("accounts:profile")).status_code == 200
    user.is_active = False
    user.save()
    response = open_session.get(reverse("workspace:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    refused = sign_in(Client(), "leaver")
    assert refused.status_code == 403
    assert "switched off" in refused.content.decode()


def test_sign_out_ends_the_session_and_the_providers(sso):
    bound_user("known")
    client = Client()
    sign_in(client, "known")
    session_key = client.session.session_key
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{sso.issuer}/session/end")
    assert "id_token_hint=" in response["Location"]
    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get(reverse("workspace:home")).status_code == 302


def test_the_absolute_timeout_ends_a_single_sign_on_session(sso, settings):
    bound_user("known")
    client = Client()
    sign_in(client, "known")
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    assert client.get(reverse("workspace:home")).status_code == 302
    assert signed_in_as(client) is None


def test_groups_admit_and_give_roles_when_the_council_turns_it_on(sso, settings):
    settings.OIDC_GROUP_ROLES = {op.IRO_GROUP: Role.IRO.value}
    settings.OIDC_ADMIT_BY_GROUP = True
    client = Client()
    assert sign_in(client, "grouped").status_code == 302
    user = signed_in_as(client)
    assert user is not None and user.has_role(Role.IRO)
    assert (user.sso_object_id, user.has_usable_password()) == ("oid-grouped", False)
    assert sign_in(Client(), "ungrouped").status_code == 403


def test_a_person_taken_out_of_the_groups_loses_the_role_at_next_sign_in(sso, settings):
    settings.OIDC_GROUP_ROLES = {op.IRO_GROUP: Role.IRO.value}
    user = bound_user("ungrouped", Role.IRO)
    response = sign_in(Client(), "ungrouped")
    assert response.status_code == 403
    user = User.objects.get(pk=user.pk)
    assert not user.has_role(Role.IRO)


def test_a_mapped_group_puts_the_person_in_its_team(sso, settings, north_team):
    settings.OIDC_GROUP_TEAMS = {op.NORTH_GROUP: north_team.name}
    user = bound_user("northsw", Role.SOCIAL_WORKER)
    assert user.team is None
    assert sign_in(Client(), "northsw").status_code == 302
    user.refresh_from_db()
    assert user.team == north_team
    entry = LogEntry.objects.get_for_object(user).latest("timestamp")
    assert "team" in entry.changes_dict


def test_a_groups_overage_gives_no_groups_and_is_logged(sso, settings, caplog):
    settings.OIDC_GROUP_ROLES = {op.IRO_GROUP: Role.IRO.value}
    user = bound_user("overage", Role.IRO, Role.ADMINISTRATOR)
    with caplog.at_level(logging.INFO, logger="reviews.security"):
        assert sign_in(Client(), "overage").status_code == 302
    user = User.objects.get(pk=user.pk)
    assert user.roles == {Role.ADMINISTRATOR.value}  # not a mapped role: kept
    assert "sso_groups_overage" in caplog.text


def test_password_sign_in_is_only_for_break_glass_accounts_when_sso_is_on(
    sso, settings
):
    make_user(Role.IRO, username="iro")
    make_user(Role.ADMINISTRATOR, username="breakglass")
    settings.LOCAL_SIGN_IN_USERNAMES = ["breakglass"]
    login = reverse("accounts:login")
    refused = Client().post(login, {"username": "iro", "password": TEST_PASSWORD})
    assert refused.status_code == 400
    assert "Sign in with your council account" in refused.content.decode()
    allowed = Client().post(
        login, {"username": "breakglass", "password": TEST_PASSWORD}
    )
    assert allowed.status_code == 302


def test_a_callback_with_a_state_the_service_did_not_send_is_refused(sso):
    bound_user("known")
    client = Client()
    start = client.get(reverse("accounts:sso_start"))
    back = op.sign_in_at_provider(start["Location"], "known", SERVICE)
    forged = back.replace("state=", "state=x")
    response = client.get(forged.removeprefix(SERVICE))
    assert response.status_code == 403
    assert signed_in_as(client) is None


def test_when_the_provider_is_down_sign_in_says_so(sso, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"
    response = Client().get(reverse("accounts:sso_start"))
    assert response.status_code == 503
    assert "Council sign-in is not available" in response.content.decode()


# --- The ID token's checks, on tokens made here -----------------------------------


def id_token(sso, key: RSAKey | None = None, **changes) -> str:
    now = int(time.time())
    claims = {
        "iss": sso.issuer,
        "sub": "known",
        "aud": op.CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": "the-nonce",
        **op.ACCOUNTS["known"],
        **changes,
    }
    header = {"alg": "RS256", "kid": "provider-key"}
    return jwt.encode(header, claims, key or sso.key)


def test_a_token_signed_with_the_providers_key_is_accepted(sso):
    claims = oidc.verify_id_token(id_token(sso), nonce="the-nonce")
    assert claims["oid"] == "oid-known"


def test_a_token_a_little_past_its_expiry_is_within_the_clock_skew(sso):
    now = int(time.time())
    token = id_token(sso, exp=now - 60, iat=now - 400)
    assert oidc.verify_id_token(token, nonce="the-nonce")["oid"] == "oid-known"


@pytest.mark.parametrize(
    "case",
    ["wrong key", "unknown key id", "wrong audience", "wrong issuer", "expired"],
)
def test_a_forged_or_stale_token_is_refused(sso, case):
    now = int(time.time())
    other = RSAKey.generate_key(2048, parameters={"kid": "provider-key"})
    token = {
        "wrong key": lambda: id_token(sso, key=other),
        "unknown key id": lambda: jwt.encode(
            {"alg": "RS256", "kid": "not-the-providers"},
            {"iss": sso.issuer, "aud": op.CLIENT_ID, "sub": "x", "nonce": "the-nonce"},
            other,
        ),
        "wrong audience": lambda: id_token(sso, aud="another-application"),
        "wrong issuer": lambda: id_token(sso, iss="http://127.0.0.1:1"),
        "expired": lambda: id_token(sso, exp=now - 600, iat=now - 900),
    }[case]()
    with pytest.raises(oidc.FAILURES):
        oidc.verify_id_token(token, nonce="the-nonce")


def test_a_token_with_another_sign_ins_nonce_is_refused(sso):
    with pytest.raises(oidc.FAILURES):
        oidc.verify_id_token(id_token(sso), nonce=uuid.uuid4().hex)
