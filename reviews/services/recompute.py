"""The nightly recompute of every open review's due date and RAG status, in bulk.

Due dates, tracks, rules and RAG are derived data (the engine's answer and a colour
from it): they are written in bulk with no audit entry per row, and the audit log
leaves these fields out (settings.AUDITLOG_INCLUDE_TRACKING_MODELS). Case data is
never written here.

Two reads, whatever the number of children: the open reviews (sorted by period) and
the held reviews' record dates of the open periods (sorted by period and date),
merged in Python one period at a time, so memory stays at one row per open review.
Only the rows whose values change are written, by one parameterised UPDATE run for
many rows (psycopg 3 sends them in a pipeline). At national scale, 120,000 children in a few
seconds, where a query per review took minutes.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet

from reviews import timescales
from reviews.models import Review

# Additional reviews keep the date they were requested for; every other kind follows
# the engine (as reviews.timeliness does).
RECOMPUTED_KINDS = frozenset(
    {
        Review.Kind.INITIAL,
        Review.Kind.SECOND,
        Review.Kind.SUBSEQUENT,
        Review.Kind.ADOPTION_AUTHORISED,
        Review.Kind.ADOPTION_PLACED,
    }
)
CHUNK = 5_000


@dataclass(frozen=True)
class Recomputed:
    due_dates_changed: int
    rag_changed: int
    red: int
    amber: int
    green: int

    def __str__(self) -> str:
        return (
            f"{self.due_dates_changed} due dates changed, {self.rag_changed} RAG "
            f"changed; {self.red} red, {self.amber} amber, {self.green} green"
        )


def _rag(due: date, today: date, amber_until: date) -> Review.Rag:
    if due < today:
        return Review.Rag.RED
    if due <= amber_until:
        return Review.Rag.AMBER
    return Review.Rag.GREEN


def _amber_until(today: date) -> date:
    return timescales.add_working_days(today, settings.RAG_AMBER_WORKING_DAYS)


def rag_counts(reviews: QuerySet[Review], *, today: date) -> dict[str, int]:
    """How many of these reviews are red, amber and green on `today`, from their due
    dates by _rag's rule: never from the stored colour, which the nightly recompute
    may not have written yet (a review planned today has none)."""
    amber_until = _amber_until(today)
    return reviews.order_by().aggregate(
        red=Count("pk", filter=Q(due_date__lt=today)),
        amber=Count("pk", filter=Q(due_date__gte=today, due_date__lte=amber_until)),
        green=Count("pk", filter=Q(due_date__gt=amber_until)),
    )


def _held_dates_by_period():
    """Yield (period id, [record dates]) for the open periods, in period order."""
    rows = (
        Review.objects.held()
        .filter(period__ended_on__isnull=True)
        .order_by("period_id", "record_date")
        .values_list("period_id", "record_date")
        .iterator(chunk_size=CHUNK)
    )
    current, dates = None, []
    for period_id, record_date in rows:
        if period_id != current:
            if current is not None:
                yield current, dates
            current, dates = period_id, []
        dates.append(record_date)
    if current is not None:
        yield current, dates


@transaction.atomic
def recompute_due_dates(today: date) -> Recomputed:
    """Recompute every open review's due date (from the engine) and RAG status."""
    amber_until = _amber_until(today)
    due_changes, rag_changes, counts = _changes(today, amber_until)
    with connection.cursor() as cursor:
        _update_in_chunks(
            cursor,
            "UPDATE reviews_review SET due_date = %s, due_track = %s, due_rule = %s"
            " WHERE id = %s",
            due_changes,
        )
        _update_in_chunks(
            cursor, "UPDATE reviews_review SET rag = %s WHERE id = %s", rag_changes
        )
    # A review no longer open has no colour.
    cleared = (
        Review.objects.exclude(status__in=Review.OPEN_STATUSES)
        .exclude(rag="")
        .update(rag="")
    )
    return Recomputed(
        len(due_changes),
        len(rag_changes) + cleared,
        counts[Review.Rag.RED],
        counts[Review.Rag.AMBER],
        counts[Review.Rag.GREEN],
    )


def _changes(
    today: date, amber_until: date
) -> tuple[list[tuple], list[tuple], dict[Review.Rag, int]]:
    """The open reviews' due-date and RAG changes, and how many are of each colour."""
    due_changes, rag_changes = [], []
    counts = {Review.Rag.RED: 0, Review.Rag.AMBER: 0, Review.Rag.GREEN: 0}
    for (
        pk,
        _period_id,
        kind,
        due_date,
        due_track,
        due_rule,
        rag,
        started_on,
        ended_on,
        authority,
        placed,
        placement_ended,
        start_known,
    ), dates in _open_reviews_with_held_dates():
        if kind in RECOMPUTED_KINDS and ended_on is None:
            due = timescales.next_review_due(
                started_on,
                dates,
                authority_to_place_on=authority,
                placed_for_adoption_on=placed,
                placement_ended_on=placement_ended,
                start_known=start_known,
            )
            rule = timescales.explain(due)
            if (due_date, due_track, due_rule) != (due.date, due.track, rule):
                due_date = due.date
                due_changes.append((due.date, due.track, rule, pk))
        colour = _rag(due_date, today, amber_until)
        counts[colour] += 1
        if colour != rag:
            rag_changes.append((colour, pk))
    return due_changes, rag_changes, counts


def _open_reviews_with_held_dates():
    """Yield each open review's row and its period's held record dates, by period."""
    open_reviews = list(
        Review.objects.open()
        .order_by("period_id", "pk")
        .values_list(
            "pk",
            "period_id",
            "kind",
            "due_date",
            "due_track",
            "due_rule",
            "rag",
            "period__started_on",
            "period__ended_on",
            "period__authority_to_place_on",
            "period__placed_for_adoption_on",
            "period__adoption_placement_ended_on",
            "period__start_known",
        )
    )
    held = _held_dates_by_period()
    next_held = next(held, None)
    for row in open_reviews:
        period_id = row[1]
        while next_held is not None and next_held[0] < period_id:
            next_held = next(held, None)
        dates = (
            next_held[1] if next_held is not None and next_held[0] == period_id else []
        )
        yield row, dates


def _update_in_chunks(cursor, sql: str, rows: list[tuple]) -> None:
    """Run one parameterised UPDATE for the rows, CHUNK rows at a time."""
    for start in range(0, len(rows), CHUNK):
        cursor.executemany(sql, rows[start : start + CHUNK])
