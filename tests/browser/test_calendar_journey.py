"""Calendar invitations that stay true, in Chromium (docs/rules.md, D-CAL1, D-CAL2):
the IRO rearranges a review after its invitations went, and the test SMTP server
receives each emailed person's updated invitation (the same UID, a higher SEQUENCE);
business support sees what really happened to each; the IRO cancels the review, and
the server receives the cancellations. The outbox sender runs for real, as the
worker would, against an SMTP server in the test process."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from accounts.models import User
from core.notifications import send_queued_emails
from reviews import services
from reviews.models import Review
from tests.browser.test_confidentiality_journeys import _child, demo_staff, sign_in
from tests.smtp_server import smtp_server

pytestmark = pytest.mark.browser
__all__ = ["demo_staff", "smtp_server"]  # fixtures the journey uses

PEOPLE = ("mum@example.org", "teacher@example.org")


def _invited_review():
    """Kit's first review in five days at the youth club; Mum and the teacher invited
    by email, Dad by letter; the invitations sent."""
    today = timezone.localdate()
    child = _child("CAL1", "Kit", "Calendar")
    review = Review.objects.get(child=child)
    sw1, iro1 = User.objects.get(username="sw1"), User.objects.get(username="iro1")
    for name, role, contact in (
        ("Mum Calendar", "parent", {"method": "email", "email": PEOPLE[0]}),
        ("Ms Teacher", "teacher", {"method": "email", "email": PEOPLE[1]}),
        ("Dad Calendar", "parent", {"method": "letter", "postal_address": "1 Lane"}),
    ):
        services.invitee_save(review=review, by=sw1, name=name, role=role, **contact)
    services.checklist_submit(review=review, by=sw1, today=today)
    services.checklist_confirm(review=review, by=iro1, today=today)
    services.review_schedule(
        review=review,
        by=iro1,
        scheduled_for=timezone.make_aware(
            datetime.combine(today + timedelta(days=5), time(10))
        ),
        venue="The youth club",
        format="face_to_face",
    )
    services.review_issue_invitations(
        review=review, by=User.objects.get(username="bs1"), now=timezone.now()
    )
    return review


def _events(smtp, address):
    """The calendar entry of each message `address` received, from its inline part."""
    found = []
    for message in smtp.to(address):
        alternative = next(message.iter_parts())
        inline = list(alternative.iter_parts())[1]
        assert inline.get_content_type() == "text/calendar"
        calendar = Calendar.from_ical(inline.get_content())
        (event,) = calendar.walk("VEVENT")
        found.append((str(calendar["method"]), event))
    return found


def test_rearranging_then_cancelling_reaches_everyone_invited(
    page: Page, live_server, demo_staff, smtp_server
):
    base = live_server.url
    review = _invited_review()
    assert send_queued_emails() == 2  # the worker sends the first invitations
    smtp_server.wait_for(2)

    # iro1 moves the review two days later and to the library.
    sign_in(page, base, "iro1")
    page.goto(f"{base}/reviews/{review.pk}/schedule/")
    later = timezone.localdate() + timedelta(days=7)
    page.locator("#id_on_0").fill(str(later.day))
    page.locator("#id_on_1").fill(str(later.month))
    page.locator("#id_on_2").fill(str(later.year))
    page.get_by_label("Where").fill("The library")
    page.get_by_label("Reason for rearranging").fill("Kit has a school trip")
    page.get_by_role("button", name="Save the arrangements").click()
    expect(page.get_by_text("The review is rearranged.")).to_be_visible()
    expect(page.get_by_text("the emails are waiting to be sent")).to_be_visible()

    # Until the worker runs, business support sees the updates waiting, not sent.
    sign_in(page, base, "bs1")
    page.goto(f"{base}/reviews/{review.pk}/invitations/")
    table = page.locator("table", has_text="What each person was sent last")
    expect(table.locator("tr", has_text="Mum Calendar")).to_contain_text(
        "Email waiting to be sent"
    )
    expect(table.locator("tr", has_text="Dad Calendar")).to_contain_text(
        "Letter to print and post"
    )
    assert send_queued_emails() == 2
    smtp_server.wait_for(4)
    for address in PEOPLE:
        (first_method, first), (method, update) = _events(smtp_server, address)
        assert (first_method, method) == ("REQUEST", "REQUEST")
        assert update["uid"] == first["uid"]
        assert (first["sequence"], update["sequence"]) == (0, 1)
        assert str(update["location"]) == "The library"
        assert update.decoded("dtstart").date() == later
    page.reload()
    expect(table.locator("tr", has_text="Mum Calendar")).to_contain_text("Email sent")

    # iro1 cancels the review: everyone invited gets the cancellation.
    sign_in(page, base, "iro1")
    page.goto(f"{base}/reviews/{review.pk}/cancel/")
    page.get_by_label("Entered twice").check()
    page.get_by_role("button", name="Cancel the review").click()
    expect(page.get_by_text("The review is cancelled.")).to_be_visible()
    assert send_queued_emails() == 2
    smtp_server.wait_for(6)
    for address in PEOPLE:
        *_, (method, cancel) = _events(smtp_server, address)
        first_uid = _events(smtp_server, address)[0][1]["uid"]
        assert method == "CANCEL" and cancel["status"] == "CANCELLED"
        assert cancel["uid"] == first_uid and cancel["sequence"] == 2
