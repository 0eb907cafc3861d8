"""An episode's end (DR-2): on or after its start and not in the future, said beside the field.

Correcting an episode to end before it started showed Django's "Constraint
“children_episode_ends_after_it_starts” is violated" at the top of the page: the
form checked the model's constraint before the service could say which field was wrong.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from children.models import Episode
from children.services import episode_add, episode_update

pytestmark = pytest.mark.django_db

BEFORE_START = (
    "Date the episode ended must be today or in the past, and on or after the date "
    "it started (6 January 2025)"
)


def _d(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def _episode(child):
    period = child.periods_of_care.get()
    return episode_add(
        period=period,
        by=None,
        started_on=period.started_on,
        reason_new="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
    )


def _correction(episode, ended_on):
    return {
        **_d("started_on", episode.started_on),
        "reason_new": "S",
        "legal_status": "C2",
        "category_of_need": "N1",
        "placement": "U4",
        "placement_provider": "PR1",
        **_d("ended_on", ended_on),
        "reason_ended": "X1",
    }


def test_an_episode_ending_before_it_started_is_refused_beside_the_field(
    world, client_as
):
    episode = _episode(world["north_child"])
    response = client_as(world["sw_north"]).post(
        reverse("children:episode_edit", args=[episode.pk]),
        _correction(episode, episode.started_on - timedelta(days=1)),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "is violated" not in page
    assert response.context["form"].errors["ended_on"] == [BEFORE_START]
    episode.refresh_from_db()
    assert episode.ended_on is None and episode.reason_ended == ""


def test_the_service_refuses_an_end_before_the_start_or_in_the_future(world):
    episode = _episode(world["north_child"])
    for ended_on in (
        episode.started_on - timedelta(days=1),
        timezone.localdate() + timedelta(days=1),
    ):
        with pytest.raises(ValidationError) as refused:
            episode_update(
                episode=episode, by=None, ended_on=ended_on, reason_ended="X1"
            )
        assert refused.value.message_dict["ended_on"] == [BEFORE_START]
    episode.refresh_from_db()
    assert episode.ended_on is None


def test_an_episode_ending_on_a_plausible_date_is_saved(world, client_as):
    episode = _episode(world["north_child"])
    ended_on = episode.started_on + timedelta(days=30)
    response = client_as(world["sw_north"]).post(
        reverse("children:episode_edit", args=[episode.pk]),
        _correction(episode, ended_on),
    )
    assert response.status_code == 302
    assert Episode.objects.get(pk=episode.pk).ended_on == ended_on


def test_the_constraint_itself_says_what_is_wrong():
    constraint = next(
        c
        for c in Episode._meta.constraints
        if c.name == "children_episode_ends_after_it_starts"
    )
    assert constraint.get_violation_error_message() == (
        "Date the episode ended must be on or after the date it started"
    )
