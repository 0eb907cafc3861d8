"""What a record needs before it is issued, finalised or amended (docs/rules.md)."""

from django.core.exceptions import ValidationError

from reviews.models import Review
from reviews.services import sharing

NEEDS_CHILD_WORDING = (
    "Write {what} in words {child} will understand before the record is issued (the "
    "child's own copy has every decision): {names}"
)


def refuse_unfinished(review: Review) -> None:
    """Refuse a record that is not ready to go to its readers.

    V1: whatever the child asked not to share is decided for each person it concerns.
    D-WORDS: every decision reaches the child's version of the record, so each has
    its child wording; professionals' words are never printed in a child's copy.
    """
    undecided = sharing.undecided_people(review)
    if undecided:
        names = ", ".join(sorted({person.name for person in undecided}))
        raise ValidationError(
            f"The child asked for things not to be shared with {names}: mark which "
            "parts of the record to leave out for them, or say that nothing in it "
            "needs leaving out."
        )
    missing = [d for d in review.decisions.all() if not d.child_wording.strip()]
    if missing:
        raise ValidationError(
            NEEDS_CHILD_WORDING.format(
                what="this decision" if len(missing) == 1 else "these decisions",
                child=review.child.known_as,
                names="; ".join(f"“{d.what[:80]}”" for d in missing),
            )
        )
