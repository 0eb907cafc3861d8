"""When a reminder about a task is due to go: a pure module (no Django import).

A task due on day D gets a reminder at each lead time (by default 5 working days
before D and on the day), then, once D has passed, an overdue reminder to the person
responsible and an escalation to their manager. Each run sends only the latest moment
reached: a moment missed (after downtime, or for a task created late) goes once, at
the next run, marked late, and an earlier moment that was missed is superseded by a
later one rather than sent as well.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reviews.timescale_rules import (
    add_working_days,
    practical_latest,
    subtract_working_days,
)

REMINDER = "reminder"
ESCALATION = "escalation"
OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class Moment:
    """One message to send about a task: its kind, threshold and the day it was for."""

    kind: str  # REMINDER or ESCALATION
    threshold: str  # "5wd" (5 working days before), "0wd" (on the day), "overdue"
    on: date  # the day the message was meant to go
    late: bool  # True when `on` has passed: the message goes now, marked late


def threshold_name(lead: int) -> str:
    return f"{lead}wd"


def moment_for(due: date, lead: int) -> date:
    """Return the day a reminder `lead` working days before `due` goes (0: on the day).

    "On the day" of a task due at a weekend or on a bank holiday is the last working
    day before it (R7: a due date is never moved forward).
    """
    if lead == 0:
        return practical_latest(due)
    return subtract_working_days(due, lead)


def overdue_from(due: date) -> date:
    """Return the first working day after `due`: when the overdue messages go."""
    return add_working_days(due, 1)


def moments_now(due: date, today: date, leads: Sequence[int]) -> list[Moment]:
    """Return the messages to send today about a task due on `due` and not yet done."""
    if today > due:
        on = overdue_from(due)
        late = today > on
        return [
            Moment(REMINDER, OVERDUE, on, late),
            Moment(ESCALATION, OVERDUE, on, late),
        ]
    reached = [
        (lead, moment_for(due, lead))
        for lead in leads
        if moment_for(due, lead) <= today
    ]
    if not reached:
        return []
    lead, on = min(reached)  # the smallest lead reached is the latest moment
    return [Moment(REMINDER, threshold_name(lead), on, on < today)]


def validate_leads(leads: Sequence[int]) -> tuple[int, ...]:
    """Return the lead times sorted, longest first; refuse negatives and repeats."""
    if any(lead < 0 for lead in leads) or len(set(leads)) != len(leads):
        raise ValueError(
            f"reminder lead times must be distinct whole working days, 0 or more: {leads}"
        )
    return tuple(sorted(leads, reverse=True))
