"""The core journeys work with JavaScript off (progressive enhancement, as the GOV.UK Service Manual asks).

A Chromium context with `java_script_enabled=False`: sign in, find a child (the list,
and the search, which is a POST), open the child, change their details with a mistake
first (the error summary, no JavaScript needed) and then save, and sign out.
"""

import re

import pytest
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js_page(browser: Browser, browser_context_args):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def test_sign_in_open_a_child_edit_and_save_without_javascript(
    no_js_page, live_server, demo_service
):
    """A social worker signs in, opens a child, makes a mistake, corrects it and saves."""
    from children.models import Child

    page = no_js_page
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/account/sign-in/"))
    # base.html's inline script marks the body js-enabled: it must not have run.
    expect(page.locator("body")).not_to_have_class(re.compile("js-enabled"))
    page.get_by_label("Username").fill("sw1")
    page.get_by_label("Password").fill("reviews-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()

    child = Child.objects.filter(social_worker__username="sw1").order_by("pk").first()
    page.goto(f"{live_server.url}/search/")
    page.get_by_label(re.compile("Search for a child")).fill(child.last_name)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=child.full_name).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(child.full_name)

    page.get_by_role("link", name=re.compile(r"^Change .*'s details$")).click()
    page.get_by_label("First name").fill("")
    page.get_by_label("Preferred name (optional)").fill("Sunny")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the child's first name")
    expect(page.get_by_label("Preferred name (optional)")).to_have_value("Sunny")

    page.get_by_label("First name").fill(child.first_name)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("details have been saved")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("known as Sunny")
    child.refresh_from_db()
    assert child.preferred_name == "Sunny"

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/account/sign-in/"))
