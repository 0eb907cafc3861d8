"""Statutory timing of reviews of a looked-after child's case: the public API.

docs/rules.md, review timescales. The review tracks and their precedence (P1-P4):

- CLA: first review within 20 working days of becoming looked after, the second not
  more than 3 months after the first, later ones at intervals of not more than 6
  months (CPPCR reg 33, https://www.legislation.gov.uk/uksi/2010/959/regulation/33);
- ADOPT-AUTH: authorised to place but not placed, 3 months after authority, then 6
  months (AAR reg 36(1), https://www.legislation.gov.uk/uksi/2005/389/regulation/36);
- ADOPT-PLACED: placed for adoption, 28 days after placement, then 3, then 6 months
  (AAR reg 36(3)).

Every next date counts from the record date of the last review held (R8), never from
the previous due date, and a due date on a weekend or holiday is never moved (R7).
The date arithmetic and the other deadlines of the master table live in
reviews.timescale_rules and are re-exported here. Pure module: no Django import.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from reviews.local_standards import DEFAULTS, LocalStandards
from reviews.timescale_rules import (
    AAR,
    CPPCR,
    Deadline,
    add_months,
    add_working_days,
    adjourned_review_due,
    adoption_visit_due,
    arrangements_discussion_due,
    care_plan_update_due,
    convening_checklist_due,
    drp_formal_process_due,
    drp_stage_due,
    first_review_due,
    initial_review_choices_visit_due,
    invitations_due,
    iro_allocation_due,
    iro_role_end_due,
    is_working_day,
    long_date,
    needs_assessment_due,
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
    secure_review_due,
    social_worker_report_due,
    subtract_working_days,
    tm_authorisation_due,
    working_days_between,
)

__all__ = [
    "DEFAULTS",
    "Deadline",
    "Due",
    "LocalStandards",
    "add_months",
    "add_working_days",
    "adjourned_review_due",
    "adoption_visit_due",
    "arrangements_discussion_due",
    "care_plan_update_due",
    "convening_checklist_due",
    "drp_formal_process_due",
    "drp_stage_due",
    "explain",
    "first_review_due",
    "initial_review_choices_visit_due",
    "invitations_due",
    "iro_allocation_due",
    "iro_role_end_due",
    "is_working_day",
    "long_date",
    "needs_assessment_due",
    "next_review_due",
    "notification_backstop_due",
    "notification_due",
    "participation_pn0_required",
    "pathway_assessment_start_due",
    "pathway_eligibility_date",
    "practical_latest",
    "pre_cessation_review_due",
    "pre_review_discussion_due",
    "progress_review_due",
    "recommendations_and_decisions_due",
    "record_distributed_due",
    "record_written_due",
    "review_choices_visit_due",
    "review_schedule",
    "secure_review_due",
    "social_worker_report_due",
    "subtract_working_days",
    "tm_authorisation_due",
    "working_days_between",
]

CLA = "cla"
ADOPTION_AUTHORISED = "adoption_authorised"
ADOPTION_PLACED = "adoption_placed"

_REG_33_1 = f"{CPPCR}, regulation 33(1)"
_REG_33_2 = f"{CPPCR}, regulation 33(2)"
_REG_36_1 = f"{AAR}, regulation 36(1)"
_REG_36_3 = f"{AAR}, regulation 36(3)"


@dataclass(frozen=True, slots=True)
class Due(Deadline):
    """The next statutory review: a Deadline naming the track that set it."""

    track: str = CLA


_NAMES = {
    "T4": "First review",
    "T5": "Second review",
    "T6": "Next review",
    "T7": "Adoption review",
    "T8": "Adoption review",
}


def _due(
    due: date,
    words: str,
    since: date,
    citation: str,
    code: str,
    track: str,
    tail: str = "",
) -> Due:
    rule = f"{words} on {long_date(since)}{tail} ({citation})"
    return Due(due, rule, citation, _NAMES[code], code, True, None, True, track)


def _cla_due_start_not_known(held_from: date, reviews_held: Sequence[date]) -> Due:
    """D-START-BEFORE: the period began before the earliest episode held (an imported return
    without its RNE S episode), so no count starts from the period's start."""
    if not reviews_held:
        words = (
            "6 months after the earliest episode recorded (the child was looked after "
            "before it; no review is recorded)"
        )
        return _due(add_months(held_from, 6), words, held_from, _REG_33_2, "T6", CLA)
    last = max(reviews_held)
    if len(reviews_held) == 1:
        # It may have been the first review: the earlier date is never late.
        words = (
            "3 months after the only review recorded (it may have been the first), held"
        )
        return _due(add_months(last, 3), words, last, _REG_33_2, "T5", CLA)
    words = "6 months after the last review, held"
    return _due(add_months(last, 6), words, last, _REG_33_2, "T6", CLA)


def _cla_due(
    looked_after_on: date,
    reviews_held: Sequence[date],
    tail: str,
    start_known: bool = True,
) -> Due:
    if not start_known:
        return _cla_due_start_not_known(looked_after_on, reviews_held)
    held = len(reviews_held)
    if held == 0:
        words = "20 working days after the child became looked after"
        due = add_working_days(looked_after_on, 20)
        return _due(due, words, looked_after_on, _REG_33_1, "T4", CLA)
    last = max(reviews_held)
    if held == 1:
        words = "3 months after the first review, held"
        return _due(add_months(last, 3), words, last, _REG_33_2, "T5", CLA, tail)
    words = "6 months after the last review, held"
    return _due(add_months(last, 6), words, last, _REG_33_2, "T6", CLA, tail)


def _adoption_authorised_due(authorised_on: date, reviews_held: Sequence[date]) -> Due:
    since = [held for held in reviews_held if held >= authorised_on]
    if not since:
        words = (
            "3 months after the agency was authorised to place the child for adoption"
        )
        due = add_months(authorised_on, 3)
        return _due(due, words, authorised_on, _REG_36_1, "T7", ADOPTION_AUTHORISED)
    last = max(since)
    words = "6 months after the last review since the authority to place, held"
    return _due(add_months(last, 6), words, last, _REG_36_1, "T7", ADOPTION_AUTHORISED)


def _adoption_placed_due(placed_on: date, reviews_held: Sequence[date]) -> Due:
    since = [held for held in reviews_held if held >= placed_on]
    if not since:
        words = "28 days after the child was placed for adoption"
        due = placed_on + timedelta(days=28)
        return _due(due, words, placed_on, _REG_36_3, "T8", ADOPTION_PLACED)
    last, months = max(since), 3 if len(since) == 1 else 6
    which = "first" if months == 3 else "last"
    words = f"{months} months after the {which} review since the placement, held"
    due = add_months(last, months)
    return _due(due, words, last, _REG_36_3, "T8", ADOPTION_PLACED)


def next_review_due(
    looked_after_on: date,
    reviews_held: Sequence[date] = (),
    *,
    authority_to_place_on: date | None = None,
    placed_for_adoption_on: date | None = None,
    placement_ended_on: date | None = None,
    start_known: bool = True,
) -> Due:
    """Return the next statutory review, the earliest of the active tracks (P1-P4).

    start_known=False: looked_after_on is only the earliest episode held (D-START-BEFORE).
    """
    if placed_for_adoption_on is not None:
        if placement_ended_on is None:  # P1: the AAR schedule governs
            return _adoption_placed_due(placed_for_adoption_on, reviews_held)
        if placement_ended_on < placed_for_adoption_on:
            raise ValueError("placement_ended_on is before placed_for_adoption_on")
        # P3: disrupted; the CLA track resumes from the last review held
        return _cla_due(
            looked_after_on,
            reviews_held,
            ", the placement for adoption having ended",
            start_known,
        )
    if placement_ended_on is not None:
        raise ValueError("placement_ended_on needs placed_for_adoption_on")
    cla = _cla_due(looked_after_on, reviews_held, "", start_known)
    if authority_to_place_on is None:
        return cla
    # P2: both tracks run; the earlier wins, the adoption track on a tie
    adoption = _adoption_authorised_due(authority_to_place_on, reviews_held)
    return adoption if adoption.date <= cla.date else cla


def explain(deadline: Deadline) -> str:
    """Return the deadline as a sentence, adding the practical latest date (R7)."""
    when = long_date(deadline.date)
    if deadline.at is not None:
        when = f"{deadline.at:%H:%M} on {when}"
    text = f"Due by {when}: {deadline.rule}"
    if not deadline.feasible:
        text += ". Not achievable in time: do it as soon as possible"
    if deadline.at is None and not is_working_day(deadline.date):
        practical = long_date(practical_latest(deadline.date))
        text += (
            f". Practical latest date: {practical} (the due date is not a working day)"
        )
    return text


def review_schedule(
    looked_after_on: date,
    reviews_held: Sequence[date] = (),
    *,
    looked_after_at: time | None = None,
    authority_to_place_on: date | None = None,
    placed_for_adoption_on: date | None = None,
    placement_ended_on: date | None = None,
    secure_started_on: date | None = None,
    secure_reviews_held: Sequence[date] = (),
    review_on: date | None = None,
    date_of_birth: date | None = None,
    standards: LocalStandards = DEFAULTS,
) -> list[Deadline]:
    """Return every deadline for a period of care, ordered by date (section 3.3).

    Preparation deadlines (T10-T15) are for the review scheduled on `review_on`;
    follow-up deadlines (T16-T20, T24) are for the last review held.
    """
    std = {"standards": standards}
    schedule = [
        notification_due(looked_after_on, looked_after_at),
        notification_backstop_due(looked_after_on, **std),
        iro_allocation_due(looked_after_on, **std),
        first_review_due(looked_after_on),
    ]
    due = next_review_due(
        looked_after_on,
        reviews_held,
        authority_to_place_on=authority_to_place_on,
        placed_for_adoption_on=placed_for_adoption_on,
        placement_ended_on=placement_ended_on,
    )
    if reviews_held:
        last = max(reviews_held)
        schedule += [
            recommendations_and_decisions_due(last, **std),
            record_written_due(last, **std),
            care_plan_update_due(last, **std),
            record_distributed_due(last, **std),
            due,
            progress_review_due(last, due.date),
        ]
    if placed_for_adoption_on is not None and placement_ended_on is None:
        schedule.append(adoption_visit_due(placed_for_adoption_on))
    if review_on is not None:
        schedule += _preparation(looked_after_on, reviews_held, review_on, standards)
    if secure_started_on is not None:
        schedule.append(
            secure_review_due(secure_started_on, secure_reviews_held, **std)
        )
    if date_of_birth is not None:
        schedule += _pathway(date_of_birth, looked_after_on, standards)
    return sorted(schedule, key=lambda deadline: deadline.date)


def _preparation(
    looked_after_on: date,
    reviews_held: Sequence[date],
    review_on: date,
    standards: LocalStandards,
) -> list[Deadline]:
    std = {"standards": standards}
    if any(held < review_on for held in reviews_held):
        visit = review_choices_visit_due(review_on, **std)
    else:
        visit = initial_review_choices_visit_due(review_on, looked_after_on, **std)
    return [
        visit,
        convening_checklist_due(review_on, **std),
        arrangements_discussion_due(review_on, **std),
        invitations_due(review_on, **std),
        pre_review_discussion_due(review_on, **std),
        social_worker_report_due(review_on, **std),
    ]


def _pathway(
    date_of_birth: date, looked_after_on: date, standards: LocalStandards
) -> list[Deadline]:
    deadlines = [
        pathway_assessment_start_due(date_of_birth, standards=standards),
        iro_role_end_due(date_of_birth),
    ]
    assessment = needs_assessment_due(date_of_birth, [(looked_after_on, None)])
    if assessment is not None:
        deadlines.append(assessment)
    return deadlines
