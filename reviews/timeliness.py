"""The nightly recompute of every open review's due date and RAG status.

Both are derived data (the engine's answer, and a colour from it), so they are
written in bulk with no audit entry per row; the audit log leaves these fields out
(settings.AUDITLOG_INCLUDE_TRACKING_MODELS).
"""

from datetime import date

from reviews import timescales
from reviews.models import Review
from reviews.services import next_due_for_period
from reviews.services.recompute import RECOMPUTED_KINDS, Recomputed, recompute_due_dates


def reviews_recompute_due_dates() -> int:
    """Set each open review's due date, track and rule from the engine; return changes."""
    reviews = (
        Review.objects.open()
        .filter(kind__in=RECOMPUTED_KINDS, period__ended_on__isnull=True)
        .select_related("period")
        .order_by("pk")
    )
    changed = []
    for review in reviews.iterator(chunk_size=500):
        due = next_due_for_period(review.period)
        rule = timescales.explain(due)
        if (review.due_date, review.due_track, review.due_rule) != (
            due.date,
            due.track,
            rule,
        ):
            review.due_date, review.due_track, review.due_rule = (
                due.date,
                due.track,
                rule,
            )
            changed.append(review)
    Review.objects.bulk_update(
        changed, ["due_date", "due_track", "due_rule"], batch_size=500
    )
    return len(changed)


def timeliness_recompute(*, today: date) -> Recomputed:
    """Recompute every open review's due date, then its RAG status, in one go.

    The nightly task runs the bulk version (reviews.services.recompute: two reads and
    batched updates, seconds for a whole country); `reviews_recompute_due_dates` above
    is the one-review-at-a-time version the benchmark checks it against.
    """
    return recompute_due_dates(today)
