"""When reminders go: a pure table (no database)."""

from datetime import date

import pytest

from core.reminders.moments import (
    ESCALATION,
    REMINDER,
    Moment,
    moments_now,
    validate_leads,
)

LEADS = (5, 0)
# Friday 7 March 2025 is the due date in most rows; 28 Feb is 5 working days before.
DUE = date(2025, 3, 7)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        pytest.param(date(2025, 2, 27), [], id="before-any-moment"),
        pytest.param(
            date(2025, 2, 28),
            [Moment(REMINDER, "5wd", date(2025, 2, 28), False)],
            id="five-working-days-before-on-time",
        ),
        pytest.param(
            date(2025, 3, 4),
            [Moment(REMINDER, "5wd", date(2025, 2, 28), True)],
            id="five-day-moment-missed-goes-late",
        ),
        pytest.param(
            date(2025, 3, 7),
            [Moment(REMINDER, "0wd", date(2025, 3, 7), False)],
            id="on-the-day-supersedes-a-missed-five-day",
        ),
        pytest.param(
            date(2025, 3, 8),
            [
                Moment(REMINDER, "overdue", date(2025, 3, 10), False),
                Moment(ESCALATION, "overdue", date(2025, 3, 10), False),
            ],
            id="overdue-at-the-weekend",
        ),
        pytest.param(
            date(2025, 3, 12),
            [
                Moment(REMINDER, "overdue", date(2025, 3, 10), True),
                Moment(ESCALATION, "overdue", date(2025, 3, 10), True),
            ],
            id="overdue-escalation-after-downtime-is-late",
        ),
    ],
)
def test_moments_now(today, expected):
    assert moments_now(DUE, today, LEADS) == expected


def test_on_the_day_of_a_sunday_task_is_the_friday_before():
    """A task due on Sunday 9 March 2025 is reminded 'on the day' on Friday 7 March."""
    assert moments_now(date(2025, 3, 9), date(2025, 3, 7), LEADS) == [
        Moment(REMINDER, "0wd", date(2025, 3, 7), False)
    ]


def test_five_working_days_skip_a_bank_holiday():
    """Due Friday 9 May 2025: Monday 5 May is a bank holiday, so the reminder is 1 May."""
    assert moments_now(date(2025, 5, 9), date(2025, 5, 1), LEADS)[0].on == date(
        2025, 5, 1
    )
    assert moments_now(date(2025, 5, 9), date(2025, 4, 30), LEADS) == []


def test_a_task_created_late_gets_one_late_reminder_then_the_on_day_one():
    """Created 3 working days before: the 5-day reminder goes at once, marked late."""
    first = moments_now(DUE, date(2025, 3, 4), LEADS)
    assert [(m.threshold, m.late) for m in first] == [("5wd", True)]
    on_day = moments_now(DUE, DUE, LEADS)
    assert [(m.threshold, m.late) for m in on_day] == [("0wd", False)]


@pytest.mark.parametrize("leads", [(5, -1), (3, 3)])
def test_lead_times_must_be_distinct_and_not_negative(leads):
    with pytest.raises(ValueError, match="lead times"):
        validate_leads(leads)


def test_lead_times_sort_longest_first():
    assert validate_leads([0, 10, 5]) == (10, 5, 0)
