"""One review through the whole cycle in Chromium, across the roles."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from children.services import social_worker_allocate
from core.notifications import send_queued_emails
from iro.services import iro_allocate
from reviews.models import Review
from reviews.services.register import child_register
from reviews.timescales import add_months

pytestmark = pytest.mark.browser


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
def new_child(demo_service):
    today = timezone.localdate()
    sw1, iro1 = User.objects.get(username="sw1"), User.objects.get(username="iro1")
    child = child_register(
        child_id="JOURNEY1",
        first_name="Robin",
        last_name="Journeyman",
        date_of_birth=today - timedelta(days=12 * 365),
        looked_after_on=today - timedelta(days=3),
        by=None,
    )
    social_worker_allocate(
        child=child, social_worker=sw1, team=sw1.team, on=today, by=None
    )
    iro_allocate(child=child, iro=iro1, on=today, by=None)
    return child


def test_review_cycle_across_roles(page: Page, live_server, new_child):
    base, today = live_server.url, timezone.localdate()
    review = Review.objects.get(child=new_child)
    review_url = f"{base}/reviews/{review.pk}/"

    # sw1: Review Choices and the convening checklist.
    sign_in(page, base, "sw1")
    page.goto(review_url)
    page.get_by_role("link", name="Review Choices with the child").click()
    fill_date(page, "captured_on", today)
    page.locator("#id_who_not_to_invite").fill("Uncle Ray")
    page.locator("#id_achievements").fill("Swimming badge")
    page.get_by_role("button", name="Save Review Choices").click()
    expect(page.get_by_text("The child's Review Choices are saved.")).to_be_visible()
    page.get_by_role("link", name="Convening checklist: who to invite").click()
    for name, role, email in [
        ("Robin Journeyman", "child", "robin@example.org"),
        ("Pat Journeyman", "parent", "pat@example.org"),
    ]:
        page.get_by_role("link", name="Add a person").click()
        page.locator("#id_name").fill(name)
        page.locator("#id_role").select_option(role)
        page.get_by_label("Email with a calendar invitation").check()
        page.locator("#id_email").fill(email)
        page.get_by_label(
            "Adult's consultation" if role == "parent" else "Child's consultation"
        ).check()
        page.get_by_role("button", name="Save this person").click()
        expect(page.get_by_text(f"{name} is on the list.")).to_be_visible()
    page.get_by_role("button", name="Send the checklist to the IRO").click()
    expect(
        page.get_by_text("The convening checklist is sent to the IRO.")
    ).to_be_visible()

    # iro1: schedules and confirms the invite list.
    sign_in(page, base, "iro1")
    page.goto(review_url)
    page.get_by_role("link", name="Set the date, time and place").click()
    fill_date(page, "on", today)
    page.locator("#id_at").fill("15:30")
    page.locator("#id_venue").fill("Robin's youth club")
    page.get_by_label("Face to face").check()
    page.get_by_role("button", name="Save the arrangements").click()
    expect(page.get_by_text("The review is scheduled.")).to_be_visible()
    page.get_by_role("link", name="Confirm the invite list").click()
    page.get_by_role("button", name="Confirm the invite list").click()
    expect(page.get_by_text("The invite list is confirmed.")).to_be_visible()

    # bs1: sends the invitations (pressing twice sends once).
    sign_in(page, base, "bs1")
    page.goto(review_url)
    page.get_by_role("link", name="Send invitations and consultation forms").click()
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_text("Invitations are made.")).to_be_visible()
    send_queued_emails()
    assert len([m for m in mail.outbox if "Invitation" in m.subject]) == 2

    # The parent answers through the link, without an account.
    parent_mail = next(m for m in mail.outbox if m.to == ["pat@example.org"])
    link = re.search(r"http://\S+/reviews/respond/\S+/", parent_mail.body).group(0)
    page.context.clear_cookies()
    page.goto(base + link.split("8000", 1)[-1] if "127.0.0.1:8000" in link else link)
    page.get_by_label("What is going well?").fill("Robin seems settled")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()

    # iro1: sees Robin, holds the meeting, records participation and the decisions.
    sign_in(page, base, "iro1")
    page.goto(review_url)
    page.get_by_role("link", name="Meet or speak to the child").click()
    fill_date(page, "on", today)
    page.get_by_label("Visit").check()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Hold the meeting").click()
    fill_date(page, "held_on", today)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("The review is in progress.")).to_be_visible()
    page.get_by_role(
        "link", name="Record participation and the next review date"
    ).click()
    page.get_by_label("PN1: the child attended and spoke for themselves").check()
    page.get_by_label("Co-chaired by the child and the IRO").check()
    fill_date(page, "next_review_date", today + timedelta(days=80))
    page.get_by_role("button", name="Record the review as held").click()
    expect(
        page.get_by_text("The review is held. The next review is due by")
    ).to_be_visible()
    page.get_by_role("link", name="Decisions and recommendations").click()
    page.locator("#id_what").fill("Robin joins the swimming club by March")
    page.locator("#id_child_wording").fill("You will join the swimming club")
    page.locator("#id_owner_name").fill("Tom Bennett")
    page.locator("#id_owner_role").select_option("sw")
    fill_date(page, "due_date", today + timedelta(days=60))
    page.locator("#id_success_measure").fill("Robin is a member")
    page.get_by_role("button", name="Add this decision").click()
    page.get_by_role("button", name="Send the decisions to the team manager").click()
    expect(
        page.get_by_text("The decisions are sent to the team manager.")
    ).to_be_visible()

    # tm1 authorises.
    sign_in(page, base, "tm1")
    page.goto(review_url)
    page.get_by_role("link", name="Authorise the decisions").click()
    page.get_by_label("Authorise the decisions").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The decisions are authorised.")).to_be_visible()

    # iro1 writes and finalises the record.
    sign_in(page, base, "iro1")
    page.goto(review_url)
    page.get_by_role("link", name="Write the record to the child").click()
    page.get_by_label("What is going well, and your achievements").fill(
        "You got your swimming badge. Well done!"
    )
    page.get_by_role("button", name="Save the record").click()
    page.get_by_role("button", name="Finalise the record").click()
    expect(
        page.get_by_text("The record is finalised and ready to send.")
    ).to_be_visible()

    # bs1 distributes.
    sign_in(page, base, "bs1")
    page.goto(review_url)
    page.get_by_role("link", name="Send the record").click()
    page.get_by_label("Robin Journeyman (Child or young person)").check()
    page.get_by_label("Pat Journeyman (Parent)").check()
    page.get_by_role("button", name="Send the record").click()
    expect(page.get_by_text("The record is on its way: 2 by email")).to_be_visible()
    # Each reader gets an email with a single-use link to their own copy (D-SENT).
    send_queued_emails()
    record_mail = next(
        m for m in mail.outbox if m.to == ["pat@example.org"] and "record" in m.subject
    )
    assert "Robin" not in record_mail.body
    link = re.search(r"https?://\S+/documents/record/\S+/", record_mail.body).group(0)
    page.goto(f"{base}/{link.split('://', 1)[1].split('/', 1)[1]}")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the record (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.goto(f"{base}/documents/review/{review.pk}/distribute/")
    expect(page.get_by_role("cell", name="Sent", exact=False).first).to_be_visible()

    # The next review is planned with the right due date.
    review.refresh_from_db()
    assert review.status == Review.Status.DISTRIBUTED
    following = Review.objects.get(child=new_child, status=Review.Status.PLANNED)
    assert following.kind == Review.Kind.SECOND
    assert following.due_date == add_months(review.record_date, 3)
    page.goto(f"{base}/reviews/{following.pk}/")
    expect(
        page.get_by_text(following.due_date.strftime("%A %-d %B %Y")).first
    ).to_be_visible()
