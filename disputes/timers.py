"""Working-day timers of a challenge: the engine's deadlines, read for one stage.

Pure module (no Django import): the dates come from reviews.timescales, the one
place where DRP deadlines are calculated (T28, IRO Handbook para 6.2).
"""

from datetime import date

from reviews import timescales
from reviews.local_standards import DEFAULTS, LocalStandards
from reviews.timescales import (
    Deadline,
    drp_formal_process_due,
    drp_stage_due,
    explain,
    practical_latest,
)


def current_standards() -> LocalStandards:
    """Return the local authority's standards (stage lengths): the one place to change."""
    return DEFAULTS


def stage_deadline(
    stage: int, started_on: date, *, formal_started_on: date | None
) -> Deadline:
    """Return the response deadline of a stage started on `started_on`."""
    return drp_stage_due(
        stage,
        started_on,
        formal_started_on=formal_started_on,
        standards=current_standards(),
    )


def formal_deadline(formal_started_on: date) -> Deadline:
    """Return the date by which the whole formal process should end (20 working days)."""
    return drp_formal_process_due(formal_started_on)


def working_days_between(start: date, end: date) -> int:
    """Count the working days after `start` up to and including `end` (0 if end <= start)."""
    return timescales.working_days_between(start, end)


def explain_date(deadline: Deadline) -> str:
    return explain(deadline)


def practical_date(day: date) -> date:
    """Return the last working day on or before `day` (R7)."""
    return practical_latest(day)
