"""Returns that need exporting again: a review in the year's return was corrected after
the return was last exported (docs/rules.md, C2). Computed from the facts: the access
entry each export writes for every child in it, and the corrections' own rows."""

from dataclasses import dataclass
from datetime import date, datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Min

from children.models import Child
from reviews.models import ReviewCorrection
from ssda903.exporter import collection_year_bounds
from ssda903.forms import current_collection_year

# The review fields the return carries (ssda903.exporter.REVIEW_FIELDS).
RETURNED_FACTS = frozenset({"record_date", "participation"})


def export_what(year: int) -> str:
    """What the access entries of an export say (ssda903.views)."""
    return f"SSDA903 return {year}"


@dataclass(frozen=True)
class Stale:
    """A return exported before a review in it was corrected."""

    year: int
    exported_at: datetime
    corrections: list[ReviewCorrection]


def _dates_touched(correction: ReviewCorrection) -> set[date]:
    before_after = correction.changes.get("record_date")
    if before_after:
        return {date.fromisoformat(day) for day in before_after}
    return {correction.review.record_date}


def _exports(year: int):
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__what=export_what(year)
    )


def stale_return(year: int) -> Stale | None:
    """The year's return, if a review in it was corrected since it was last exported
    with that review's child in it."""
    exports = _exports(year)
    exported_at = exports.aggregate(last=Max("timestamp"))["last"]
    if exported_at is None:
        return None
    start, end = collection_year_bounds(year)
    child_type = ContentType.objects.get_for_model(Child)
    found = []
    for correction in (
        ReviewCorrection.objects.select_related("review__child")
        .filter(at__gt=exports.aggregate(first=Min("timestamp"))["first"])
        .order_by("at")
    ):
        if not RETURNED_FACTS & set(correction.changes) or not any(
            start <= day <= end for day in _dates_touched(correction)
        ):
            continue
        child_exported = exports.filter(
            content_type=child_type, object_pk=str(correction.review.child_id)
        ).aggregate(last=Max("timestamp"))["last"]
        if child_exported is not None and correction.at > child_exported:
            found.append(correction)
    return Stale(year, exported_at, found) if found else None


def stale_returns(*, today: date, years: int = 3) -> list[Stale]:
    """The last few collection years' returns that need exporting again."""
    current = current_collection_year(today)
    return [
        stale
        for year in range(current, current - years, -1)
        if (stale := stale_return(year)) is not None
    ]
