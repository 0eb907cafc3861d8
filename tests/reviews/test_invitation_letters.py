"""Invitations after they went out (docs/rules.md, D-CAL2, D-SENT): the letters of
people invited by letter (an update, the review's cancellation, the withdrawal of
their own invitation), printed as PDFs, read back, posted and confirmed as posted;
and someone added to the list since, sent their invitation by business support from
a task on My work once the IRO has confirmed the list. Emails go through the outbox
to a real SMTP server in the test process and are read back with icalendar.

Before: a cancelled review's letter recipients were sent nothing anyone would post,
a person taken off the list by letter got nothing ("tell them"), no invitation letter
was ever known to be posted, and a person added after the invitations went out was
never invited.
"""
# ruff: noqa: F811 (smtp_server is a fixture, imported for the tests' arguments)

from datetime import datetime, time, timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from core.notifications import send_queued_emails
from documents.documents import invitation_specs
from reviews import services
from reviews.models import (
    AccessLink,
    ConveningChecklist,
    Invitation,
    Invitee,
    Review,
)
from reviews.services import corrections, invitation_letters, invitations, preparation
from tests.smtp_server import smtp_server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def at(days: int, hour: int = 10) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def invited(world):
    """A review ten days ahead at the youth club, its invitations sent by business
    support: Mum by email, Dad by letter (asked for his views)."""
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
    Invitee.objects.create(
        review=review,
        name="Mum Parker",
        role="parent",
        method="email",
        email="mum@example.org",
    )
    Invitee.objects.create(
        review=review,
        name="Dad Parker",
        role="parent",
        method="letter",
        postal_address="1 Road\nTown",
        consultation_type="adult",
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


def words(text: str) -> str:
    return " ".join(text.split())


def printed(client, review, invitee) -> str:
    """The letter business support prints to post, as the PDF's text."""
    response = client.post(
        reverse("documents:invitation_letter", args=[review.pk, invitee.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    return words(" ".join(page.extract_text() for page in reader.pages))


def long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


def home(client) -> str:
    return client.get(reverse("workspace:home")).content.decode()


def post_letters(client, review, letters, day):
    return client.post(
        reverse("reviews:invitation_letters_posted", args=[review.pk]),
        {
            "letters": [letter.pk for letter in letters],
            "posted_on_0": day.day,
            "posted_on_1": day.month,
            "posted_on_2": day.year,
        },
    )


POST_TASK = "Post the invitation letters and confirm the date"


def cancel(world, review):
    return services.review_cancel(
        review=Review.objects.get(pk=review.pk),
        by=world["iro_a"],
        reason=Review.CancelReason.CEASED_LOOKED_AFTER,
        today=timezone.localdate(),
    )


# --- Letters to post, and posted -----------------------------------------------------


def test_a_letter_counts_as_sent_when_business_support_says_it_was_posted(
    world, invited, client_as
):
    bs = client_as(world["bs"])
    dad = person(invited, "Dad Parker")
    (first,) = invitation_letters.letters_to_post(invited, now=timezone.now())
    assert (first.invitee, first.sequence) == (dad, 0)
    page = bs.get(reverse("reviews:invitations", args=[invited.pk])).content.decode()
    assert "Letter to print and post" in page
    assert "Print the letter to post<span" in page
    url = reverse("reviews:invitation_letters_posted", args=[invited.pk])
    assert POST_TASK in home(bs) and f'href="{url}"' in home(bs)

    # Not in the future, not before the letter was made, and something chosen: a
    # GOV.UK error beside the field, and nothing recorded.
    tomorrow = timezone.localdate() + timedelta(days=1)
    future = post_letters(bs, invited, [first], tomorrow)
    assert future.status_code == 400
    assert "Date the letters were posted must be" in future.content.decode()
    before = post_letters(bs, invited, [first], timezone.localdate() - timedelta(2))
    assert before.status_code == 400
    assert "the day the letters were made" in before.content.decode()
    none = post_letters(bs, invited, [], timezone.localdate())
    assert none.status_code == 400
    assert "Select the letters that were posted" in none.content.decode()
    assert not Invitation.objects.filter(posted_on__isnull=False).exists()

    today = timezone.localdate()
    assert post_letters(bs, invited, [first], today).status_code == 302
    first.refresh_from_db()
    assert (first.posted_on, first.posted_by) == (today, world["bs"])
    page = bs.get(reverse("reviews:invitations", args=[invited.pk])).content.decode()
    assert f"Letter posted on {long_date(today)}" in page
    assert "Print the letter to post<span" not in page
    assert POST_TASK not in home(bs)
    assert "no invitation letters waiting" in bs.get(url).content.decode()
    assert invited.events.filter(action="invitation_letters_posted").exists()


def test_a_change_makes_an_updated_letter_that_replaces_the_first(
    world, invited, client_as
):
    services.review_rearrange(
        review=invited,
        by=world["iro_a"],
        scheduled_for=at(12, hour=14),
        reason="The child has an exam",
    )
    dad = person(invited, "Dad Parker")
    (waiting,) = invitation_letters.letters_to_post(invited, now=timezone.now())
    assert (waiting.invitee, waiting.sequence) == (dad, 1), "only the latest waits"
    review = Review.objects.get(pk=invited.pk)
    text = printed(client_as(world["bs"]), review, dad)
    assert "/reviews/respond/" in text, "the updated letter has his link"
    assert "Updated invitation to a review meeting" in text
    assert "replaces the invitation we sent you before" in text
    assert long_date(timezone.localdate() + timedelta(days=12)) in text
    assert "2pm" in text


def test_cancelling_the_review_makes_a_cancellation_letter_to_post(
    world, invited, client_as
):
    bs = client_as(world["bs"])
    (first,) = invitation_letters.letters_to_post(invited, now=timezone.now())
    post_letters(bs, invited, [first], timezone.localdate())
    assert POST_TASK not in home(bs)
    review = cancel(world, invited)
    dad = person(review, "Dad Parker")
    (letter,) = invitation_letters.letters_to_post(review, now=timezone.now())
    assert (letter.invitee, letter.sequence, letter.is_cancellation) == (dad, 1, True)
    assert invitations.what_it_is(letter) == "cancellation"
    assert POST_TASK in home(bs)

    text = printed(bs, review, dad)
    assert "Review meeting cancelled" in text and "is cancelled" in text
    assert long_date(timezone.localdate()) in text, "the letter's own date"
    child = review.child
    for detail in ("Youth club", child.first_name, child.last_name, child.known_as):
        assert detail not in text, detail
    page = bs.get(reverse("reviews:invitations", args=[review.pk])).content.decode()
    assert "Cancellation, letter" in page and "Letter to print and post" in page

    assert post_letters(bs, review, [letter], timezone.localdate()).status_code == 302
    assert POST_TASK not in home(bs)
    assert not invitation_letters.letters_to_post(review, now=timezone.now()).exists()


def test_someone_taken_off_the_list_by_letter_is_sent_a_letter_saying_so(
    world, invited, client_as
):
    bs = client_as(world["bs"])
    dad = person(invited, "Dad Parker")
    corrections.invitee_remove(review=invited, by=world["sw_north"], invitee=dad)
    dad.refresh_from_db()
    assert dad.removed_at is not None
    (letter,) = invitation_letters.letters_to_post(invited, now=timezone.now())
    assert (letter.invitee, letter.is_cancellation) == (dad, True)
    assert invitations.what_it_is(letter) == "withdrawal of the invitation"

    text = printed(bs, invited, dad)
    assert "You are no longer invited to the review meeting" in text
    assert "The invitation we sent you is withdrawn" in text
    assert "Youth club" not in text and invited.child.first_name not in text
    assert long_date(timezone.localdate()) in text
    # It carries no consultation link, and no short code is made for it (D-CODE).
    assert "/reviews/respond/" not in text and "short code" not in text
    assert not AccessLink.objects.filter(invitee=dad).exists()
    # The stored letters include his.
    keys = {spec.key for spec in invitation_specs(invited)}
    assert f"invitation:review={invited.pk}:invitee={dad.pk}" in keys

    # Cancelling the review later sends him nothing more, and his letter still says
    # that his invitation was withdrawn.
    review = cancel(world, invited)
    (still,) = invitation_letters.letters_to_post(review, now=timezone.now())
    assert still.pk == letter.pk
    assert "You are no longer invited" in printed(bs, review, dad)


def test_someone_the_child_no_longer_wants_there_gets_a_withdrawal_never_the_place(
    world, invited, client_as
):
    dad = person(invited, "Dad Parker")
    services.invitee_save(
        review=invited, by=world["sw_north"], invitee=dad, child_does_not_want=True
    )
    text = printed(client_as(world["bs"]), invited, dad)
    assert "The invitation we sent you is withdrawn" in text
    assert "Youth club" not in text and "/reviews/respond/" not in text


def test_a_letter_about_a_meeting_already_past_is_not_waiting(world, invited):
    dad = person(invited, "Dad Parker")
    first = invitations.latest(dad)
    assert invitations.delivery(first) == "Letter to print and post"
    # Still to post on the day of the meeting; not the day after.
    that_evening = invited.scheduled_for + timedelta(hours=8)
    assert invitations.delivery(first, now=that_evening) == "Letter to print and post"
    later = invited.scheduled_for + timedelta(days=1)
    assert invitations.delivery(first, now=later) == (
        "Letter not posted before the meeting"
    )
    assert not invitation_letters.letters_to_post(invited, now=later).exists()
    assert not invitation_letters.reviews_with_letters_to_post(
        Review.objects.values("child"), now=later
    ).exists()


def test_a_letter_replaced_meanwhile_is_not_recorded_as_posted(world, invited):
    (first,) = invitation_letters.letters_to_post(invited, now=timezone.now())
    services.review_rearrange(
        review=invited, by=world["iro_a"], scheduled_for=at(11), reason="Exam"
    )
    review = Review.objects.get(pk=invited.pk)
    posted = invitation_letters.letters_posted(
        review=review,
        by=world["bs"],
        posted_on=timezone.localdate(),
        letters=[first],
        today=timezone.localdate(),
        now=timezone.now(),
    )
    first.refresh_from_db()
    assert posted == 0 and first.posted_on is None


# --- Someone added after the invitations went out ----------------------------------


def _add(world, review, **fields) -> Invitee:
    return services.invitee_save(review=review, by=world["sw_north"], **fields)


def test_someone_added_later_is_sent_their_invitation_from_business_supports_work(
    world, invited, client_as, smtp_server
):
    send_queued_emails()
    bs = client_as(world["bs"])
    aunt = _add(
        world,
        invited,
        name="Aunt Late",
        role="other",
        method="email",
        email="aunt@example.org",
    )
    url = reverse("reviews:invitations", args=[invited.pk])
    page = bs.get(url).content.decode()
    assert "Not invited yet" in page and "Aunt Late" in page
    assert "Waiting for the IRO to confirm the list" in page
    task = "Send the invitation to Aunt Late"
    assert task not in home(bs), "not before the IRO confirms the list with her on it"
    send = reverse("reviews:invitation_send", args=[invited.pk, aunt.pk])
    refused = bs.post(send, follow=True).content.decode()
    assert "the IRO must confirm it again" in refused
    assert not aunt.invitations.exists()

    services.checklist_confirm(
        review=invited, by=world["iro_a"], today=timezone.localdate()
    )
    assert task in home(bs)
    assert "Send the invitation<span" in bs.get(url).content.decode()
    assert bs.post(send).status_code == 302
    assert task not in home(bs)
    page = bs.get(url).content.decode()
    assert "Not invited yet" not in page and "Email waiting to be sent" in page

    assert send_queued_emails() == 1
    (message,) = smtp_server.to("aunt@example.org")
    first, attached = message.iter_parts()
    inline = list(first.iter_parts())[1]
    assert inline.get_content_type() == "text/calendar"
    assert inline.get_param("method") == "REQUEST"
    cal = Calendar.from_ical(inline.get_content())
    assert (
        cal.to_ical() == Calendar.from_ical(attached.get_payload(decode=True)).to_ical()
    )
    (event,) = cal.walk("VEVENT")
    assert str(cal["method"]) == "REQUEST" and event["sequence"] == 0
    assert str(event["uid"]).startswith(str(aunt.calendar_uid))
    assert event["attendee"].params["RSVP"] == "FALSE"
    assert len(smtp_server.to("mum@example.org")) == 1, "nobody else is sent anything"
    assert invited.events.filter(action="invitation_sent_late").exists()

    # She is now among those sent the next version when the review changes.
    services.review_rearrange(
        review=invited, by=world["iro_a"], scheduled_for=at(9), reason="Exam"
    )
    send_queued_emails()
    *_, update = smtp_server.to("aunt@example.org")
    (event,) = Calendar.from_ical(
        list(next(update.iter_parts()).iter_parts())[1].get_content()
    ).walk("VEVENT")
    assert event["sequence"] == 1


def test_someone_added_later_by_letter_gets_a_letter_to_post(world, invited, client_as):
    bs = client_as(world["bs"])
    (dads,) = invitation_letters.letters_to_post(invited, now=timezone.now())
    post_letters(bs, invited, [dads], timezone.localdate())
    gran = _add(
        world,
        invited,
        name="Gran Late",
        role="other",
        method="letter",
        postal_address="2 Lane",
    )
    services.checklist_confirm(
        review=invited, by=world["iro_a"], today=timezone.localdate()
    )
    assert "Send the invitation to Gran Late" in home(bs)
    assert POST_TASK not in home(bs)
    send = reverse("reviews:invitation_send", args=[invited.pk, gran.pk])
    assert "print the letter" in bs.post(send, follow=True).content.decode()
    (letter,) = invitation_letters.letters_to_post(invited, now=timezone.now())
    assert (letter.invitee, letter.sequence) == (gran, 0)
    assert POST_TASK in home(bs) and "Send the invitation to Gran" not in home(bs)
    text = printed(bs, invited, gran)
    assert "Invitation to a review meeting" in text and "Youth club" in text
    assert long_date(timezone.localdate()) in text


def test_someone_invited_again_is_sent_the_next_version_of_the_same_entry(
    world, invited, smtp_server
):
    send_queued_emails()
    mum = person(invited, "Mum Parker")
    services.invitee_save(
        review=invited, by=world["sw_north"], invitee=mum, child_does_not_want=True
    )
    assert list(invitations.awaiting(invited)) == []
    services.invitee_save(
        review=invited, by=world["sw_north"], invitee=mum, child_does_not_want=False
    )
    assert list(invitations.awaiting(invited)) == [mum]
    services.checklist_confirm(
        review=invited, by=world["iro_a"], today=timezone.localdate()
    )
    preparation.invitation_send_late(
        review=invited, invitee=mum, by=world["bs"], now=timezone.now()
    )
    send_queued_emails()
    methods = []
    for message in smtp_server.to("mum@example.org"):
        inline = list(next(message.iter_parts()).iter_parts())[1]
        cal = Calendar.from_ical(inline.get_content())
        (event,) = cal.walk("VEVENT")
        methods.append((str(cal["method"]), event["sequence"], str(event["uid"])))
    assert [m[:2] for m in methods] == [("REQUEST", 0), ("CANCEL", 1), ("REQUEST", 2)]
    assert len({m[2] for m in methods}) == 1
    assert list(invitations.awaiting(invited)) == []


def test_a_late_invitation_is_refused_when_it_is_not_due(world, invited):
    mum = person(invited, "Mum Parker")
    with pytest.raises(ValidationError, match="has an invitation already"):
        preparation.invitation_send_late(
            review=invited, invitee=mum, by=world["bs"], now=timezone.now()
        )
    aunt = _add(
        world,
        invited,
        name="Aunt",
        role="other",
        method="letter",
        postal_address="3 Close",
    )
    services.checklist_confirm(
        review=invited, by=world["iro_a"], today=timezone.localdate()
    )
    review = cancel(world, invited)
    with pytest.raises(ValidationError, match="before the meeting"):
        preparation.invitation_send_late(
            review=review, invitee=aunt, by=world["bs"], now=timezone.now()
        )
    assert not aunt.invitations.exists()
    assert not invitations.to_invite(Review.objects.values("child")).exists()


def test_the_printed_letter_is_dated_and_says_how_to_reach_the_iro_and_the_council(
    world, invited, client_as, settings
):
    """Letters that work: the date of the letter, the IRO's phone and email from their
    profile, and the council's address, in the PDF business support prints."""
    iro = world["iro_a"]
    iro.phone, iro.email = "01632 960 777", "iro.a@council.example"
    iro.save()
    assert invited.child.iro == iro  # the child's IRO, whose letter it is
    text = printed(client_as(world["bs"]), invited, person(invited, "Dad Parker"))
    assert long_date(timezone.localdate()) in text
    assert "01632 960 777" in text and "iro.a@council.example" in text
    for line in settings.COUNCIL_ADDRESS.split(","):
        assert words(line) in text, line
