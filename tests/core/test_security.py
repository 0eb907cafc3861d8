import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from accounts.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

# The only views anyone may open without signing in.
PUBLIC_VIEWS = {
    "accounts:login",
    "core:accessibility",
    "admin:login",  # shadowed: /manage/login/ redirects to the service's sign-in
    "reviews:respond",  # single-use consultation and feedback links (no account)
    "documents:record_link",  # a copy of the record through its single-use link
    # Single sign-on: the start sends the browser to the provider, the callback takes
    # its answer (accounts/sso.py); both 404 unless OIDC_ENABLED.
    "accounts:sso_start",
    "accounts:sso_callback",
}


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry.callback


def test_every_url_requires_sign_in_except_the_public_list():
    """A new view is private unless someone adds it, deliberately, to PUBLIC_VIEWS."""
    public = {
        name
        for name, callback in _walk(get_resolver().url_patterns)
        if getattr(callback, "login_required", True) is False
    }
    assert public == PUBLIC_VIEWS


def test_anonymous_user_is_sent_to_sign_in(client):
    response = client.get(reverse("children:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_public_pages_open_without_sign_in(client):
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("core:accessibility")).status_code == 200


def test_signed_in_pages_send_the_security_headers(client_as):
    client = client_as(make_user(Role.IRO, username="iro"))
    response = client.get(reverse("workspace:home"))
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'nonce-" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def _boom(request):
    raise RuntimeError("secret internals: DATABASE_PASSWORD=hunter2")


urlpatterns = [path("boom/", _boom), *get_resolver().url_patterns]


@pytest.mark.urls(__name__)
def test_500_page_is_styled_and_shows_no_internals(client_as, settings):
    settings.DEBUG = False
    client = client_as(make_user(Role.IRO, username="iro"))
    client.raise_request_exception = False
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert "govuk-" in body
    assert "hunter2" not in body
    assert "Traceback" not in body


def test_404_page_is_styled(client_as):
    response = client_as(make_user(Role.IRO, username="iro")).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_administrator_manages_users_but_sees_no_children(client_as):
    admin = make_user(
        Role.ADMINISTRATOR, username="admin", is_staff=True, is_superuser=True
    )
    client = client_as(admin)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("children:list")).status_code == 403


def _production_env(**overrides) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, **overrides}


def test_check_deploy_passes_with_production_settings():
    env = {
        **_production_env(),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x7!k2@p9#" * 8,
        "DJANGO_ALLOWED_HOSTS": "reviews.example.gov.uk",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_with_the_development_key():
    env = _production_env(DJANGO_DEBUG="false")
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0


def test_business_support_reaches_the_review_diary_from_the_navigation(client_as):
    body = (
        client_as(make_user(Role.BUSINESS_SUPPORT, username="bs"))
        .get(reverse("workspace:home"))
        .content.decode()
    )
    assert f'href="{reverse("reviews:diary")}"' in body
