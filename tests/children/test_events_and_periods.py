"""Significant events (CPPCR reg. 33(3)) and leaving, re-entering and transfers (P4)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from children.models import SignificantEvent
from core.models import Notification
from iro.models import IroAllocation
from iro.services import iro_allocate
from reviews.models import Review
from reviews.services.events import significant_event_decide, significant_event_record
from reviews.services.register import child_register, period_end, period_start

pytestmark = pytest.mark.django_db

EPISODE = {
    "legal_status": "V2",
    "category_of_need": "N4",
    "placement": "U6",
    "placement_provider": "PR1",
}


@pytest.fixture
def looked_after(world):
    today = timezone.localdate()
    child = child_register(
        child_id="EV1",
        first_name="Eve",
        last_name="Eventful",
        date_of_birth=date(2012, 2, 2),
        looked_after_on=today - timedelta(days=10),
        by=None,
        first_episode=EPISODE,
    )
    child.team = world["north_child"].team
    child.social_worker = world["sw_north"]
    child.save()
    iro_allocate(child=child, iro=world["iro_a"], on=today - timedelta(days=8), by=None)
    child.refresh_from_db()
    return child


def test_recording_an_event_notifies_the_iro_with_a_5_working_day_deadline(
    world, looked_after
):
    today = date(2025, 5, 22)  # Thursday; Monday 26 May is a bank holiday
    event = significant_event_record(
        child=looked_after,
        kind="MISSING",
        occurred_on=date(2025, 5, 21),
        description="Missing overnight",
        by=world["sw_north"],
        today=today,
    )
    assert event.decision_due == date(2025, 5, 30)
    note = Notification.objects.get(
        user=world["iro_a"], text__startswith="Significant event"
    )
    assert "Friday 30 May 2025" in note.text


def test_w22_cease_accommodation_requires_a_review_before_the_stated_date(
    world, looked_after
):
    """W22: stop accommodating on Fri 1 Aug 2025: additional review on or before Thu 31 Jul."""
    event = significant_event_record(
        child=looked_after,
        kind="CEASE_ACCOMMODATION",
        occurred_on=date(2025, 7, 1),
        stated_date=date(2025, 8, 1),
        description="Returning to mother under s20 ending",
        by=world["sw_north"],
        today=date(2025, 7, 1),
    )
    assert event.additional_review_by == date(2025, 7, 31)
    common = {
        "event": event,
        "reason": "Plan agreed",
        "child_consulted": True,
        "parents_consulted": True,
        "by": world["iro_a"],
        "today": date(2025, 7, 2),
    }
    with pytest.raises(ValidationError) as error:
        significant_event_decide(decision="no_action", **common)
    assert "statutory trigger" in error.value.message_dict["decision"][0]
    with pytest.raises(ValidationError) as error:
        significant_event_decide(
            decision="additional_review", review_by=date(2025, 8, 1), **common
        )
    assert "Thursday 31 July 2025" in error.value.message_dict["review_by"][0]


def test_additional_review_decision_brings_the_review_forward(world, looked_after):
    today = timezone.localdate()
    planned = Review.objects.get(child=looked_after, status="planned")
    event = significant_event_record(
        child=looked_after,
        kind="IRO_REQUEST",
        occurred_on=today,
        description="Concerns about drift",
        by=world["sw_north"],
        today=today,
    )
    by = min(planned.due_date - timedelta(days=1), today + timedelta(days=2))
    decided = significant_event_decide(
        event=event,
        decision="additional_review",
        review_by=by,
        reason="Needs urgent review",
        child_consulted=True,
        parents_consulted=False,
        by=world["iro_a"],
        today=today,
    )
    assert decided.review.kind == Review.Kind.ADDITIONAL
    assert decided.review.due_date == by
    planned.refresh_from_db()
    assert planned.status == Review.Status.CANCELLED


def test_event_pages_sw_records_iro_decides(world, looked_after, client_as):
    today = timezone.localdate()
    response = client_as(world["sw_north"]).post(
        reverse("children:event_add", args=[looked_after.pk]),
        {
            "kind": "HEALTH",
            "occurred_on_0": today.day,
            "occurred_on_1": today.month,
            "occurred_on_2": today.year,
            "description": "Hospital admission",
        },
    )
    assert response.status_code == 302
    event = SignificantEvent.objects.get(child=looked_after)
    url = reverse("children:event", args=[event.pk])
    assert client_as(world["sw_north"]).post(url, {}).status_code == 403
    bad = client_as(world["iro_a"]).post(url, {"decision": "progress_check"})
    assert bad.status_code == 400
    ok = client_as(world["iro_a"]).post(
        url,
        {
            "decision": "progress_check",
            "reason": "Will speak to the SW this week",
            "child_consulted": "1",
            "parents_consulted": "0",
        },
    )
    assert ok.status_code == 302
    event.refresh_from_db()
    assert event.decision == "progress_check"
    assert client_as(world["iro_b"]).get(url).status_code == 404


def test_leaving_care_cancels_the_review_ends_the_iro_and_prompts_farewell(
    world, looked_after
):
    today = timezone.localdate()
    warnings = period_end(
        period=looked_after.periods_of_care.get(),
        ended_on=today,
        reason="E4A",
        by=world["sw_north"],
        today=today,
    )
    assert warnings  # s20 with no review before accommodation ended
    review = Review.objects.get(child=looked_after)
    assert review.status == Review.Status.CANCELLED
    assert review.cancel_reason == Review.CancelReason.CEASED_LOOKED_AFTER
    allocation = IroAllocation.objects.get(child=looked_after)
    assert allocation.ended_on == today and allocation.needs_farewell_letter
    looked_after.refresh_from_db()
    assert looked_after.iro is None


def test_transfer_to_another_council_cancels_as_transferred(world, looked_after):
    today = timezone.localdate()
    period_end(
        period=looked_after.periods_of_care.get(),
        ended_on=today,
        reason="E3",
        by=world["manager"],
        today=today,
    )
    review = Review.objects.get(child=looked_after)
    assert review.cancel_reason == Review.CancelReason.TRANSFERRED


def test_reentry_starts_a_new_period_and_suggests_the_previous_iro(world, looked_after):
    """W23: the previous IRO is suggested; a new first review is planned."""
    from iro.selectors import allocation_queue, suggested_iros

    today = timezone.localdate()
    period_end(
        period=looked_after.periods_of_care.get(),
        ended_on=today - timedelta(days=2),
        reason="E13",
        by=world["sw_north"],
        today=today,
    )
    period = period_start(
        child=looked_after, started_on=today, by=world["sw_north"], episode=EPISODE
    )
    assert period.reviews.get().kind == Review.Kind.INITIAL
    assert looked_after in [entry.child for entry in allocation_queue()]
    assert suggested_iros(looked_after)[0].iro == world["iro_a"]


def test_post18_authorisation_keeps_the_iro_after_the_period_ends(world, looked_after):
    from children.services import post18_involvement_authorise

    today = timezone.localdate()
    post18_involvement_authorise(
        child=looked_after, until=date(2031, 1, 1), by=world["manager"]
    )
    period_end(
        period=looked_after.periods_of_care.get(),
        ended_on=today,
        reason="E17",
        by=world["manager"],
        today=today,
    )
    looked_after.refresh_from_db()
    assert looked_after.iro == world["iro_a"]
