"""Names and free text full of markup come out as text in every channel: HTML, email,
.ics and PDF (security checklist item 23)."""

from datetime import date, datetime
from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from core.notifications import send_queued_emails
from documents.documents import invitation_spec
from documents.pdf import render_pdf
from reviews import services
from reviews.services.invitations import invitation_ics

pytestmark = pytest.mark.django_db

NASTY = (
    '<script>alert("x")</script> {{ secret }} {% now "Y" %}, Smith; O\'Brien\nNewline'
)


@pytest.fixture
def invited(world):
    review = services.review_plan_next(
        period=world["north_child"].periods_of_care.get(), by=None
    )
    when = timezone.make_aware(datetime(2025, 1, 30, 10, 0))
    services.review_schedule(
        review=review,
        by=world["iro_a"],
        scheduled_for=when,
        venue=NASTY[:200],
        format="online",
    )
    review.refresh_from_db()
    person = services.invitee_save(
        review=review,
        by=world["sw_north"],
        name=NASTY[:200],
        role="parent",
        method="email",
        email="p@example.org",
        consultation_type="adult",
    )
    return review, person


def test_html_escapes_a_name_full_of_markup(world, invited, client_as):
    review, person = invited
    body = (
        client_as(world["sw_north"])
        .get(reverse("reviews:checklist", args=[review.pk]))
        .content.decode()
    )
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "{{ secret }}" in body  # shown as typed, never evaluated


def test_email_and_ics_carry_the_text_literally(
    world, invited, django_capture_on_commit_callbacks
):
    review, person = invited
    services.checklist_submit(
        review=review, by=world["sw_north"], today=date(2025, 1, 8)
    )
    services.checklist_confirm(review=review, by=world["iro_a"], today=date(2025, 1, 9))
    with django_capture_on_commit_callbacks(execute=True):
        services.review_issue_invitations(
            review=review, by=world["bs"], now=timezone.now()
        )
    send_queued_emails()
    message = mail.outbox[0]
    assert (
        message.content_subtype == "plain"
    )  # a plain-text email: nothing is interpreted
    assert '<script>alert("x")</script> {{ secret }}' in message.body
    calendar = Calendar.from_ical(invitation_ics(review, person))
    event = next(iter(calendar.walk("VEVENT")))
    assert (
        str(event["location"]) == NASTY[:200]
    )  # escaped in the file, exact when read back
    raw = invitation_ics(review, person).replace(b"\r\n ", b"")  # unfold the lines
    assert b"Smith\\; O'Brien\\nNewline" in raw  # escaped as RFC 5545 asks


def test_pdf_shows_the_markup_as_text(world, invited):
    review, person = invited
    spec = invitation_spec(review, person)
    pdf = render_pdf(spec.template, spec.full_context())
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert '<script>alert("x")</script>' in text
    assert "{{ secret }}" in text
