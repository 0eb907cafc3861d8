"""The demo's administrator (admin1, not a superuser) administers users in /manage/."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User

pytestmark = pytest.mark.browser


def test_admin1_finds_idle_users_switches_one_off_and_they_cannot_sign_in(
    page: Page, live_server, demo_service
):
    base = live_server.url
    User.objects.filter(username="sw1").update(last_login=None)
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("Username").fill("admin1")
    page.get_by_label("Password").fill("reviews-demo")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{base}/manage/")
    expect(page.get_by_role("link", name="Teams", exact=True)).to_be_visible()
    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_role("link", name="Not signed in for 90 days").click()
    page.get_by_role("link", name="sw1", exact=True).click()
    page.get_by_label("Active").uncheck()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert not User.objects.get(username="sw1").is_active

    page.get_by_role("button", name=re.compile("Log out|Sign out")).first.click()
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("Username").fill("sw1")
    page.get_by_label("Password").fill("reviews-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
