"""Every guard of the review state machine (G-HELD, G-CLOSE and the T-rules), through the services."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from disputes import services as dispute_services
from documents import services as document_services
from reviews import services
from reviews.models import ProgressReview, Review, ReviewEvent
from tests.reviews.conftest import aware

pytestmark = pytest.mark.django_db
S = Review.Status
TODAY = date(2025, 3, 1)


def schedule(review, by, day=date(2025, 1, 30)):
    return services.review_schedule(
        review=review,
        by=by,
        scheduled_for=aware(day),
        venue="The child's school",
        format="face_to_face",
    )


def start(review, by, day=date(2025, 1, 30)):
    services.child_contact_record(
        child=review.child,
        review=review,
        by=by,
        on=date(2025, 1, 20),
        how="visit",
        alone="yes",
    )
    return services.review_start(
        review=review, by=by, held_on=day, social_worker_present=True
    )


def held(review, by, **kwargs):
    defaults = dict(
        participation="PN1",
        chaired_by="iro",
        next_review_date=date(2025, 4, 29),
        today=TODAY,
    )
    return services.review_hold(review=review, by=by, **{**defaults, **kwargs})


def test_transition_table_is_complete_and_terminal_states_are_terminal():
    assert set(Review.ALLOWED_TRANSITIONS) == set(S.values)
    assert Review.ALLOWED_TRANSITIONS[S.CLOSED] == frozenset()
    assert Review.ALLOWED_TRANSITIONS[S.CANCELLED] == frozenset()
    for target in Review.ALLOWED_TRANSITIONS.values():
        assert target <= set(S.values)


def test_schedule_within_the_due_date_writes_an_event(world, review):
    schedule(review, world["iro_a"])
    review.refresh_from_db()
    assert review.status == S.SCHEDULED
    event = ReviewEvent.objects.filter(review=review).last()
    assert (event.from_status, event.to_status, event.by) == (
        S.PLANNED,
        S.SCHEDULED,
        world["iro_a"],
    )


def test_schedule_after_the_due_date_needs_the_service_manager(world, review):
    """Due Monday 3 February 2025: a review on 5 February is out of timescale (T23)."""
    with pytest.raises(ValidationError, match="service manager's authorisation"):
        schedule(review, world["iro_a"], date(2025, 2, 5))
    with pytest.raises(ValidationError, match="Only the IRO service manager"):
        services.review_authorise_out_of_timescale(
            review=review, by=world["iro_a"], until=date(2025, 2, 7), reason="Illness"
        )
    services.review_authorise_out_of_timescale(
        review=review,
        by=world["manager"],
        until=date(2025, 2, 7),
        reason="Child in hospital",
    )
    schedule(review, world["iro_a"], date(2025, 2, 5))
    review.refresh_from_db()
    assert (
        review.status == S.SCHEDULED
        and review.out_of_timescale_authorised_by == world["manager"]
    )


def test_rearranging_needs_a_reason_and_keeps_the_due_date(world, review):
    schedule(review, world["iro_a"])
    with pytest.raises(ValidationError, match="reason"):
        services.review_rearrange(
            review=review,
            by=world["iro_a"],
            scheduled_for=aware(date(2025, 1, 31)),
            reason=" ",
        )
    services.review_rearrange(
        review=review,
        by=world["iro_a"],
        scheduled_for=aware(date(2025, 1, 31)),
        reason="Carer ill",
    )
    review.refresh_from_db()
    assert review.due_date == date(2025, 2, 3)
    assert review.events.filter(
        action="rearranged", note__contains="Carer ill"
    ).exists()


def test_rearranging_a_planned_review_is_refused(world, review):
    with pytest.raises(ValidationError, match="Only a scheduled review"):
        services.review_rearrange(
            review=review,
            by=world["iro_a"],
            scheduled_for=aware(date(2025, 1, 31)),
            reason="x",
        )


@pytest.mark.parametrize(
    "reason", ["ceased_looked_after", "duplicate", "transferred_to_other_LA"]
)
def test_cancel_with_a_listed_reason(world, review, reason):
    services.review_cancel(
        review=review, by=world["iro_a"], reason=reason, today=date(2025, 1, 10)
    )
    review.refresh_from_db()
    assert review.status == S.CANCELLED and review.cancel_reason == reason


def test_cancel_for_another_reason_needs_the_service_manager_and_a_note(world, review):
    with pytest.raises(ValidationError, match="service manager"):
        services.review_cancel(
            review=review,
            by=world["iro_a"],
            reason="other",
            note="x",
            today=date(2025, 1, 10),
        )
    with pytest.raises(ValidationError):
        services.review_cancel(
            review=review,
            by=world["manager"],
            reason="other",
            note="",
            today=date(2025, 1, 10),
        )
    services.review_cancel(
        review=review,
        by=world["manager"],
        reason="other",
        note="Court direction",
        today=date(2025, 1, 10),
    )


def test_cancel_with_an_unknown_reason_is_refused(world, review):
    with pytest.raises(ValidationError, match="Choose a reason"):
        services.review_cancel(
            review=review, by=world["iro_a"], reason="bored", today=date(2025, 1, 10)
        )


def test_out_of_timescale_review_is_cancelled_only_by_the_service_manager(
    world, review
):
    with pytest.raises(ValidationError, match="out of timescale"):
        services.review_cancel(
            review=review, by=world["iro_a"], reason="duplicate", today=date(2025, 2, 4)
        )
    services.review_cancel(
        review=review, by=world["manager"], reason="duplicate", today=date(2025, 2, 4)
    )


def test_additional_review_keeps_the_due_date_it_replaced(world, review):
    additional = services.review_request_additional(
        review=review,
        by=world["iro_a"],
        due_by=date(2025, 1, 24),
        reason="Placement at risk",
        today=date(2025, 1, 10),
    )
    review.refresh_from_db()
    assert (
        review.status == S.CANCELLED
        and review.cancel_reason == "superseded_by_additional_review"
    )
    assert additional.kind == Review.Kind.ADDITIONAL
    assert additional.superseded_due_date == date(2025, 2, 3)
    assert additional.due_date == date(2025, 1, 24)


def test_invitations_need_a_confirmed_list(world, review):
    schedule(review, world["iro_a"])
    with pytest.raises(ValidationError, match="not confirmed"):
        services.review_issue_invitations(
            review=review, by=world["bs"], now=aware(date(2025, 1, 15))
        )


def test_start_needs_the_child_seen_or_a_reason(world, review):
    schedule(review, world["iro_a"])
    with pytest.raises(ValidationError) as error:
        services.review_start(
            review=review,
            by=world["iro_a"],
            held_on=date(2025, 1, 30),
            social_worker_present=True,
        )
    assert "child_not_seen_reason" in error.value.error_dict
    services.review_start(
        review=review,
        by=world["iro_a"],
        held_on=date(2025, 1, 30),
        social_worker_present=True,
        child_not_seen_reason="Child in hospital; spoke to carer",
    )


def test_start_without_the_social_worker_needs_a_reason(world, review):
    schedule(review, world["iro_a"])
    services.child_contact_record(
        child=review.child,
        review=review,
        by=world["iro_a"],
        on=date(2025, 1, 20),
        how="visit",
    )
    with pytest.raises(ValidationError) as error:
        services.review_start(
            review=review,
            by=world["iro_a"],
            held_on=date(2025, 1, 30),
            social_worker_present=False,
        )
    assert "social_worker_absent_reason" in error.value.error_dict


def test_a_planned_review_cannot_start(world, review):
    with pytest.raises(ValidationError):
        services.review_start(
            review=review,
            by=world["iro_a"],
            held_on=date(2025, 1, 30),
            social_worker_present=True,
            child_not_seen_reason="x",
        )


def test_adjourn_once_only_with_reconvene_by_w13(world, review):
    """W13: scheduled Monday 7 April 2025, adjourned: reconvene by Thursday 8 May 2025."""
    review.due_date = date(2025, 4, 30)
    review.save()
    services.review_authorise_out_of_timescale(
        review=review, by=world["manager"], until=date(2025, 4, 7), reason="x"
    )
    schedule(review, world["iro_a"], date(2025, 4, 7))
    start(review, world["iro_a"], date(2025, 4, 7))
    adjourned = services.review_adjourn(
        review=review, by=world["iro_a"], reason="Care plan not available"
    )
    assert adjourned.reconvene_by == date(2025, 5, 8)
    services.review_reconvene(
        review=review, by=world["iro_a"], held_on=date(2025, 5, 6)
    )
    with pytest.raises(ValidationError, match="only be adjourned once"):
        services.review_adjourn(review=review, by=world["iro_a"], reason="Again")


def test_adjourned_review_keeps_the_original_record_date_w14(world, review):
    review.due_date = date(2025, 4, 30)
    review.save()
    schedule(review, world["iro_a"], date(2025, 1, 28))
    start(review, world["iro_a"], date(2025, 1, 28))
    services.review_adjourn(review=review, by=world["iro_a"], reason="Papers missing")
    services.review_reconvene(
        review=review, by=world["iro_a"], held_on=date(2025, 2, 20)
    )
    held_review, _ = held(review, world["iro_a"], next_review_date=date(2025, 4, 25))
    assert held_review.record_date == date(2025, 1, 28)
    assert held_review.completed_date == date(2025, 2, 20)


def test_held_needs_pn0_for_a_child_under_4_w25(world, review):
    child = review.child
    child.date_of_birth = date(2021, 3, 10)
    child.save()
    schedule(review, world["iro_a"])
    start(review, world["iro_a"])
    with pytest.raises(ValidationError, match="PN0"):
        held(review, world["iro_a"], participation="PN1")
    held(review, world["iro_a"], participation="PN0")


def test_held_refuses_pn0_for_a_child_of_4_or_more(world, review):
    schedule(review, world["iro_a"])
    start(review, world["iro_a"])
    with pytest.raises(ValidationError, match="PN1 to PN7"):
        held(review, world["iro_a"], participation="PN0")


def test_held_plans_the_next_review_from_the_record_date(world, review):
    """First review held 30 January 2025: the second is due by 30 April 2025 (reg 33(2))."""
    schedule(review, world["iro_a"])
    start(review, world["iro_a"])
    with pytest.raises(ValidationError, match="by Wednesday 30 April 2025"):
        held(review, world["iro_a"], next_review_date=date(2025, 5, 2))
    _, following = held(review, world["iro_a"], next_review_date=date(2025, 4, 28))
    assert following.status == S.PLANNED
    assert following.kind == Review.Kind.SECOND
    assert following.due_date == date(2025, 4, 30)
    progress = ProgressReview.objects.get(review=review)
    assert progress.target_date == date(2025, 3, 16)  # half-way (D-MID), a Sunday


def test_second_review_needs_the_permanence_plan_answer(world, review):
    schedule(review, world["iro_a"])
    start(review, world["iro_a"])
    _, second = held(review, world["iro_a"])
    schedule(second, world["iro_a"], date(2025, 4, 28))
    start(second, world["iro_a"], date(2025, 4, 28))
    with pytest.raises(ValidationError, match="permanence plan"):
        held(
            second,
            world["iro_a"],
            next_review_date=date(2025, 10, 1),
            today=date(2025, 5, 1),
        )
    _, third = held(
        second,
        world["iro_a"],
        next_review_date=date(2025, 10, 1),
        today=date(2025, 5, 1),
        permanence_plan_ratified=False,
    )
    assert third.due_date == date(2025, 10, 28)


def test_a_review_cannot_be_held_in_the_future(world, review):
    schedule(review, world["iro_a"])
    start(review, world["iro_a"])
    with pytest.raises(ValidationError, match="today or in the past"):
        held(review, world["iro_a"], today=date(2025, 1, 29))


def _held(world, review):
    schedule(review, world["iro_a"])
    start(review, world["iro_a"])
    held(review, world["iro_a"])
    review.refresh_from_db()
    return review


def test_decisions_need_owner_due_date_and_measure_or_none(world, review):
    review = _held(world, review)
    with pytest.raises(ValidationError, match="at least one decision"):
        services.review_submit_decisions(review=review, by=world["iro_a"], today=TODAY)
    services.review_submit_decisions(
        review=review, by=world["iro_a"], today=TODAY, no_new_decisions=True
    )
    review.refresh_from_db()
    assert review.status == S.RD_SUBMITTED and review.no_new_decisions


def test_team_manager_returns_authorises_or_disputes(world, review):
    review = _held(world, review)
    services.decision_save(
        review=review,
        by=world["iro_a"],
        what="Referral to CAMHS",
        owner_name="Tom",
        owner_role="sw",
        due_date=date(2025, 3, 1),
        success_measure="Appointment offered",
    )
    services.review_submit_decisions(review=review, by=world["iro_a"], today=TODAY)
    services.review_return_decisions(
        review=review, by=world["tm_north"], comments="Add the school"
    )
    review.refresh_from_db()
    assert review.status == S.HELD
    services.review_submit_decisions(review=review, by=world["iro_a"], today=TODAY)
    with pytest.raises(ValidationError):
        dispute_services.decisions_dispute(
            review=review, by=world["tm_north"], today=TODAY, disagreement=""
        )
    dispute_services.decisions_dispute(
        review=review, by=world["tm_north"], today=TODAY, disagreement="Not funded"
    )
    review.refresh_from_db()
    assert review.status == S.RD_DISPUTED


def test_decisions_cannot_change_after_submission(world, review):
    review = _held(world, review)
    services.review_submit_decisions(
        review=review, by=world["iro_a"], today=TODAY, no_new_decisions=True
    )
    with pytest.raises(ValidationError, match="before they go to the team manager"):
        services.decision_save(
            review=review,
            by=world["iro_a"],
            what="x",
            owner_name="y",
            owner_role="sw",
            due_date=TODAY,
            success_measure="z",
        )


def test_record_cannot_be_finalised_before_the_decisions_are_authorised(world, review):
    review = _held(world, review)
    services.record_save(
        review=review,
        by=world["iro_a"],
        band="8_to_12",
        translation_language="",
        sections={"going_well": "You are doing well at school."},
        withheld={},
    )
    with pytest.raises(ValidationError, match="cannot become record written"):
        services.record_finalise(review=review, by=world["iro_a"], today=TODAY)


def test_distribution_only_after_the_record_is_written(world, review):
    review = _held(world, review)
    with pytest.raises(Exception):  # noqa: B017 - no record yet
        document_services.review_distribute(
            review=review, by=world["bs"], now=aware(TODAY), recipients=[]
        )


def test_disagreement_opens_an_informal_challenge_linked_to_the_review(world, review):
    from disputes.models import Challenge

    review = _held(world, review)
    services.review_submit_decisions(
        review=review, by=world["iro_a"], today=TODAY, no_new_decisions=True
    )
    dispute_services.decisions_dispute(
        review=review, by=world["tm_north"], today=TODAY, disagreement="No budget"
    )
    challenge = Challenge.objects.get(review=review)
    assert challenge.level == Challenge.Level.INFORMAL
    assert challenge.raised_by == world["iro_a"]
    assert "No budget" in challenge.description


def test_an_overdue_review_ends_with_the_period_whoever_records_it(world, review):
    services.review_cancel(
        review=review,
        by=world["sw_north"],
        reason="ceased_looked_after",
        today=date(2025, 2, 10),
    )
    review.refresh_from_db()
    assert review.status == S.CANCELLED


def test_a_review_whose_decisions_went_to_the_team_manager_is_not_held_again(
    world, review
):
    """Holding it again moved it back to held over its submitted decisions, and wrote
    its facts over what was sent (found by tests/proof/test_review_state_machine.py)."""
    review = _held(world, review)
    services.review_submit_decisions(
        review=review, by=world["iro_a"], today=TODAY, no_new_decisions=True
    )
    with pytest.raises(ValidationError, match="already been held"):
        held(review, world["iro_a"], participation="PN7")
    review.refresh_from_db()
    assert review.status == S.RD_SUBMITTED and review.participation == "PN1"
