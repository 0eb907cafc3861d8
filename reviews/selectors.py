"""Read-only questions about reviews that several pages ask."""

from reviews.models import Review


def previous_review(review: Review) -> Review | None:
    """The review held before this one in the same period of care."""
    if review.record_date is None:
        held = review.period.reviews.held()
    else:
        held = review.period.reviews.held().filter(record_date__lt=review.record_date)
    return held.exclude(pk=review.pk).order_by("-record_date").first()


def challenges_closed_since_last_review(review: Review):
    """Challenges closed since the last review, for this review's record (D7)."""
    from disputes.selectors import challenges_closed_since

    before = previous_review(review)
    return challenges_closed_since(
        review.child, before.record_date if before else None, until=review.record_date
    )
