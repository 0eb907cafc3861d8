"""The child's asks from their Review Choices, and whether each was honoured (S-DUD)."""

from dataclasses import dataclass

from reviews.models import Review


@dataclass(frozen=True)
class Ask:
    key: str
    ask: str
    met: bool | None  # None: not known yet

    @property
    def answer(self) -> str:
        return {True: "Yes", False: "No", None: "Not yet known"}[self.met]


def asks_for(review: Review) -> list[Ask]:
    """Each ask the child made and whether it was met; empty when choices are not captured."""
    choices = getattr(review, "choices", None)
    if choices is None or choices.not_applicable:
        return []
    contacts = list(review.child_contacts.all())
    held = review.record_date is not None
    asks = []
    if choices.wants_to_meet_iro_before:
        before = [
            c
            for c in contacts
            if review.record_date is None or c.on <= review.record_date
        ]
        asks.append(
            Ask(
                "met_before",
                "To meet their IRO before the review",
                bool(before) if held else (True if before else None),
            )
        )
    if choices.wants_to_speak_alone:
        alone = any(c.alone == "yes" for c in contacts)
        asks.append(
            Ask(
                "alone",
                "To speak to their IRO on their own",
                alone if held else (True if alone else None),
            )
        )
    if choices.who_not_to_invite.strip():
        unwanted = review.invitees.filter(child_does_not_want=True)
        invited = review.invitations.filter(invitee__in=unwanted).exists()
        asks.append(
            Ask(
                "unwanted_not_invited",
                "People they did not want were not invited",
                not invited,
            )
        )
    if choices.venue.strip():
        asks.append(
            Ask(
                "venue",
                f"To meet at: {choices.venue}",
                _same(choices.venue, review.venue) if review.venue else None,
            )
        )
    if choices.format in ("face_to_face", "online"):
        wanted = {
            "face_to_face": {"face_to_face", "hybrid"},
            "online": {"online", "hybrid"},
        }[choices.format]
        asks.append(
            Ask(
                "format",
                f"To meet {choices.get_format_display().lower()}",
                review.format in wanted if review.format else None,
            )
        )
    if choices.wants_to_chair in ("chair", "co_chair"):
        chaired = (
            review.chaired_by in ("child", "co_chaired") if review.chaired_by else None
        )
        asks.append(Ask("chair", "To chair or co-chair their review", chaired))
    if choices.topics_to_discuss.strip() or choices.achievements.strip():
        record = getattr(review, "record", None)
        written = (
            record is not None
            and record.sections.filter(key="going_well").exclude(text="").exists()
        )
        asks.append(
            Ask(
                "achievements",
                "Their achievements and topics talked about",
                written if held else None,
            )
        )
    if choices.wants_copy_of_record:
        sent = review.distributions.filter(invitee__role="child").exists()
        asks.append(
            Ask(
                "copy",
                "A copy of the record",
                sent if review.status in ("distributed", "closed") else None,
            )
        )
    if choices.wants_explanation_after:
        explained = (
            review.child_contacts.filter(on__gt=review.record_date).exists()
            if held
            else False
        )
        asks.append(
            Ask(
                "explained",
                "Someone to explain the decisions afterwards",
                explained if held else None,
            )
        )
    return asks


def _same(wanted: str, actual: str) -> bool:
    return (
        wanted.strip().lower() in actual.strip().lower()
        or actual.strip().lower() in wanted.strip().lower()
    )
