"""The record really reaches its readers (D-SENT): an email with a single-use link to
the reader's own copy, read back from a real SMTP server; letters counted on the day
business support says they were posted; the 20-working-day measure counting only what
really went."""
# ruff: noqa: F811 (smtp_server is a fixture, imported for the tests' arguments)

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from core.models import OutboundEmail
from core.notifications import SECRET_REMOVED, send_queued_emails
from documents import services as document_services
from documents.models import Distribution
from reporting.queries import timeliness
from reporting.queries.base import Filters, Period
from reviews.models import Invitee
from tests.reporting.conftest import build_cycle
from tests.smtp_server import smtp_server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

CAROL = "carol@example.org"


@pytest.fixture
def sent(world, review):
    """The record finalised; the carer has an email address, the others get letters;
    business support sends it to all three."""
    review, people = build_cycle(world, review)
    Invitee.objects.filter(pk=people["carer"].pk).update(method="email", email=CAROL)
    copies = document_services.review_distribute(
        review=review,
        by=User.objects.get(username="bs"),
        now=timezone.now(),
        recipients=list(Invitee.objects.filter(pk__in=[p.pk for p in people.values()])),
    )
    return review, {copy.invitee.role: copy for copy in copies}


def _figure(review):
    held = review.record_date
    period = Period(held.replace(day=1), held + timedelta(days=1))
    return timeliness.record_sent_in_time(period, Filters(today=timezone.localdate()))


def test_an_email_copy_is_sent_only_when_it_leaves_the_outbox_and_its_link_gives_the_readers_own_copy_once(
    sent, smtp_server, client_as
):
    review, copies = sent
    carers = copies["carer"]
    assert carers.email is not None and carers.state == "Queued"
    # Queued is not sent: the measure does not count the review yet.
    assert review.pk not in _figure(review).numerator_ids
    assert send_queued_emails() >= 1

    (message,) = smtp_server.to(CAROL)
    body = message.get_body(preferencelist=("plain",)).get_content()
    child = review.child
    for detail in (child.first_name, child.last_name, child.known_as):
        assert detail not in body and detail not in message["Subject"]
    (url,) = re.findall(r"https?://\S+/documents/record/\S+/", body)
    carers.refresh_from_db()
    assert carers.state == "Sent"
    assert SECRET_REMOVED in carers.email.body and url not in carers.email.body

    path = url.split("://", 1)[1].split("/", 1)[1]
    reader = Client()
    page = reader.get(f"/{path}")
    assert page.status_code == 200 and child.last_name not in page.content.decode()
    # Opening the page, or a POST without the page's button, uses nothing up.
    assert reader.post(f"/{path}").status_code == 400
    download = reader.post(f"/{path}", {"download": "record"})
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)
    with carers.document.file.open("rb") as stored:
        assert pdf == stored.read()
    assert PdfReader(BytesIO(pdf)).pages
    assert download["Cache-Control"].startswith("no-store")
    # Read in Python: SQLite has no JSON "contains" lookup.
    entries = LogEntry.objects.filter(object_pk=str(carers.document.pk))
    assert any(
        "a record link for Carol Carer" in (entry.additional_data or {}).get("via", "")
        for entry in entries
    )
    again = reader.post(f"/{path}", {"download": "record"})
    assert again.status_code == 410
    assert "has been downloaded" in again.content.decode()
    # A record link never opens the consultation page, nor it a record.
    token = path.rstrip("/").rsplit("/", 1)[-1]
    assert reader.get(reverse("reviews:respond", args=[token])).status_code == 404

    # The distribution log says what happened to each copy.
    log = client_as(User.objects.get(username="bs")).get(
        reverse("documents:distribute", args=[review.pk])
    )
    text = log.content.decode()
    assert "To print and post" in text and "Sent" in text


def test_a_failing_email_is_not_sent(sent, settings):
    review, copies = sent
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens
    send_queued_emails()
    carers = Distribution.objects.get(pk=copies["carer"].pk)
    assert carers.email.status == OutboundEmail.Status.FAILED
    assert carers.state == "Failed, will retry"
    assert review.pk not in _figure(review).numerator_ids


def test_letters_count_as_sent_on_the_day_business_support_says_they_were_posted(
    sent, client_as
):
    review, copies = sent
    bs = User.objects.get(username="bs")
    url = reverse("documents:letters_posted", args=[review.pk])
    client = client_as(bs)
    page = client.get(url).content.decode()
    # The email copy is not a letter.
    assert "Maria" in page and "Carol Carer" not in page
    # Posting them is a task on business support's My work, due by the deadline.
    home = client.get(reverse("workspace:home")).content.decode()
    assert "Post the record&#x27;s letters and confirm the date" in home
    assert f'href="{url}"' in home
    letters = [copies["child"].pk, copies["parent"].pk]
    tomorrow = timezone.localdate() + timedelta(days=1)
    future = client.post(
        url,
        {
            "copies": letters,
            "posted_on_0": tomorrow.day,
            "posted_on_1": tomorrow.month,
            "posted_on_2": tomorrow.year,
        },
    )
    assert future.status_code == 400
    assert "Date the letters were posted must be" in future.content.decode()
    none = client.post(
        url, {"posted_on_0": "1", "posted_on_1": "1", "posted_on_2": "2025"}
    )
    assert none.status_code == 400
    assert Distribution.objects.filter(posted_on__isnull=False).count() == 0

    today = timezone.localdate()
    posted = client.post(
        url,
        {
            "copies": letters,
            "posted_on_0": today.day,
            "posted_on_1": today.month,
            "posted_on_2": today.year,
        },
    )
    assert posted.status_code == 302
    for pk in letters:
        copy = Distribution.objects.get(pk=pk)
        assert copy.posted_on == today and copy.posted_by == bs
        assert copy.state.startswith("Posted")
    assert "no letters of the record waiting" in client.get(url).content.decode()
    assert url not in client.get(reverse("workspace:home")).content.decode()
    # Posted today, long after the deadline of a review held in 2025: sent, but late.
    figure = _figure(review)
    assert review.pk in figure.ids and review.pk not in figure.numerator_ids


def test_a_letter_posted_in_time_counts_in_time(sent):
    review, copies = sent
    from reviews import timescales

    due = timescales.record_distributed_due(review.record_date).date
    Distribution.objects.filter(pk=copies["parent"].pk).update(posted_on=due)
    assert review.pk in _figure(review).numerator_ids
    Distribution.objects.filter(pk=copies["parent"].pk).update(
        posted_on=due + timedelta(days=1)
    )
    assert review.pk not in _figure(review).numerator_ids


def test_the_posting_date_is_not_before_the_copies_were_made(sent):
    review, copies = sent
    from django.core.exceptions import ValidationError

    from documents.delivery import letters_posted

    with pytest.raises(ValidationError, match="the day the copies were made"):
        letters_posted(
            review=review,
            by=User.objects.get(username="bs"),
            posted_on=date(2000, 1, 1),
            copies=[copies["parent"]],
            today=timezone.localdate(),
        )


def _link_in(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    (url,) = re.findall(r"https?://\S+/documents/record/\S+/", body)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_business_support_sends_a_new_link_and_the_old_one_stops_working(
    sent, smtp_server, client_as
):
    review, copies = sent
    send_queued_emails()
    (first,) = smtp_server.to(CAROL)
    old = _link_in(first)
    bs = client_as(User.objects.get(username="bs"))
    resend = reverse("documents:record_resend", args=[review.pk, copies["carer"].pk])
    assert bs.get(resend).status_code == 405
    assert client_as(review.child.social_worker).post(resend).status_code == 403
    response = bs.post(resend)
    assert response.status_code == 302
    send_queued_emails()
    assert len(smtp_server.to(CAROL)) == 2
    new = _link_in(smtp_server.to(CAROL)[1])
    assert new != old
    reader = Client()
    assert reader.get(old).status_code == 410
    assert reader.post(new, {"download": "record"}).status_code == 200
    assert review.events.filter(action="record_link_resent").count() == 1
    # A letter copy is not sent again by email.
    letter = reverse("documents:record_resend", args=[review.pk, copies["parent"].pk])
    refused = bs.post(letter, follow=True)
    assert "Only a copy sent by email" in refused.content.decode()
