"""Many measures of the reviews held in a period, counted in one grouped query.

Each measure of reviews held in the period is a Part of the same population
(reporting.queries.base.Part): the measure's own function counts it alone, and
held_figures() counts every Part asked for in a single pass over the period's reviews,
grouped by month of the record date, so the dashboard reads the reviews once instead
of once per measure and gets the monthly trends from the same rows
(docs/performance.md). Both are built from the same Part, and the tests check that they
agree.
"""

from __future__ import annotations

from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncMonth

from reporting.queries import participation as pn
from reporting.queries import timeliness
from reporting.queries.base import (
    Figure,
    Filters,
    Month,
    Part,
    Period,
    _as_date,
    flagged,
)
from reporting.queries.measures import MEASURES

HELD_PARTS: dict[str, Part] = {
    "t2": timeliness.T2,
    "t6_rd": timeliness.T6_RD,
    "t8_adjourned": timeliness.T8_ADJOURNED,
    **pn.PN_PARTS,
    **pn.CHAIRED_PARTS,
}


# What the one query can count: the measures, and each PN code for the breakdown.
PARTS: dict[str, Part] = {**HELD_PARTS, **pn.CODE_PARTS}


def held_figures(keys: list[str], period: Period, f: Filters) -> dict[str, Figure]:
    """The Figure of every key in PARTS, from one query grouped by month."""
    keys = [key for key in keys if key in PARTS]
    if not keys:
        return {}
    base = timeliness.held_rows(period, f)
    rows = base
    counts = {}
    for key in keys:
        part = PARTS[key]
        if part.annotations is not None:
            rows = rows.annotate(**part.annotations(period, f))
        population = part.population(period, f) if part.population else Q()
        counts[f"d_{key}"] = Count("pk", filter=population or None)
        counts[f"n_{key}"] = Count("pk", filter=population & part.counted)
    found = {
        _as_date(row["month"]): row
        for row in rows.order_by()
        .annotate(month=TruncMonth("record_date", output_field=DateField()))
        .values("month")
        .annotate(**counts)
    }
    figures = {}
    for key in keys:
        part = PARTS[key]
        months = tuple(
            Month(
                month,
                found.get(month, {}).get(f"n_{key}", 0),
                found.get(month, {}).get(f"d_{key}", 0),
            )
            for month in period.months()
        )
        figures[key] = Figure(
            key,
            sum(m.numerator for m in months),
            sum(m.denominator for m in months),
            flagged(part.rows(base, period, f), part.counted),
            months,
            "record_date",
        )
    return figures


def figures(keys: list[str], period: Period, f: Filters) -> dict[str, Figure]:
    """Each key's Figure, in the order asked: the measures of reviews held from one
    grouped query, every other measure from its own query."""
    batched = held_figures(keys, period, f)
    return {key: batched.get(key) or MEASURES[key].figure(period, f) for key in keys}
