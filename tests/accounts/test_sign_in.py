import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from core.middleware import (
    SESSION_RENEW_SECONDS,
    SESSION_RENEWED_KEY,
    SESSION_STARTED_KEY,
)
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}
    )


def test_sign_in_lands_on_my_work():
    make_user(Role.IRO, username="iro")
    client = Client()
    response = sign_in(client, "iro", TEST_PASSWORD)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_wrong_password_is_a_400_with_a_govuk_message():
    make_user(Role.IRO, username="iro")
    response = sign_in(Client(), "iro", "wrong password")
    assert response.status_code == 400
    assert "Enter a correct username and password" in response.content.decode()


def test_sixth_attempt_is_locked_out_even_with_the_right_password():
    """After 5 failures the account is locked for 30 minutes: a 429 with a clear page."""
    make_user(Role.IRO, username="iro")
    client = Client()
    for _ in range(5):
        sign_in(client, "iro", "wrong password")
    sixth = sign_in(client, "iro", "wrong password")
    assert sixth.status_code == 429
    assert "Your account is locked" in sixth.content.decode()
    right = sign_in(Client(), "iro", TEST_PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in Client().session


def test_failures_from_one_address_do_not_lock_the_account_elsewhere():
    """Nobody can lock a colleague out from another machine by guessing their name."""
    make_user(Role.IRO, username="iro")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(6):
        sign_in(attacker, "iro", "wrong password")
    assert sign_in(attacker, "iro", TEST_PASSWORD).status_code == 429
    colleague = Client(REMOTE_ADDR="198.51.100.4")
    assert sign_in(colleague, "iro", TEST_PASSWORD).status_code == 302


def test_passwords_are_hashed_with_argon2id(settings):
    """The project's first hasher is Argon2 (the test fixture swaps in a fast one)."""
    from reviews_project import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = make_user(Role.IRO, username="iro")
    assert user.password.startswith("argon2$argon2id$")


def test_pages_require_a_second_factor_when_2fa_is_on(settings, client_as):
    settings.REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = make_user(Role.IRO, username="iro")
    client = client_as(user)
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor")

    page = client.get(reverse("accounts:two_factor"))
    assert "Set up two-factor sign-in" in page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    bad = client.post(reverse("accounts:two_factor"), {"token": "000000"})
    assert bad.status_code == 400
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert (
        client.post(reverse("accounts:two_factor"), {"token": token}).status_code == 302
    )
    assert client.get(reverse("workspace:home")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_session_ends_after_12_hours_however_active(client_as, settings):
    client = client_as(make_user(Role.IRO, username="iro"))
    assert client.get(reverse("workspace:home")).status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_idle_timeout_is_30_minutes_renewed_at_most_once_a_minute(client_as):
    from reviews_project import settings as project_settings

    assert project_settings.SESSION_COOKIE_AGE == 30 * 60
    assert project_settings.SESSION_SAVE_EVERY_REQUEST is False
    client = client_as(make_user(Role.IRO, username="iro"))
    client.get(reverse("workspace:home"))
    key = client.session.session_key

    def expiry():
        return Session.objects.get(session_key=key).expire_date

    first = expiry()
    client.get(reverse("workspace:home"))
    assert expiry() == first  # within the minute: no write
    session = client.session
    session[SESSION_RENEWED_KEY] = time.time() - SESSION_RENEW_SECONDS - 1
    session.save()
    saved = expiry()
    time.sleep(0.01)
    client.get(reverse("workspace:home"))
    assert expiry() > saved  # a minute on: 30 minutes from now
    assert client.session[SESSION_RENEWED_KEY] > time.time() - 5


def test_sign_out_is_a_post_and_ends_the_session(client_as):
    client = client_as(make_user(Role.IRO, username="iro"))
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("workspace:home")).status_code == 302


def test_password_change_rejects_a_short_password_with_400(client_as):
    client = client_as(make_user(Role.IRO, username="iro"))
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "short",
            "new_password2": "short",
        },
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_a_very_long_username_is_a_400_not_a_500():
    """Found by the bad-input harness: 300 characters reached axes' varchar(255)."""
    response = sign_in(Client(), "x" * 300, "whatever")
    assert response.status_code == 400
    assert "Username must be 150 characters or fewer" in response.content.decode()


OFF_SITE = [
    "https://elsewhere.example/",
    "//elsewhere.example/",
    "/\\elsewhere.example",
]


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_two_factor_never_sends_anyone_off_site(settings, client_as, next_url):
    """A `next` that leaves the service is ignored after a real second factor."""
    settings.REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = make_user(Role.IRO, username="iro")
    client = client_as(user)
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=user)
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    url = f"{reverse('accounts:two_factor')}?next={next_url}"
    response = client.post(url, {"token": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:home")


def test_two_factor_follows_a_next_inside_the_service(settings, client_as):
    settings.REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = make_user(Role.IRO, username="iro")
    client = client_as(user)
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=user)
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    inside = reverse("children:list")
    response = client.post(
        f"{reverse('accounts:two_factor')}?next={inside}", {"token": token}
    )
    assert response["Location"] == inside


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_sign_in_and_sign_out_never_send_anyone_off_site(client_as, next_url):
    make_user(Role.IRO, username="iro")
    client = Client()
    response = client.post(
        f"{reverse('accounts:login')}?next={next_url}",
        {"username": "iro", "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert "elsewhere.example" not in response["Location"]
    response = client.post(reverse("accounts:logout"), {"next": next_url})
    assert "elsewhere.example" not in response.get("Location", "")
