"""core.dates, the plausible date ranges (docs/rules.md, DR-1 to DR-10), on their own."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from core import dates

TODAY = date(2026, 6, 15)
BORN = date(2012, 3, 1)
ANY_DAY = st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 12, 31))


def windows(today: date, born: date, held: date) -> list[dates.Window]:
    return [
        dates.date_of_birth(today=today),
        dates.in_care(today=today, born=born),
        dates.period_end(today=today, started=born),
        dates.meeting_held(today=today, period_started=born),
        dates.due_after(start=held),
        dates.review_date(period_started=born, last_held=held),
        dates.ahead(today=today),
        dates.happened(today=today, born=born),
        dates.recent(today=today),
        dates.planned(today=today, earliest=born, since="the child's date of birth"),
        dates.until_25(born=born),
    ]


@given(day=ANY_DAY, today=ANY_DAY, offset=st.integers(0, 9000))
def test_a_date_is_refused_exactly_when_it_is_outside_its_range(day, today, offset):
    born = (
        today - timedelta(days=offset) if offset <= (today - date.min).days else today
    )
    for window in windows(today, born, born):
        message = dates.problem("Date of the thing", day, window)
        inside = window.earliest <= day <= window.latest
        assert (message is None) == inside
        if message is not None:
            assert message.startswith("Date of the thing must be ")
        assert window.code.startswith("DR-")


def test_the_messages_say_what_would_be_accepted():
    assert (
        dates.problem(
            "Date of birth", date(1900, 1, 1), dates.date_of_birth(today=TODAY)
        )
        == "Date of birth must be today or in the past, and no more than 25 years ago"
    )
    assert dates.problem(
        "Due by", date(1900, 1, 1), dates.due_after(start=date(2026, 1, 30))
    ) == (
        "Due by must be on or after the date of the meeting (30 January 2026) "
        "and no more than 2 years after it"
    )
    assert dates.problem("x", None, dates.ahead(today=TODAY)) is None


def test_the_edges_are_included():
    born = dates.date_of_birth(today=TODAY)
    assert born.holds(date(2001, 6, 15)) and not born.holds(date(2001, 6, 14))
    assert born.holds(TODAY) and not born.holds(TODAY + timedelta(days=1))
    due = dates.due_after(start=date(2026, 1, 30))
    assert due.holds(date(2028, 1, 30)) and not due.holds(date(2028, 1, 31))


def test_a_29_february_birthday_counts_to_28_february():
    assert dates.years_before(date(2028, 2, 29), 25) == date(2003, 2, 28)
    assert dates.years_after(date(2028, 2, 29), 2) == date(2030, 2, 28)


def test_problems_names_each_failing_field():
    window = dates.happened(today=TODAY, born=BORN)
    assert dates.problems(
        {
            "a": ("Date a", TODAY, window),
            "b": ("Date b", TODAY + timedelta(days=1), window),
            "c": ("Date c", None, window),
        }
    ) == {"b": "Date b " + window.accepted}
