"""Setting up two-factor sign-in needs more than the password (docs/rules.md, D-2FA): the
enrolment window just after the account is created, or a setup code an administrator issued.
"""

import logging
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import Role, TwoFactorEvent, TwoFactorSetupCode
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TWO_FACTOR = reverse("accounts:two_factor")
HOME = reverse("workspace:home")


@pytest.fixture(autouse=True)
def _two_factor_on(settings):
    settings.REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.TWO_FACTOR_ENROLMENT_WINDOW_HOURS = 72
    settings.TWO_FACTOR_SETUP_CODE_DAYS = 7


def old_user(username="iro", *roles, days=30):
    """A user whose account was created long before the window closed."""
    user = make_user(*(roles or (Role.IRO,)), username=username)
    user.date_joined = timezone.now() - timedelta(days=days)
    user.save(update_fields=["date_joined"])
    return user


@pytest.fixture
def admin():
    return make_user(Role.ADMINISTRATOR, username="admin1", is_staff=True)


def verified(user) -> Client:
    """A client signed in as `user` who has passed two-factor with their authenticator."""
    device = TOTPDevice.objects.create(user=user, confirmed=True, name="Phone")
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def token_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def body(response) -> str:
    return response.content.decode()


def error_beside_field(html: str, message: str) -> bool:
    """The message is in the GOV.UK error summary, linked to the setup-code field, and
    in the field's own error message."""
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    field = re.search(
        r'<div id="div_id_setup_code" class="govuk-form-group govuk-form-group--error">'
        r'.*?<span id="id_setup_code_\d+_error" class="govuk-error-message">\s*'
        r'<span class="govuk-visually-hidden">Error:</span>(.*?)</span>',
        html,
        re.S,
    )
    return bool(
        summary
        and f'<a href="#id_setup_code">{message}' in summary[0]
        and field
        and message in field[1]
    )


def enter_setup_code(client: Client, code: str):
    return client.post(TWO_FACTOR, {"setup_code": code})


def finish_set_up(client: Client, user):
    """Scan the QR code (read the key) and enter the authenticator's first code."""
    page = client.get(TWO_FACTOR)
    assert "Set up two-factor sign-in" in body(page)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return client.post(TWO_FACTOR, {"token": token_for(device)})


# A user with only the password ------------------------------------------------------


def test_password_alone_cannot_enrol_outside_the_window(client_as):
    """Someone with only the password sees no key and binds no authenticator."""
    user = old_user()
    client = client_as(user)
    page = client.get(TWO_FACTOR)
    assert page.status_code == 200
    html = body(page)
    assert "Ask an administrator to set up two-factor sign-in" in html
    assert "app-qr" not in html and "Key:" not in html
    assert 'name="setup_code"' not in html
    assert not TOTPDevice.objects.filter(user=user).exists()
    # Posting an authenticator code does nothing either.
    refused = client.post(TWO_FACTOR, {"token": "123456"})
    assert refused.status_code == 400
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get(HOME).status_code == 302


def test_within_the_window_the_first_sign_in_sets_up_without_a_code(client_as):
    user = make_user(Role.IRO, username="newstarter")  # created just now
    client = client_as(user)
    response = finish_set_up(client, user)
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed
    event = TwoFactorEvent.objects.get(user=user, kind=TwoFactorEvent.Kind.ENROLLED)
    assert event.detail == "via enrolment window"


def test_the_window_closes_after_the_setting(client_as, settings):
    settings.TWO_FACTOR_ENROLMENT_WINDOW_HOURS = 1
    inside = make_user(Role.IRO, username="inside")
    inside.date_joined = timezone.now() - timedelta(minutes=50)
    inside.save(update_fields=["date_joined"])
    outside = make_user(Role.IRO, username="outside")
    outside.date_joined = timezone.now() - timedelta(minutes=70)
    outside.save(update_fields=["date_joined"])
    assert "Set up two-factor sign-in" in body(client_as(inside).get(TWO_FACTOR))
    assert "Ask an administrator" in body(client_as(outside).get(TWO_FACTOR))
    settings.TWO_FACTOR_ENROLMENT_WINDOW_HOURS = 2
    assert "Set up two-factor sign-in" in body(client_as(outside).get(TWO_FACTOR))


def test_a_code_issued_inside_the_window_closes_it(client_as, admin):
    """Once an administrator has stepped in, only their code sets up an authenticator."""
    user = make_user(Role.IRO, username="newstarter")
    two_factor.issue_setup_code(user, by=admin)
    page = client_as(user).get(TWO_FACTOR)
    assert "Enter your setup code" in body(page)
    assert "app-qr" not in body(page)


def test_the_window_does_not_reopen_after_a_set_up(client_as):
    user = make_user(Role.IRO, username="newstarter")
    finish_set_up(client_as(user), user)
    TOTPDevice.objects.filter(user=user).delete()  # not through a reset
    assert not two_factor.window_open(user)
    assert "Ask an administrator" in body(client_as(user).get(TWO_FACTOR))


def test_a_key_shown_to_another_session_is_never_the_one_confirmed(client_as):
    """Whoever saw a QR code first cannot make codes for the key the user sets up."""
    user = make_user(Role.IRO, username="newstarter")
    first = client_as(user)
    first.get(TWO_FACTOR)
    seen = TOTPDevice.objects.get(user=user, confirmed=False)
    second = client_as(user)
    finish_set_up(second, user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    assert device.bin_key != seen.bin_key
    assert first.post(TWO_FACTOR, {"token": token_for(seen)}).status_code == 400


# A valid setup code ------------------------------------------------------------------


def test_a_valid_code_enrols_once_and_is_then_spent(client_as, admin):
    user = old_user()
    code = two_factor.issue_setup_code(user, by=admin)
    client = client_as(user)
    page = client.get(TWO_FACTOR)
    assert "Enter your setup code" in body(page)
    assert 'name="setup_code"' in body(page)

    accepted = enter_setup_code(client, code.lower().replace("-", " "))
    assert accepted.status_code == 302
    assert accepted["Location"] == TWO_FACTOR
    assert finish_set_up(client, user).status_code == 302
    assert client.get(HOME).status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed
    stored = TwoFactorSetupCode.objects.get(user=user)
    assert stored.used_at is not None
    assert code.replace("-", "") not in stored.code_hash  # only a hash is kept
    event = TwoFactorEvent.objects.get(user=user, kind=TwoFactorEvent.Kind.ENROLLED)
    assert event.detail == "via setup code"

    # Spent: after a reset of the device (not through the service) it does nothing.
    TOTPDevice.objects.filter(user=user).delete()
    again = client_as(user)
    page = again.get(TWO_FACTOR)
    assert "Ask an administrator" in body(page)
    refused = enter_setup_code(again, code)
    assert refused.status_code == 400
    assert error_beside_field(body(refused), "This setup code has already been used")
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_the_code_is_spent_for_every_other_session(client_as, admin):
    user = old_user()
    code = two_factor.issue_setup_code(user, by=admin)
    assert enter_setup_code(client_as(user), code).status_code == 302
    other = client_as(user)
    refused = enter_setup_code(other, code)
    assert refused.status_code == 400
    assert "already been used" in body(refused)
    assert "app-qr" not in body(other.get(TWO_FACTOR))


def test_a_code_is_tied_to_its_user(client_as, admin):
    user = old_user()
    other = old_user("iro2")
    code = two_factor.issue_setup_code(user, by=admin)
    refused = enter_setup_code(client_as(other), code)
    assert refused.status_code == 400
    assert "The setup code is not right" in body(refused)
    assert TwoFactorSetupCode.objects.get(user=user).used_at is None


# Codes refused -----------------------------------------------------------------------


def test_a_wrong_code_is_a_400_beside_the_field_and_keeps_what_was_typed(
    client_as, admin
):
    user = old_user()
    two_factor.issue_setup_code(user, by=admin)
    client = client_as(user)
    refused = enter_setup_code(client, "ABCD-EFGH-JKMN")
    assert refused.status_code == 400
    html = body(refused)
    assert error_beside_field(html, "The setup code is not right")
    assert "4 tries left" in html
    assert 'value="ABCD-EFGH-JKMN"' in html
    assert re.search(r"<title>\s*Error: ", html)
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_a_code_in_the_wrong_form_is_refused_without_costing_a_try(client_as, admin):
    user = old_user()
    two_factor.issue_setup_code(user, by=admin)
    refused = enter_setup_code(client_as(user), "hello")
    assert refused.status_code == 400
    assert error_beside_field(
        body(refused), "Enter the setup code in the form ABCD-EFGH-JKMN"
    )
    assert TwoFactorSetupCode.objects.get(user=user).failed_attempts == 0
    empty = enter_setup_code(client_as(user), "")
    assert empty.status_code == 400
    assert error_beside_field(body(empty), "Enter the setup code")


def test_an_expired_code_is_refused(client_as, admin):
    user = old_user()
    code = two_factor.issue_setup_code(user, by=admin)
    TwoFactorSetupCode.objects.filter(user=user).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client = client_as(user)
    assert "Ask an administrator" in body(client.get(TWO_FACTOR))
    refused = enter_setup_code(client, code)
    assert refused.status_code == 400
    assert error_beside_field(body(refused), "This setup code has expired")
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_a_code_expires_after_the_setting(admin, settings):
    settings.TWO_FACTOR_SETUP_CODE_DAYS = 7
    user = old_user()
    before = timezone.now()
    two_factor.issue_setup_code(user, by=admin)
    stored = TwoFactorSetupCode.objects.get(user=user)
    assert (
        before + timedelta(days=7)
        <= stored.expires_at
        <= timezone.now() + timedelta(days=7)
    )


def test_issuing_a_new_code_voids_the_old(client_as, admin):
    user = old_user()
    old = two_factor.issue_setup_code(user, by=admin)
    new = two_factor.issue_setup_code(user, by=admin)
    assert old != new
    client = client_as(user)
    refused = enter_setup_code(client, old)
    assert refused.status_code == 400
    assert error_beside_field(
        body(refused), "This setup code has been replaced by a newer one"
    )
    assert enter_setup_code(client, new).status_code == 302


def test_five_wrong_codes_stop_the_code(client_as, admin):
    """Guessing is limited: the fifth wrong code stops the real one too."""
    user = old_user()
    code = two_factor.issue_setup_code(user, by=admin)
    client = client_as(user)
    for attempt in range(1, 5):
        response = enter_setup_code(client, "ABCD-EFGH-JKMN")
        assert response.status_code == 400
        assert f"{5 - attempt} tr" in body(response)
    fifth = enter_setup_code(client, "ABCD-EFGH-JKMP")
    assert fifth.status_code == 400
    assert error_beside_field(body(fifth), "The setup code was entered wrongly 5 times")
    assert "Ask an administrator to set up two-factor sign-in" in body(fifth)
    right = enter_setup_code(client, code)
    assert right.status_code == 400
    assert "stopped after too many wrong attempts" in body(right)
    assert not TOTPDevice.objects.filter(user=user).exists()
    kinds = list(
        TwoFactorEvent.objects.filter(user=user).values_list("kind", flat=True)
    )
    assert kinds.count(TwoFactorEvent.Kind.CODE_FAILED) == 6
    assert kinds.count(TwoFactorEvent.Kind.CODE_LOCKED) == 1


def test_a_reset_or_new_code_ends_a_session_that_entered_the_old_one(client_as, admin):
    user = old_user()
    code = two_factor.issue_setup_code(user, by=admin)
    client = client_as(user)
    enter_setup_code(client, code)
    two_factor.issue_setup_code(user, by=admin)
    page = client.get(TWO_FACTOR)
    assert "Enter your setup code" in body(page)
    assert "app-qr" not in body(page)


# Who may issue and reset ------------------------------------------------------------


def manage_page(user):
    return reverse("admin:accounts_twofactoraccount_change", args=[user.pk])


def test_an_administrator_issues_a_code_in_manage_shown_once(client_as, admin):
    user = old_user()
    client = verified(admin)
    page = client.get(manage_page(user))
    assert page.status_code == 200
    assert "Not set up: needs a setup code" in body(page)
    issued = client.post(manage_page(user), {"action": "issue"})
    assert issued.status_code == 200
    code = re.search(r"<code>([A-Z0-9-]{14})</code>", body(issued))[1]
    assert issued["Cache-Control"].count("no-store")
    assert code not in body(client.get(manage_page(user)))
    assert "setup code valid until" in body(client.get(manage_page(user)))
    assert enter_setup_code(client_as(user), code).status_code == 302
    listing = client.get(reverse("admin:accounts_twofactoraccount_changelist"))
    assert listing.status_code == 200
    assert "iro" in body(listing)
    assert "Two-factor sign-in" in body(client.get(reverse("admin:index")))


def test_the_user_page_in_manage_shows_the_status_and_links_to_it(client_as):
    superuser = make_user(
        Role.ADMINISTRATOR, username="root", is_staff=True, is_superuser=True
    )
    user = old_user()
    page = verified(superuser).get(
        reverse("admin:accounts_user_change", args=[user.pk])
    )
    assert page.status_code == 200
    assert "Not set up: needs a setup code" in body(page)
    assert manage_page(user) in body(page)


def test_an_administrator_resets_a_users_two_factor(client_as, admin):
    user = make_user(Role.IRO, username="iro")
    user_client = client_as(user)
    finish_set_up(user_client, user)
    assert user_client.get(HOME).status_code == 200
    issued = verified(admin).post(manage_page(user), {"action": "reset"})
    assert issued.status_code == 200
    code = re.search(r"<code>([A-Z0-9-]{14})</code>", body(issued))[1]
    assert not TOTPDevice.objects.filter(user=user).exists()
    # Their signed-in session must set up again, and needs the new code to.
    assert user_client.get(HOME)["Location"] == TWO_FACTOR
    assert "Enter your setup code" in body(user_client.get(TWO_FACTOR))
    assert enter_setup_code(user_client, code).status_code == 302
    assert finish_set_up(user_client, user).status_code == 302
    event = TwoFactorEvent.objects.filter(
        user=user, kind=TwoFactorEvent.Kind.RESET
    ).get()
    assert event.by == admin
    assert event.detail == "1 authenticator(s) removed"


@pytest.mark.parametrize(
    "role", [Role.IRO, Role.IRO_MANAGER, Role.BUSINESS_SUPPORT, Role.SENIOR_MANAGER]
)
def test_only_an_administrator_may_issue_or_reset(client_as, role):
    user = old_user()
    other = make_user(role, username="other", is_staff=True)
    with pytest.raises(PermissionDenied):
        two_factor.issue_setup_code(user, by=other)
    with pytest.raises(PermissionDenied):
        two_factor.reset_two_factor(user, by=other)
    client = verified(other)
    assert client.get(manage_page(user)).status_code == 403
    assert client.post(manage_page(user), {"action": "issue"}).status_code == 403
    assert client.post(manage_page(user), {"action": "reset"}).status_code == 403
    assert not TwoFactorSetupCode.objects.exists()


def test_a_user_who_is_not_staff_cannot_reach_the_manage_pages(client_as):
    user = old_user()
    client = verified(make_user(Role.ADMINISTRATOR, username="notstaff"))
    response = client.post(manage_page(user), {"action": "issue"})
    assert response.status_code == 302  # the admin's own sign-in check
    assert not TwoFactorSetupCode.objects.exists()


def test_an_administrator_cannot_reset_their_own(client_as, admin):
    with pytest.raises(PermissionDenied):
        two_factor.reset_two_factor(admin, by=admin)
    with pytest.raises(PermissionDenied):
        two_factor.issue_setup_code(admin, by=admin)
    client = verified(admin)
    page = client.get(manage_page(admin))
    assert page.status_code == 200
    assert "Ask another administrator" in body(page)
    assert 'value="reset"' not in body(page)
    assert client.post(manage_page(admin), {"action": "reset"}).status_code == 403
    assert not TwoFactorSetupCode.objects.exists()


def test_a_user_has_no_way_to_remove_their_own_device(client_as):
    """Nothing in the service deletes a device except an administrator's reset."""
    user = make_user(Role.IRO, username="iro")
    client = client_as(user)
    finish_set_up(client, user)
    for url in (reverse("accounts:profile"), TWO_FACTOR):
        html = body(client.get(url))
        assert "Remove" not in html and "reset" not in html.lower()
    assert client.post(TWO_FACTOR, {"action": "reset"}).status_code in (302, 400)
    assert TOTPDevice.objects.get(user=user).confirmed


def test_the_otp_device_admin_is_gone(client_as):
    """django-otp's device admin would let an administrator bind their own key, unrecorded."""
    from django.contrib import admin as django_admin

    assert not django_admin.site.is_registered(TOTPDevice)


def test_the_server_command_issues_a_code(capsys):
    user = old_user()
    call_command("two_factor_setup_code", "iro")
    out = capsys.readouterr().out
    code = re.search(r"([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", out)[1]
    stored = TwoFactorSetupCode.objects.get(user=user)
    assert stored.issued_by is None
    assert two_factor._matches(stored, code.replace("-", ""))


# The security log and /manage/ -------------------------------------------------------


def test_every_issue_use_failure_and_reset_is_in_the_security_log(
    client_as, admin, caplog
):
    user = old_user()
    caplog.set_level(logging.INFO, logger="reviews.security")
    code = two_factor.issue_setup_code(user, by=admin)
    client = client_as(user)
    enter_setup_code(client, "ABCD-EFGH-JKMN")
    enter_setup_code(client, code)
    finish_set_up(client, user)
    two_factor.reset_two_factor(user, by=admin)
    logged = [
        r.getMessage()
        for r in caplog.records
        if r.name == "reviews.security" and r.getMessage().startswith("two_factor_")
    ]
    events = [line.split(" ", 1)[0] for line in logged]
    assert events == [
        "two_factor_code_issued",
        "two_factor_code_failed",
        "two_factor_code_used",
        "two_factor_enrolled",
        "two_factor_reset",
    ]
    assert f'"user_id": {user.pk}' in logged[0]
    assert f'"by_id": {admin.pk}' in logged[0]
    assert all(
        code not in line and code.replace("-", "") not in line for line in logged
    )
    kinds = list(
        TwoFactorEvent.objects.filter(user=user)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "code_issued",
        "code_failed",
        "code_used",
        "enrolled",
        "reset",
    ]
    page = body(verified(admin).get(manage_page(user)))
    for label in (
        "Setup code issued",
        "Wrong setup code entered",
        "Setup code used",
        "Authenticator app set up",
        "Two-factor reset",
    ):
        assert label in page
    listing = verified(admin).get(reverse("admin:accounts_twofactorevent_changelist"))
    assert listing.status_code == 200
    assert "Wrong setup code entered" in body(listing)


def test_the_demo_users_can_set_up_two_factor_without_a_code(client_as):
    """`make demo` with REQUIRE_2FA on: seed_demo's users are inside their window."""
    from demo.management.commands.seed_demo import Command as SeedDemo

    iro1 = SeedDemo()._users()["iro1"]  # the users alone: the children take a while
    client = client_as(iro1)
    assert finish_set_up(client, iro1).status_code == 302
    assert client.get(HOME).status_code == 200
