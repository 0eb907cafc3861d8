"""Read-only questions about reviews that several pages ask."""

from collections.abc import Callable, Iterable

from reviews.models import Review

# Where the professional record finds the challenges closed since the last review:
# the disputes app registers its selector in DisputesConfig.ready() (reviews sits
# below disputes and cannot import it; docs/architecture.md, "Registries").
ClosedChallenges = Callable[..., Iterable]
_closed_challenge_sources: list[ClosedChallenges] = []


def register_closed_challenges(source: ClosedChallenges) -> None:
    """Add a source of closed challenges: source(child, since, until=...) (idempotent)."""
    if source not in _closed_challenge_sources:
        _closed_challenge_sources.append(source)


def previous_review(review: Review) -> Review | None:
    """The review held before this one in the same period of care."""
    if review.record_date is None:
        held = review.period.reviews.held()
    else:
        held = review.period.reviews.held().filter(record_date__lt=review.record_date)
    return held.exclude(pk=review.pk).order_by("-record_date").first()


def challenges_closed_since_last_review(review: Review):
    """Challenges closed since the last review, for this review's record (D7)."""
    before = previous_review(review)
    since = before.record_date if before else None
    return [
        challenge
        for source in _closed_challenge_sources
        for challenge in source(review.child, since, until=review.record_date)
    ]
