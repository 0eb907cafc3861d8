"""Plausible dates (docs/rules.md, DR-1 to DR-10): the impossible dates that were accepted.

Each test below failed on the code before core.dates: the service saved the date (or,
for a change of IRO, refused it with a message of its own, outside core.dates).
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from children.models import Child
from children.services import child_update
from core.dates import years_after
from reviews import services
from reviews.models import Decision, Review
from reviews.services.events import significant_event_record
from tests.reviews.conftest import aware
from tests.reviews.test_transitions import held, schedule, start

pytestmark = pytest.mark.django_db

LONG_AGO = date(1900, 1, 1)
FAR_AHEAD = date(2100, 1, 1)


def _d(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def test_a_review_cannot_be_scheduled_for_1900(world, review):
    with pytest.raises(ValidationError) as refused:
        services.review_schedule(
            review=review,
            by=world["iro_a"],
            scheduled_for=aware(LONG_AGO),
            venue="The child's school",
            format="face_to_face",
        )
    assert refused.value.message_dict["scheduled_for"] == [
        "Date of the review must be on or after the date the child became looked after (6 January 2025)"
    ]
    review.refresh_from_db()
    assert review.scheduled_for is None


def test_a_review_cannot_be_rearranged_to_before_the_last_review_held(world, review):
    first = review
    schedule(first, world["iro_a"])
    start(first, world["iro_a"])
    _, following = held(first, world["iro_a"])
    with pytest.raises(ValidationError, match="after the last review held"):
        schedule(following, world["iro_a"], day=date(2025, 1, 29))


def test_a_meeting_cannot_be_held_in_2100(world, review):
    schedule(review, world["iro_a"])
    with pytest.raises(ValidationError) as refused:
        start(review, world["iro_a"], day=FAR_AHEAD)
    assert refused.value.message_dict["held_on"] == [
        "Date of the meeting must be today or in the past, and on or after the date "
        "the child became looked after (6 January 2025)"
    ]
    review.refresh_from_db()
    assert review.status == Review.Status.SCHEDULED and not review.meetings.exists()


def test_a_meeting_cannot_be_held_before_the_period_of_care(world, review):
    schedule(review, world["iro_a"])
    with pytest.raises(ValidationError, match="on or after the date the child"):
        start(review, world["iro_a"], day=LONG_AGO)


def test_a_decision_cannot_be_due_in_1900(world, review):
    schedule(review, world["iro_a"])
    start(review, world["iro_a"])
    held(review, world["iro_a"])
    review.refresh_from_db()
    for due in (LONG_AGO, FAR_AHEAD):
        with pytest.raises(ValidationError) as refused:
            services.decision_save(
                review=review,
                by=world["iro_a"],
                what="Referral to CAMHS",
                owner_name="Tom",
                owner_role="Social worker",
                due_date=due,
                success_measure="Seen by CAMHS",
            )
        assert refused.value.message_dict["due_date"] == [
            "Date it is due must be on or after the date of the meeting (30 January 2025) "
            "and no more than 2 years after it"
        ]
    assert not Decision.objects.filter(review=review).exists()


def test_an_additional_review_due_in_1900_does_not_replace_the_real_one(world, review):
    with pytest.raises(ValidationError) as refused:
        services.review_request_additional(
            review=review,
            by=world["iro_a"],
            due_by=LONG_AGO,
            reason="Placement at risk",
            today=date(2025, 1, 10),
        )
    assert refused.value.message_dict["due_by"] == [
        "Latest date for the additional review must be today or in the future, and no more than 2 years ahead"
    ]
    review.refresh_from_db()
    assert review.status == Review.Status.PLANNED
    assert not Review.objects.filter(
        child=review.child, kind=Review.Kind.ADDITIONAL
    ).exists()


def test_the_additional_review_page_refuses_1900_with_the_message_beside_the_field(
    world, review, client_as
):
    response = client_as(world["iro_a"]).post(
        reverse("reviews:additional", args=[review.pk]),
        {**_d("due_by", LONG_AGO), "reason": "Placement at risk"},
    )
    assert response.status_code == 400
    assert "Latest date for the additional review must be today or in the future" in (
        response.content.decode()
    )
    review.refresh_from_db()
    assert review.status == Review.Status.PLANNED


def _new_child(world, **dates):
    return {
        "child_id": "NEWD",
        "first_name": "Nina",
        "last_name": "Newcomer",
        "sex": "F",
        "ethnicity": "WBRI",
        **_d("date_of_birth", dates.get("born", date(2016, 4, 4))),
        **_d("looked_after_on", dates["looked_after_on"]),
        "legal_status": "V2",
        "category_of_need": "N4",
        "placement": "U6",
        "placement_provider": "PR1",
    }


def test_a_child_looked_after_from_a_future_date_is_a_400_not_a_500(world, client_as):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_as(world["sw_north"]).post(
        reverse("children:create"), _new_child(world, looked_after_on=tomorrow)
    )
    assert response.status_code == 400
    assert (
        "Date the child became looked after must be today or in the past"
        in response.content.decode()
    )
    assert not Child.objects.filter(child_id="NEWD").exists()


def test_a_date_of_birth_more_than_25_years_ago_or_in_the_future_is_refused(
    world, client_as
):
    today = timezone.localdate()
    for born in (LONG_AGO, today + timedelta(days=1)):
        response = client_as(world["sw_north"]).post(
            reverse("children:create"),
            _new_child(world, born=born, looked_after_on=today),
        )
        assert response.status_code == 400
        assert (
            "Date of birth must be today or in the past, and no more than 25 years ago"
            in response.content.decode()
        )
    assert not Child.objects.filter(child_id="NEWD").exists()
    child = world["north_child"]
    with pytest.raises(ValidationError, match="no more than 25 years ago"):
        child_update(
            child=child,
            by=world["sw_north"],
            expected_version=child.version,
            date_of_birth=LONG_AGO,
        )


def test_a_significant_event_cannot_be_before_birth(world):
    child = world["north_child"]
    with pytest.raises(ValidationError) as refused:
        significant_event_record(
            child=child,
            kind="SAFEGUARDING",
            occurred_on=LONG_AGO,
            description="Moved",
            by=world["sw_north"],
            today=timezone.localdate(),
        )
    assert "occurred_on" in refused.value.message_dict


# --- Dates whose checks moved into core.dates ------------------------------------------


def _referral(world):
    from disputes import services as disputes

    challenge = disputes.challenge_raise(
        child=world["north_child"],
        by=world["iro_a"],
        category="other",
        description="No plan",
        impact_for_child="Drift",
        raised_on=date(2025, 3, 3),
    )
    return disputes.cafcass_referral_record(
        challenge=challenge,
        by=world["iro_a"],
        referred_on=date(2025, 3, 19),
        reason="No remedy",
    )


def test_a_cafcass_outcome_is_not_before_the_referral_nor_in_the_future(world):
    from disputes.services import cafcass_referral_outcome_record

    referral = _referral(world)
    tomorrow = timezone.localdate() + timedelta(days=1)
    for on in (date(2025, 3, 18), tomorrow, FAR_AHEAD):
        with pytest.raises(ValidationError) as refused:
            cafcass_referral_outcome_record(
                referral=referral, by=world["iro_a"], outcome="Advice", on=on
            )
        assert refused.value.message_dict["outcome_recorded_on"] == [
            "Date of the outcome must be today or in the past, and on or after the "
            "date it was referred to Cafcass (19 March 2025)"
        ]
    referral.refresh_from_db()
    assert referral.outcome == "" and referral.outcome_recorded_on is None
    cafcass_referral_outcome_record(
        referral=referral, by=world["iro_a"], outcome="Advice", on=date(2025, 4, 1)
    )
    referral.refresh_from_db()
    assert referral.outcome_recorded_on == date(2025, 4, 1)


def test_a_social_worker_is_not_allocated_in_1900_nor_before_the_current_one(world):
    from children.models import SocialWorkerAllocation
    from children.services import social_worker_allocate

    child = world["north_child"]
    team = child.team
    first = social_worker_allocate(
        child=child,
        social_worker=world["sw_north"],
        team=team,
        on=date(2025, 1, 6),
        by=None,
    )
    for on in (date(2025, 1, 5), FAR_AHEAD):
        with pytest.raises(ValidationError) as refused:
            social_worker_allocate(
                child=child, social_worker=world["tm_north"], team=team, on=on, by=None
            )
        assert refused.value.message_dict["on"] == [
            "Date the social worker was allocated must be on or after the date the "
            "current social worker was allocated (6 January 2025), and no more than "
            "2 years ahead"
        ]
    first.refresh_from_db()
    assert first.ended_on is None
    assert SocialWorkerAllocation.objects.filter(child=child).count() == 1
    second = social_worker_allocate(
        child=child,
        social_worker=world["tm_north"],
        team=team,
        on=date(2025, 2, 3),
        by=None,
    )
    first.refresh_from_db()
    assert first.ended_on == second.started_on == date(2025, 2, 3)


def test_a_first_social_worker_is_not_allocated_before_the_child_was_born(world):
    from children.services import social_worker_allocate

    child = world["north_child"]
    with pytest.raises(ValidationError) as refused:
        social_worker_allocate(
            child=child,
            social_worker=world["sw_north"],
            team=child.team,
            on=LONG_AGO,
            by=None,
        )
    assert refused.value.message_dict["on"] == [
        "Date the social worker was allocated must be on or after the child's date "
        "of birth (1 June 2015), and no more than 2 years ahead"
    ]


def test_an_iro_allocation_ends_on_or_after_it_started(world):
    from iro.models import IroAllocation
    from iro.services import iro_allocate

    child = world["north_child"]
    first = iro_allocate(
        child=child, iro=world["iro_a"], on=date(2025, 1, 6), by=world["manager"]
    )
    for on in (date(2025, 1, 5), FAR_AHEAD):
        with pytest.raises(ValidationError) as refused:
            iro_allocate(
                child=child,
                iro=world["iro_b"],
                on=on,
                by=world["manager"],
                reason="Caseload",
            )
        assert refused.value.message_dict["on"] == [
            "Date of the change must be on or after the date the current IRO started "
            "(6 January 2025), and no more than 2 years ahead"
        ]
    first.refresh_from_db()
    assert first.ended_on is None
    assert IroAllocation.objects.filter(child=child).count() == 1
    iro_allocate(
        child=child,
        iro=world["iro_b"],
        on=date(2025, 3, 3),
        by=world["manager"],
        reason="Caseload",
    )
    first.refresh_from_db()
    assert first.ended_on == date(2025, 3, 3)


def test_duty_cover_starting_in_2100_is_refused_beside_its_start(world):
    from iro.models import DutyCover
    from iro.services import duty_cover_set

    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        duty_cover_set(
            duty_iro=world["duty"], starts_on=FAR_AHEAD, ends_on=today, by=None
        )
    errors = refused.value.message_dict
    assert errors["starts_on"][0].startswith("Start date must be on or after 2 years")
    assert errors["starts_on"][0].endswith("and no more than 2 years ahead")
    assert errors["ends_on"][0].startswith(
        "End date must be on or after the date of the start (1 January 2100)"
    )
    assert not DutyCover.objects.exists()


def test_a_date_50_years_ahead_is_refused_beside_itself_not_as_out_of_order(
    world, client_as
):
    """The period's and secure placement's forms checked the model's order first: the
    date ahead was reported beside the dates after it (core.forms.ServiceCheckedModelForm)."""
    child = world["north_child"]  # born 1 June 2015, looked after from 6 January 2025
    today = timezone.localdate()
    ahead = years_after(today, 50)
    client = client_as(world["sw_north"])
    period = child.periods_of_care.get()
    response = client.post(
        reverse("children:period_edit", args=[period.pk]),
        {
            **_d("started_on", period.started_on),
            **_d("placed_for_adoption_on", ahead),
            **_d("adoption_order_on", today),
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["placed_for_adoption_on"] == [
        "Date placed for adoption must be today or in the past, and on or after the "
        "child's date of birth (1 June 2015)"
    ]
    response = client.post(
        reverse("children:secure_add", args=[child.pk]),
        {
            **_d("started_on", today),
            "unit": "Hill House",
            **_d("order_made_on", ahead),
            **_d("order_expires_on", today),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["order_made_on"] == [
        "Date of the order must be today or in the past, and on or after the child's "
        "date of birth (1 June 2015)"
    ]
    period.refresh_from_db()
    assert period.placed_for_adoption_on is None
    assert not child.secure_placements.exists()
