"""Working days, calendar months and the deadlines of the master timescale table.

docs/rules.md: working days and dates (R1-R7) and the deadlines T1-T29. Pure module: the standard
library, `holidays` and `dateutil` only, never Django. reviews.timescales holds the
review tracks (T4-T8) and re-exports everything public here.

- CPPCR: https://www.legislation.gov.uk/uksi/2010/959
- AAR: https://www.legislation.gov.uk/uksi/2005/389/regulation/36
- CSAR: https://www.legislation.gov.uk/uksi/1991/1505
- Children Act 1989: https://www.legislation.gov.uk/ukpga/1989/41
- IRO Handbook: statutory guidance, DCSF 2010, ref DCSF-00184-2010

Working days exist for the years the `holidays` package covers for England (1872 to
2100 in version 0.109); a date outside them raises ValueError rather than guessing.
"""

import datetime as _dt
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

from reviews.local_standards import (
    DEFAULTS,
    DRP_FORMAL_TOTAL_WORKING_DAYS,
    LocalStandards,
)

CPPCR = "Care Planning, Placement and Case Review (England) Regulations 2010"
AAR = "Adoption Agencies Regulations 2005"
CSAR = "Children (Secure Accommodation) Regulations 1991"
IROH = "IRO Handbook (statutory guidance, 2010)"
LOCAL = "local practice standard"

_BLOCK_YEARS = 20
# Written out here so that dates read the same whatever the server's locale.
# fmt: off
_DAY_NAMES = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)
_MONTH_NAMES = (
    "", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)
# fmt: on


class _WorkingDays:
    """English working days as sorted ordinals, built lazily in 20-year blocks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        calendar = holidays.country_holidays("GB", subdiv="ENG")
        self.years = (calendar.start_year, calendar.end_year)
        # (first year, last year, working-day ordinals, holiday ordinals), swapped whole
        self.state: tuple[int, int, list[int], frozenset[int]] = (1, 0, [], frozenset())

    def covering(self, year: int) -> tuple[int, int, list[int], frozenset[int]]:
        """Return the index, extended first if it does not cover `year`."""
        state = self.state
        if state[0] <= year <= state[1]:
            return state
        low, high = self.years
        if not low <= year <= high:
            raise ValueError(f"English bank holidays are known for {low}-{high} only")
        with self._lock:
            first, last = self.state[:2]
            block = year - year % _BLOCK_YEARS
            if first > last:
                first, last = block, block + _BLOCK_YEARS - 1
            else:
                first, last = min(first, block), max(last, block + _BLOCK_YEARS - 1)
            self.state = self._build(max(first, low), min(last, high))
            return self.state

    @staticmethod
    def _build(first: int, last: int) -> tuple[int, int, list[int], frozenset[int]]:
        # R1: both the actual and the substitute ("observed") days are in the dict.
        calendar = holidays.country_holidays(
            "GB", subdiv="ENG", years=range(first, last + 1)
        )
        closed = frozenset(day.toordinal() for day in calendar)
        start, end = date(first, 1, 1).toordinal(), date(last, 12, 31).toordinal()
        # date.fromordinal(o).weekday() == (o - 1) % 7: Saturday is 6, Sunday 0
        weekend = (0, 6)
        ordinals = [
            o for o in range(start, end + 1) if o % 7 not in weekend and o not in closed
        ]
        return first, last, ordinals, closed


_WORKING_DAYS = _WorkingDays()


def is_working_day(d: date) -> bool:
    """Return True if `d` is Monday to Friday and not an English bank holiday (R1)."""
    closed = _WORKING_DAYS.covering(d.year)[3]
    return d.weekday() < 5 and d.toordinal() not in closed


def add_working_days(d: date, n: int) -> date:
    """Return the n-th working day strictly after `d` (R2)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    o = d.toordinal()
    last, ordinals = _WORKING_DAYS.covering(d.year)[1:3]
    i = bisect_right(ordinals, o) + n - 1
    while i >= len(ordinals):
        last, ordinals = _WORKING_DAYS.covering(last + 1)[1:3]
        i = bisect_right(ordinals, o) + n - 1
    return date.fromordinal(ordinals[i])


def working_days_between(start: date, end: date) -> int:
    """Count the working days after `start` up to and including `end` (0 if end <=
    start): two bisects, however far apart the dates are."""
    if end <= start:
        return 0
    first, last, ordinals, _ = _WORKING_DAYS.covering(end.year)
    if start.year < first:
        first, last, ordinals, _ = _WORKING_DAYS.covering(start.year)
    return bisect_right(ordinals, end.toordinal()) - bisect_right(
        ordinals, start.toordinal()
    )


def subtract_working_days(d: date, n: int) -> date:
    """Return the n-th working day strictly before `d` (R3)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    o = d.toordinal()
    first, _, ordinals, _ = _WORKING_DAYS.covering(d.year)
    i = bisect_left(ordinals, o) - n
    while i < 0:
        first, _, ordinals, _ = _WORKING_DAYS.covering(first - 1)
        i = bisect_left(ordinals, o) - n
    return date.fromordinal(ordinals[i])


@lru_cache(maxsize=1 << 16)
def _months_later(d: date, n: int) -> date:
    return d + relativedelta(months=n)


def add_months(d: date, n: int) -> date:
    """Return the corresponding date n calendar months on, clamped to month end (R4)."""
    return _months_later(d, n)


def practical_latest(d: date) -> date:
    """Return the last working day on or before `d`, never rolling forward (R7)."""
    if is_working_day(d):
        return d
    return subtract_working_days(d, 1)


def long_date(d: date) -> str:
    """Return `d` written out, e.g. "Monday 3 February 2025"."""
    return f"{_DAY_NAMES[d.weekday()]} {d.day} {_MONTH_NAMES[d.month]} {d.year}"


@dataclass(frozen=True, slots=True)
class Deadline:
    """A deadline: date, rule in plain words ending with its citation, the citation.

    `at` is a local (Europe/London) clock time for deadlines counted in hours.
    `feasible` is False when the deadline fell before the event that starts the work.
    """

    date: date
    rule: str
    citation: str
    name: str = ""
    code: str = ""
    hard: bool = False
    at: datetime | None = None
    feasible: bool = True

    # Spelled _dt.date: inside this class body mypy reads `date` as the field above.
    @property
    def practical_date(self) -> _dt.date:
        """Return the last working day on or before the due date (R7)."""
        return practical_latest(self.date)


def _deadline(
    due: date,
    words: str,
    since: date,
    citation: str,
    name: str,
    code: str,
    tail: str = "",
    hard: bool = False,
    at: datetime | None = None,
) -> Deadline:
    rule = f"{words} on {long_date(since)}{tail} ({citation})"
    return Deadline(due, rule, citation, name, code, hard=hard, at=at)


def _after(
    start: date,
    n: int,
    what: str,
    citation: str,
    name: str,
    code: str,
    hard: bool = False,
) -> Deadline:
    due = add_working_days(start, n)
    words = f"{n} working days after {what}"
    return _deadline(due, words, start, citation, name, code, hard=hard)


def _before(
    review_on: date, n: int, unit: str, name: str, code: str, tail: str = ""
) -> Deadline:
    if unit == "working":
        due = subtract_working_days(review_on, n)
    else:
        due = review_on - timedelta(days=n)
    words = f"{n} {unit} days before the review"
    return _deadline(due, words, review_on, LOCAL, name, code, tail)


def first_review_due(looked_after_on: date) -> Deadline:
    """Return the first review deadline: 20 working days on (CPPCR reg 33(1), T4)."""
    return _after(
        looked_after_on,
        20,
        "the child became looked after",
        f"{CPPCR}, regulation 33(1)",
        "First review",
        "T4",
        hard=True,
    )


def notification_due(looked_after_on: date, at: time | None = None) -> Deadline:
    """Return the IRO-service notification deadline: 24 hours, local (T1, D-24H)."""
    next_day = looked_after_on + timedelta(days=1)
    if at is None:
        words = "the end of the calendar day after the child became looked after"
        return _deadline(
            next_day, words, looked_after_on, LOCAL, "Notify IRO service", "T1"
        )
    words = f"24 hours after the child became looked after at {at:%H:%M}"
    return _deadline(
        next_day,
        words,
        looked_after_on,
        LOCAL,
        "Notify IRO service",
        "T1",
        at=datetime.combine(next_day, at),
    )


def notification_backstop_due(
    looked_after_on: date, *, standards: LocalStandards = DEFAULTS
) -> Deadline:
    """Return the 2-working-day notification backstop (local procedures, T1)."""
    return _after(
        looked_after_on,
        standards.notification_backstop_working_days,
        "the child became looked after",
        f"local procedures based on the {IROH}",
        "Notify IRO service (backstop)",
        "T1",
    )


def iro_allocation_due(
    looked_after_on: date, *, standards: LocalStandards = DEFAULTS
) -> Deadline:
    """Return the IRO allocation deadline; always before the first review (s25A, T2)."""
    return _after(
        looked_after_on,
        standards.iro_allocation_working_days,
        "the child became looked after",
        f"{IROH}; Children Act 1989, section 25A(2)",
        "Allocate an IRO",
        "T2",
    )


def adoption_visit_due(placed_for_adoption_on: date) -> Deadline:
    """Return the first visit after placement for adoption (AAR 36(4)(a), T8a)."""
    return _deadline(
        placed_for_adoption_on + timedelta(days=7),
        "1 week (then weekly until the first review) after the child was placed",
        placed_for_adoption_on,
        f"{AAR}, regulation 36(4)(a)",
        "Visit child and prospective adopters",
        "T8a",
        hard=True,
    )


def secure_review_due(
    secure_started_on: date,
    reviews_held: Sequence[date] = (),
    *,
    standards: LocalStandards = DEFAULTS,
) -> Deadline:
    """Return the next secure accommodation review (CSAR reg 15, T9, D-SECURE)."""
    citation, name = f"{CSAR}, regulation 15", "Secure accommodation review"
    if reviews_held:
        last = max(reviews_held)
        words = "3 months after the last secure accommodation review held"
        return _deadline(
            add_months(last, 3), words, last, citation, name, "T9", hard=True
        )
    if standards.first_secure_review == "28 days":
        due, words = secure_started_on + timedelta(days=28), "28 days"
        citation = f"{citation} (local reading: 28 days)"
    else:
        due, words = add_months(secure_started_on, 1), "1 month"
    words += " after the secure placement started"
    return _deadline(due, words, secure_started_on, citation, name, "T9", hard=True)


def review_choices_visit_due(
    review_on: date, *, standards: LocalStandards = DEFAULTS
) -> Deadline:
    """Return the social worker's Review Choices visit before a later review (T10)."""
    n = standards.review_choices_visit_working_days
    return _before(review_on, n, "working", "Review Choices visit", "T10")


def initial_review_choices_visit_due(
    review_on: date, looked_after_on: date, *, standards: LocalStandards = DEFAULTS
) -> Deadline:
    """Return the Review Choices visit before a first review, or flag it (T10a)."""
    n = standards.initial_review_choices_visit_working_days
    due = subtract_working_days(review_on, n)
    words = f"{n} working days before the first review"
    if due >= looked_after_on:
        return _deadline(due, words, review_on, LOCAL, "Review Choices visit", "T10a")
    rule = (
        f"{words} on {long_date(review_on)}, which is before the child became looked "
        "after"
    )
    return Deadline(
        due, f"{rule} ({LOCAL})", LOCAL, "Review Choices visit", "T10a", feasible=False
    )


def convening_checklist_due(
    review_on: date, *, standards: LocalStandards = DEFAULTS
) -> Deadline:
    """Return the deadline for the attendee list and contact details: 4 weeks (T11)."""
    n = standards.convening_checklist_days
    return _before(
        review_on, n, "calendar", "Convening checklist to IRO service", "T11"
    )


def arrangements_discussion_due(
    review_on: date, *, standards: LocalStandards = DEFAULTS
) -> Deadline:
    """Return the social worker and IRO arrangements discussion deadline (T12)."""
    n, unit = standards.arrangements_discussion_days, standards.days_unit
    return _before(review_on, n, unit, "Social worker and IRO arrangements", "T12")


def invitations_due(
    review_on: date, *, standards: LocalStandards = DEFAULTS
) -> Deadline:
    """Return the latest day to send invitations and consultation documents (T13)."""
    return _before(
        review_on,
        standards.invitations_working_days,
        "working",
        "Invitations and consultations",
        "T13",
        tail=", ideally on the day of the arrangements discussion",
    )


def pre_review_discussion_due(
    review_on: date, *, standards: LocalStandards = DEFAULTS
) -> Deadline:
    """Return the pre-review discussion of the report and care plan deadline (T14)."""
    n, unit = standards.pre_review_discussion_days, standards.days_unit
    return _before(review_on, n, unit, "Pre-review discussion", "T14")


def social_worker_report_due(
    review_on: date, *, standards: LocalStandards = DEFAULTS
) -> Deadline:
    """Return the deadline for the report and care plan to the IRO and parents (T15)."""
    n, unit = standards.report_days, standards.days_unit
    return _before(review_on, n, unit, "Social worker's report and care plan", "T15")


def _after_review(
    review_on: date, n: int, name: str, code: str, hard: bool = False
) -> Deadline:
    return _after(review_on, n, "the review", LOCAL, name, code, hard)


def recommendations_and_decisions_due(
    review_on: date, *, standards: LocalStandards = DEFAULTS
) -> Deadline:
    """Return the deadline to record the recommendations and decisions (R&D, T16)."""
    n = standards.rd_working_days
    return _after_review(review_on, n, "Recommendations and decisions recorded", "T16")


def tm_authorisation_due(
    submitted_on: date, *, standards: LocalStandards = DEFAULTS
) -> Deadline:
    """Return the team manager's deadline to authorise the R&D (T17, D-TM)."""
    return _after(
        submitted_on,
        standards.tm_authorisation_working_days,
        "the recommendations and decisions were submitted",
        LOCAL,
        "Team manager authorises recommendations and decisions",
        "T17",
    )


def record_written_due(
    review_on: date, *, standards: LocalStandards = DEFAULTS
) -> Deadline:
    """Return the local target for writing the record of the review (T18)."""
    n = standards.record_written_working_days
    return _after_review(review_on, n, "Record of review written", "T18")


def record_distributed_due(
    review_on: date, *, standards: LocalStandards = DEFAULTS
) -> Deadline:
    """Return the deadline to send the record to the child and attendees (T19)."""
    n = standards.record_distributed_working_days
    return _after_review(review_on, n, "Record of review distributed", "T19", hard=True)


def care_plan_update_due(
    review_on: date, *, standards: LocalStandards = DEFAULTS
) -> Deadline:
    """Return the deadline for the care plan to be updated and agreed (T20)."""
    n = standards.care_plan_update_working_days
    return _after_review(review_on, n, "Care plan updated and agreed", "T20")


def adjourned_review_due(original_on: date) -> Deadline:
    """Return the reconvene-by date of a review adjourned once (CPPCR 36(2), T22)."""
    return _after(
        original_on,
        20,
        "the date the adjourned review was originally held",
        f"{CPPCR}, regulation 36(2)",
        "Adjourned review completed",
        "T22",
        hard=True,
    )


def progress_review_due(review_on: date, next_due: date) -> Deadline:
    """Return the mid-point progress review target between two reviews (T24, D-MID)."""
    if next_due <= review_on:
        raise ValueError("the next review must be due after the review held")
    half = (next_due - review_on).days // 2
    words = (
        f"half of the {(next_due - review_on).days} days to the next review due on "
        f"{long_date(next_due)}, counted from the review held"
    )
    return _deadline(
        review_on + timedelta(days=half),
        words,
        review_on,
        LOCAL,
        "Progress (mid-point) review",
        "T24",
    )


def pre_cessation_review_due(accommodation_ends_on: date) -> Deadline:
    """Return the last day for the review before accommodation ends (CPPCR 33(3)(e))."""
    return _deadline(
        accommodation_ends_on - timedelta(days=1),
        "before the local authority stops accommodating the child",
        accommodation_ends_on,
        f"{CPPCR}, regulation 33(3)(e)",
        "Review before accommodation ends",
        "",
        hard=True,
    )


def pathway_assessment_start_due(
    date_of_birth: date, *, standards: LocalStandards = DEFAULTS
) -> Deadline:
    """Return the date to start the pathway needs assessment, at 15 1/2 (T26)."""
    months = standards.pathway_assessment_start_months
    age = f"{months // 12} years {months % 12} months"
    return _deadline(
        add_months(date_of_birth, months),
        f"{age} after the child's birth",
        date_of_birth,
        LOCAL,
        "Pathway needs assessment started",
        "T26",
    )


def pathway_eligibility_date(
    date_of_birth: date, care_periods: Sequence[tuple[date, date | None]]
) -> date | None:
    """Return the day the child becomes an eligible child (CPPCR reg 40(1), D-ELIG).

    `care_periods` are (start, ceased_on) pairs of periods looked after, short breaks
    excluded; `ceased_on` (903 DEC) is not a day looked after, None means ongoing.
    Days count from the 14th birthday, the start day as day 1. The child is eligible on
    the first day looked after on which 91 days are reached and the child is 16 or 17.
    """
    fourteenth, sixteenth = (
        add_months(date_of_birth, 168),
        add_months(date_of_birth, 192),
    )
    counted = 0
    for start, ceased_on in sorted(care_periods):
        first = max(start, fourteenth)
        if ceased_on is not None and ceased_on <= first:
            continue
        candidate = max(first + timedelta(days=max(90 - counted, 0)), sixteenth)
        if ceased_on is None or candidate < ceased_on:
            return candidate if candidate < add_months(date_of_birth, 216) else None
        counted += (ceased_on - first).days
    return None


def needs_assessment_due(
    date_of_birth: date, care_periods: Sequence[tuple[date, date | None]]
) -> Deadline | None:
    """Return the needs assessment deadline, 3 months on (CPPCR reg 42(1), T27)."""
    eligible_on = pathway_eligibility_date(date_of_birth, care_periods)
    if eligible_on is None:
        return None
    if eligible_on == add_months(date_of_birth, 192):
        words = "3 months after the child's 16th birthday"
    else:
        words = (
            "3 months after the child became eligible (91 days looked after since 14)"
        )
    return _deadline(
        add_months(eligible_on, 3),
        words,
        eligible_on,
        f"{CPPCR}, regulation 42(1)",
        "Pathway needs assessment completed",
        "T27",
        hard=True,
    )


def drp_stage_due(
    stage: int,
    stage_started_on: date,
    *,
    formal_started_on: date | None = None,
    standards: LocalStandards = DEFAULTS,
) -> Deadline:
    """Return a DRP stage's response deadline, capped by the total (IROH 6.2, T28)."""
    if not 0 <= stage <= 4:
        raise ValueError(f"DRP stages are 0 (informal) to 4, not {stage}")
    name = (
        "Informal resolution response" if stage == 0 else f"DRP stage {stage} response"
    )
    deadline = _after(
        stage_started_on,
        standards.drp_stage_working_days[stage],
        f"stage {stage} started",
        f"{IROH}, paragraph 6.{1 if stage == 0 else 2}; local protocol",
        name,
        "T28",
    )
    if stage == 0 or formal_started_on is None:
        return deadline
    whole = drp_formal_process_due(formal_started_on)
    return replace(whole, name=name) if whole.date < deadline.date else deadline


def drp_formal_process_due(formal_started_on: date) -> Deadline:
    """Return the end of the whole formal DRP: 20 working days in total (IROH 6.2)."""
    return _after(
        formal_started_on,
        DRP_FORMAL_TOTAL_WORKING_DAYS,
        "the formal DRP started",
        f"{IROH}, paragraph 6.2",
        "Formal DRP concluded",
        "T28",
        hard=True,
    )


def iro_role_end_due(date_of_birth: date) -> Deadline:
    """Return the 18th birthday, when the IRO's role ends unless extended (T29)."""
    return _deadline(
        add_months(date_of_birth, 216),
        "18 years after the young person's birth",
        date_of_birth,
        f"{LOCAL}; the service manager may authorise time-limited involvement",
        "IRO role ends",
        "T29",
    )


def participation_pn0_required(date_of_birth: date, review_on: date) -> bool:
    """Return True if the child is under 4 at the review (SSDA903 PN0, rule 440/441)."""
    return review_on < add_months(date_of_birth, 48)
