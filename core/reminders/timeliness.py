"""The nightly recompute of every open review's due date and RAG status.

Both are derived data (the engine's answer, and a colour from it), so they are
written in bulk with no audit entry per row; the audit log leaves these fields out
(settings.AUDITLOG_INCLUDE_TRACKING_MODELS).
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction

from reviews import timescales
from reviews.models import Review
from reviews.services import next_due_for_period

# Additional reviews keep the date they were requested for; every other kind follows
# the engine (a held review added later, or a change of adoption dates, moves it).
RECOMPUTED_KINDS = [
    Review.Kind.INITIAL,
    Review.Kind.SECOND,
    Review.Kind.SUBSEQUENT,
    Review.Kind.ADOPTION_AUTHORISED,
    Review.Kind.ADOPTION_PLACED,
]


@dataclass(frozen=True)
class Recomputed:
    due_dates_changed: int
    red: int
    amber: int
    green: int

    def __str__(self) -> str:
        return (
            f"{self.due_dates_changed} due dates changed; "
            f"{self.red} red, {self.amber} amber, {self.green} green"
        )


def amber_until(today: date) -> date:
    """Return the last day a review due then is amber rather than green."""
    return timescales.add_working_days(today, settings.RAG_AMBER_WORKING_DAYS)


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


def reviews_recompute_rag(*, today: date) -> dict[str, int]:
    """Colour every open review: red past its due date, amber due soon, green else."""
    rag = Review.Rag
    reviews = Review.objects.all()
    open_ = reviews.open()
    limit = amber_until(today)
    counts = {
        rag.RED: open_.filter(due_date__lt=today).update(rag=rag.RED),
        rag.AMBER: open_.filter(due_date__gte=today, due_date__lte=limit).update(
            rag=rag.AMBER
        ),
        rag.GREEN: open_.filter(due_date__gt=limit).update(rag=rag.GREEN),
    }
    reviews.exclude(status__in=Review.OPEN_STATUSES).exclude(rag="").update(rag="")
    return counts


@transaction.atomic
def timeliness_recompute(*, today: date) -> Recomputed:
    """Recompute every open review's due date, then its RAG status, in one go."""
    changed = reviews_recompute_due_dates()
    counts = reviews_recompute_rag(today=today)
    return Recomputed(
        changed,
        counts[Review.Rag.RED],
        counts[Review.Rag.AMBER],
        counts[Review.Rag.GREEN],
    )
