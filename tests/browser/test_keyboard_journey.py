"""A keyboard-only journey through the review cycle: Tab, type, Space and Enter, no mouse."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from children.services import social_worker_allocate
from iro.services import iro_allocate
from reviews.services.register import child_register

pytestmark = pytest.mark.browser
MAX_TABS = 80


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the (first) element matching `selector` has the focus."""
    target = page.locator(selector).first
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def type_date(page: Page, prefix: str, day) -> None:
    tab_to(page, f"#id_{prefix}_0")
    page.keyboard.type(str(day.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(day.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(day.year))


@pytest.fixture
def new_child(demo_service):
    today = timezone.localdate()
    sw1, iro1 = User.objects.get(username="sw1"), User.objects.get(username="iro1")
    child = child_register(
        child_id="KEYS1",
        first_name="Kit",
        last_name="Keyboard",
        date_of_birth=today - timedelta(days=10 * 365),
        looked_after_on=today - timedelta(days=2),
        by=None,
    )
    social_worker_allocate(
        child=child, social_worker=sw1, team=sw1.team, on=today, by=None
    )
    iro_allocate(child=child, iro=iro1, on=today, by=None)
    return child


def test_iro_schedules_and_starts_a_review_with_the_keyboard_alone(
    page: Page, live_server, new_child
):
    today = timezone.localdate()
    page.goto(f"{live_server.url}/account/sign-in/")
    tab_to(page, "#id_username")
    page.keyboard.type("iro1")
    page.keyboard.press("Tab")
    page.keyboard.type("reviews-demo")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()

    # My work narrowed to Kit's tasks with its filter, then the task link.
    tab_to(page, "#id_child")
    page.keyboard.type("Kit Keyboard")
    tab_to(page, "button:text('Show these tasks')")
    page.keyboard.press("Enter")
    expect(page.locator("#id_child")).to_have_value(str(new_child.pk))
    tab_to(page, "a[href$='/schedule/']:has(span:text('Kit Keyboard'))")
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name="Set the date, time and place")
    ).to_be_visible()
    type_date(page, "on", today)
    page.keyboard.press("Tab")
    page.keyboard.type("16:00")
    page.keyboard.press("Tab")
    page.keyboard.type("Kit's school")
    tab_to(page, "input[name='format']")
    page.keyboard.press("Space")
    tab_to(page, "button[type='submit']:text('Save the arrangements')")
    page.keyboard.press("Enter")
    expect(page.get_by_text("The review is scheduled.")).to_be_visible()

    # Record meeting the child, then start the meeting.
    tab_to(page, "a:text('Meet or speak to the child')")
    page.keyboard.press("Enter")
    type_date(page, "on", today)
    tab_to(page, "input[name='how']")
    page.keyboard.press("Space")
    tab_to(page, "main button[type='submit']")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your contact with the child is recorded.")).to_be_visible()
    tab_to(page, "a:text('Hold the meeting')")
    page.keyboard.press("Enter")
    type_date(page, "held_on", today)
    tab_to(page, "input[name='social_worker_present'][value='True']")
    page.keyboard.press("Space")
    tab_to(page, "main button[type='submit']")
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile("The review is in progress"))).to_be_visible()
