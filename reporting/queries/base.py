"""The pieces every measure shares: the period, the filters, a figure and its rows.

Read-only. A measure is a population (a queryset: the denominator's rows) and a
condition on those rows (the numerator). The figure is one aggregate query; the
monthly trend is one grouped query; the drill-down re-runs the same population.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    DateField,
    DateTimeField,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from children.models import SocialWorkerAllocation
from iro.models import IroAllocation
from reviews import timescales

LONDON = ZoneInfo("Europe/London")


# --- The period ------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A reporting window, both dates inclusive (docs/rules.md, Measures)."""

    start: date
    end: date

    @classmethod
    def financial_year(cls, starting: int) -> Period:
        """1 April of `starting` to 31 March of the next year."""
        return cls(date(starting, 4, 1), date(starting + 1, 3, 31))

    @classmethod
    def financial_year_of(cls, day: date) -> Period:
        return cls.financial_year(day.year if day.month >= 4 else day.year - 1)

    @property
    def label(self) -> str:
        whole_year = Period.financial_year(self.start.year)
        if self == whole_year:
            return f"{self.start.year}/{str(self.start.year + 1)[2:]}"
        return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y}"

    def year_before(self) -> Period:
        """The same dates a year earlier (for the annual report's comparison)."""
        return Period(
            timescales.add_months(self.start, -12), timescales.add_months(self.end, -12)
        )

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        first, months = self.start.replace(day=1), []
        while first <= self.end:
            months.append(first)
            first = timescales.add_months(first, 1)
        return months

    def days(self, *, before: int = 0) -> list[date]:
        """Every day of the period (and `before` days before it)."""
        day, days = self.start - timedelta(days=before), []
        while day <= self.end:
            days.append(day)
            day += timedelta(days=1)
        return days


# --- Filters ---------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """Who a figure is about: a team, an IRO, and the children the reader may see."""

    team: int | None = None  # a social-work team id: the child's team on the date
    iro: int | None = None  # an IRO's user id: the child's IRO on the date
    scope: QuerySet | None = field(default=None, compare=False)  # children; None: all
    today: date = field(default_factory=timezone.localdate)


def filters(
    *,
    team: int | None = None,
    iro: int | None = None,
    scope: QuerySet | None = None,
    today: date | None = None,
) -> Filters:
    return Filters(team=team, iro=iro, scope=scope, today=today or timezone.localdate())


def team_on(child: str, day: str) -> Coalesce:
    """The child's social-work team on a date (allocation history, else the current team)."""
    allocation = (
        SocialWorkerAllocation.objects.filter(
            child=OuterRef(child), started_on__lte=OuterRef(day)
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=OuterRef(day)))
        .order_by("-started_on", "-pk")
        .values("team")[:1]
    )
    current = f"{child}__team_id" if child != "pk" else "team_id"
    return Coalesce(Subquery(allocation), current, output_field=BigIntegerField())


def iro_on(child: str, day: str) -> Coalesce:
    """The child's IRO on a date (allocation history, else the current IRO)."""
    allocation = (
        IroAllocation.objects.filter(
            child=OuterRef(child), started_on__lte=OuterRef(day)
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=OuterRef(day)))
        .order_by("-started_on", "-pk")
        .values("iro")[:1]
    )
    current = f"{child}__iro_id" if child != "pk" else "iro_id"
    return Coalesce(Subquery(allocation), current, output_field=BigIntegerField())


def narrow(rows: QuerySet, f: Filters, *, child: str = "child", day: str) -> QuerySet:
    """Apply the reader's scope and the team and IRO filters, judged on `day`."""
    if f.scope is not None:
        rows = rows.filter(**{f"{child}__in" if child != "pk" else "pk__in": f.scope})
    # alias(), not annotate(): the subqueries cost a lookup per row, so they are only
    # in the SQL when a filter uses them.
    if f.team is not None:
        rows = rows.alias(team_then=team_on(child, day)).filter(team_then=f.team)
    if f.iro is not None:
        rows = rows.alias(iro_then=iro_on(child, day)).filter(iro_then=f.iro)
    return rows


# --- Dates computed by the engine, looked up in SQL ------------------------------


class DateMap(Func):
    """compute(d) for the value d of a date column, looked up in SQL.

    Working days and birthdays come from the timescale engine (reviews.timescales),
    never from SQL date arithmetic: the engine stays the one source of every date.
    The table of dates travels as one parameter (PostgreSQL: an array, a day to an
    item; SQLite: JSON for json_extract), so the query stays short however long the
    period; other databases get the equivalent CASE.
    """

    def __init__(self, field_name, table: dict[date, date | datetime]):
        self.table = table
        self.is_datetime = any(isinstance(v, datetime) for v in table.values())
        output = DateTimeField() if self.is_datetime else DateField()
        column = F(field_name) if isinstance(field_name, str) else field_name
        super().__init__(column, output_field=output)

    def _json(self, stored) -> str:
        return json.dumps({k.isoformat(): stored(v) for k, v in self.table.items()})

    def as_sqlite(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])

        def stored(value):  # as Django stores it in SQLite: naive UTC text
            if isinstance(value, datetime):
                return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
            return value.isoformat()

        sql = f"json_extract(%s, '$.\"' || {column} || '\"')"
        return sql, [self._json(stored), *params]

    def as_postgresql(self, compiler, connection, **extra):
        # An array with one item a day from the first day: the lookup is a subscript
        # (NULL outside the table), with no text to convert or parse for each row;
        # a third of the time of a jsonb lookup over a year's reviews nationally.
        column, params = compiler.compile(self.source_expressions[0])
        if not self.table:
            return "NULL", []
        first = min(self.table)
        length = (max(self.table) - first).days + 1
        values = [self.table.get(first + timedelta(days=i)) for i in range(length)]
        cast = "timestamptz" if self.is_datetime else "date"
        sql = f"(%s::{cast}[])[({column}) - %s::date + 1]"
        return sql, [values, *params, first]

    def as_sql(self, compiler, connection, **extra):
        whens = [
            When(**{self.source_expressions[0].name: k}, then=Value(v))
            for k, v in self.table.items()
        ]
        case = Case(*whens, default=Value(None), output_field=self.output_field)
        return compiler.compile(case.resolve_expression(compiler.query))


def date_map(
    field_name, days: list[date], compute: Callable[[date], date | datetime]
) -> DateMap:
    """compute(d) for the value d of `field_name`, for every d in `days`."""
    return DateMap(field_name, {day: compute(day) for day in days})


def end_of_day(day: date) -> datetime:
    """The first moment after `day` ends in Europe/London (R9), as an aware datetime."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LONDON)


def latest_birth_date_for_age(day: date, years: int) -> date:
    """The latest date of birth of someone aged at least `years` on `day` (D-LEAP)."""
    latest = timescales.add_months(day, -12 * years)
    # Born on 29 February: the birthday is 28 February in a non-leap year (D-LEAP).
    later = latest + timedelta(days=1)
    if (
        later.month == 2
        and later.day == 29
        and timescales.add_months(later, 12 * years) <= day
    ):
        return later
    return latest


# --- Figures ---------------------------------------------------------------------


def percent(part: int, whole: int) -> Decimal | None:
    """100 × part / whole to one decimal place, half up (None when whole is 0)."""
    if not whole:
        return None
    value = Decimal(part * 100) / Decimal(whole)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def whole_percent(part: int, whole: int) -> int | None:
    """The annual report's rounding: whole numbers, half up (S-GLO's `%` column)."""
    value = percent(part, whole)
    if value is None:
        return None
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True, eq=False)
class Figure:
    """One measure's numerator and denominator, and the rows behind them."""

    key: str
    numerator: int
    denominator: int
    rows: QuerySet = field(repr=False)  # the population, with a `counted` flag
    # By month of `month_field`, when the figure was counted by month (batch's
    # measures of reviews held, figure_by_month); None: Measure.trend asks the database.
    months: tuple[Month, ...] | None = field(default=None, repr=False)
    month_field: str | None = field(default=None, repr=False)

    @property
    def percent(self) -> Decimal | None:
        return percent(self.numerator, self.denominator)

    @property
    def whole_percent(self) -> int | None:
        return whole_percent(self.numerator, self.denominator)

    @cached_property
    def ids(self) -> list[int]:
        """The primary keys of the population (the denominator)."""
        return list(self.rows.order_by("pk").values_list("pk", flat=True))

    @cached_property
    def numerator_ids(self) -> list[int]:
        return list(
            self.rows.filter(counted=True).order_by("pk").values_list("pk", flat=True)
        )


@dataclass(frozen=True)
class Month:
    month: date
    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.numerator, self.denominator)


@dataclass(frozen=True)
class Part:
    """A measure counted over a shared population (reviews held in the period): which
    of those rows are its own (`population`, None for all), which of them it counts,
    and the annotations both refer to. The measure's own function and the batched
    query (reporting.queries.batch) are built from the same Part."""

    counted: Q
    population: Callable[[Period, Filters], Q] | None = None
    annotations: Callable[[Period, Filters], dict] | None = None

    def rows(self, base: QuerySet, period: Period, f: Filters) -> QuerySet:
        if self.annotations is not None:
            base = base.annotate(**self.annotations(period, f))
        if self.population is not None:
            base = base.filter(self.population(period, f))
        return base


def flagged(rows: QuerySet, counted: Q) -> QuerySet:
    """The population with a boolean `counted`: is the row in the numerator?"""
    return rows.annotate(
        counted=Case(
            When(counted, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def figure(key: str, rows: QuerySet, counted: Q) -> Figure:
    """One aggregate query: the numerator and the denominator."""
    totals = rows.order_by().aggregate(
        numerator=Count("pk", filter=counted), denominator=Count("pk")
    )
    return Figure(
        key, totals["numerator"], totals["denominator"], flagged(rows, counted)
    )


def _by_month(rows: QuerySet, counted: Q, month_field: str) -> dict[date, dict]:
    return {
        _as_date(row["month"]): row
        for row in rows.order_by()
        .annotate(month=TruncMonth(month_field, output_field=DateField()))
        .values("month")
        .annotate(n=Count("pk", filter=counted), d=Count("pk"))
    }


def monthly(
    rows: QuerySet, counted: Q, month_field: str, period: Period
) -> list[Month]:
    """One grouped query: the numerator and denominator of each month of the period."""
    return list(_months(_by_month(rows, counted, month_field), period))


def _months(found: dict[date, dict], period: Period):
    for m in period.months():
        yield Month(m, found.get(m, {}).get("n", 0), found.get(m, {}).get("d", 0))


def figure_by_month(
    key: str, rows: QuerySet, counted: Q, month_field: str, period: Period
) -> Figure:
    """The figure and its monthly trend from one grouped query: the numerator and
    denominator are the sums over every month found (a row is in one month), so the
    dashboard, which shows both, reads the rows once."""
    found = _by_month(rows, counted, month_field)
    return Figure(
        key,
        sum(row["n"] for row in found.values()),
        sum(row["d"] for row in found.values()),
        flagged(rows, counted),
        tuple(_months(found, period)),
        month_field,
    )


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value
