import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DEMO_HOMES = [
    ("iro1", "Children you are the IRO for"),
    ("iro2", "Children you are the IRO for"),
    ("manager", "You can see 40 children"),
    ("sw1", "Children you are the social worker for"),
    ("tm1", "You can see 20 children"),
    ("bs1", "You can see 40 children"),
    ("hos1", "You can see 40 children"),
    ("admin1", "Manage users and settings"),
]


def test_each_demo_user_signs_in_reaches_their_home_page_and_signs_out(
    page: Page, live_server, demo_service
):
    # One journey through every demo user: the demo data takes most of a browser
    # test's time to load, and signing in changes nothing another user sees.
    for username, home_text in DEMO_HOMES:
        page.goto(f"{live_server.url}/")
        expect(page).to_have_url(re.compile(r"/account/sign-in/"))
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("reviews-demo")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="My work"), username).to_be_visible()
        expect(page.get_by_text(home_text).first, username).to_be_visible()
        page.get_by_role("button", name="Sign out").click()
        expect(page, username).to_have_url(re.compile(r"/account/sign-in/"))

    page.get_by_label("Username").fill("iro1")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a correct username and password"
    )
    expect(page).to_have_title(re.compile(r"^Error: "))
