"""Children and allocation in Chromium: the allocation queue, and a significant event from SW to IRO."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from children.models import SignificantEvent
from children.services import social_worker_allocate
from iro.models import IroAllocation
from reviews.services.register import child_register

pytestmark = pytest.mark.browser

EPISODE = {
    "legal_status": "C1",
    "category_of_need": "N1",
    "placement": "U6",
    "placement_provider": "PR1",
}


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("reviews-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()


def fill_date(page: Page, prefix: str, day) -> None:
    page.locator(f"#id_{prefix}_0").fill(str(day.day))
    page.locator(f"#id_{prefix}_1").fill(str(day.month))
    page.locator(f"#id_{prefix}_2").fill(str(day.year))


@pytest.fixture
def new_to_care(demo_service):
    today = timezone.localdate()
    sw1 = User.objects.get(username="sw1")
    child = child_register(
        child_id="QUEUE1",
        first_name="Sky",
        last_name="Newcare",
        date_of_birth=today - timedelta(days=9 * 365),
        looked_after_on=today - timedelta(days=1),
        by=sw1,
        first_episode=EPISODE,
    )
    social_worker_allocate(
        child=child, social_worker=sw1, team=sw1.team, on=today, by=None
    )
    return child


def test_manager_allocates_from_the_queue_and_sw_tells_the_iro_who_decides(
    page: Page, live_server, new_to_care
):
    base, today = live_server.url, timezone.localdate()

    # The service manager finds the child in the queue, with the due-by date.
    sign_in(page, base, "manager")
    page.goto(f"{base}/iro/queue/")
    expect(page.get_by_role("heading", name="IRO allocation queue")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Sky Newcare")
    expect(row).to_contain_text("working days after the child became looked after")
    row.get_by_role("link", name=re.compile("Allocate an IRO")).click()
    expect(page.get_by_role("heading", name="Allocate an IRO")).to_be_visible()

    # Submitting without an IRO shows the GOV.UK error summary.
    page.get_by_role("button", name="Allocate").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select an IRO")
    expect(page).to_have_title(re.compile(r"^Error: "))

    page.get_by_label(re.compile(r"Priya Shah")).check()
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_role("heading", name="Sky Newcare")).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is now Sky")
    assert IroAllocation.objects.get(child=new_to_care).iro.username == "iro1"
    page.goto(f"{base}/iro/queue/")
    expect(page.get_by_text("Sky Newcare")).to_have_count(0)

    # The social worker tells the IRO about a significant event.
    sign_in(page, base, "sw1")
    page.goto(f"{base}/children/{new_to_care.pk}/")
    page.get_by_role("link", name="Tell the IRO about a significant event").click()
    page.get_by_label("What happened").select_option("MISSING")
    fill_date(page, "occurred_on", today)
    page.get_by_label("What the IRO needs to know").fill(
        "Missing overnight, found safe"
    )
    page.get_by_role("button", name="Tell the IRO").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The IRO has been told"
    )

    # The IRO decides.
    sign_in(page, base, "iro1")
    event = SignificantEvent.objects.get(child=new_to_care)
    page.goto(f"{base}/children/events/{event.pk}/")
    page.get_by_label("Check progress with the social worker").check()
    page.get_by_label("Reason for your decision").fill("Safety plan reviewed with SW")
    page.locator("#id_child_consulted_1").check()
    page.locator("#id_parents_consulted_1").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your decision has been recorded"
    )
    event.refresh_from_db()
    assert event.decision == "progress_check"
