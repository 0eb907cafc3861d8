"""Translations of the record: who needs one, in which language, and by when.

The rule (docs/decisions.md, "Documents"): a translation is due 20 working days after
the record is finalised, the same time the English record itself is allowed
(docs/rules.md, T19: 20 working days), counted with reviews.timescales.add_working_days
(England's bank holidays).
"""

from dataclasses import dataclass
from datetime import date

from reviews.timescales import add_working_days

TRANSLATION_WORKING_DAYS = 20


def translation_due_on(record) -> date | None:
    """The day the translation is due, or None while the record is a draft."""
    if record.finalised_on is None:
        return None
    return add_working_days(record.finalised_on, TRANSLATION_WORKING_DAYS)


@dataclass(frozen=True)
class TranslationNeed:
    """One translation someone needs: of which document, into what, by when, and if it is in."""

    language: str
    for_whom: str
    english: object | None  # the latest English Document, once made
    translation: object | None  # the latest translated Document, once attached
    due_on: date | None

    def status(self, today: date) -> str:
        if self.translation is not None:
            return f"Attached on {self.translation.created_at:%-d %B %Y}"
        if self.due_on is None:
            return "Due 20 working days after the record is finalised"
        if today > self.due_on:
            return f"Overdue: was due by {self.due_on:%-d %B %Y}"
        return f"Due by {self.due_on:%-d %B %Y}"

    def is_overdue(self, today: date) -> bool:
        return (
            self.translation is None and self.due_on is not None and today > self.due_on
        )


def translation_needs(review) -> list[TranslationNeed]:
    """The child's and each parent's translation needs for this review's record."""
    from documents.models import Document

    record = getattr(review, "record", None)
    if record is None:
        return []
    due = translation_due_on(record)
    wanted = []
    if record.translation_language:
        wanted.append(
            (
                record.translation_language,
                review.child.known_as,
                f"{Document.Kind.RECORD_CHILD}:review={review.pk}",
            )
        )
    for person in review.invitees.all():
        if person.is_parent and person.interpreter_language:
            key = (
                f"{Document.Kind.RECORD_PARENT}:review={review.pk}:invitee={person.pk}"
            )
            wanted.append((person.interpreter_language, person.name, key))
    needs = []
    for language, whom, key in wanted:
        english = Document.objects.filter(key=key).order_by("-version").first()
        translation = (
            Document.objects.filter(key=translation_key(key, language))
            .order_by("-version")
            .first()
        )
        needs.append(TranslationNeed(language, whom, english, translation, due))
    return needs


def translation_key(english_key: str, language: str) -> str:
    return f"{english_key}:lang={language.strip().lower()}"
