"""Records: the child's 903 details, episodes and their rules."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from children.models import Child, Episode
from children.services import (
    child_update,
    episode_add,
    episode_update,
    pathway_update,
    period_update,
    secure_placement_record,
)
from reviews.models import Review
from reviews.services.register import child_register

pytestmark = pytest.mark.django_db

FOSTER = {
    "legal_status": "C2",
    "category_of_need": "N1",
    "placement": "U4",
    "placement_provider": "PR1",
    "home_postcode": "LS1 4AP",
    "placement_postcode": "LS6 2AA",
}


def register(child_id="R1", looked_after_on=date(2025, 1, 6), episode=FOSTER, **kw):
    return child_register(
        child_id=child_id,
        first_name="Ada",
        last_name="Example",
        date_of_birth=date(2015, 3, 1),
        looked_after_on=looked_after_on,
        by=None,
        first_episode=episode,
        **kw,
    )


def test_register_records_the_903_details_and_the_first_episode():
    child = register(
        details={
            "ethnicity": "WBRI",
            "upn": "A123456789012",
            "first_language": "English",
            "uasc": False,
            "sibling_group": "SG1",
            "contact_preferences": ["text", "visit"],
        }
    )
    episode = Episode.objects.get(period__child=child)
    assert episode.reason_new == "S"
    assert episode.started_on == date(2025, 1, 6)
    assert child.contact_preference_labels == ["Text message", "Visit in person"]
    assert Review.objects.filter(child=child, status="planned").count() == 1


def test_short_breaks_child_gets_no_review_and_is_not_queued():
    """D-SB: V3/V4 only: listed, but not on the review timetable."""
    child = register(episode={**FOSTER, "legal_status": "V3"})
    period = child.periods_of_care.get()
    assert period.short_breaks
    assert not Review.objects.filter(child=child).exists()
    assert not Child.objects.awaiting_iro().filter(pk=child.pk).exists()


@pytest.mark.parametrize(
    ("details", "field"),
    [
        pytest.param({"upn": "12345"}, "upn", id="short-upn"),
        pytest.param({"is_mother": True, "sex": "M"}, "is_mother", id="male-mother"),
        pytest.param(
            {"is_mother": True, "sex": "F", "mother_child_dob": date(2014, 1, 1)},
            "mother_child_dob",
            id="mc-dob-before-own",
        ),
        pytest.param({"contact_preferences": ["fax"]}, "contact_preferences", id="fax"),
    ],
)
def test_implausible_details_are_refused_by_field(details, field):
    with pytest.raises(ValidationError) as error:
        register(details=details)
    assert field in error.value.message_dict
    assert not Child.objects.exists()


def test_date_of_birth_in_the_future_is_refused():
    with pytest.raises(ValidationError) as error:
        child_register(
            child_id="F1",
            first_name="A",
            last_name="B",
            date_of_birth=date(2999, 1, 1),
            looked_after_on=date(2999, 1, 2),
            by=None,
        )
    assert error.value.message_dict["date_of_birth"] == [
        "Date of birth must be today or in the past, and no more than 25 years ago"
    ]


def test_a_change_of_placement_ends_the_open_episode_with_x1_and_no_restart():
    """P4: a placement change inside a period does not restart the CLA track."""
    child = register()
    period = child.periods_of_care.get()
    review = Review.objects.get(child=child)
    episode_add(
        period=period,
        by=None,
        started_on=date(2025, 3, 1),
        reason_new="P",
        reason_place_change="CARPL",
        **{**FOSTER, "placement": "K2", "placement_provider": "PR4"},
    )
    first, second = period.episodes.order_by("started_on")
    assert (first.ended_on, first.reason_ended) == (date(2025, 3, 1), "X1")
    # The reason for the move is kept on the episode that ended (903 rule 225).
    assert (first.reason_place_change, second.reason_place_change) == ("CARPL", "")
    assert second.ended_on is None
    assert Review.objects.get(child=child) == review


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        pytest.param(
            {"started_on": date(2024, 12, 1), "reason_new": "P"},
            "started_on",
            "after the start of the current episode",
            id="before-current",
        ),
        pytest.param(
            {"started_on": date(2025, 2, 1), "reason_new": "S"},
            "reason_new",
            "Only the first episode",
            id="second-S",
        ),
        pytest.param(
            {"started_on": date(2025, 2, 1), "reason_new": "P", "legal_status": "Z9"},
            "legal_status",
            "Select the legal status",
            id="unknown-code",
        ),
        pytest.param(
            {"started_on": date(2025, 2, 1), "reason_new": "P", "placement": "T0"},
            "placement_provider",
            "Leave the placement provider empty",
            id="provider-for-temporary",
        ),
    ],
)
def test_bad_episodes_are_refused_with_govuk_messages(change, field, message):
    child = register()
    period = child.periods_of_care.get()
    with pytest.raises(ValidationError) as error:
        episode_add(period=period, by=None, **{**FOSTER, **change})
    assert message in " ".join(error.value.message_dict[field])
    assert period.episodes.count() == 1
    assert period.episodes.get().ended_on is None


def test_episodes_may_not_overlap():
    child = register()
    period = child.periods_of_care.get()
    second = episode_add(
        period=period,
        by=None,
        started_on=date(2025, 3, 1),
        reason_new="L",
        **{**FOSTER, "legal_status": "C1"},
    )
    first = period.episodes.order_by("started_on").first()
    with pytest.raises(ValidationError) as error:
        episode_update(episode=first, by=None, ended_on=date(2025, 4, 1))
    assert "overlaps" in error.value.message_dict["started_on"][0]
    second.refresh_from_db()
    assert second.started_on == date(2025, 3, 1)


def test_the_first_episode_cannot_move_away_from_the_period_start():
    """No edit may leave a period without a start."""
    child = register()
    first = Episode.objects.get(period__child=child)
    with pytest.raises(ValidationError) as error:
        episode_update(episode=first, by=None, started_on=date(2025, 1, 10))
    assert "never left without a start" in error.value.message_dict["started_on"][0]


def test_moving_the_period_start_moves_the_first_episode():
    child = register()
    period = child.periods_of_care.get()
    period_update(period=period, by=None, started_on=date(2025, 1, 3))
    assert Episode.objects.get(period=period).started_on == date(2025, 1, 3)


def test_period_start_cannot_pass_the_end_of_its_first_episode():
    child = register()
    period = child.periods_of_care.get()
    episode_add(
        period=period,
        by=None,
        started_on=date(2025, 2, 1),
        reason_new="P",
        **{**FOSTER, "placement": "U6"},
    )
    with pytest.raises(ValidationError) as error:
        period_update(period=period, by=None, started_on=date(2025, 3, 1))
    assert "no start" in error.value.message_dict["started_on"][0]
    period.refresh_from_db()
    assert period.started_on == date(2025, 1, 6)


def test_adoption_dates_must_follow_in_order():
    child = register()
    period = child.periods_of_care.get()
    with pytest.raises(ValidationError) as error:
        period_update(
            period=period,
            by=None,
            authority_to_place_on=date(2025, 3, 1),
            authority_to_place_type="placement_order",
            placed_for_adoption_on=date(2025, 4, 1),
            adoption_order_on=date(2025, 3, 15),
        )
    assert "adoption_order_on" in error.value.message_dict
    period_update(
        period=period,
        by=None,
        authority_to_place_on=date(2025, 3, 1),
        authority_to_place_type="placement_order",
    )
    period.refresh_from_db()
    assert period.authority_to_place_on == date(2025, 3, 1)


def test_secure_placement_cannot_start_before_the_period():
    child = register()
    with pytest.raises(ValidationError) as error:
        secure_placement_record(
            child=child, by=None, started_on=date(2024, 1, 1), unit="Aldine House"
        )
    assert "started_on" in error.value.message_dict
    placement = secure_placement_record(
        child=child, by=None, started_on=date(2025, 1, 31), unit="Aldine House"
    )
    assert placement.period == child.periods_of_care.get()


def test_pathway_needs_a_reason_when_the_iro_steps_back():
    child = register()
    with pytest.raises(ValidationError) as error:
        pathway_update(child=child, by=None, iro_continuing_role=False)
    assert "iro_not_continuing_reason" in error.value.message_dict
    pathway = pathway_update(
        child=child,
        by=None,
        iro_continuing_role=False,
        iro_not_continuing_reason="Settled long-term placement; review by PA",
    )
    assert not pathway.iro_continuing_role


def test_child_update_clears_the_to_complete_flag():
    child = register()
    Child.objects.filter(pk=child.pk).update(details_to_complete=True)
    child.refresh_from_db()
    updated = child_update(
        child=child, by=None, expected_version=child.version, first_name="Adaline"
    )
    assert not updated.details_to_complete


def test_a_secure_placement_can_be_changed_and_ended(world, client_as):
    from django.urls import reverse

    from children.models import SecurePlacement

    child = world["north_child"]
    placement = SecurePlacement.objects.create(
        child=child,
        period=child.periods_of_care.get(),
        started_on=date(2025, 1, 31),
        unit="Hill House",
    )
    url = reverse("children:secure_edit", args=[child.pk, placement.pk])
    client = client_as(world["sw_north"])
    bad = client.post(
        url,
        {
            "started_on_0": "31",
            "started_on_1": "1",
            "started_on_2": "2025",
            "unit": "Hill House",
            "ended_on_0": "1",
            "ended_on_1": "1",
            "ended_on_2": "2025",
        },
    )
    assert bad.status_code == 400
    ok = client.post(
        url,
        {
            "started_on_0": "31",
            "started_on_1": "1",
            "started_on_2": "2025",
            "unit": "Hill House",
            "ended_on_0": "28",
            "ended_on_1": "2",
            "ended_on_2": "2025",
        },
    )
    assert ok.status_code == 302
    placement.refresh_from_db()
    assert placement.ended_on == date(2025, 2, 28)
    assert client_as(world["sw_south"]).get(url).status_code == 404


def test_a_sharing_restriction_can_be_ended_and_is_kept(world, client_as):
    from django.urls import reverse

    from children.models import ParentSharingRestriction

    child = world["north_child"]
    restriction = ParentSharingRestriction.objects.create(
        child=child,
        person="Dad",
        what="My new school",
        agreed_with_child_on=date(2025, 1, 10),
    )
    url = reverse("children:sharing_end", args=[child.pk, restriction.pk])
    client = client_as(world["sw_north"])
    bad = client.post(url, {"ended_on_0": "1", "ended_on_1": "1", "ended_on_2": "2025"})
    assert bad.status_code == 400
    assert (
        client.post(
            url, {"ended_on_0": "1", "ended_on_1": "3", "ended_on_2": "2025"}
        ).status_code
        == 302
    )
    restriction.refresh_from_db()
    assert restriction.ended_on == date(2025, 3, 1)
    assert "My new school" not in client.get(child.get_absolute_url()).content.decode()
