"""The child's asks from their Review Choices, and whether each was honoured (S-DUD)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from reviews import timescales
from reviews.models import Review


@dataclass(frozen=True)
class Ask:
    key: str
    ask: str
    met: bool | None  # None: not known yet

    @property
    def answer(self) -> str:
        return {True: "Yes", False: "No", None: "Not yet known"}[self.met]


def asks_for(review: Review, *, today: date) -> list[Ask]:
    """Each ask the child made and whether it was met on `today`; empty when choices
    are not captured."""
    choices = getattr(review, "choices", None)
    if choices is None or choices.not_applicable:
        return []
    contacts = list(review.child_contacts.all())
    held = review.record_date is not None
    asks = [
        _met_before(review, choices, contacts, held),
        _alone(choices, contacts, held),
        _unwanted_not_invited(review, choices),
        _venue(review, choices),
        _format(review, choices),
        _chair(review, choices),
        _achievements(review, choices, held),
        _copy(review, choices, today),
        _explained(review, choices, held),
    ]
    return [ask for ask in asks if ask is not None]


# Each ask below is None when the child did not make it.


def _met_before(review: Review, choices, contacts: list, held: bool) -> Ask | None:
    if not choices.wants_to_meet_iro_before:
        return None
    before = [
        c for c in contacts if review.record_date is None or c.on <= review.record_date
    ]
    return Ask(
        "met_before",
        "To meet their IRO before the review",
        bool(before) if held else (True if before else None),
    )


def _alone(choices, contacts: list, held: bool) -> Ask | None:
    if not choices.wants_to_speak_alone:
        return None
    alone = any(c.alone == "yes" for c in contacts)
    return Ask(
        "alone",
        "To speak to their IRO on their own",
        alone if held else (True if alone else None),
    )


def _unwanted_not_invited(review: Review, choices) -> Ask | None:
    if not choices.who_not_to_invite.strip():
        return None
    unwanted = review.invitees.filter(child_does_not_want=True)
    invited = review.invitations.filter(invitee__in=unwanted).exists()
    return Ask(
        "unwanted_not_invited",
        "People they did not want were not invited",
        not invited,
    )


def _venue(review: Review, choices) -> Ask | None:
    if not choices.venue.strip():
        return None
    return Ask(
        "venue",
        f"To meet at: {choices.venue}",
        _same(choices.venue, review.venue) if review.venue else None,
    )


def _format(review: Review, choices) -> Ask | None:
    if choices.format not in ("face_to_face", "online"):
        return None
    wanted = {
        "face_to_face": {"face_to_face", "hybrid"},
        "online": {"online", "hybrid"},
    }[choices.format]
    return Ask(
        "format",
        f"To meet {choices.get_format_display().lower()}",
        review.format in wanted if review.format else None,
    )


def _chair(review: Review, choices) -> Ask | None:
    if choices.wants_to_chair not in ("chair", "co_chair"):
        return None
    chaired = (
        review.chaired_by in ("child", "co_chaired") if review.chaired_by else None
    )
    return Ask("chair", "To chair or co-chair their review", chaired)


def _achievements(review: Review, choices, held: bool) -> Ask | None:
    if not (choices.topics_to_discuss.strip() or choices.achievements.strip()):
        return None
    record = getattr(review, "record", None)
    written = (
        record is not None
        and record.sections.filter(key="going_well").exclude(text="").exists()
    )
    return Ask(
        "achievements",
        "Their achievements and topics talked about",
        written if held else None,
    )


# A copy really sent (D-SENT): its email left the outbox, or business support
# confirmed the day its letter was posted. The same facts as
# documents.delivery.REALLY_SENT, which this layer cannot import (documents sits
# above reviews); tests/reporting/test_pending_cases.py checks that both agree.
COPY_REALLY_SENT = Q(email__status="sent") | Q(posted_on__isnull=False)


def _copy(review: Review, choices, today: date) -> Ask | None:
    """Known once the child's copy is really sent (an email that left, a letter
    posted), or once the record's deadline (T19) has passed without it: not from the
    review's status, and not from a copy only made, queued, failing or printed."""
    if not choices.wants_copy_of_record:
        return None
    sent = (
        review.distributions.filter(invitee__role="child")
        .filter(COPY_REALLY_SENT)
        .exists()
    )
    overdue = (
        review.record_date is not None
        and timescales.record_distributed_due(review.record_date).date < today
    )
    return Ask(
        "copy", "A copy of the record", True if sent else (False if overdue else None)
    )


def _explained(review: Review, choices, held: bool) -> Ask | None:
    if not choices.wants_explanation_after:
        return None
    explained = (
        review.child_contacts.filter(on__gt=review.record_date).exists()
        if held
        else False
    )
    return Ask(
        "explained",
        "Someone to explain the decisions afterwards",
        explained if held else None,
    )


def _same(wanted: str, actual: str) -> bool:
    return (
        wanted.strip().lower() in actual.strip().lower()
        or actual.strip().lower() in wanted.strip().lower()
    )
