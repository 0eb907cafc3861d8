"""Demo challenges and quality-of-practice records for `seed_demo` (idempotent)."""

from datetime import date, timedelta

from accounts.models import User
from children.models import Child
from disputes import services
from disputes.models import (
    Category,
    Challenge,
    PracticeAcknowledgement,
    PracticeObservation,
)
from reviews.timescales import subtract_working_days

MARKER = "(demo)"


def seed_challenges(users: dict[str, User], *, today: date) -> int:
    """Add three demo challenges in different states, once; return how many were added."""
    added = 0
    plans = [
        ("DEMO0001", _informal_awaiting_team_manager),
        ("DEMO0005", _formal_stage_two_out_of_time),
        ("DEMO0011", _closed_resolved),
    ]
    for child_id, plan in plans:
        child = Child.objects.filter(child_id=child_id).first()
        if child is None or child.iro is None or child.team is None:
            continue
        if Challenge.objects.filter(child=child, description__endswith=MARKER).exists():
            continue
        plan(child, users, today)
        added += 1
    _quality(users, today)
    return added


def _raise(child, users, on, category, text, impact):
    return services.challenge_raise(
        child=child,
        by=child.iro,
        category=category,
        sub_reasons=["drift_delay"] if category == Category.PERMANENCE_DRIFT else [],
        description=f"{text} {MARKER}",
        impact_for_child=impact,
        raised_on=on,
    )


def _informal_awaiting_team_manager(child, users, today):
    _raise(
        child,
        users,
        subtract_working_days(today, 2),
        Category.SOCIAL_WORK_PRACTICE,
        "The child has not been visited for eight weeks.",
        "The child says nobody has asked how school is going.",
    )


def _formal_stage_two_out_of_time(child, users, today):
    challenge = _raise(
        child,
        users,
        subtract_working_days(today, 14),
        Category.PERMANENCE_DRIFT,
        "No permanence plan at the second review.",
        "The child does not know where they will grow up.",
    )
    services.challenge_respond(
        challenge=challenge,
        by=challenge.current_stage.owner,
        response="We will present a plan at the next permanence panel.",
    )
    services.challenge_escalate(
        challenge=challenge,
        by=child.iro,
        to_stage=2,
        on=subtract_working_days(today, 8),
        reason="The team manager answered informally; the panel date is not set.",
    )


def _closed_resolved(child, users, today):
    challenge = _raise(
        child,
        users,
        subtract_working_days(today, 25),
        Category.SCHOOL,
        "No school place since the move.",
        "The child is missing education.",
    )
    services.challenge_respond(
        challenge=challenge,
        by=challenge.current_stage.owner,
        response="A place has been agreed from Monday.",
    )
    services.challenge_resolve(
        challenge=challenge,
        by=child.iro,
        outcome=Challenge.Outcome.RESOLVED,
        outcome_impact="The child started school and is settling in.",
        on=subtract_working_days(today, 20),
    )


def _quality(users, today):
    child = Child.objects.filter(child_id="DEMO0001").first()
    if (
        child is not None
        and child.social_worker is not None
        and child.iro is not None
        and not PracticeAcknowledgement.objects.filter(child=child).exists()
    ):
        services.acknowledgement_record(
            child=child,
            by=child.iro,
            kind=PracticeAcknowledgement.Kind.GOOD_PRACTICE,
            description="Careful preparation of the child for the review.",
            impact_for_child="The child chaired part of their own review.",
            recorded_on=subtract_working_days(today, 5),
        )
    iro2 = users.get("iro2")
    if iro2 is not None and not PracticeObservation.objects.filter(iro=iro2).exists():
        services.observation_record(
            iro=iro2,
            by=users["manager"],
            observed_on=today - timedelta(days=60),
            findings="Warm, child-centred chairing; decisions written with the child.",
        )
