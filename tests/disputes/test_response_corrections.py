"""A stage's response put right, with a reason, while the challenge is open (D8):
the old text is kept, with who corrected it, when and why; never overwritten silently."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import Notification
from disputes import services
from disputes.models import Category, Challenge, ChallengeResponseCorrection

pytestmark = pytest.mark.django_db

MON_3_MAR = date(2025, 3, 3)


def _responded(w, response="We will hold a permanence meeting."):
    challenge = services.challenge_raise(
        child=w["north_child"],
        by=w["iro_a"],
        category=Category.PERMANENCE_DRIFT,
        description="No permanence plan.",
        impact_for_child="Drift.",
        raised_on=MON_3_MAR,
    )
    services.challenge_respond(challenge=challenge, by=w["tm_north"], response=response)
    challenge.refresh_from_db()
    return challenge, challenge.current_stage


def test_the_responder_corrects_the_response_and_the_old_text_is_kept(world):
    challenge, stage = _responded(world)
    correction = services.challenge_response_correct(
        stage=stage,
        by=world["tm_north"],
        response="We will hold a permanence meeting by 1 April.",
        reason="Left out the date",
    )
    stage.refresh_from_db()
    assert stage.response == "We will hold a permanence meeting by 1 April."
    assert stage.responded_by == world["tm_north"]  # who answered is unchanged
    assert (correction.before, correction.by, correction.reason) == (
        "We will hold a permanence meeting.",
        world["tm_north"],
        "Left out the date",
    )
    event = challenge.events.last()
    assert event.action == Challenge.Action.CORRECT_RESPONSE
    assert "It said: We will hold a permanence meeting." in event.note
    assert Notification.objects.filter(
        user=world["iro_a"], text__contains="corrected their response"
    ).exists()
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.RESPONDED  # the IRO still decides


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"response": " "}, "Enter the corrected response", id="empty"),
        pytest.param({"reason": ""}, "Enter why you are correcting", id="no-reason"),
        pytest.param({"by": "iro_a"}, "Only ", id="not-the-responder"),
    ],
)
def test_a_correction_is_refused_and_changes_nothing(world, change, message):
    challenge, stage = _responded(world)
    kwargs = {"response": "New", "reason": "Typo", "by": world["tm_north"]}
    kwargs.update({k: world[v] if k == "by" else v for k, v in change.items()})
    with pytest.raises(ValidationError) as refused:
        services.challenge_response_correct(stage=stage, **kwargs)
    assert message in " ".join(refused.value.messages)
    assert not ChallengeResponseCorrection.objects.exists()
    stage.refresh_from_db()
    assert stage.response == "We will hold a permanence meeting."


def test_a_closed_challenge_keeps_its_responses(world):
    challenge, stage = _responded(world)
    services.challenge_resolve(
        challenge=challenge,
        by=world["iro_a"],
        outcome="resolved",
        outcome_impact="A plan",
        on=MON_3_MAR,
    )
    with pytest.raises(ValidationError) as refused:
        services.challenge_response_correct(
            stage=stage, by=world["tm_north"], response="New", reason="Typo"
        )
    assert refused.value.messages == [services.RESPONSE_CLOSED]


def test_the_same_text_changes_nothing(world):
    challenge, stage = _responded(world)
    assert (
        services.challenge_response_correct(
            stage=stage,
            by=world["tm_north"],
            response=stage.response,
            reason="Checking",
        )
        is None
    )
    assert challenge.events.count() == 2  # raised, responded


def test_the_page_corrects_the_response_and_the_challenge_links_to_it(world, client_as):
    challenge, stage = _responded(world)
    url = reverse("disputes:response_correct", args=[stage.pk])
    tm = client_as(world["tm_north"])
    detail = tm.get(challenge.get_absolute_url())
    assert url in detail.content.decode()
    assert (
        url
        not in client_as(world["iro_a"])
        .get(challenge.get_absolute_url())
        .content.decode()
    )
    assert client_as(world["iro_a"]).get(url).status_code == 403
    empty = tm.post(url, {"response": "Better", "reason": ""})
    assert empty.status_code == 400
    assert "Enter why you are correcting the response" in empty.content.decode()
    done = tm.post(url, {"response": "Better", "reason": "Typo"})
    assert done.status_code == 302
    stage.refresh_from_db()
    assert stage.response == "Better"
    page = tm.get(url).content.decode()
    assert "We will hold a permanence meeting." in page  # the old text, in the history
