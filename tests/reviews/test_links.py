"""The link service (docs/rules.md, D-LINK, D-LINKEND, D-CODE): every link that reaches
a person without an account, made, opened and used in one place."""

import base64
import hashlib
import re
from datetime import datetime, time, timedelta
from io import BytesIO

import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.db.models.functions import Cast
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.notifications import send_queued_emails
from reviews.models import AccessLink, ConveningChecklist, Invitee, Review
from reviews.services import (
    link_issue,
    link_open,
    link_status,
    review_issue_invitations,
    review_plan_next,
    review_schedule,
)
from reviews.services.links import (
    CODE_ALPHABET,
    CODE_ATTEMPTS,
    ENDED,
    LOCKED,
    USABLE,
    USED,
    link_expiry,
)

pytestmark = pytest.mark.django_db
S = Review.Status


def move_to(review, status):
    """Put the review in `status` as the cycle would leave it (a record date once held,
    a reason when cancelled)."""
    Review.objects.filter(pk=review.pk).update(
        status=status,
        record_date=None if status == S.CANCELLED else timezone.localdate(),
        cancel_reason=Review.CancelReason.OTHER if status == S.CANCELLED else "",
    )
    review.refresh_from_db()


CONSULTATION = AccessLink.Purpose.CONSULTATION
FEEDBACK = AccessLink.Purpose.FEEDBACK
LINK = re.compile(r"/reviews/respond/([A-Za-z0-9_-]+)/")
CODE = re.compile(rf"\b[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}\b")


@pytest.fixture
def invited(world):
    """A review ten days ahead with its invitations sent: Mum by email, Dad by letter
    (both asked for their views), the carer by letter (not asked)."""
    period = world["north_child"].periods_of_care.get()
    period.started_on = timezone.localdate() - timedelta(days=7)
    period.save()
    review = review_plan_next(period=period, by=None)
    day = timezone.localdate() + timedelta(days=10)
    review = review_schedule(
        review=review,
        by=world["iro_a"],
        scheduled_for=timezone.make_aware(datetime.combine(day, time(10))),
        venue="Youth club",
        format="face_to_face",
    )
    for name, method, contact, consultation in (
        ("Mum Inscope", "email", {"email": "mum@example.org"}, "adult"),
        ("Dad Inscope", "letter", {"postal_address": "1 Road"}, "adult"),
        ("Carer Person", "letter", {"postal_address": "2 Lane"}, "none"),
    ):
        Invitee.objects.create(
            review=review,
            name=name,
            role="parent" if "Inscope" in name else "carer",
            method=method,
            consultation_type=consultation,
            **contact,
        )
    ConveningChecklist.objects.create(
        review=review,
        submitted_by=world["sw_north"],
        submitted_on=timezone.localdate(),
        confirmed_by=world["iro_a"],
        confirmed_on=timezone.localdate(),
    )
    review_issue_invitations(review=review, by=world["bs"], now=timezone.now())
    review.refresh_from_db()
    return review


def person(review, name) -> Invitee:
    return review.invitees.get(name=name)


def emailed_path(to: str) -> str:
    send_queued_emails()
    message = next(m for m in mail.outbox if m.to == [to])
    return LINK.search(message.body).group(0)


def letter_pages(client, review, invitee, method="post") -> list[str]:
    url = reverse("documents:invitation_letter", args=[review.pk, invitee.pk])
    response = getattr(client, method)(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    return [page.extract_text() for page in reader.pages]


def path_in(text: str) -> str | None:
    found = LINK.search(re.sub(r"\s+", "", text))
    return found.group(0) if found else None


def issue(review, invitee, purpose=CONSULTATION, *, now=None, **kwargs) -> str:
    issued = link_issue(
        purpose=purpose,
        recipient=invitee,
        review=review,
        now=now or timezone.now(),
        **kwargs,
    )
    return issued.url.split("127.0.0.1:8000")[-1]


def token_of(path: str) -> str:
    return LINK.search(path).group(1)


def rows_containing(text: str) -> list[str]:
    """Every text column of every table that holds `text` (JSON read as text)."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                rows = model._default_manager.filter(
                    **{f"{field.name}__contains": text}
                )
            elif isinstance(field, models.JSONField):
                rows = model._default_manager.annotate(
                    as_text=Cast(field.name, models.TextField())
                ).filter(as_text__contains=text)
            else:
                continue
            if rows.exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


# --- Tokens: 256 bits, only their hash stored -------------------------------------


def test_a_token_is_256_bits_and_the_database_keeps_only_its_hash(
    world, invited, client_as
):
    """An emailed link: the outbox holds it until the email is sent, then forgets it;
    a posted letter's link and code are never stored at all."""
    mum = person(invited, "Mum Inscope")
    token = token_of(emailed_path("mum@example.org"))
    assert len(base64.urlsafe_b64decode(token + "=")) == 32  # 256 bits
    link = AccessLink.objects.get(invitee=mum)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert rows_containing(token) == []

    pages = letter_pages(
        client_as(world["bs"]), invited, person(invited, "Dad Inscope")
    )
    letter_token = token_of(path_in(pages[0]))
    code = CODE.search(pages[-1]).group(0)
    assert rows_containing(letter_token) == []
    assert rows_containing(code) == [] and rows_containing(code.replace("-", "")) == []


def test_tokens_differ_and_a_new_link_ends_the_earlier_one(invited):
    mum = person(invited, "Mum Inscope")
    first = token_of(issue(invited, mum))
    second = token_of(issue(invited, mum))
    assert first != second
    now = timezone.now()
    assert link_status(link_open(first), now) == ENDED
    assert link_status(link_open(second), now) == USABLE


# --- Expiry per purpose (D-LINKEND) ------------------------------------------------


def test_a_feedback_link_works_for_28_days_after_it_is_sent(invited):
    sent = timezone.now()
    link = link_open(token_of(issue(invited, person(invited, "Mum Inscope"), FEEDBACK)))
    assert abs(link.expires_at - (sent + timedelta(days=28))) < timedelta(seconds=5)
    assert link_status(link, sent + timedelta(days=27)) == USABLE
    assert link_status(link, sent + timedelta(days=27, hours=23)) == USABLE
    assert link_status(link, sent + timedelta(days=28, minutes=1)) == ENDED


def test_a_feedback_link_ends_on_time_through_the_page(invited):
    """Through the page: the old rule kept it to the end of the 28th day."""
    mum = person(invited, "Mum Inscope")
    path = issue(
        invited, mum, FEEDBACK, now=timezone.now() - timedelta(days=28, minutes=1)
    )
    assert Client().get(path).status_code == 410
    fresh = issue(invited, mum, FEEDBACK, now=timezone.now() - timedelta(days=27))
    assert Client().get(fresh).status_code == 200


def test_a_consultation_link_ends_at_the_end_of_the_review_day(invited):
    link = link_open(token_of(issue(invited, person(invited, "Mum Inscope"))))
    day = timezone.localtime(invited.scheduled_for).date()
    midnight = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    assert link.expires_at == midnight
    assert link_status(link, midnight - timedelta(minutes=1)) == USABLE
    assert link_status(link, midnight) == ENDED


@pytest.mark.parametrize("status", [S.HELD, S.CANCELLED])
def test_a_consultation_link_ends_when_the_review_is_held_or_cancelled(invited, status):
    path = issue(invited, person(invited, "Mum Inscope"))
    move_to(invited, status)
    assert link_status(link_open(token_of(path)), timezone.now()) == ENDED
    assert Client().get(path).status_code == 410
    assert Client().post(path, {"going_well": "x"}).status_code == 410
    assert not invited.consultations.exists()


def test_a_feedback_link_does_not_end_with_the_review(invited):
    path = issue(invited, person(invited, "Mum Inscope"), FEEDBACK)
    move_to(invited, S.CLOSED)
    assert link_status(link_open(token_of(path)), timezone.now()) == USABLE


def test_other_purposes_end_at_their_stated_expiry_and_ruled_ones_take_no_other(
    invited,
):
    now = timezone.now()
    stated = now + timedelta(days=90)
    assert link_expiry("someday", review=invited, now=now, expires_at=stated) == stated
    with pytest.raises(ValueError):
        link_expiry("someday", review=invited, now=now)
    with pytest.raises(ValueError):
        link_expiry(FEEDBACK, review=invited, now=now, expires_at=stated)


# --- No-store on every page a link opens -------------------------------------------


def assert_no_store(response, status):
    assert response.status_code == status, response.content.decode()[:2000]
    assert "no-store" in response["Cache-Control"]


def test_every_page_a_link_opens_is_no_store(world, invited, client_as):
    mum = person(invited, "Mum Inscope")
    path = issue(invited, mum)
    anonymous = Client()
    assert_no_store(anonymous.get(path), 200)  # the questions
    assert_no_store(anonymous.post(path, {}), 400)  # the questions, with errors
    assert_no_store(anonymous.post(path, {"going_well": "Settled"}), 200)  # thank you
    assert_no_store(anonymous.get(path), 410)  # used
    assert_no_store(anonymous.get("/reviews/respond/not-a-real-token/"), 404)
    assert_no_store(anonymous.put(path), 405)
    ended = issue(invited, mum, FEEDBACK, now=timezone.now() - timedelta(days=29))
    assert_no_store(anonymous.get(ended), 410)

    pages = letter_pages(
        client_as(world["bs"]), invited, person(invited, "Dad Inscope")
    )
    letter = path_in(pages[0])
    assert_no_store(anonymous.get(letter), 200)  # the short code
    assert_no_store(anonymous.post(letter, {"code": "WRONG-ONE"}), 400)
    for _ in range(CODE_ATTEMPTS - 1):
        anonymous.post(letter, {"code": "WRONG-ONE"})
    assert_no_store(anonymous.get(letter), 410)  # locked


def test_a_feedback_thank_you_page_is_no_store(invited):
    path = issue(invited, person(invited, "Mum Inscope"), FEEDBACK)
    answered = Client().post(path, {"satisfied": "True", "felt_listened_to": "True"})
    assert_no_store(answered, 200)
    assert "Thank you" in answered.content.decode()
    assert invited.feedback.count() == 1


# --- A link only for someone who receives it ----------------------------------------


def test_a_letter_invitee_gets_no_link_until_their_letter_is_printed(
    world, invited, client_as
):
    dad, carer = person(invited, "Dad Inscope"), person(invited, "Carer Person")
    assert (
        AccessLink.objects.filter(invitee=person(invited, "Mum Inscope")).count() == 1
    )
    assert not AccessLink.objects.filter(invitee__in=[dad, carer]).exists()

    bs = client_as(world["bs"])
    copy = letter_pages(bs, invited, dad, method="get")  # a copy: no link made
    assert path_in("".join(copy)) is None
    assert not AccessLink.objects.filter(invitee=dad).exists()

    pages = letter_pages(bs, invited, dad)  # printed to post
    link = AccessLink.objects.get(invitee=dad)
    assert link.purpose == CONSULTATION and link.needs_code
    letter_path = path_in(pages[0])
    assert link_open(token_of(letter_path)) == link
    code = CODE.search(pages[-1]).group(0)
    slip = pages[-1]
    assert "NOT FOR POSTING" in slip and path_in(slip) is None
    letter = re.sub(r"\s+", "", "".join(pages[:-1]))
    assert code.replace("-", "") not in letter.replace("-", ""), "code beside its link"
    assert "NOT FOR POSTING" not in "".join(pages[:-1])
    assert invited.events.filter(action="letter_link_made").exists()

    letter_pages(bs, invited, carer)  # not asked for views: no link
    assert not AccessLink.objects.filter(invitee=carer).exists()
    letter_pages(bs, invited, person(invited, "Mum Inscope"))  # hers went by email
    assert AccessLink.objects.filter(invitee__name="Mum Inscope").count() == 1

    again = letter_pages(bs, invited, dad)  # printed again: the first link ends
    assert path_in(again[0]) != letter_path
    assert Client().get(letter_path).status_code == 410
    assert Client().post(letter_path, {"step": "code", "code": code}).status_code == 410


def test_no_letter_link_before_the_invitations_are_sent(world, invited, client_as):
    from reviews.models import Invitation

    dad = person(invited, "Dad Inscope")
    Invitation.objects.filter(invitee=dad).delete()
    letter_pages(client_as(world["bs"]), invited, dad)
    assert not AccessLink.objects.filter(invitee=dad).exists()


def test_feedback_links_go_only_to_people_with_an_email_address(world, invited):
    from reviews.services import review_close

    move_to(invited, S.DISTRIBUTED)
    review_close(review=invited, by=world["iro_a"], care_plan_updated=True)
    feedback = AccessLink.objects.filter(review=invited, purpose=FEEDBACK)
    assert list(feedback.values_list("invitee__name", flat=True)) == ["Mum Inscope"]


# --- The short code ------------------------------------------------------------------


def test_a_letter_link_asks_for_its_short_code_before_showing_anything(
    world, invited, client_as
):
    pages = letter_pages(
        client_as(world["bs"]), invited, person(invited, "Dad Inscope")
    )
    path, code = path_in(pages[0]), CODE.search(pages[-1]).group(0)
    anonymous = Client()

    opened = anonymous.get(path)
    body = opened.content.decode()
    assert opened.status_code == 200 and "Enter your short code" in body
    assert "Northa" not in body and "going_well" not in body

    wrong = anonymous.post(path, {"step": "code", "code": "ABCD-EFGH"})
    body = wrong.content.decode()
    assert wrong.status_code == 400
    assert re.search(
        r"govuk-error-message[^>]*>.*not the code for this link", body, re.S
    )
    assert "going_well" not in body
    assert AccessLink.objects.get(invitee__name="Dad Inscope").code_attempts == 1

    # Answers posted without the code are refused, and nothing is saved.
    refused = anonymous.post(path, {"going_well": "Sneaked in"})
    assert (
        refused.status_code == 400
        and "Enter the short code" in refused.content.decode()
    )
    assert not invited.consultations.exists()

    typed = code.lower().replace("-", " ")  # as read over the phone
    shown = anonymous.post(path, {"step": "code", "code": typed})
    assert shown.status_code == 200 and "going_well" in shown.content.decode()
    sent = anonymous.post(path, {"code": typed, "going_well": "Robin is settled"})
    assert sent.status_code == 200 and "Thank you" in sent.content.decode()
    consultation = invited.consultations.get()
    assert consultation.respondent_name == "Dad Inscope"
    assert consultation.going_well == "Robin is settled"


def test_wrong_short_codes_lock_the_link(world, invited, client_as):
    pages = letter_pages(
        client_as(world["bs"]), invited, person(invited, "Dad Inscope")
    )
    path, code = path_in(pages[0]), CODE.search(pages[-1]).group(0)
    anonymous = Client()
    for attempt in range(1, CODE_ATTEMPTS):
        response = anonymous.post(path, {"step": "code", "code": "ZZZZ-ZZZZ"})
        assert response.status_code == 400
        assert f"{CODE_ATTEMPTS - attempt} tr" in response.content.decode()
    locked = anonymous.post(path, {"step": "code", "code": "ZZZZ-ZZZZ"})
    assert locked.status_code == 410 and "locked" in locked.content.decode()
    link = link_open(token_of(path))
    assert link_status(link, timezone.now()) == LOCKED
    # The right code no longer opens it.
    assert anonymous.post(path, {"step": "code", "code": code}).status_code == 410
    assert anonymous.post(path, {"code": code, "going_well": "x"}).status_code == 410
    assert not invited.consultations.exists()


def test_a_short_code_is_8_characters_of_the_unambiguous_alphabet(invited):
    issued = link_issue(
        purpose=CONSULTATION,
        recipient=person(invited, "Dad Inscope"),
        review=invited,
        now=timezone.now(),
        with_code=True,
    )
    letters = issued.code.replace("-", "")
    assert len(letters) == 8 and set(letters) <= set(CODE_ALPHABET)
    assert not set("0O1IL") & set(CODE_ALPHABET)
    assert issued.code not in issued.url


# --- Opening never uses a link up; sending does, once -------------------------------


def test_opening_a_link_twice_then_sending_works_and_a_second_send_is_refused(invited):
    mum = person(invited, "Mum Inscope")
    path = emailed_path("mum@example.org")
    scanner, mum_browser = Client(), Client()
    assert scanner.get(path).status_code == 200  # the mail scanner
    assert mum_browser.get(path).status_code == 200
    assert link_open(token_of(path)).used_at is None
    sent = mum_browser.post(path, {"going_well": "Settled at school"})
    assert sent.status_code == 200 and "Thank you" in sent.content.decode()
    again = mum_browser.post(path, {"going_well": "Settled at school"})
    assert again.status_code == 410
    assert "You have sent your answers" in again.content.decode()
    assert invited.consultations.filter(invitee=mum).count() == 1
    assert link_status(link_open(token_of(path)), timezone.now()) == USED


def test_a_link_of_one_purpose_cannot_send_the_other(invited):
    from reviews.services import LinkUnusable, feedback_submit_via_link

    path = issue(invited, person(invited, "Mum Inscope"))
    with pytest.raises(LinkUnusable):
        feedback_submit_via_link(
            token=token_of(path), now=timezone.now(), satisfied=True
        )
