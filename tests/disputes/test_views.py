from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Role
from disputes import services
from disputes.models import Category, Challenge, PracticeAcknowledgement
from disputes.selectors import open_challenges_for
from tests.factories import ChildFactory, make_user

pytestmark = pytest.mark.django_db


def _raise(w, child=None, **overrides):
    fields = {
        "child": child or w["north_child"],
        "by": w["iro_a"],
        "category": Category.SOCIAL_WORK_PRACTICE,
        "description": "The care plan has not been updated since the review.",
        "impact_for_child": "Contact with her brother has stopped.",
        "raised_on": timezone.localdate(),
    }
    return services.challenge_raise(**{**fields, **overrides})


def _date(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def _raise_data(**overrides):
    data = {
        "category": "child_safety",
        "description": "Unsafe contact arrangements.",
        "impact_for_child": "The child is frightened before contact.",
        "stage": "0",
        **_date("raised_on", timezone.localdate()),
    }
    return {**data, **overrides}


# --- Raising --------------------------------------------------------------------------


def test_iro_raises_an_informal_challenge_from_the_child(drp_world, client_as):
    w = drp_world
    url = reverse("disputes:raise", args=[w["north_child"].pk])
    client = client_as(w["iro_a"])
    assert client.get(url).status_code == 200
    response = client.post(url, _raise_data(sub_reasons=["poor_practice"]))
    challenge = Challenge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == challenge.get_absolute_url()
    assert challenge.raised_by == w["iro_a"]
    assert challenge.current_stage.owner == w["tm_north"]
    assert challenge.sub_reasons == ["poor_practice"]


def test_skipping_to_stage_two_without_a_reason_is_a_400_that_keeps_the_input(
    drp_world, client_as
):
    w = drp_world
    response = client_as(w["iro_a"]).post(
        reverse("disputes:raise", args=[w["north_child"].pk]), _raise_data(stage="2")
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert "Enter why you are skipping informal resolution and stage 1" in body
    assert "Unsafe contact arrangements." in body
    assert not Challenge.objects.exists()


def test_empty_raise_form_is_a_400_with_every_message(drp_world, client_as):
    w = drp_world
    response = client_as(w["iro_a"]).post(
        reverse("disputes:raise", args=[w["north_child"].pk]), {}
    )
    body = response.content.decode()
    assert response.status_code == 400
    for message in [
        "Select what the concern is about",
        "Describe the concern",
        "Enter the impact for the child",
        "Enter date raised",
    ]:
        assert message in body


def test_raised_on_in_the_future_is_refused(drp_world, client_as):
    w = drp_world
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_as(w["iro_a"]).post(
        reverse("disputes:raise", args=[w["north_child"].pk]),
        _raise_data(**_date("raised_on", tomorrow)),
    )
    assert response.status_code == 400
    assert "Date raised must be today or in the past" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("iro_b", 404),
        ("sw_south", 404),
        ("bs", 403),
        ("sw_north", 403),
        ("tm_north", 403),
    ],
)
def test_only_the_childs_iro_raises(drp_world, client_as, who, status):
    """Out of scope is a 404; in scope but not the IRO is a 403."""
    w = drp_world
    url = reverse("disputes:raise", args=[w["north_child"].pk])
    assert client_as(w[who]).get(url).status_code == status


# --- Who sees a challenge ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("iro_a", 200),
        ("manager", 200),
        ("sw_north", 200),
        ("tm_north", 200),
        ("hos_north", 200),
        ("iro_b", 404),
        ("sw_south", 404),
        ("bs", 404),
        ("admin", 404),
        ("duty", 404),
    ],
)
def test_challenge_page_by_role(drp_world, client_as, who, status):
    w = drp_world
    challenge = _raise(w)
    response = client_as(w[who]).get(challenge.get_absolute_url())
    assert response.status_code == status
    if status == 404:
        assert "Inscope" not in response.content.decode()


def test_a_social_worker_sees_only_their_own_childrens_challenges(
    drp_world, client_as, north_team
):
    """A colleague's child in the same team: the child is in scope, its challenge is not."""
    w = drp_world
    colleague = make_user(Role.SOCIAL_WORKER, username="sw_colleague", team=north_team)
    other = ChildFactory(
        first_name="Colla", team=north_team, social_worker=colleague, iro=w["iro_a"]
    )
    own = _raise(w)
    theirs = _raise(w, child=other)
    client = client_as(w["sw_north"])
    assert client.get(other.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(own.get_absolute_url()).status_code == 200
    # Names as the page writes them: a generated name may hold an apostrophe.
    own_name, their_name = escape(w["north_child"].full_name), escape(other.full_name)
    body = client.get(reverse("disputes:mine")).content.decode()
    assert own_name in body
    assert their_name not in body
    # The team manager sees both.
    body = client_as(w["tm_north"]).get(reverse("disputes:mine")).content.decode()
    assert own_name in body and their_name in body


def test_opening_a_challenge_is_logged(drp_world, client_as):
    w = drp_world
    challenge = _raise(w)
    client_as(w["sw_north"]).get(challenge.get_absolute_url())
    entry = LogEntry.objects.get(
        action=LogEntry.Action.ACCESS, object_pk=str(challenge.pk)
    )
    assert entry.actor == w["sw_north"]


def test_social_worker_comments_but_cannot_respond_or_escalate(drp_world, client_as):
    w = drp_world
    challenge = _raise(w)
    client = client_as(w["sw_north"])
    for name in ("respond", "escalate", "extend", "resolve", "cafcass"):
        url = reverse(f"disputes:{name}", args=[challenge.pk])
        assert client.get(url).status_code == 403, name
    response = client.post(
        reverse("disputes:comment", args=[challenge.pk]), {"note": "Seen, thanks."}
    )
    assert response.status_code == 302
    assert challenge.events.filter(action="commented", by=w["sw_north"]).exists()
    response = client.post(reverse("disputes:comment", args=[challenge.pk]), {})
    assert response.status_code == 400


# --- Timers and decisions --------------------------------------------------------------


def test_detail_shows_the_due_date_and_the_engines_explanation(drp_world, client_as):
    w = drp_world
    challenge = _raise(w, raised_on=date(2025, 4, 29))
    body = client_as(w["iro_a"]).get(challenge.get_absolute_url()).content.decode()
    assert "Wednesday 7 May 2025" in body
    assert "5 working days after stage 0 started on Tuesday 29 April 2025" in body


def test_a_stage_out_of_time_offers_escalate_extend_or_resolve(drp_world, client_as):
    w = drp_world
    challenge = _raise(w, raised_on=timezone.localdate() - timedelta(days=30))
    body = client_as(w["iro_a"]).get(challenge.get_absolute_url()).content.decode()
    assert "has run out of time" in body
    assert "Decide what happens next" in body
    for name in ("escalate", "extend", "resolve"):
        assert reverse(f"disputes:{name}", args=[challenge.pk]) in body
    # The team manager sees it is late, without the IRO's choices.
    body = client_as(w["tm_north"]).get(challenge.get_absolute_url()).content.decode()
    assert "has run out of time" in body
    assert reverse("disputes:escalate", args=[challenge.pk]) not in body


def test_extend_needs_a_reason_and_a_later_date(drp_world, client_as):
    w = drp_world
    challenge = _raise(w)
    url = reverse("disputes:extend", args=[challenge.pk])
    client = client_as(w["iro_a"])
    response = client.post(url, _date("extend_to", timezone.localdate()))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter why you are giving more time" in body
    response = client.post(
        url,
        {**_date("extend_to", timezone.localdate()), "reason": "Leave"},
    )
    assert response.status_code == 400
    assert "New date must be after" in response.content.decode()
    later = challenge.current_stage.due_on + timedelta(days=7)
    response = client.post(url, {**_date("extend_to", later), "reason": "Leave"})
    assert response.status_code == 302
    assert challenge.current_stage.extended_to == later


def test_respond_escalate_and_resolve_through_the_pages(drp_world, client_as):
    w = drp_world
    challenge = _raise(w)
    respond = reverse("disputes:respond", args=[challenge.pk])
    assert client_as(w["iro_a"]).get(respond).status_code == 403
    tm = client_as(w["tm_north"])
    assert tm.post(respond, {"response": ""}).status_code == 400
    assert (
        tm.post(respond, {"response": "Agreed to update the plan."}).status_code == 302
    )
    iro = client_as(w["iro_a"])
    escalate = reverse("disputes:escalate", args=[challenge.pk])
    response = iro.post(escalate, {"to_stage": "2"})
    assert response.status_code == 400
    assert "Enter why you are skipping stage 1" in response.content.decode()
    reason = "The team manager has already answered informally."
    response = iro.post(escalate, {"to_stage": "2", "reason": reason})
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert (challenge.stage, challenge.level) == (2, Challenge.Level.FORMAL)
    assert challenge.current_stage.owner == w["hos_north"]
    resolve = reverse("disputes:resolve", args=[challenge.pk])
    response = iro.post(
        resolve,
        {"outcome": "not_resolved_cafcass_referral", "outcome_impact": "No plan."},
    )
    assert response.status_code == 400
    assert "Record the Cafcass referral before closing" in response.content.decode()
    response = iro.post(
        resolve, {"outcome": "resolved", "outcome_impact": "Plan updated."}
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.CLOSED
    assert iro.get(escalate).status_code == 403


def test_cafcass_referral_and_outcome_pages(drp_world, client_as):
    w = drp_world
    challenge = _raise(w)
    iro = client_as(w["iro_a"])
    url = reverse("disputes:cafcass", args=[challenge.pk])
    assert iro.post(url, {}).status_code == 400
    response = iro.post(
        url,
        {**_date("referred_on", timezone.localdate()), "reason": "Care plan breach"},
    )
    assert response.status_code == 302
    referral = challenge.cafcass_referrals.get()
    url = reverse("disputes:cafcass_outcome", args=[referral.pk])
    assert client_as(w["sw_north"]).get(url).status_code == 403
    assert client_as(w["iro_b"]).get(url).status_code == 404
    assert iro.post(url, {"outcome": "Advice given"}).status_code == 302


# --- Lists and the child's page include ---------------------------------------------------


def test_my_challenges_lists_what_waits_for_the_team_manager(drp_world, client_as):
    w = drp_world
    challenge = _raise(w)
    assert list(open_challenges_for(w["tm_north"])) == [challenge]
    assert list(open_challenges_for(w["iro_a"])) == [challenge]
    assert list(open_challenges_for(w["hos_north"])) == []
    body = client_as(w["tm_north"]).get(reverse("disputes:mine")).content.decode()
    assert "Waiting for your response" in body
    assert challenge.get_absolute_url() in body
    assert open_challenges_for(w["tm_north"])[0].current_due_on == (
        challenge.current_stage.due_on
    )


def test_child_include_lists_open_and_closed_challenges_for_the_user(drp_world):
    w = drp_world
    open_one = _raise(w)
    closed = _raise(w, category=Category.SCHOOL)
    services.challenge_resolve(
        challenge=closed,
        by=w["iro_a"],
        outcome=Challenge.Outcome.WITHDRAWN,
        outcome_impact="School place found.",
        on=timezone.localdate(),
    )
    request = RequestFactory().get("/")
    html = render_to_string(
        "disputes/_child_challenges.html",
        {"child": w["north_child"], "user": w["iro_a"]},
        request=request,
    )
    assert open_one.get_absolute_url() in html
    assert closed.get_absolute_url() in html
    assert "Withdrawn" in html or "withdrawn" in html
    assert reverse("disputes:raise", args=[w["north_child"].pk]) in html
    html = render_to_string(
        "disputes/_child_challenges.html",
        {"child": w["north_child"], "user": w["bs"]},
    )
    assert "Challenges" not in html


# --- Quality of practice -------------------------------------------------------------------


def test_acknowledgement_pages(drp_world, client_as):
    w = drp_world
    url = reverse("disputes:acknowledge", args=[w["north_child"].pk])
    assert client_as(w["sw_north"]).get(url).status_code == 403
    iro = client_as(w["iro_a"])
    assert iro.post(url, {}).status_code == 400
    response = iro.post(
        url,
        {
            "kind": "area_for_improvement",
            "description": "Visits are late.",
            "impact_for_child": "The child feels forgotten.",
        },
    )
    ack = PracticeAcknowledgement.objects.get()
    assert response.status_code == 302
    for who, status in [
        ("sw_north", 200),
        ("tm_north", 200),
        ("manager", 200),
        ("sw_south", 404),
        ("hos_north", 404),
        ("bs", 404),
    ]:
        response = client_as(w[who]).get(ack.get_absolute_url())
        assert response.status_code == status, who


def test_quality_assurance_is_the_service_managers(drp_world, client_as):
    w = drp_world
    manager = client_as(w["manager"])
    body = manager.get(reverse("disputes:quality_assurance")).content.decode()
    assert "Observation due" in body
    for who in ("sw_north", "tm_north", "bs", "hos_north"):
        response = client_as(w[who]).get(reverse("disputes:quality_assurance"))
        assert response.status_code == 403
    url = reverse("disputes:observation_record")
    assert client_as(w["iro_a"]).get(url).status_code == 403
    assert manager.post(url, {}).status_code == 400
    response = manager.post(
        url,
        {
            "iro": w["iro_a"].pk,
            **_date("observed_on", timezone.localdate()),
            "findings": "Warm, child-centred chairing.",
        },
    )
    assert response.status_code == 302
    url = reverse("disputes:audit_record")
    response = manager.post(
        url,
        {
            "child_id": "NOPE",
            **_date("audited_on", timezone.localdate()),
            "findings": "x",
        },
    )
    assert response.status_code == 400
    assert "No child has that child ID" in response.content.decode()
    response = manager.post(
        url,
        {
            "child_id": w["north_child"].child_id,
            **_date("audited_on", timezone.localdate()),
            "grade": "good",
            "findings": "Clear decisions.",
        },
    )
    assert response.status_code == 302
    body = client_as(w["iro_a"]).get(reverse("disputes:quality_assurance"))
    assert "Clear decisions." in body.content.decode()


def test_a_prompt_can_suggest_the_category(drp_world, client_as):
    """D-PERM: the review record links here with category=permanence_drift."""
    w = drp_world
    url = reverse("disputes:raise", args=[w["north_child"].pk])
    client = client_as(w["iro_a"])

    def checked(body):
        return [
            chunk.split('value="')[1].split('"')[0]
            for chunk in body.split("<input")[1:]
            if 'name="category"' in chunk.split(">")[0]
            and "checked" in chunk.split(">")[0]
        ]

    assert checked(client.get(url + "?category=permanence_drift").content.decode()) == [
        "permanence_drift"
    ]
    assert checked(client.get(url + "?category=<b>").content.decode()) == []
