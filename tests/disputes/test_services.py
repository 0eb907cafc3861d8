from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from core.models import Notification
from disputes import services
from disputes.models import (
    CafcassReferral,
    Category,
    Challenge,
    ChallengeStage,
    PracticeAcknowledgement,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

Action = Challenge.Action
Status = Challenge.Status
MON_3_MAR = date(2025, 3, 3)


def _raise(w, **overrides):
    fields = {
        "child": w["north_child"],
        "by": w["iro_a"],
        "category": Category.PERMANENCE_DRIFT,
        "description": "No permanence plan at the second review.",
        "impact_for_child": "Drift: the child does not know where they will grow up.",
        "raised_on": MON_3_MAR,
    }
    return services.challenge_raise(**{**fields, **overrides})


# --- Transitions as data ------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        pytest.param(
            Status.AWAITING_RESPONSE,
            {Action.RESPOND, Action.ESCALATE, Action.EXTEND, Action.RESOLVE},
            id="awaiting",
        ),
        pytest.param(
            Status.RESPONDED, {Action.ESCALATE, Action.RESOLVE}, id="responded"
        ),
        pytest.param(Status.CLOSED, set(), id="closed"),
    ],
)
def test_allowed_actions_table(status, allowed):
    """What may happen next is data; a closed challenge takes no further step."""
    assert Challenge.ALLOWED_ACTIONS[status] == allowed
    assert all(Challenge.ACTION_RESULT[action] for action in allowed)


# --- Raising ------------------------------------------------------------------------


def test_raise_informal_goes_to_the_team_manager_with_a_five_working_day_timer(
    drp_world,
):
    w = drp_world
    challenge = _raise(w, sub_reasons=["drift_delay", "care_planning"])
    assert challenge.level == Challenge.Level.INFORMAL
    assert challenge.stage == 0
    assert challenge.team_at_time == w["north_child"].team
    assert challenge.social_worker_at_time == w["sw_north"]
    stage = challenge.current_stage
    assert stage.owner == w["tm_north"]
    assert stage.started_on == MON_3_MAR
    assert stage.due_on == date(2025, 3, 10)
    assert "5 working days after stage 0 started on Monday 3 March 2025" in (
        stage.due_rule
    )
    assert [e.action for e in challenge.events.all()] == [Action.RAISE]
    assert Notification.objects.filter(user=w["tm_north"]).count() == 1
    assert Notification.objects.filter(user=w["sw_north"]).count() == 1
    assert challenge.sub_reason_labels() == ["Drift and delay", "Care planning"]


def test_raise_timer_skips_the_early_may_bank_holiday(drp_world):
    """Tue 29 Apr 2025 + 5 working days, Mon 5 May being a bank holiday: Wed 7 May."""
    challenge = _raise(drp_world, raised_on=date(2025, 4, 29))
    assert challenge.current_stage.due_on == date(2025, 5, 7)


def test_raise_at_stage_two_skips_earlier_stages_with_the_reason(drp_world):
    w = drp_world
    challenge = _raise(
        w, stage=2, skip_reason="The team manager already refused in supervision."
    )
    assert challenge.level == Challenge.Level.FORMAL
    assert challenge.formal_started_on == MON_3_MAR
    skipped = challenge.stages.filter(skipped=True).order_by("number")
    assert [s.number for s in skipped] == [0, 1]
    assert {s.skip_reason for s in skipped} == {
        "The team manager already refused in supervision."
    }
    assert challenge.current_stage.owner == w["hos_north"]
    assert [e.action for e in challenge.events.all()] == [
        Action.RAISE,
        Action.SKIP,
        Action.SKIP,
    ]


def test_skipping_stages_without_a_reason_saves_nothing(drp_world):
    with pytest.raises(ValidationError) as error:
        _raise(drp_world, stage=2)
    assert error.value.message_dict["skip_reason"] == [
        "Enter why you are skipping informal resolution and stage 1"
    ]
    assert not Challenge.objects.exists()
    assert not ChallengeStage.objects.exists()


@pytest.mark.parametrize(
    "who", ["manager", "iro_b", "sw_north", "hos_north"], ids=lambda w: w
)
def test_a_stage_is_never_answered_by_the_iro_service_or_the_wrong_person(
    drp_world, who
):
    """D-DRP: stage 1 goes to a team manager of the child's team, never the IRO service."""
    with pytest.raises(ValidationError) as error:
        _raise(drp_world, stage=1, skip_reason="Urgent", owner=drp_world[who])
    assert "owner" in error.value.message_dict
    assert not Challenge.objects.exists()


def test_a_team_manager_who_is_also_in_the_iro_service_is_never_a_stage_owner(
    drp_world, north_team
):
    both = make_user(
        Role.TEAM_MANAGER, Role.IRO_MANAGER, username="both", team=north_team
    )
    with pytest.raises(ValidationError):
        _raise(drp_world, owner=both)


def test_no_owner_set_up_is_a_clear_error(world):
    """Without senior levels set up, nobody can answer stage 3."""
    with pytest.raises(ValidationError) as error:
        _raise(world, stage=3, skip_reason="Serious")
    assert "Nobody is set up to answer stage 3" in error.value.message_dict["owner"][0]


# --- Responding and escalating -------------------------------------------------------


def test_only_the_stage_owner_responds(drp_world):
    w = drp_world
    challenge = _raise(w)
    with pytest.raises(ValidationError):
        services.challenge_respond(challenge=challenge, by=w["sw_north"], response="x")
    challenge = services.challenge_respond(
        challenge=challenge, by=w["tm_north"], response="Plan agreed by Friday."
    )
    assert challenge.status == Status.RESPONDED
    stage = challenge.stages.get(number=0)
    assert stage.responded_by == w["tm_north"]
    assert stage.response == "Plan agreed by Friday."
    assert Notification.objects.filter(
        user=w["iro_a"], text__contains="responded"
    ).exists()


def test_escalating_informal_to_stage_one_starts_the_formal_clock(drp_world):
    w = drp_world
    challenge = _raise(w)
    on = date(2025, 3, 12)
    challenge = services.challenge_escalate(
        challenge=challenge, by=w["iro_a"], to_stage=1, on=on
    )
    assert challenge.level == Challenge.Level.FORMAL
    assert challenge.formal_started_on == on
    assert challenge.stages.get(number=0).ended_on == on
    stage = challenge.current_stage
    assert (stage.number, stage.owner, stage.due_on) == (
        1,
        w["tm_north"],
        date(2025, 3, 19),
    )


def test_escalating_past_a_stage_needs_a_reason(drp_world):
    w = drp_world
    challenge = _raise(w, stage=1, skip_reason="Informal tried by phone")
    with pytest.raises(ValidationError) as error:
        services.challenge_escalate(
            challenge=challenge, by=w["iro_a"], to_stage=3, on=date(2025, 3, 11)
        )
    assert error.value.message_dict["reason"] == ["Enter why you are skipping stage 2"]
    assert Challenge.objects.get().stage == 1
    challenge = services.challenge_escalate(
        challenge=challenge,
        by=w["iro_a"],
        to_stage=3,
        on=date(2025, 3, 11),
        reason="Head of service on leave",
    )
    assert challenge.stages.get(number=2).skipped
    assert challenge.current_stage.owner == w["ad_north"]


def test_a_late_stage_is_capped_by_twenty_working_days_in_all(drp_world):
    """Formal from Mon 3 Mar 2025: the whole process ends Mon 31 Mar; stage 4 cannot run past it."""
    w = drp_world
    challenge = _raise(w, stage=1, skip_reason="Urgent")
    challenge = services.challenge_escalate(
        challenge=challenge,
        by=w["iro_a"],
        to_stage=4,
        on=date(2025, 3, 27),
        reason="No answer from anyone",
    )
    stage = challenge.current_stage
    assert stage.owner == w["director"]
    assert stage.due_on == date(2025, 3, 31)
    assert "20 working days after the formal DRP started" in stage.due_rule


def test_cannot_escalate_beyond_stage_four_or_backwards(drp_world):
    w = drp_world
    challenge = _raise(w, stage=2, skip_reason="Urgent")
    with pytest.raises(ValidationError):
        services.challenge_escalate(
            challenge=challenge, by=w["iro_a"], to_stage=1, on=MON_3_MAR
        )
    with pytest.raises(ValidationError):
        services.challenge_escalate(
            challenge=challenge, by=w["iro_a"], to_stage=5, on=MON_3_MAR
        )


# --- Timers: overdue and extensions ---------------------------------------------------


def test_stage_runs_out_of_time_and_the_iro_extends_it_with_a_reason(drp_world):
    w = drp_world
    challenge = _raise(w)
    stage = challenge.current_stage
    assert not stage.is_overdue(today=date(2025, 3, 10))
    assert stage.is_overdue(today=date(2025, 3, 11))
    with pytest.raises(ValidationError) as error:
        services.challenge_extend(
            challenge=challenge, by=w["iro_a"], extend_to=date(2025, 3, 14), reason=""
        )
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.challenge_extend(
            challenge=challenge,
            by=w["iro_a"],
            extend_to=date(2025, 3, 10),
            reason="Sick",
        )
    assert "extend_to" in error.value.message_dict
    services.challenge_extend(
        challenge=challenge,
        by=w["iro_a"],
        extend_to=date(2025, 3, 14),
        reason="Team manager off sick",
    )
    stage.refresh_from_db()
    assert stage.effective_due_on == date(2025, 3, 14)
    assert not stage.is_overdue(today=date(2025, 3, 11))
    assert challenge.events.filter(action=Action.EXTEND).get().by == w["iro_a"]


def test_a_responded_stage_is_never_overdue(drp_world):
    w = drp_world
    challenge = _raise(w)
    services.challenge_respond(challenge=challenge, by=w["tm_north"], response="Done")
    assert not challenge.current_stage.is_overdue(today=date(2025, 6, 1))


def test_extending_after_a_response_is_refused(drp_world):
    w = drp_world
    challenge = _raise(w)
    services.challenge_respond(challenge=challenge, by=w["tm_north"], response="Done")
    with pytest.raises(ValidationError, match="cannot be time extended"):
        services.challenge_extend(
            challenge=challenge,
            by=w["iro_a"],
            extend_to=date(2025, 3, 20),
            reason="More",
        )


# --- Resolving and Cafcass -------------------------------------------------------------


def test_resolve_closes_with_outcome_and_impact(drp_world):
    w = drp_world
    challenge = _raise(w)
    challenge = services.challenge_resolve(
        challenge=challenge,
        by=w["iro_a"],
        outcome=Challenge.Outcome.RESOLVED,
        outcome_impact="A permanence plan is in place.",
        on=date(2025, 3, 7),
    )
    assert challenge.status == Status.CLOSED
    assert challenge.closed_on == date(2025, 3, 7)
    assert challenge.stages.get(number=0).ended_on == date(2025, 3, 7)
    with pytest.raises(ValidationError, match="closed cannot be escalated"):
        services.challenge_escalate(
            challenge=challenge, by=w["iro_a"], to_stage=1, on=date(2025, 3, 8)
        )


def test_not_resolved_with_cafcass_needs_a_referral(drp_world):
    w = drp_world
    challenge = _raise(w, stage=4, skip_reason="Breach of duty")
    kwargs = {
        "challenge": challenge,
        "by": w["iro_a"],
        "outcome": Challenge.Outcome.NOT_RESOLVED_CAFCASS,
        "outcome_impact": "Still no plan.",
        "on": date(2025, 3, 20),
    }
    with pytest.raises(ValidationError) as error:
        services.challenge_resolve(**kwargs)
    assert error.value.message_dict["outcome"] == [services.NEEDS_CAFCASS]
    referral = services.cafcass_referral_record(
        challenge=challenge,
        by=w["iro_a"],
        referred_on=date(2025, 3, 19),
        reason="The local authority failed to remedy the lack of a care plan.",
    )
    services.challenge_resolve(**kwargs)
    services.cafcass_referral_outcome_record(
        referral=referral,
        by=w["iro_a"],
        outcome="Cafcass officer spoke to the director.",
        on=date(2025, 4, 1),
    )
    referral.refresh_from_db()
    assert referral.outcome_recorded_on == date(2025, 4, 1)
    actions = list(challenge.events.values_list("action", flat=True))
    assert actions[-3:] == [Action.CAFCASS, Action.RESOLVE, Action.CAFCASS_OUTCOME]
    assert CafcassReferral.objects.count() == 1


def test_resolve_needs_the_impact_for_the_child(drp_world):
    w = drp_world
    challenge = _raise(w)
    with pytest.raises(ValidationError) as error:
        services.challenge_resolve(
            challenge=challenge,
            by=w["iro_a"],
            outcome=Challenge.Outcome.WITHDRAWN,
            outcome_impact=" ",
            on=MON_3_MAR,
        )
    assert "outcome_impact" in error.value.message_dict
    assert Challenge.objects.get().is_open


def test_comment_is_added_to_the_history_and_tells_the_iro(drp_world):
    w = drp_world
    challenge = _raise(w)
    event = services.challenge_comment(
        challenge=challenge, by=w["sw_north"], note="Family time is being arranged."
    )
    assert event.action == Action.COMMENT
    assert Notification.objects.filter(
        user=w["iro_a"], text__contains="commented"
    ).exists()


def test_challenge_changes_are_in_the_audit_log_with_their_author(drp_world):
    from auditlog.context import set_actor

    w = drp_world
    with set_actor(w["iro_a"]):
        challenge = _raise(w)
    entry = LogEntry.objects.get_for_object(challenge).get(
        action=LogEntry.Action.CREATE
    )
    assert entry.actor == w["iro_a"]


# --- Quality of practice --------------------------------------------------------------


def test_acknowledgement_goes_to_the_social_worker_and_their_team_manager(drp_world):
    w = drp_world
    ack = services.acknowledgement_record(
        child=w["north_child"],
        by=w["iro_a"],
        kind=PracticeAcknowledgement.Kind.GOOD_PRACTICE,
        description="Thorough life-story work.",
        impact_for_child="The child understands why they are in care.",
        recorded_on=MON_3_MAR,
    )
    assert (ack.worker, ack.team_manager, ack.shared_with_tm_on) == (
        w["sw_north"],
        w["tm_north"],
        MON_3_MAR,
    )
    assert Notification.objects.filter(user=w["sw_north"]).count() == 1
    assert Notification.objects.filter(user=w["tm_north"]).count() == 1


def test_observation_is_of_an_iro_and_audit_names_the_childs_iro(drp_world):
    w = drp_world
    with pytest.raises(ValidationError):
        services.observation_record(
            iro=w["sw_north"],
            by=w["manager"],
            observed_on=MON_3_MAR,
            findings="x",
        )
    observation = services.observation_record(
        iro=w["iro_a"],
        by=w["manager"],
        observed_on=MON_3_MAR,
        findings="Child-centred chairing.",
    )
    assert observation.recorded_by == w["manager"]
    audit = services.audit_record(
        child=w["north_child"],
        by=w["manager"],
        audited_on=MON_3_MAR,
        findings="Decisions are SMART.",
        grade="good",
    )
    assert audit.iro == w["iro_a"]


def test_challenges_closed_since_the_last_review(drp_world):
    from disputes.selectors import challenges_closed_since

    w = drp_world
    early, late, still_open = _raise(w), _raise(w), _raise(w)
    for challenge, on in ((early, date(2025, 3, 4)), (late, date(2025, 3, 20))):
        services.challenge_resolve(
            challenge=challenge,
            by=w["iro_a"],
            outcome=Challenge.Outcome.RESOLVED,
            outcome_impact="Better",
            on=on,
        )
    child = w["north_child"]
    assert list(challenges_closed_since(child, date(2025, 3, 10))) == [late]
    assert list(challenges_closed_since(child, None)) == [early, late]
    assert still_open.is_open


# --- A stage ends between its start and today (D-END) ----------------------------------


def test_a_stage_cannot_end_before_it_started_or_after_today(drp_world):
    """Escalating or closing dated before the stage began, or ahead of today, is refused
    and changes nothing: a stage's days run from its start to its end."""
    w = drp_world
    challenge = services.challenge_escalate(
        challenge=_raise(w), by=w["iro_a"], to_stage=1, on=date(2025, 3, 12)
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    for on in (date(2025, 3, 11), tomorrow):
        with pytest.raises(ValidationError):
            services.challenge_escalate(
                challenge=challenge, by=w["iro_a"], to_stage=2, on=on
            )
        with pytest.raises(ValidationError):
            services.challenge_resolve(
                challenge=challenge,
                by=w["iro_a"],
                outcome=Challenge.Outcome.RESOLVED,
                outcome_impact="The plan now names a permanent home.",
                on=on,
            )
    challenge.refresh_from_db()
    assert (challenge.stage, challenge.status) == (1, Status.AWAITING_RESPONSE)
    assert challenge.stages.get(number=1).ended_on is None
    # The day the stage started is a day it may end.
    services.challenge_escalate(
        challenge=challenge, by=w["iro_a"], to_stage=2, on=date(2025, 3, 12)
    )
    assert challenge.stages.get(number=1).ended_on == date(2025, 3, 12)
