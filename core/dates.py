"""Plausible dates: the range each kind of date must fall in (docs/rules.md, DR-1 to DR-10).

A pure module (no Django, no app): one named range per kind of date. A service asks
`problem(label, value, window)` for each date it is given and raises
ValidationError({field: message}) with what comes back; a form may show the same
message beside its field, but the service is where the rule is enforced. A range that
depends on the child (their date of birth, the period of care, the meeting) takes it
as an argument.

Every message says what would be accepted, in the GOV.UK way:
"Date of birth must be today or in the past, and no more than 25 years ago".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# DR-1: a child in care, or a care leaver the IRO service still follows, is under 25.
OLDEST_AGE_YEARS = 25
# DR-4, DR-10: nothing due, and no date planned ahead, lies further off than this.
FURTHEST_AHEAD_YEARS = 2


@dataclass(frozen=True)
class Window:
    """The dates accepted, both ends included, and how a message says so."""

    code: str
    earliest: date
    latest: date
    accepted: str  # "must be ..." follows the field's label

    def holds(self, value: date) -> bool:
        return self.earliest <= value <= self.latest


def long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def years_before(value: date, years: int) -> date:
    try:
        return value.replace(year=value.year - years)
    except ValueError:  # 29 February
        return value.replace(year=value.year - years, day=28)


def years_after(value: date, years: int) -> date:
    return years_before(value, -years)


def problem(label: str, value: date | None, window: Window) -> str | None:
    """The message when `value` is outside `window` (None when it is inside or empty)."""
    if value is None or window.holds(value):
        return None
    return f"{label[:1].upper()}{label[1:]} {window.accepted}"


def problems(checks: dict[str, tuple[str, date | None, Window]]) -> dict[str, str]:
    """{field: message} for every (label, value, window) that fails."""
    found = {}
    for field, (label, value, window) in checks.items():
        message = problem(label, value, window)
        if message:
            found[field] = message
    return found


def date_of_birth(*, today: date) -> Window:
    """DR-1: today or in the past, and no more than 25 years ago."""
    return Window(
        "DR-1",
        years_before(today, OLDEST_AGE_YEARS),
        today,
        f"must be today or in the past, and no more than {OLDEST_AGE_YEARS} years ago",
    )


def in_care(*, today: date, born: date) -> Window:
    """DR-2: the start or end of a period of care, a placement or an episode: from the
    child's birth to today."""
    return Window(
        "DR-2",
        born,
        today,
        f"must be today or in the past, and on or after the child's date of birth ({long_date(born)})",
    )


def period_end(
    *,
    today: date,
    started: date,
    since: str = "the date the child became looked after",
) -> Window:
    """DR-2: a period of care (or an episode: `since` says so) ends on or after it
    started, and not in the future."""
    return Window(
        "DR-2",
        started,
        today,
        f"must be today or in the past, and on or after {since} ({long_date(started)})",
    )


def meeting_held(
    *,
    today: date,
    period_started: date,
    since: str = "the date the child became looked after",
) -> Window:
    """DR-3: a meeting (or a review held) is not in the future and not before the period of
    care (or, for a secure accommodation review, the secure placement)."""
    return Window(
        "DR-3",
        period_started,
        today,
        f"must be today or in the past, and on or after {since} ({long_date(period_started)})",
    )


def due_after(*, start: date, what: str = "the meeting") -> Window:
    """DR-4: anything due (a decision, an action) is on or after the meeting and within 2 years of it."""
    return Window(
        "DR-4",
        start,
        years_after(start, FURTHEST_AHEAD_YEARS),
        f"must be on or after the date of {what} ({long_date(start)}) and no more than {FURTHEST_AHEAD_YEARS} years after it",
    )


def review_date(*, period_started: date, last_held: date | None = None) -> Window:
    """DR-5: a review's date, when it is scheduled or rearranged: not before the period of
    care, and after the review held before it. How late it may be is the statutory window
    (T-rules) and its authorisation (T23), checked where they live. There is no margin
    before today: a review's history may be entered after it was held."""
    if last_held is not None and last_held >= period_started:
        earliest = last_held + timedelta(days=1)
        since = f"after the last review held ({long_date(last_held)})"
    else:
        earliest = period_started
        since = f"on or after the date the child became looked after ({long_date(period_started)})"
    return Window("DR-5", earliest, date.max, f"must be {since}")


def ahead(*, today: date, code: str = "DR-6") -> Window:
    """DR-6 (an additional review's date) and DR-10 (a date planned ahead): today or later,
    and within 2 years."""
    return Window(
        code,
        today,
        years_after(today, FURTHEST_AHEAD_YEARS),
        f"must be today or in the future, and no more than {FURTHEST_AHEAD_YEARS} years ahead",
    )


def happened(
    *,
    today: date,
    born: date,
    code: str = "DR-9",
    since: str = "the child's date of birth",
) -> Window:
    """DR-7 (a significant event), DR-8 (agreed with the child), DR-9 (anything recorded as
    done): today or in the past, and not before the child was born (or what `since` names)."""
    return Window(
        code,
        born,
        today,
        f"must be today or in the past, and on or after {since} ({long_date(born)})",
    )


def recent(*, today: date) -> Window:
    """DR-9, for what is about no one child (an observation of an IRO's practice): today or
    in the past, and no more than 2 years ago."""
    return Window(
        "DR-9",
        years_before(today, FURTHEST_AHEAD_YEARS),
        today,
        f"must be today or in the past, and no more than {FURTHEST_AHEAD_YEARS} years ago",
    )


def planned(*, today: date, earliest: date, since: str) -> Window:
    """DR-10: a date that may be past or planned (an IRO or a social worker allocated, Duty
    IRO cover): on or after `earliest` (`since` says what it is: the child's birth, the
    start of the allocation it changes) and no more than 2 years ahead."""
    return Window(
        "DR-10",
        earliest,
        years_after(today, FURTHEST_AHEAD_YEARS),
        f"must be on or after {since} ({long_date(earliest)}), and no more than {FURTHEST_AHEAD_YEARS} years ahead",
    )


def until_25(*, born: date) -> Window:
    """DR-10, for IRO involvement after 18: no later than the young person's 25th birthday
    (that it is after their 18th is T29's check)."""
    last = years_after(born, OLDEST_AGE_YEARS)
    return Window(
        "DR-10",
        born,
        last,
        f"must be no later than the young person's {OLDEST_AGE_YEARS}th birthday ({long_date(last)})",
    )


def on_or_after(
    *, start: date, since: str, then: str = "", code: str = "DR-10"
) -> Window:
    """DR-10: a date that ends something (an IRO allocation) is on or after its start;
    `then` says what to do if the start is what is wrong."""
    accepted = f"must be on or after {since} ({long_date(start)})"
    return Window(code, start, date.max, f"{accepted}: {then}" if then else accepted)


def between(
    *, earliest: date, latest: date, since: str, until: str, code: str = "DR-10"
) -> Window:
    """DR-10: a corrected date between two others (an allocation's end, between its start
    and the next allocation)."""
    return Window(
        code,
        earliest,
        latest,
        f"must be on or after {since} ({long_date(earliest)}), and no later than {until} ({long_date(latest)})",
    )
