"""The SSDA903 deprivation of liberty orders file (DoLO: CHILD, DOB, DOLO_START,
DOLO_END), in the return from the collection year ending 31 March 2027 (docs/rules.md,
DOL-8).

Its rows are every order not removed that is in force at some time in the year, of a
child the return is about (one with an episode in the year): an order that ended after
31 March is shown open, as it was at the year end (903 rule 704), as the episodes are.
"""

from collections.abc import Callable
from datetime import date

from django.db.models import Q, QuerySet

from children.models import DeprivationOfLibertyOrder, Episode
from ssda903.files import DOLO
from ssda903.years import spec_for

ORDER_FIELDS = ("child__child_id", "child__date_of_birth", "started_on", "ended_on")

Row = tuple[str, date, date, date | None]


def has_dolo_file(year: int) -> bool:
    """Whether the return for the collection year ending 31 March `year` has the file
    (the year's table, ssda903.years: from 2026/27)."""
    try:
        return DOLO in spec_for(year).files
    except ValueError:  # a year before the earliest the service exports
        return False


def orders_in_year(start: date, end: date) -> QuerySet[DeprivationOfLibertyOrder]:
    """The orders in force at some time from `start` to `end`, of the children with an
    episode then (the return's children), in file order."""
    children = (
        Episode.objects.filter(started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .values("period__child_id")
    )
    return (
        DeprivationOfLibertyOrder.objects.filter(
            child__in=children, started_on__lte=end
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .order_by("child__child_id", "started_on", "pk")
    )


def dolo_rows(start: date, end: date) -> list[Row]:
    """(CHILD, DOB, DOLO_START, DOLO_END) for the year, the end left empty when the
    order ended after the year."""
    return [
        (child_id, born, started, ended if ended is not None and ended <= end else None)
        for child_id, born, started, ended in orders_in_year(start, end).values_list(
            *ORDER_FIELDS
        )
    ]


def dolo_values(start: date, end: date, *, on_date: Callable) -> list[tuple[str, ...]]:
    """The file's rows as text in its column order (dates dd/mm/YYYY)."""
    return [
        (child_id, on_date(born), on_date(started), on_date(ended))
        for child_id, born, started, ended in dolo_rows(start, end)
    ]
