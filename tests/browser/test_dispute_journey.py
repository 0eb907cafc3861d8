"""A challenge from informal resolution, through escalation, to its outcome (T28, D2-D4).

iro1 raises an informal challenge on one of their children in sw1's team; tm1 (sw1's
team manager) responds; iro1 escalates to formal stage 2, skipping stage 1 with a
reason; hos1 (head of service) responds; iro1 closes it as resolved. sw1 reads it.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from children.models import Child
from disputes.models import Challenge
from reviews.timescales import add_working_days, long_date

pytestmark = pytest.mark.browser


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("reviews-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()


def open_from_my_challenges(page: Page, child: Child) -> None:
    page.get_by_role("link", name="Challenges", exact=True).click()
    expect(page.get_by_role("heading", name="My challenges")).to_be_visible()
    waiting = page.locator("table", has_text="asked to answer")
    waiting.get_by_role("link", name=child.full_name).click()
    expect(page.get_by_role("heading", name=re.compile("^Challenge:"))).to_be_visible()


@pytest.fixture
def iro1_child(demo_service):
    """One of iro1's demo children in sw1's team with no challenge yet."""
    return (
        Child.objects.filter(
            iro__username="iro1",
            social_worker__username="sw1",
            challenges__isnull=True,
            archived_at__isnull=True,
        )
        .order_by("child_id")
        .first()
    )


def test_challenge_from_informal_through_escalation_to_resolution(
    page: Page, live_server, iro1_child
):
    base, child, today = live_server.url, iro1_child, timezone.localdate()

    # iro1 raises an informal challenge.
    sign_in(page, base, "iro1")
    page.goto(f"{base}/disputes/child/{child.pk}/raise/")
    page.get_by_label("Permanence or drift").check()
    page.get_by_label("Drift and delay").check()
    page.get_by_label("Describe the concern").fill("No permanence plan after 9 months.")
    page.get_by_label("What is the impact for the child?").fill(
        "She does not know where she will grow up."
    )
    expect(page.get_by_label("Informal resolution: team manager")).to_be_checked()
    page.get_by_role("button", name="Raise the challenge").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Claire Dawson has been asked to respond"
    )
    timer = page.locator("#stage-timer")
    expect(timer).to_contain_text("Informal resolution: Claire Dawson")
    expect(timer).to_contain_text(long_date(add_working_days(today, 5)))
    page.get_by_text("Why this date").click()
    expect(page.locator("#stage-due-rule")).to_contain_text(
        "5 working days after stage 0 started"
    )
    challenge_url = page.url
    challenge = Challenge.objects.get(child=child)

    # tm1, sw1's team manager, finds it waiting and responds.
    sign_in(page, base, "tm1")
    open_from_my_challenges(page, child)
    page.get_by_role("link", name="Respond").click()
    page.get_by_label("Your response").fill("We will take it to panel next month.")
    page.get_by_role("button", name="Send the response").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your response has been sent"
    )
    expect(page.locator("#stages")).to_contain_text("We will take it to panel")

    # iro1 escalates to formal stage 2: skipping stage 1 needs a reason.
    sign_in(page, base, "iro1")
    page.goto(challenge_url)
    expect(page.locator("#challenge-status")).to_contain_text("Responded")
    page.get_by_role("link", name="Escalate").click()
    page.get_by_label("Stage 2: head of service").check()
    page.get_by_role("button", name="Escalate").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are skipping stage 1"
    )
    expect(page).to_have_title(re.compile(r"^Error: "))
    page.get_by_label("Reason").fill("The team manager has answered informally.")
    page.get_by_role("button", name="Escalate").click()
    expect(page.locator("#challenge-stage")).to_have_text("Stage 2")
    expect(page.locator("#stage-timer")).to_contain_text("Stage 2: David Ellis")
    expect(page.locator("#formal-clock")).to_contain_text("0 working days so far of 20")
    expect(page.locator("#stages")).to_contain_text(
        "Reason: The team manager has answered informally."
    )

    # hos1, head of service over sw1's team, responds.
    sign_in(page, base, "hos1")
    open_from_my_challenges(page, child)
    page.get_by_role("link", name="Respond").click()
    page.get_by_label("Your response").fill("Panel date set; plan in four weeks.")
    page.get_by_role("button", name="Send the response").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your response has been sent"
    )

    # iro1 closes it as resolved, with the impact for the child.
    sign_in(page, base, "iro1")
    page.goto(challenge_url)
    page.get_by_role("link", name="Close the challenge").click()
    page.get_by_label("Resolved", exact=True).check()
    page.get_by_label("What is the impact for the child?").fill(
        "A permanence plan is agreed; she has been told."
    )
    page.get_by_role("button", name="Close the challenge").click()
    expect(page.locator("#challenge-status")).to_have_text("Closed: resolved")
    expect(page.locator("#challenge-outcome")).to_contain_text("Resolved")
    challenge.refresh_from_db()
    assert (challenge.status, challenge.stage, challenge.outcome) == (
        Challenge.Status.CLOSED,
        2,
        Challenge.Outcome.RESOLVED,
    )
    assert list(challenge.events.values_list("action", flat=True)) == [
        "raised",
        "responded",
        "escalated",
        "skipped",
        "responded",
        "resolved",
    ]

    # sw1, the child's social worker, reads it and may comment, but not decide.
    sign_in(page, base, "sw1")
    page.goto(challenge_url)
    expect(page.locator("#history")).to_contain_text("Closed with an outcome")
    expect(page.get_by_role("link", name="Escalate")).to_have_count(0)
    expect(page.get_by_role("link", name="Respond")).to_have_count(0)
    page.get_by_label("Comment").fill("Thank you: I will share the plan with her.")
    page.get_by_role("button", name="Add the comment").click()
    expect(page.locator("#history")).to_contain_text("I will share the plan with her")
