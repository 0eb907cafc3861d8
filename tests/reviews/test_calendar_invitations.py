"""Calendar invitations that Outlook and Google keep right (docs/rules.md, D-CAL1,
D-CAL2): every message goes through the outbox to a real SMTP server in the
test process, and is read back with the standard library's email parser and with
icalendar.

Before: the UID held the start time (a new date made a second event), no SEQUENCE,
STATUS or DESCRIPTION, a UID domain that was no domain; rearranging after invitations
told nobody and cancelling sent no cancellation.
"""
# ruff: noqa: F811 (smtp_server is a fixture, imported for the tests' arguments)

import uuid
from datetime import datetime, time, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from icalendar import Calendar

from core.models import OutboundEmail
from core.notifications import send_queued_emails
from documents.documents import invitation_spec
from documents.pdf import render_html
from reviews import calendar, services
from reviews.models import AccessLink, ConveningChecklist, Invitation, Invitee, Review
from reviews.services import corrections, invitations
from tests.smtp_server import smtp_server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
REQUEST, CANCEL = "REQUEST", "CANCEL"


def at(days: int, hour: int = 10) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def invited(world):
    """A review ten days ahead at the youth club, its invitations sent: Mum and the
    teacher by email (Mum asked for her views), Dad by letter; the child keeps
    something from Dad."""
    period = world["north_child"].periods_of_care.get()
    period.started_on = timezone.localdate() - timedelta(days=7)
    period.save()
    review = services.review_plan_next(period=period, by=None)
    review = services.review_schedule(
        review=review,
        by=world["iro_a"],
        scheduled_for=at(10),
        venue="Youth club",
        format="face_to_face",
    )
    people = {}
    for name, role, method, contact, consultation in (
        ("Mum Inscope", "parent", "email", {"email": "mum@example.org"}, "adult"),
        ("Ms Page", "teacher", "email", {"email": "page@example.org"}, "none"),
        ("Dad Inscope", "parent", "letter", {"postal_address": "1 Road"}, "none"),
    ):
        people[name] = Invitee.objects.create(
            review=review,
            name=name,
            role=role,
            method=method,
            consultation_type=consultation,
            **contact,
        )
    services.sharing_restriction_add(
        review=review, by=world["sw_north"], person=people["Dad Inscope"], what="Town"
    )
    ConveningChecklist.objects.create(
        review=review,
        submitted_by=world["sw_north"],
        submitted_on=timezone.localdate(),
        confirmed_by=world["iro_a"],
        confirmed_on=timezone.localdate(),
    )
    services.review_issue_invitations(review=review, by=world["bs"], now=timezone.now())
    review.refresh_from_db()
    return review


def person(review, name) -> Invitee:
    return Invitee.everything.get(review=review, name=name)


def calendars(message):
    """The inline calendar and the attached one of an invitation email, checking the
    MIME structure Outlook reads (MS-OXCMAIL: iMIP in the first part of the mixed)."""
    assert message.get_content_type() == "multipart/mixed"
    first, *attachments = message.iter_parts()
    assert first.get_content_type() == "multipart/alternative"
    plain, inline = first.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert inline.get_content_type() == "text/calendar"
    assert inline.get_content_disposition() is None, "inline, not an attachment"
    (attached,) = attachments
    assert attached.get_content_disposition() == "attachment"
    assert attached.get_filename() == "invitation.ics"
    inline_calendar = Calendar.from_ical(inline.get_content())
    assert inline.get_param("method") == str(inline_calendar["method"])
    attached_calendar = Calendar.from_ical(attached.get_payload(decode=True))
    assert inline_calendar.to_ical() == attached_calendar.to_ical()
    return plain.get_content(), inline_calendar


def event_of(cal):
    (event,) = cal.walk("VEVENT")
    return event


def sent_to(smtp, address):
    """Every message to `address`, in order, as (text, calendar, event)."""
    found = []
    for message in smtp.to(address):
        text, cal = calendars(message)
        found.append((text, cal, event_of(cal)))
    return found


def test_an_invitation_is_an_imip_message_that_says_nothing_of_the_child(
    invited, smtp_server
):
    assert send_queued_emails() == 2
    ((text, cal, event),) = sent_to(smtp_server, "mum@example.org")
    assert cal["method"] == REQUEST
    uid, _, domain = str(event["uid"]).partition("@")
    assert uuid.UUID(uid).version == 4
    assert uid == str(person(invited, "Mum Inscope").calendar_uid)
    assert domain == calendar.uid_domain() and "." in domain
    assert event["sequence"] == 0 and event["status"] == "CONFIRMED"
    assert str(event["location"]) == "Youth club"
    attendee = event["attendee"]
    assert str(attendee) == "mailto:mum@example.org"
    assert attendee.params["RSVP"] == "FALSE" and attendee.params["CN"] == "Mum Inscope"
    assert str(event["organizer"]).startswith("mailto:")
    child = invited.child
    for shown in (str(event["description"]), str(event["summary"])):
        assert child.first_name not in shown and child.last_name not in shown
    assert "Not read" not in text and "/reviews/respond/" in text
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"scheduled_for": at(8)},
        {"scheduled_for": at(10, hour=14)},
        {"venue": "The library"},
        {"format": "online"},
    ],
    ids=["date", "time", "venue", "format"],
)
def test_a_change_after_invitations_sends_everyone_the_next_version(
    world, invited, smtp_server, change
):
    send_queued_emails()
    first = {
        a: sent_to(smtp_server, a)[0][2]
        for a in ("mum@example.org", "page@example.org")
    }
    services.review_rearrange(
        review=invited,
        by=world["iro_a"],
        reason="The child has an exam",
        **{"scheduled_for": invited.scheduled_for, **change},
    )
    assert send_queued_emails() == 2
    for address, before in first.items():
        (_, _, _), (text, cal, event) = sent_to(smtp_server, address)
        assert cal["method"] == REQUEST and event["status"] == "CONFIRMED"
        assert event["uid"] == before["uid"], "the same entry, replaced"
        assert event["sequence"] == 1
        assert "replaces the one we sent before" in text
    dad = person(invited, "Dad Inscope")
    letter = invitations.latest(dad)
    assert (letter.method, letter.sequence) == ("letter", 1)
    spec = invitation_spec(invited, dad)
    assert "replaces the invitation we sent you before" in render_html(
        spec.template, spec.full_context()
    )
    assert invited.events.filter(action="invitations_updated").exists()


def test_rearranging_to_the_same_arrangements_sends_nothing(world, invited):
    services.review_rearrange(
        review=invited,
        by=world["iro_a"],
        scheduled_for=invited.scheduled_for,
        venue=invited.venue,
        format=invited.format,
        reason="Checked",
    )
    assert not Invitation.objects.filter(review=invited, sequence__gt=0).exists()


def test_cancelling_sends_everyone_a_cancellation(world, invited, smtp_server):
    services.review_rearrange(
        review=invited, by=world["iro_a"], scheduled_for=at(9), reason="Exam"
    )
    send_queued_emails()
    services.review_cancel(
        review=invited,
        by=world["iro_a"],
        reason=Review.CancelReason.CEASED_LOOKED_AFTER,
        today=timezone.localdate(),
    )
    assert send_queued_emails() == 2
    for address in ("mum@example.org", "page@example.org"):
        versions = sent_to(smtp_server, address)
        assert [e["sequence"] for _, _, e in versions] == [0, 1, 2]
        assert len({e["uid"] for _, _, e in versions}) == 1
        text, cal, event = versions[-1]
        assert cal["method"] == CANCEL and event["status"] == "CANCELLED"
        assert "/reviews/respond/" not in text and "is cancelled" in text
    dad = person(invited, "Dad Inscope")
    assert invitations.latest(dad).is_cancellation
    spec = invitation_spec(Review.objects.get(pk=invited.pk), dad)
    assert "Review meeting cancelled" in render_html(spec.template, spec.full_context())


def test_someone_taken_off_the_list_after_their_invitation_is_sent_its_cancellation(
    world, invited, smtp_server
):
    send_queued_emails()
    mum = person(invited, "Mum Inscope")
    assert mum.pk in corrections.removable_invitees(invited)
    corrections.invitee_remove(review=invited, by=world["sw_north"], invitee=mum)
    assert send_queued_emails() == 1
    first, (text, cal, event) = sent_to(smtp_server, "mum@example.org")
    assert cal["method"] == CANCEL and event["sequence"] == 1
    assert event["uid"] == first[2]["uid"]
    assert "withdrawn" in text
    assert len(smtp_server.to("page@example.org")) == 1, "nobody else is told"
    link = AccessLink.objects.get(invitee=mum)
    assert link.expires_at <= timezone.now(), "her consultation link ends"
    # Cancelling the review later sends her nothing more.
    services.review_cancel(
        review=invited,
        by=world["iro_a"],
        reason=Review.CancelReason.CEASED_LOOKED_AFTER,
        today=timezone.localdate(),
    )
    send_queued_emails()
    assert len(smtp_server.to("mum@example.org")) == 2


def test_someone_the_child_no_longer_wants_there_is_sent_a_cancellation_not_the_place(
    world, invited, smtp_server
):
    """Marking Mum as not wanted at the meeting cancels her entry at once, and a later
    change of place never reaches her; she is still asked for her views."""
    send_queued_emails()
    mum = person(invited, "Mum Inscope")
    services.invitee_save(
        review=invited, by=world["sw_north"], invitee=mum, child_does_not_want=True
    )
    services.review_rearrange(
        review=invited,
        by=world["iro_a"],
        scheduled_for=invited.scheduled_for,
        venue="The library",
        reason="Bigger room",
    )
    send_queued_emails()
    versions = sent_to(smtp_server, "mum@example.org")
    assert [cal["method"] for _, cal, _ in versions] == [REQUEST, CANCEL]
    assert all("library" not in text for text, _, _ in versions)
    assert AccessLink.objects.get(invitee=mum).expires_at > timezone.now()
    assert sent_to(smtp_server, "page@example.org")[-1][2]["sequence"] == 1


def test_a_new_email_address_gets_the_entry_and_the_old_one_its_cancellation(
    world, invited, smtp_server
):
    send_queued_emails()
    mum = person(invited, "Mum Inscope")
    services.invitee_save(
        review=invited, by=world["sw_north"], invitee=mum, email="mum@new.example.org"
    )
    assert send_queued_emails() == 2
    (_, _, first), (_, old_cal, old_event) = sent_to(smtp_server, "mum@example.org")
    ((_, new_cal, new_event),) = sent_to(smtp_server, "mum@new.example.org")
    assert (old_cal["method"], old_event["sequence"]) == (CANCEL, 1)
    assert (new_cal["method"], new_event["sequence"]) == (REQUEST, 2)
    assert first["uid"] == old_event["uid"] == new_event["uid"]
    assert str(new_event["attendee"]) == "mailto:mum@new.example.org"
    # A change of anything else sends nothing.
    services.invitee_save(
        review=invited, by=world["sw_north"], invitee=mum, safety_notes="Call first"
    )
    assert send_queued_emails() == 0


def test_no_location_for_a_restricted_person_or_a_confidential_placement(invited):
    dad, mum = person(invited, "Dad Inscope"), person(invited, "Mum Inscope")
    dad_event = event_of(Calendar.from_ical(invitations.invitation_ics(invited, dad)))
    assert "LOCATION" not in dad_event
    assert "Youth club" not in str(dad_event["description"])
    assert "will tell you where" in str(dad_event["description"])
    child = invited.child
    child.confidential_address = True
    child.save()
    invited.refresh_from_db()
    mum_event = event_of(Calendar.from_ical(invitations.invitation_ics(invited, mum)))
    assert "LOCATION" not in mum_event
    assert "Youth club" not in mum_event.to_ical().decode()


def test_the_uid_domain_is_the_services_host(settings):
    settings.SITE_URL = "https://reviews.example-council.gov.uk"
    assert calendar.uid_domain() == "reviews.example-council.gov.uk"
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.DEFAULT_FROM_EMAIL = "iro@example-council.gov.uk"
    assert calendar.uid_domain() == "example-council.gov.uk"


def test_the_page_says_what_really_happened_and_sends_one_again(
    world, invited, smtp_server, client_as
):
    bs = client_as(world["bs"])
    url = reverse("reviews:invitations", args=[invited.pk])
    page = bs.get(url).content.decode()
    assert "Email waiting to be sent" in page and "Email sent" not in page
    assert "Letter to print and post" in page
    send_queued_emails()
    page = bs.get(url).content.decode()
    assert page.count("Email sent") == 2
    mum = person(invited, "Mum Inscope")
    resend = reverse("reviews:invitation_resend", args=[invited.pk, mum.pk])
    assert bs.post(resend).status_code == 302
    assert "Email waiting to be sent" in bs.get(url).content.decode()
    send_queued_emails()
    (_, _, first), (_, _, again) = sent_to(smtp_server, "mum@example.org")
    assert (again["uid"], again["sequence"]) == (first["uid"], first["sequence"])
    dad = person(invited, "Dad Inscope")
    letter = reverse("reviews:invitation_resend", args=[invited.pk, dad.pk])
    assert bs.post(letter, follow=True).content.decode().count("print their letter")


def test_an_email_the_mail_server_refuses_is_not_called_sent(
    world, invited, settings, client_as
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens
    settings.EMAIL_TIMEOUT = 2
    assert send_queued_emails() == 0
    page = client_as(world["bs"]).get(reverse("reviews:invitations", args=[invited.pk]))
    assert "the mail server refused it" in page.content.decode()
    assert "Email sent" not in page.content.decode()


CHANGES = st.lists(
    st.one_of(
        st.tuples(st.just("scheduled_for"), st.integers(1, 10)),
        st.tuples(st.just("venue"), st.sampled_from(["Youth club", "Library", "Home"])),
        st.tuples(st.just("format"), st.sampled_from(["face_to_face", "online"])),
    ),
    max_size=5,
)


class Rollback(Exception):
    pass


@hypothesis_settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(changes=CHANGES)
def test_every_version_replaces_the_last(world, invited, changes):
    """Whatever the changes: one entry per person (one UID), SEQUENCE one higher for
    each real change and for the cancellation, and nothing for a change to nothing."""
    mum = person(invited, "Mum Inscope")
    try:
        with transaction.atomic():
            review = Review.objects.get(pk=invited.pk)
            expected = 0
            for field, value in changes:
                before = invitations.arrangements(review)
                new = at(value) if field == "scheduled_for" else value
                review = services.review_rearrange(
                    review=review,
                    by=world["iro_a"],
                    reason="Moved",
                    **{"scheduled_for": review.scheduled_for, field: new},
                )
                expected += invitations.arrangements(review) != before
            services.review_cancel(
                review=review,
                by=world["iro_a"],
                reason=Review.CancelReason.CEASED_LOOKED_AFTER,
                today=timezone.localdate(),
            )
            versions = list(Invitation.objects.filter(invitee=mum))
            assert [v.sequence for v in versions] == list(range(expected + 2))
            assert [v.is_cancellation for v in versions][-1] is True
            uids = set()
            for version in versions:
                ics = bytes(version.email.attachment)
                event = event_of(Calendar.from_ical(ics))
                assert event["sequence"] == version.sequence
                uids.add(str(event["uid"]))
            assert len(uids) == 1
            raise Rollback
    except Rollback:
        pass
