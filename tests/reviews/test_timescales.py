"""Tests for reviews.timescales: the worked examples W1-W28 of docs/rules.md."""

import dataclasses
from datetime import date, datetime, time, timedelta

import holidays
import pytest
from dateutil.easter import easter

from reviews.local_standards import DEFAULTS, LocalStandards
from reviews.timescales import (
    Deadline,
    Due,
    add_months,
    add_working_days,
    adjourned_review_due,
    adoption_visit_due,
    arrangements_discussion_due,
    care_plan_update_due,
    convening_checklist_due,
    drp_formal_process_due,
    drp_stage_due,
    explain,
    first_review_due,
    initial_review_choices_visit_due,
    invitations_due,
    iro_allocation_due,
    iro_role_end_due,
    is_working_day,
    long_date,
    needs_assessment_due,
    next_review_due,
    notification_backstop_due,
    notification_due,
    participation_pn0_required,
    pathway_assessment_start_due,
    pathway_eligibility_date,
    practical_latest,
    pre_cessation_review_due,
    pre_review_discussion_due,
    progress_review_due,
    recommendations_and_decisions_due,
    record_distributed_due,
    record_written_due,
    review_choices_visit_due,
    review_schedule,
    secure_review_due,
    social_worker_report_due,
    subtract_working_days,
    tm_authorisation_due,
)

D = date
CALENDAR_DAYS = LocalStandards(days_unit="calendar")


def first_review(looked_after_on: date) -> date:
    return next_review_due(looked_after_on).date


# W1-W28 (docs/rules.md, worked examples)


def test_w01_basic_entry_to_care():
    """Allocation by Mon 13 Jan, first review by Mon 3 Feb 2025 (not 1 month)."""
    assert iro_allocation_due(D(2025, 1, 6)).date == D(2025, 1, 13)
    assert first_review(D(2025, 1, 6)) == D(2025, 2, 3)
    assert add_months(D(2025, 1, 6), 1) == D(2025, 2, 6) > first_review(D(2025, 1, 6))


def test_w02_friday_before_bank_holiday_monday():
    """Spring bank holiday: 24-hour notice on Saturday, backstop Wed 28 May 2025."""
    notice = notification_due(D(2025, 5, 23), time(17, 30))
    assert notice.at == datetime(2025, 5, 24, 17, 30)
    assert notice.date == D(2025, 5, 24)
    assert notification_backstop_due(D(2025, 5, 23)).date == D(2025, 5, 28)
    assert iro_allocation_due(D(2025, 5, 23)).date == D(2025, 6, 2)
    assert first_review(D(2025, 5, 23)) == D(2025, 6, 23)


def test_w03_christmas_period():
    """Skips 25 and 26 Dec and 1 Jan; naive 28 days would give Mon 19 Jan."""
    assert iro_allocation_due(D(2025, 12, 22)).date == D(2025, 12, 31)
    assert first_review(D(2025, 12, 22)) == D(2026, 1, 22)


def test_w04_entering_care_on_a_bank_holiday():
    """Good Friday is never counted; 17 Apr gives the same first review."""
    assert iro_allocation_due(D(2025, 4, 18)).date == D(2025, 4, 28)
    assert first_review(D(2025, 4, 18)) == D(2025, 5, 20)
    assert first_review(D(2025, 4, 17)) == D(2025, 5, 20)


def test_w05_entering_care_on_a_saturday_at_christmas():
    """Counting starts on the next working day; same as entering on 24 Dec."""
    assert iro_allocation_due(D(2025, 12, 27)).date == D(2026, 1, 5)
    assert first_review(D(2025, 12, 27)) == D(2026, 1, 26)
    assert first_review(D(2025, 12, 24)) == D(2026, 1, 26)


def test_w06_subdivision_trap():
    """England's calendar includes Easter Monday and the late summer holiday."""
    assert first_review(D(2025, 4, 17)) == D(2025, 5, 20)
    assert first_review(D(2025, 8, 11)) == D(2025, 9, 9)
    uk_wide = holidays.country_holidays("GB", years=2025)  # the trap: no subdiv
    assert D(2025, 4, 21) not in uk_wide and not is_working_day(D(2025, 4, 21))
    assert D(2025, 8, 25) not in uk_wide and not is_working_day(D(2025, 8, 25))


def test_w07_31_january_plus_3_months():
    """The corresponding date is clamped to 30 April; 90 days would be 1 May."""
    assert next_review_due(D(2025, 1, 6), [D(2025, 1, 31)]).date == D(2025, 4, 30)
    assert D(2025, 1, 31) + timedelta(days=90) == D(2025, 5, 1)
    assert next_review_due(D(2024, 1, 8), [D(2024, 1, 31)]).date == D(2024, 4, 30)


def test_w08_3_months_against_90_days():
    """Second review due Tue 2 Sep 2025; 90 days is earlier (Sun 31 Aug)."""
    assert next_review_due(D(2025, 5, 12), [D(2025, 6, 2)]).date == D(2025, 9, 2)


@pytest.mark.parametrize(
    ("reviews_held", "expected"),
    [
        pytest.param([D(2023, 11, 30)], D(2024, 2, 29), id="a-second-review"),
        pytest.param([D(2023, 3, 1), D(2023, 8, 31)], D(2024, 2, 29), id="b-later"),
        pytest.param([D(2023, 11, 1), D(2024, 2, 29)], D(2024, 8, 29), id="c-later"),
        pytest.param([D(2024, 2, 29), D(2024, 8, 29)], D(2025, 2, 28), id="d-later"),
    ],
)
def test_w09_leap_years(reviews_held, expected):
    """Months across 29 February follow the corresponding-date rule."""
    assert next_review_due(D(2023, 1, 2), reviews_held).date == expected


def test_w10_due_date_on_a_weekend():
    """Due dates are not moved; the practical latest date is shown as well."""
    later = next_review_due(D(2025, 1, 6), [D(2025, 5, 1), D(2025, 10, 31)])
    assert later.date == D(2026, 4, 30)
    christmas = next_review_due(D(2025, 1, 6), [D(2025, 2, 3), D(2025, 6, 27)])
    assert christmas.date == D(2025, 12, 27)
    assert christmas.practical_date == D(2025, 12, 24)
    second = next_review_due(D(2025, 11, 3), [D(2025, 11, 28)])
    assert (second.date, second.practical_date) == (D(2026, 2, 28), D(2026, 2, 27))


def test_w11_early_review_resets_the_clock():
    """An IRO-requested review on 20 May moves the next due date to 20 Nov."""
    held = [D(2024, 7, 1), D(2024, 7, 15), D(2025, 1, 15)]
    assert next_review_due(D(2024, 6, 3), held).date == D(2025, 7, 15)
    early = next_review_due(D(2024, 6, 3), [*held, D(2025, 5, 20)])
    assert early.date == D(2025, 11, 20)


def test_w12_late_review():
    """A review held after its due date shifts the next one (record date, R8)."""
    held = [D(2024, 5, 1), D(2024, 10, 30)]
    due = next_review_due(D(2024, 4, 8), held).date
    assert due == D(2025, 4, 30)
    assert D(2025, 5, 9) > due  # out of timescale
    after = next_review_due(D(2024, 4, 8), [*held, D(2025, 5, 9)])
    assert (after.date, after.practical_date) == (D(2025, 11, 9), D(2025, 11, 7))


def test_w13_adjourned_review_over_easter_and_may_day():
    """Reconvene by Thu 8 May 2025; the record date stays 7 April."""
    assert adjourned_review_due(D(2025, 4, 7)).date == D(2025, 5, 8)
    subsequent = next_review_due(D(2024, 9, 2), [D(2024, 9, 30), D(2025, 4, 7)])
    assert subsequent.date == D(2025, 10, 7)
    assert next_review_due(D(2025, 3, 10), [D(2025, 4, 7)]).date == D(2025, 7, 7)


def test_w14_adjourned_second_review():
    """Reconvened 20 May inside the limit; the record date 28 Apr was on time."""
    assert next_review_due(D(2025, 1, 6), [D(2025, 1, 30)]).date == D(2025, 4, 30)
    reconvene_by = adjourned_review_due(D(2025, 4, 28)).date
    assert reconvene_by == D(2025, 5, 28)
    assert D(2025, 5, 20) <= reconvene_by
    after = next_review_due(D(2025, 1, 6), [D(2025, 1, 30), D(2025, 4, 28)])
    assert after.date == D(2025, 10, 28)


def test_w15_full_timeline_over_christmas():
    """Every preparation and follow-up deadline of a review on Mon 12 Jan 2026."""
    review = D(2026, 1, 12)
    assert review_choices_visit_due(review).date == D(2025, 12, 10)
    assert convening_checklist_due(review).date == D(2025, 12, 15)
    assert arrangements_discussion_due(review).date == D(2025, 12, 17)
    assert arrangements_discussion_due(review, standards=CALENDAR_DAYS).date == D(
        2025, 12, 28
    )
    assert pre_review_discussion_due(review).date == D(2026, 1, 5)
    assert social_worker_report_due(review).date == D(2026, 1, 7)
    assert social_worker_report_due(review, standards=CALENDAR_DAYS).date == D(
        2026, 1, 9
    )
    assert recommendations_and_decisions_due(review).date == D(2026, 1, 19)
    assert care_plan_update_due(review).date == D(2026, 1, 26)
    assert record_distributed_due(review).date == D(2026, 2, 9)
    due = next_review_due(D(2025, 6, 2), [D(2025, 6, 30), D(2025, 9, 29), review])
    assert (due.date, due.practical_date) == (D(2026, 7, 12), D(2026, 7, 10))
    midpoint = progress_review_due(review, due.date)
    assert (midpoint.date, midpoint.practical_date) == (D(2026, 4, 12), D(2026, 4, 10))


def test_w16_initial_review_preparation():
    """15 working days before a first review, still after the child came into care."""
    visit = initial_review_choices_visit_due(D(2025, 2, 3), D(2025, 1, 6))
    assert visit.date == D(2025, 1, 13)
    assert visit.feasible
    assert social_worker_report_due(D(2025, 2, 3)).date == D(2025, 1, 29)


def test_w17_review_on_christmas_eve():
    """Follow-up deadlines skip Christmas, Boxing Day and New Year's Day."""
    review = D(2025, 12, 24)
    assert recommendations_and_decisions_due(review).date == D(2026, 1, 5)
    assert care_plan_update_due(review).date == D(2026, 1, 12)
    assert record_distributed_due(review).date == D(2026, 1, 26)


def test_w18_placement_order_then_placement_for_adoption():
    """P2 while authorised, then P1 once placed; reviews since placement count."""
    start, order, placed = D(2025, 1, 6), D(2025, 5, 15), D(2025, 10, 1)
    held = [D(2025, 1, 30), D(2025, 4, 28)]
    assert next_review_due(start, held).date == D(2025, 10, 28)
    authorised = next_review_due(start, held, authority_to_place_on=order)
    assert (authorised.date, authorised.track) == (
        D(2025, 8, 15),
        "adoption_authorised",
    )
    held.append(D(2025, 8, 14))
    combined = next_review_due(start, held, authority_to_place_on=order)
    assert (combined.date, combined.practical_date) == (D(2026, 2, 14), D(2026, 2, 13))
    assert combined.track == "adoption_authorised"  # tie with CLA names adoption
    assert next_review_due(start, held).date == D(2026, 2, 14)
    adoption = {"authority_to_place_on": order, "placed_for_adoption_on": placed}
    on_placement = next_review_due(start, held, **adoption)
    assert (on_placement.date, on_placement.track) == (
        D(2025, 10, 29),
        "adoption_placed",
    )
    held.append(D(2025, 10, 29))
    assert next_review_due(start, held, **adoption).date == D(2026, 1, 29)
    held.append(D(2026, 1, 29))
    third = next_review_due(start, held, **adoption)
    assert (third.date, third.track) == (D(2026, 7, 29), "adoption_placed")


def test_w18_disruption_resumes_the_cla_track():
    """P3: the CLA track resumes from the last review, 6 months (3 after only one)."""
    start, held = D(2025, 1, 6), [D(2025, 1, 30), D(2025, 4, 28), D(2025, 10, 29)]
    disrupted = next_review_due(
        start,
        held,
        authority_to_place_on=D(2025, 5, 15),
        placed_for_adoption_on=D(2025, 10, 1),
        placement_ended_on=D(2025, 11, 20),
    )
    assert (disrupted.date, disrupted.track) == (D(2026, 4, 29), "cla")
    only_one = next_review_due(
        start,
        [D(2025, 1, 30)],
        placed_for_adoption_on=D(2025, 2, 10),
        placement_ended_on=D(2025, 3, 1),
    )
    assert (only_one.date, only_one.track) == (D(2025, 4, 30), "cla")


def test_w19_placed_for_adoption():
    """28 days after placement, then 3 months, then 6 months."""
    start, placed, held = D(2025, 3, 3), D(2025, 11, 3), [D(2025, 3, 31)]
    first = next_review_due(start, held, placed_for_adoption_on=placed)
    assert (first.date, first.track) == (D(2025, 12, 1), "adoption_placed")
    held.append(D(2025, 12, 1))
    second = next_review_due(start, held, placed_for_adoption_on=placed)
    assert (second.date, second.practical_date) == (D(2026, 3, 1), D(2026, 2, 27))
    held.append(D(2026, 3, 1))
    assert next_review_due(start, held, placed_for_adoption_on=placed).date == D(
        2026, 9, 1
    )


def test_w20_placement_order_at_the_end_of_the_month():
    """Saturday 31 Jan 2026 + 3 months = Thu 30 Apr 2026."""
    held = [D(2025, 6, 30), D(2025, 9, 30), D(2026, 1, 19)]
    due = next_review_due(D(2025, 6, 2), held, authority_to_place_on=D(2026, 1, 31))
    assert (due.date, due.track) == (D(2026, 4, 30), "adoption_authorised")


def test_w21_secure_accommodation():
    """First secure review by 28 Feb (both readings), then 3 months after it."""
    start = D(2025, 1, 31)
    assert secure_review_due(start).date == D(2025, 2, 28)
    days = LocalStandards(first_secure_review="28 days")
    assert secure_review_due(start, standards=days).date == D(2025, 2, 28)
    assert secure_review_due(start, [D(2025, 2, 27)]).date == D(2025, 5, 27)


def test_w22_child_leaving_care():
    """A review must be held before accommodation ends on 1 Aug, so by 31 Jul."""
    held = [D(2024, 9, 9), D(2025, 3, 10)]
    assert next_review_due(D(2024, 9, 2), held).date == D(2025, 9, 10)
    assert pre_cessation_review_due(D(2025, 8, 1)).date == D(2025, 7, 31)


def test_w23_re_entering_care():
    """A new period restarts the CLA track; earlier reviews are not passed in."""
    assert iro_allocation_due(D(2025, 3, 10)).date == D(2025, 3, 17)
    assert first_review(D(2025, 3, 10)) == D(2025, 4, 7)


def test_w24_pathway_planning():
    """15 and a half, the 16th birthday or the 91st day, then 3 months (D-ELIG)."""
    a = D(2009, 8, 31)
    assert pathway_assessment_start_due(a).date == D(2025, 2, 28)
    due = needs_assessment_due(a, [(D(2022, 10, 3), None)])
    assert (due.date, due.practical_date) == (D(2025, 11, 30), D(2025, 11, 28))
    b = D(2008, 2, 29)
    assert pathway_assessment_start_due(b).date == D(2023, 8, 29)
    assert needs_assessment_due(b, [(D(2021, 5, 4), None)]).date == D(2024, 5, 29)
    c, periods = D(2009, 3, 10), [(D(2025, 5, 12), None)]
    assert pathway_eligibility_date(c, periods) == D(2025, 8, 10)
    assert needs_assessment_due(c, periods).date == D(2025, 11, 10)


def test_w25_pn0_boundary():
    """PN0 before the 4th birthday; PN1-PN7 from the birthday itself."""
    assert participation_pn0_required(D(2021, 3, 10), D(2025, 3, 9))
    assert not participation_pn0_required(D(2021, 3, 10), D(2025, 3, 10))


def test_w26_christmas_with_substitute_days():
    """27 and 28 Dec 2027 and 3 Jan 2028 are substitute bank holidays."""
    assert iro_allocation_due(D(2027, 12, 24)).date == D(2028, 1, 5)
    assert first_review(D(2027, 12, 24)) == D(2028, 1, 26)


def test_w27_easter_2026():
    """Skips Good Friday 3 Apr and Easter Monday 6 Apr 2026."""
    assert first_review(D(2026, 3, 27)) == D(2026, 4, 28)


def test_w28_first_review_held_early():
    """The second review counts from the first review held, not from its due date."""
    assert next_review_due(D(2025, 1, 6), [D(2025, 1, 16)]).date == D(2025, 4, 16)


# Appendix B: the holiday calendar


@pytest.mark.parametrize(
    "day",
    [
        "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25",
        "2025-12-25", "2025-12-26", "2026-01-01", "2026-04-03", "2026-04-06",
        "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28",
        "2027-12-27", "2027-12-28", "2028-01-03", "2022-06-02", "2022-06-03",
        "2022-09-19", "2023-05-08",
    ],
)  # fmt: skip
def test_appendix_b_bank_holidays_are_not_working_days(day):
    """Bank holidays, substitute days and one-off holidays in England."""
    assert not is_working_day(date.fromisoformat(day))


@pytest.mark.parametrize("day", ["2025-12-24", "2025-12-29", "2026-01-02"])
def test_appendix_b_days_between_holidays_are_working_days(day):
    """Office closures between Christmas and New Year are still working days."""
    assert is_working_day(date.fromisoformat(day))


def test_weekends_are_not_working_days():
    """Saturday 26 Dec 2026 (Boxing Day itself) and an ordinary Sunday."""
    assert not is_working_day(D(2026, 12, 26))
    assert not is_working_day(D(2025, 6, 1))


def test_holiday_data_covers_the_years_ahead():
    """Easter holidays are known for the next two years (data freshness)."""
    for year in (date.today().year + 1, date.today().year + 2):
        assert not is_working_day(easter(year) - timedelta(days=2))  # Good Friday
        assert not is_working_day(easter(year) + timedelta(days=1))  # Easter Monday


# Working days: R2, R3, R7


def _naive_add(d: date, n: int, step: int = 1) -> date:
    eng = holidays.country_holidays("GB", subdiv="ENG")
    while n:
        d += timedelta(days=step)
        if d.weekday() < 5 and d not in eng:
            n -= 1
    return d


def test_add_working_days_matches_a_day_by_day_count_for_a_decade():
    """Every start date 2018-2031, 1, 5 and 20 working days on and back."""
    day = D(2018, 1, 1)
    while day < D(2032, 1, 1):
        for n in (1, 5, 20):
            assert add_working_days(day, n) == _naive_add(day, n)
            assert subtract_working_days(day, n) == _naive_add(day, n, step=-1)
        day += timedelta(days=3)


def test_working_days_outside_the_first_block():
    """The index extends lazily backwards and forwards, across block edges."""
    assert add_working_days(D(1985, 12, 24), 3) == _naive_add(D(1985, 12, 24), 3)
    assert subtract_working_days(D(2099, 1, 2), 2) == _naive_add(D(2099, 1, 2), 2, -1)
    assert add_working_days(D(2039, 12, 30), 1) == D(2040, 1, 3)  # 2 Jan substitute
    far = add_working_days(D(2025, 1, 6), 10_000)
    assert far.year > 2060 and is_working_day(far)
    assert subtract_working_days(far, 10_000) == D(2025, 1, 6)


def test_dates_beyond_the_holiday_data_raise():
    """No guessing past the years the holidays package knows (1872-2100)."""
    with pytest.raises(ValueError):
        is_working_day(D(2101, 1, 3))
    with pytest.raises(ValueError):
        add_working_days(D(2100, 12, 30), 5)
    with pytest.raises(ValueError):
        subtract_working_days(D(1872, 1, 3), 5)


@pytest.mark.parametrize("n", [0, -1, -20])
def test_working_day_counts_below_one_raise(n):
    """N must be at least 1 (R2, R3)."""
    with pytest.raises(ValueError):
        add_working_days(D(2025, 1, 6), n)
    with pytest.raises(ValueError):
        subtract_working_days(D(2025, 1, 6), n)


def test_the_event_day_is_never_counted():
    """One working day after a Monday is the Tuesday; before a Monday the Friday."""
    assert add_working_days(D(2025, 1, 6), 1) == D(2025, 1, 7)
    assert subtract_working_days(D(2025, 1, 6), 1) == D(2025, 1, 3)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        pytest.param(D(2025, 1, 31), 1, D(2025, 2, 28), id="clamps-to-february"),
        pytest.param(D(2024, 1, 31), 1, D(2024, 2, 29), id="leap-year"),
        pytest.param(D(2025, 8, 31), 6, D(2026, 2, 28), id="crosses-year-end"),
        pytest.param(D(2023, 11, 30), 3, D(2024, 2, 29), id="into-leap-february"),
    ],
)
def test_add_months(start, months, expected):
    """Corresponding-date rule, clamped to the month end (R4)."""
    assert add_months(start, months) == expected


def test_practical_latest():
    """The last working day on or before the date; never later (R7)."""
    assert practical_latest(D(2025, 12, 27)) == D(2025, 12, 24)
    assert practical_latest(D(2025, 12, 24)) == D(2025, 12, 24)
    assert practical_latest(D(2026, 4, 6)) == D(2026, 4, 2)


# Other deadlines of the master table


def test_notification_without_a_time_is_due_by_the_end_of_the_next_day():
    """D-24H: with only the date known, the end of the next calendar day."""
    notice = notification_due(D(2025, 5, 23))
    assert (notice.date, notice.at) == (D(2025, 5, 24), None)
    assert "end of the calendar day after" in notice.rule


def test_initial_review_choices_visit_flagged_when_before_the_period():
    """T10a: a first review held early leaves no room; flag it, do it now."""
    visit = initial_review_choices_visit_due(D(2025, 1, 20), D(2025, 1, 6))
    assert visit.date == D(2024, 12, 27)
    assert not visit.feasible
    assert "as soon as possible" in explain(visit)


def test_invitations_and_tm_authorisation():
    """T13 by 10 working days before; T17 5 working days after submission."""
    assert invitations_due(D(2026, 1, 12)).date == D(2025, 12, 24)
    assert tm_authorisation_due(D(2025, 12, 23)).date == D(2026, 1, 2)
    seven = LocalStandards(tm_authorisation_working_days=7)
    assert tm_authorisation_due(D(2025, 12, 23), standards=seven).date == D(2026, 1, 6)


def test_record_written_and_adoption_visit():
    """T18 5 working days after the review; T8a one week after placement."""
    assert record_written_due(D(2025, 12, 24)).date == D(2026, 1, 5)
    assert adoption_visit_due(D(2025, 11, 3)).date == D(2025, 11, 10)


def test_progress_review_needs_a_later_due_date():
    """T24 is half-way in calendar days, floored; the due date must be later."""
    assert progress_review_due(D(2025, 1, 30), D(2025, 4, 30)).date == D(2025, 3, 16)
    with pytest.raises(ValueError):
        progress_review_due(D(2025, 4, 30), D(2025, 4, 30))


def test_drp_stages_and_total():
    """T28: 5 working days a stage, capped by 20 working days from the formal start."""
    raised = D(2025, 12, 1)
    assert drp_stage_due(0, raised).date == D(2025, 12, 8)
    assert drp_stage_due(1, raised).date == D(2025, 12, 8)
    assert drp_formal_process_due(raised).date == D(2025, 12, 31)
    late = drp_stage_due(4, D(2025, 12, 24), formal_started_on=raised)
    assert (late.date, late.name) == (D(2025, 12, 31), "DRP stage 4 response")
    assert "20 working days after the formal DRP started" in late.rule
    assert drp_stage_due(4, D(2025, 12, 2), formal_started_on=raised).date == D(
        2025, 12, 9
    )
    with pytest.raises(ValueError):
        drp_stage_due(5, raised)


def test_local_standards_are_validated():
    """Formal DRP stages may not exceed 20 working days (D1)."""
    with pytest.raises(ValueError):
        LocalStandards(drp_stage_working_days=(5, 6, 5, 5, 5))
    with pytest.raises(ValueError):
        LocalStandards(days_unit="weeks")
    with pytest.raises(ValueError):
        LocalStandards(report_days=0)
    with pytest.raises(ValueError):
        LocalStandards(first_secure_review="4 weeks")
    assert LocalStandards(drp_stage_working_days=(10, 8, 4, 4, 4)).report_days == 3
    assert LocalStandards() == DEFAULTS


def test_pathway_eligibility_counts_separate_periods_since_14():
    """Days before the 14th birthday are not counted; ceased_on is not a day."""
    born = D(2009, 1, 1)
    periods = [(D(2022, 12, 1), D(2023, 2, 1)), (D(2025, 1, 1), None)]
    # 31 days from the 14th birthday, then 60 more: the 91st day is 1 Mar 2025
    assert pathway_eligibility_date(born, periods) == D(2025, 3, 1)
    assert pathway_eligibility_date(born, [(D(2023, 1, 1), D(2023, 3, 1))]) is None
    assert needs_assessment_due(born, [(D(2026, 12, 1), None)]) is None  # 18 by then


def test_iro_role_end_uses_the_corresponding_date():
    """T29 on the 18th birthday; 29 February birthdays fall on 28 February."""
    assert iro_role_end_due(D(2008, 2, 29)).date == D(2026, 2, 28)


def test_placement_ended_without_a_placement_is_rejected():
    """P3 needs a placement for adoption, ended on or after it began."""
    with pytest.raises(ValueError):
        next_review_due(D(2025, 1, 6), placement_ended_on=D(2025, 3, 1))
    with pytest.raises(ValueError):
        next_review_due(
            D(2025, 1, 6),
            placed_for_adoption_on=D(2025, 3, 1),
            placement_ended_on=D(2025, 2, 1),
        )


# Explanations and the schedule


def test_explain_a_working_day_deadline():
    """The sentence names the date, the rule, the event and the regulation."""
    assert explain(next_review_due(D(2025, 1, 6))) == (
        "Due by Monday 3 February 2025: 20 working days after the child became "
        "looked after on Monday 6 January 2025 (Care Planning, Placement and Case "
        "Review (England) Regulations 2010, regulation 33(1))"
    )


def test_explain_adds_the_practical_latest_date():
    """A due date on a Saturday gets the Friday before (R7)."""
    due = next_review_due(D(2025, 11, 3), [D(2025, 11, 28)])
    assert explain(due) == (
        "Due by Saturday 28 February 2026: 3 months after the first review, held on "
        "Friday 28 November 2025 (Care Planning, Placement and Case Review (England) "
        "Regulations 2010, regulation 33(2)). Practical latest date: Friday 27 "
        "February 2026 (the due date is not a working day)"
    )


def test_explain_a_clock_deadline():
    """A deadline in hours shows the time."""
    text = explain(notification_due(D(2025, 5, 23), time(17, 30)))
    assert text.startswith("Due by 17:30 on Saturday 24 May 2025: 24 hours after")


def test_due_is_a_frozen_deadline_with_a_track():
    """Due carries date, track and the rule with its citation."""
    due = next_review_due(D(2025, 1, 6), [D(2025, 1, 30)])
    assert isinstance(due, Due) and isinstance(due, Deadline)
    assert (due.track, due.code, due.name) == ("cla", "T5", "Second review")
    assert "regulation 33(2)" in due.rule and due.citation in due.rule
    with pytest.raises(dataclasses.FrozenInstanceError):
        due.date = D(2030, 1, 1)
    assert long_date(due.date) == "Wednesday 30 April 2025"


def test_first_review_due_matches_the_cla_track():
    """T4 is the same deadline as the CLA track with no review held."""
    first, due = first_review_due(D(2025, 1, 6)), next_review_due(D(2025, 1, 6))
    assert (first.date, first.rule, first.code, first.hard) == (
        due.date,
        due.rule,
        due.code,
        due.hard,
    )


def test_review_schedule_lists_every_deadline_in_date_order():
    """W15 inputs plus the period-of-care and pathway deadlines."""
    schedule = review_schedule(
        D(2025, 6, 2),
        [D(2025, 6, 30), D(2025, 9, 29), D(2026, 1, 12)],
        looked_after_at=time(9, 0),
        review_on=D(2026, 1, 12),
        secure_started_on=D(2025, 1, 31),
        date_of_birth=D(2009, 8, 31),
    )
    dates = [deadline.date for deadline in schedule]
    assert dates == sorted(dates)
    by_code = {deadline.code: deadline for deadline in schedule}
    assert set(by_code) >= {"T1", "T2", "T4", "T6", "T9", "T10", "T11", "T12", "T13"}
    assert set(by_code) >= {"T14", "T15", "T16", "T18", "T19", "T20", "T24", "T26"}
    assert {"T27", "T29"} <= set(by_code)
    assert by_code["T6"].date == D(2026, 7, 12)
    assert by_code["T24"].date == D(2026, 4, 12)
    assert by_code["T10"].date == D(2025, 12, 10)
    assert all(deadline.name and deadline.rule for deadline in schedule)


def test_review_schedule_for_a_first_review_and_a_placement():
    """T10a before a first review; T8 and T8a while placed for adoption."""
    schedule = review_schedule(
        D(2025, 1, 6),
        review_on=D(2025, 2, 3),
        placed_for_adoption_on=D(2025, 1, 20),
    )
    codes = [deadline.code for deadline in schedule]
    assert "T10a" in codes and "T10" not in codes and "T8a" in codes
    assert all(isinstance(deadline, Deadline) for deadline in schedule)
