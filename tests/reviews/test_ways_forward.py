"""No dead ends: putting a mistake right, and what tests/proof/test_review_state_machine.py
found (regression tests, through the services and the pages)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from children.codes_903 import ReasonEpisodeCeased
from reviews import services
from reviews.models import Review
from reviews.services import register
from tests.reviews.conftest import aware
from tests.reviews.test_transitions import TODAY, held, schedule, start

pytestmark = pytest.mark.django_db
S = Review.Status


def _adjourned(world, review):
    schedule(review, world["iro_a"])
    start(review, world["iro_a"])
    return services.review_adjourn(
        review=review, by=world["iro_a"], reason="The care plan is not ready"
    )


def test_an_adjournment_recorded_by_mistake_is_undone_with_its_own_event(world, review):
    _adjourned(world, review)
    undone = services.review_undo_adjournment(
        review=review, by=world["iro_a"], reason="Pressed adjourn by mistake"
    )
    assert undone.status == S.IN_PROGRESS
    assert (undone.adjournment_count, undone.adjourned_reason) == (0, "")
    assert undone.reconvene_by is None
    assert review.meetings.count() == 1  # no meeting invented
    actions = list(review.events.values_list("action", "from_status", "to_status"))
    assert actions[-2:] == [
        ("adjourned", S.IN_PROGRESS, S.ADJOURNED),
        ("adjournment_undone", S.ADJOURNED, S.IN_PROGRESS),
    ]
    assert review.events.last().note == "Pressed adjourn by mistake"
    # It may still be adjourned once (T22), and it is held on its meeting's date.
    services.review_adjourn(review=review, by=world["iro_a"], reason="Really now")
    services.review_undo_adjournment(review=review, by=world["iro_a"], reason="No")
    held_review, _ = held(review, world["iro_a"])
    assert held_review.record_date == date(2025, 1, 30)


def test_undoing_an_adjournment_needs_a_reason_and_an_adjourned_review(world, review):
    schedule(review, world["iro_a"])
    start(review, world["iro_a"])
    with pytest.raises(ValidationError, match="Only an adjourned review"):
        services.review_undo_adjournment(review=review, by=world["iro_a"], reason="x")
    services.review_adjourn(review=review, by=world["iro_a"], reason="Papers")
    with pytest.raises(ValidationError) as error:
        services.review_undo_adjournment(review=review, by=world["iro_a"], reason=" ")
    assert "reason" in error.value.error_dict
    review.refresh_from_db()
    assert review.status == S.ADJOURNED


def test_a_cancelled_review_is_followed_by_the_next_one_planned(world, review):
    """Found by the state machine: cancelling a review (entered twice, or for another
    reason) left the period of care with no review at all, and nothing planned one."""
    schedule(review, world["iro_a"])
    start(review, world["iro_a"])
    services.review_cancel(
        review=review,
        by=world["manager"],
        reason="other",
        note="Held for the wrong child",
        today=TODAY,
    )
    review.refresh_from_db()
    assert review.status == S.CANCELLED
    following = review.period.reviews.open().get()
    assert (following.status, following.kind) == (S.PLANNED, Review.Kind.INITIAL)
    assert following.due_date == review.due_date  # the engine's, from the reviews held


def test_cancelling_is_not_replacing(world, review):
    """Found by the state machine: "replaced by an additional review" was a reason on the
    cancel page, which replaced the review with nothing; bringing it forward does that."""
    with pytest.raises(ValidationError, match="bring it forward"):
        services.review_cancel(
            review=review,
            by=world["iro_a"],
            reason=Review.CancelReason.SUPERSEDED,
            today=date(2025, 1, 10),
        )


def test_a_child_leaving_care_cancels_the_review_and_plans_none(world, review):
    period = review.period
    register.period_end(
        period=period,
        ended_on=date(2025, 1, 20),
        reason=ReasonEpisodeCeased.E4A,
        by=world["manager"],
        today=date(2025, 1, 20),
    )
    review.refresh_from_db()
    assert review.status == S.CANCELLED
    assert not period.reviews.open().exists()


def test_only_an_adjourned_review_is_reconvened(world, review):
    """Found by the state machine: reconvening a scheduled review was a TypeError (a
    500), and would have started it without the checks of starting."""
    schedule(review, world["iro_a"])
    with pytest.raises(ValidationError, match="Only an adjourned review"):
        services.review_reconvene(
            review=review, by=world["iro_a"], held_on=date(2025, 1, 30)
        )


def test_an_adjourned_review_does_not_start_again(world, review):
    """Found by the state machine: starting an adjourned review logged a second central
    meeting and moved it on without the reconvene-by check."""
    _adjourned(world, review)
    with pytest.raises(ValidationError, match="Only a scheduled review"):
        start(review, world["iro_a"], date(2025, 2, 3))
    assert review.meetings.count() == 1


def test_a_meeting_before_the_date_set_needs_the_review_rearranged(world, review):
    """A meeting logged before the date the review was set for, then adjourned, gave a
    record date (the date set, D-RECORD) after every meeting, possibly still to come."""
    schedule(review, world["iro_a"], date(2025, 2, 3))
    with pytest.raises(ValidationError) as error:
        start(review, world["iro_a"], date(2025, 1, 30))
    assert "3 February 2025" in error.value.message_dict["held_on"][0]
    services.review_rearrange(
        review=review,
        by=world["iro_a"],
        scheduled_for=aware(date(2025, 1, 30)),
        reason="Brought forward a few days",
    )
    start(review, world["iro_a"], date(2025, 1, 30))


def test_the_undo_link_and_page_are_for_the_chair_of_an_adjourned_review(
    world, review, client_as
):
    detail = reverse("reviews:detail", args=[review.pk])
    undo = reverse("reviews:undo_adjournment", args=[review.pk])
    schedule(review, world["iro_a"])
    start(review, world["iro_a"])
    assert undo not in client_as(world["iro_a"]).get(detail).content.decode()
    assert client_as(world["iro_a"]).get(undo).status_code == 403  # not adjourned
    services.review_adjourn(review=review, by=world["iro_a"], reason="Papers")
    for who, shown in (("iro_a", True), ("manager", False), ("sw_north", False)):
        client = client_as(world[who])
        assert (undo in client.get(detail).content.decode()) is shown, who
        assert client.get(undo).status_code == (200 if shown else 403), who
    client = client_as(world["iro_a"])
    assert client.post(undo, {}).status_code == 400
    response = client.post(undo, {"reason": "Adjourned by mistake"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == S.IN_PROGRESS
