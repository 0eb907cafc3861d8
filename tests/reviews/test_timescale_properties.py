"""Property tests for reviews.timescales (hypothesis), no database."""

from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reviews.timescales import (
    add_months,
    add_working_days,
    is_working_day,
    next_review_due,
    practical_latest,
    subtract_working_days,
    working_days_between,
)

DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
COUNTS = st.integers(min_value=1, max_value=60)
FAST = settings(max_examples=300, deadline=None)


@st.composite
def histories(draw, adoption: bool = True):
    """A period of care: start, review record dates in order, an authority date."""
    start = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)))
    gaps = draw(st.lists(st.integers(min_value=1, max_value=240), max_size=20))
    reviews, day = [], start
    for gap in gaps:
        day += timedelta(days=gap)
        reviews.append(day)
    authority = None
    if adoption and draw(st.booleans()):
        authority = start + timedelta(days=draw(st.integers(0, 2500)))
    return start, reviews, authority


@FAST
@given(DAYS, COUNTS)
def test_results_are_working_days_on_the_right_side(d, n):
    """R2/R3: results are working days strictly after or before the event."""
    later, earlier = add_working_days(d, n), subtract_working_days(d, n)
    assert is_working_day(later) and later > d
    assert is_working_day(earlier) and earlier < d


@FAST
@given(DAYS, st.integers(min_value=1, max_value=25))
def test_exactly_n_working_days_are_counted(d, n):
    """The days strictly after d up to the result hold exactly n working days."""
    later = add_working_days(d, n)
    days = (d + timedelta(days=k) for k in range(1, (later - d).days + 1))
    assert sum(1 for day in days if is_working_day(day)) == n


@FAST
@given(DAYS, COUNTS)
def test_subtract_undoes_add_on_working_days(d, n):
    """On a working day, adding then subtracting n working days returns it."""
    assume(is_working_day(d))
    assert subtract_working_days(add_working_days(d, n), n) == d
    assert add_working_days(subtract_working_days(d, n), n) == d


@FAST
@given(DAYS, DAYS, COUNTS, st.integers(min_value=0, max_value=24))
def test_monotonic_in_the_input_date(a, b, n, months):
    """A later event never gives an earlier deadline."""
    a, b = min(a, b), max(a, b)
    assert add_working_days(a, n) <= add_working_days(b, n)
    assert subtract_working_days(a, n) <= subtract_working_days(b, n)
    assert add_months(a, months) <= add_months(b, months)
    assert practical_latest(a) <= practical_latest(b)


@FAST
@given(DAYS, st.integers(min_value=1, max_value=24))
def test_add_months_keeps_or_clamps_the_day(d, months):
    """R4: same day of the month, or the month's last day if it has no such day."""
    result = add_months(d, months)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == months
    assert result.day == d.day or (
        result.day < d.day and (result + timedelta(days=1)).day == 1
    )


@FAST
@given(DAYS)
def test_practical_latest_is_the_last_working_day_on_or_before(d):
    """R7: never later than the due date, and no working day in between."""
    practical = practical_latest(d)
    assert practical <= d and is_working_day(practical)
    days_between = (
        practical + timedelta(days=k) for k in range(1, (d - practical).days + 1)
    )
    assert not any(is_working_day(day) for day in days_between)


@FAST
@given(histories(), st.booleans())
def test_next_due_is_never_before_the_last_review_held(history, placed):
    """R8: the next review is due after the last review held, on every track."""
    start, reviews, authority = history
    extra = {"authority_to_place_on": authority}
    if placed and authority is not None:
        extra["placed_for_adoption_on"] = authority + timedelta(days=30)
    due = next_review_due(start, reviews, **extra)
    assert due.date > max(reviews, default=start)


@FAST
@given(histories(), st.data())
def test_an_early_review_never_pushes_the_due_date_later(history, data):
    """Holding the next review early never gives a later due date than on time."""
    start, reviews, authority = history
    due = next_review_due(start, reviews, authority_to_place_on=authority).date
    base = max(reviews, default=start)
    early = base + timedelta(days=data.draw(st.integers(0, (due - base).days)))
    reset = next_review_due(start, [*reviews, early], authority_to_place_on=authority)
    on_time = next_review_due(start, [*reviews, due], authority_to_place_on=authority)
    assert reset.date <= on_time.date


@FAST
@given(histories(adoption=False), st.dates(date(2000, 1, 1), date(2045, 12, 31)))
def test_adoption_track_is_never_later_than_cla_alone_before_placement(history, order):
    """P2: while authorised but not placed, the earlier of the two tracks applies."""
    start, reviews, _ = history
    assume(order >= start)
    cla = next_review_due(start, reviews)
    both = next_review_due(start, reviews, authority_to_place_on=order)
    assert both.date <= cla.date
    assert both.date == cla.date or both.track == "adoption_authorised"


@FAST
@given(DAYS, st.integers(min_value=-30, max_value=800))
def test_working_days_between_counts_day_by_day(start, length):
    """Two bisects agree with counting each day after `start` up to `end` (R1),
    across years and the index's 20-year blocks."""
    end = start + timedelta(days=length)
    by_day = sum(
        is_working_day(start + timedelta(days=n)) for n in range(1, length + 1)
    )
    assert working_days_between(start, end) == by_day
