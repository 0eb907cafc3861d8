"""Shared pieces of the review services: locking, guarded transitions, event rows."""

from collections.abc import Callable

from django.core.exceptions import ValidationError

from accounts.models import User
from core.exceptions import EditConflict
from reviews.models import Review, ReviewEvent


def lock(review: Review, *, expected_version: int | None = None) -> Review:
    """Reload the review under a row lock; refuse if someone saved it meanwhile."""
    current = Review.objects.select_for_update().get(pk=review.pk)
    if expected_version is not None and current.version != expected_version:
        raise EditConflict(current)
    return current


def check_transition(review: Review, to: str) -> None:
    if not review.can_become(to):
        current = review.get_status_display().lower()
        target = Review.Status(to).label.lower()
        raise ValidationError(f"A review that is {current} cannot become {target}.")


def record_event(
    review: Review,
    *,
    action: str,
    by: User | None,
    note: str = "",
    from_status: str | None = None,
) -> ReviewEvent:
    """The review's history row; a step that is not a transition (from_status not
    given) is from the status the review is in."""
    return ReviewEvent.objects.create(
        review=review,
        from_status=review.status if from_status is None else from_status,
        to_status=review.status,
        action=action,
        by=by,
        note=note,
    )


def move(
    review: Review, to: str, *, action: str, by: User | None, note: str = "", fields=()
) -> Review:
    """Apply a guarded transition, save the given fields, and write its event row."""
    check_transition(review, to)
    previous = review.status
    review.status = to
    review.version += 1
    review.full_clean()
    review.save(update_fields=["status", "version", "updated_at", *fields])
    record_event(review, action=action, by=by, note=note, from_status=previous)
    return review


def save_fields(
    review: Review, *, action: str, by: User | None, note: str = "", fields=()
):
    """Save a change that is not a transition (a rearrangement), with its event row."""
    review.version += 1
    review.full_clean()
    review.save(update_fields=["version", "updated_at", *fields])
    record_event(review, action=action, by=by, note=note)
    return review


# What must follow when a review's papers change (invitations sent, the record saved
# or finalised): the documents app registers its request for the PDFs to be brought
# up to date in DocumentsConfig.ready() (documents sits above reviews; docs/
# architecture.md, "Registries"). Each is called with the review, inside the
# transaction; they queue work to run after it commits.
PapersChanged = Callable[[Review], None]
_papers_changed: list[PapersChanged] = []


def register_papers_changed(action: PapersChanged) -> None:
    """Add what follows a change to a review's papers (idempotent)."""
    if action not in _papers_changed:
        _papers_changed.append(action)


def papers_changed(review: Review) -> None:
    """Tell the apps above that this review's invitations or record changed."""
    for action in _papers_changed:
        action(review)
