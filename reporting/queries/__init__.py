"""Pure read-only queries behind the dashboards and the annual report.

One function per measure of docs/rules.md (Measures); each takes a Period and Filters (team, IRO,
the reader's scope, today) and returns a Figure: numerator, denominator, percentage to
one decimal place, and the rows (ids) behind it. docs/reporting.md states each formula.
"""

from reporting.queries import annual, participation, service, timeliness  # noqa: E402, I001
from reporting.queries.base import Figure, Filters, Month, Period, filters, percent
from reporting.queries.measures import MEASURES, TRENDS, Measure

__all__ = [
    "MEASURES",
    "TRENDS",
    "annual",
    "participation",
    "service",
    "timeliness",
    "Figure",
    "Filters",
    "Measure",
    "Month",
    "Period",
    "filters",
    "percent",
]
