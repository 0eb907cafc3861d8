"""Every write to challenges and quality of practice goes through these services.

One service per verb, each in one transaction: it checks the action is allowed
(Challenge.ALLOWED_ACTIONS), calls full_clean(), writes a ChallengeEvent row and
notifies the people concerned. Permission checks (who may call which) are the
views' job, through accounts.permissions.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from children.models import Child
from core import dates
from core.notifications import notify
from disputes import stage_owners, timers
from disputes.models import (
    INFORMAL_STAGE,
    LAST_STAGE,
    CafcassReferral,
    CaseAudit,
    Category,
    Challenge,
    ChallengeEvent,
    ChallengeResponseCorrection,
    ChallengeStage,
    PracticeAcknowledgement,
    PracticeObservation,
    stage_name,
)
from reviews.models import Review
from reviews.services.transitions import review_dispute_decisions
from reviews.timescales import long_date

Action = Challenge.Action

NEEDS_SKIP_REASON = "Enter why you are skipping {stages}"
NO_OWNER = "Nobody is set up to answer {stage} for {team}: choose who should answer it, or ask an administrator to set up the {kind}"
WRONG_OWNER = "{person} cannot answer {stage}: choose a {kind} for the child's team"
NOT_ALLOWED = "A challenge that is {status} cannot be {action}"
NEEDS_CAFCASS = (
    "Record the Cafcass referral before closing the challenge with this outcome"
)


# --- Challenges ------------------------------------------------------------------


def _refuse_implausible(checks: dict) -> None:
    """Raise ValidationError({field: message}) for the dates outside their range (core.dates)."""
    errors = dates.problems(checks)
    if errors:
        raise ValidationError(errors)


def _happened(child: Child) -> dates.Window:
    return dates.happened(today=timezone.localdate(), born=child.date_of_birth)


@transaction.atomic
def challenge_raise(
    *,
    child: Child,
    by: User,
    category: str,
    description: str,
    impact_for_child: str,
    raised_on: date,
    stage: int = INFORMAL_STAGE,
    owner: User | None = None,
    skip_reason: str = "",
    sub_reasons: Iterable[str] = (),
    review=None,
    rd_item_reference: str = "",
) -> Challenge:
    """Raise a challenge on a child's care, at informal resolution or any formal stage."""
    _check_stage_number(stage)
    _refuse_implausible({"raised_on": ("Date raised", raised_on, _happened(child))})
    formal = stage > INFORMAL_STAGE
    challenge = Challenge(
        child=child,
        review=review,
        rd_item_reference=rd_item_reference,
        category=category,
        sub_reasons=list(sub_reasons),
        description=description,
        impact_for_child=impact_for_child,
        team_at_time=child.team,
        social_worker_at_time=child.social_worker,
        raised_by=by,
        raised_on=raised_on,
        level=Challenge.Level.FORMAL if formal else Challenge.Level.INFORMAL,
        stage=stage,
        formal_started_on=raised_on if formal else None,
        status=Challenge.ACTION_RESULT[Action.RAISE],
    )
    if review is not None and review.child_id != child.pk:
        raise ValidationError({"review": "Choose one of this child's reviews"})
    owner = _owner_for(stage, challenge.team_at_time, owner)
    skipped = range(INFORMAL_STAGE, stage)
    _require_skip_reason(skipped, skip_reason, field="skip_reason")
    challenge.full_clean()
    challenge.save()
    _event(challenge, Action.RAISE, by, note=description)
    _skip_stages(challenge, skipped, skip_reason, by)
    started = _stage_start(challenge, stage, owner, raised_on)
    _notify_stage_owner(challenge, started, by)
    if not formal and child.social_worker and child.social_worker != owner:
        notify(
            child.social_worker,
            f"{by} raised a concern about {child.full_name}'s care",
            challenge.get_absolute_url(),
        )
    return challenge


@transaction.atomic
def challenge_respond(*, challenge: Challenge, by: User, response: str) -> Challenge:
    """Record the stage owner's response; the IRO then escalates or resolves."""
    challenge = _lock(challenge, Action.RESPOND)
    stage = _current_stage(challenge)
    if stage.owner_id != by.pk:
        raise ValidationError(f"Only {stage.owner} can respond at {stage.name}")
    if not response.strip():
        raise ValidationError({"response": "Enter your response"})
    stage.response = response
    stage.responded_by = by
    stage.responded_at = timezone.now()
    stage.full_clean()
    stage.save()
    _move(challenge, Action.RESPOND)
    _event(challenge, Action.RESPOND, by, note=response)
    notify(
        challenge.raised_by,
        f"{by} responded to the challenge about {challenge.child.full_name} ({stage.name})",
        challenge.get_absolute_url(),
    )
    return challenge


@transaction.atomic
def challenge_escalate(
    *,
    challenge: Challenge,
    by: User,
    to_stage: int,
    on: date,
    owner: User | None = None,
    reason: str = "",
) -> Challenge:
    """Move the challenge up to a higher stage; skipping a stage needs a reason."""
    challenge = _lock(challenge, Action.ESCALATE)
    _check_stage_number(to_stage)
    if to_stage <= challenge.stage:
        raise ValidationError(
            {"to_stage": f"Choose a stage after {stage_name(challenge.stage)}"}
        )
    owner = _owner_for(to_stage, challenge.team_at_time, owner)
    skipped = range(challenge.stage + 1, to_stage)
    _require_skip_reason(skipped, reason, field="reason")
    current = _current_stage(challenge)
    _end_stage(current, on)
    if challenge.level == Challenge.Level.INFORMAL:
        challenge.level = Challenge.Level.FORMAL
        challenge.formal_started_on = on
    from_stage = challenge.stage
    challenge.stage = to_stage
    _move(challenge, Action.ESCALATE)
    _event(
        challenge,
        Action.ESCALATE,
        by,
        note=f"From {stage_name(from_stage)} to {stage_name(to_stage)}. {reason}".strip(),
    )
    _skip_stages(challenge, skipped, reason, by)
    started = _stage_start(challenge, to_stage, owner, on)
    _notify_stage_owner(challenge, started, by)
    return challenge


@transaction.atomic
def challenge_extend(
    *, challenge: Challenge, by: User, extend_to: date, reason: str
) -> Challenge:
    """Give the stage owner more time, with a reason (D3)."""
    challenge = _lock(challenge, Action.EXTEND)
    stage = _current_stage(challenge)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why you are giving more time"})
    # The current stage always has a due date (_stage_start sets it).
    if extend_to <= stage.effective_due_on:  # type: ignore[operator]
        raise ValidationError(
            {
                "extend_to": f"New date must be after {long_date(stage.effective_due_on)}, the date now due"  # type: ignore[arg-type]
            }
        )
    _refuse_implausible(
        {
            "extend_to": (
                "New date for the response",
                extend_to,
                dates.planned(
                    today=timezone.localdate(),
                    earliest=stage.effective_due_on,  # type: ignore[arg-type]
                    since="the date now due",
                ),
            )
        }
    )
    stage.extended_to = extend_to
    stage.extension_reason = reason
    stage.full_clean()
    stage.save(update_fields=["extended_to", "extension_reason"])
    _move(challenge, Action.EXTEND)
    _event(
        challenge,
        Action.EXTEND,
        by,
        note=f"Extended to {long_date(extend_to)}: {reason}",
    )
    notify(
        stage.owner,
        f"More time to respond to the challenge about {challenge.child.full_name}: "
        f"now due by {long_date(extend_to)}",
        challenge.get_absolute_url(),
    )
    return challenge


@transaction.atomic
def challenge_resolve(
    *, challenge: Challenge, by: User, outcome: str, outcome_impact: str, on: date
) -> Challenge:
    """Close the challenge with its outcome and the impact for the child (D4)."""
    challenge = _lock(challenge, Action.RESOLVE)
    if (
        outcome == Challenge.Outcome.NOT_RESOLVED_CAFCASS
        and not challenge.cafcass_referrals.exists()
    ):
        raise ValidationError({"outcome": NEEDS_CAFCASS})
    if not outcome_impact.strip():
        raise ValidationError({"outcome_impact": "Enter the impact for the child"})
    stage = _current_stage(challenge)
    _end_stage(stage, on)
    challenge.outcome = outcome
    challenge.outcome_impact = outcome_impact
    challenge.closed_on = on
    _move(challenge, Action.RESOLVE)
    _event(
        challenge,
        Action.RESOLVE,
        by,
        note=f"{challenge.get_outcome_display()}. {outcome_impact}",
    )
    for person in {stage.owner, challenge.child.social_worker} - {None, by}:
        notify(
            person,
            f"The challenge about {challenge.child.full_name} is closed: "
            f"{challenge.get_outcome_display().lower()}",
            challenge.get_absolute_url(),
        )
    return challenge


RESPONSE_CLOSED = "The challenge is closed: its responses can no longer be corrected"
NO_RESPONSE = "There is no response at {stage} to correct yet"
NOT_RESPONDER = "Only {person}, who answers {stage}, can correct its response"


@transaction.atomic
def challenge_response_correct(
    *, stage: ChallengeStage, by: User, response: str, reason: str
) -> ChallengeResponseCorrection | None:
    """Put right a stage's response, with a reason, while the challenge is open (D8).

    Whoever gave it, or the stage's owner, corrects it; the old text is kept in the
    correction and the challenge's history. None when the text is as it was.
    """
    challenge = Challenge.objects.select_for_update().get(pk=stage.challenge_id)
    stage = challenge.stages.select_for_update().get(pk=stage.pk)
    if not challenge.is_open:
        raise ValidationError(RESPONSE_CLOSED)
    if stage.responded_at is None:
        raise ValidationError(NO_RESPONSE.format(stage=stage.name.lower()))
    if by.pk not in {stage.owner_id, stage.responded_by_id}:
        raise ValidationError(
            NOT_RESPONDER.format(person=stage.owner, stage=stage.name.lower())
        )
    if not response.strip():
        raise ValidationError({"response": "Enter the corrected response"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why you are correcting the response"})
    if response == stage.response:
        return None
    correction = ChallengeResponseCorrection.objects.create(
        stage=stage, before=stage.response, after=response, reason=reason, by=by
    )
    stage.response = response
    stage.full_clean()
    stage.save(update_fields=["response"])
    _event(
        challenge,
        Action.CORRECT_RESPONSE,
        by,
        note=f"{reason}\nIt said: {correction.before}\nIt now says: {response}",
        stage=stage.number,
    )
    if challenge.raised_by != by:
        notify(
            challenge.raised_by,
            f"{by} corrected their response to the challenge about "
            f"{challenge.child.full_name} ({stage.name})",
            challenge.get_absolute_url(),
        )
    return correction


@transaction.atomic
def challenge_comment(*, challenge: Challenge, by: User, note: str) -> ChallengeEvent:
    """Add a comment to the challenge's history (social workers comment, never edit)."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not note.strip():
        raise ValidationError({"note": "Enter your comment"})
    event = _event(challenge, Action.COMMENT, by, note=note)
    if challenge.raised_by != by:
        notify(
            challenge.raised_by,
            f"{by} commented on the challenge about {challenge.child.full_name}",
            challenge.get_absolute_url(),
        )
    return event


@transaction.atomic
def cafcass_referral_record(
    *,
    challenge: Challenge,
    by: User,
    referred_on: date,
    reason: str,
    outcome: str = "",
) -> CafcassReferral:
    """Record a referral to Cafcass, at any point of the challenge (CA89 s25B(3))."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    _refuse_implausible(
        {
            "referred_on": (
                "Date referred to Cafcass",
                referred_on,
                _happened(challenge.child),
            )
        }
    )
    referral = CafcassReferral(
        challenge=challenge,
        referred_on=referred_on,
        reason=reason,
        outcome=outcome,
        outcome_recorded_on=referred_on if outcome else None,
        recorded_by=by,
    )
    referral.full_clean()
    referral.save()
    _event(challenge, Action.CAFCASS, by, note=f"{long_date(referred_on)}: {reason}")
    return referral


@transaction.atomic
def cafcass_referral_outcome_record(
    *, referral: CafcassReferral, by: User, outcome: str, on: date
) -> CafcassReferral:
    """Record what came of a Cafcass referral."""
    referral = CafcassReferral.objects.select_for_update().get(pk=referral.pk)
    if not outcome.strip():
        raise ValidationError({"outcome": "Enter the outcome of the referral"})
    # DR-9: recorded today or in the past, and not before the referral.
    _refuse_implausible(
        {
            "outcome_recorded_on": (
                "Date of the outcome",
                on,
                dates.happened(
                    today=timezone.localdate(),
                    born=referral.referred_on,
                    since="the date it was referred to Cafcass",
                ),
            )
        }
    )
    referral.outcome = outcome
    referral.outcome_recorded_on = on
    referral.full_clean()
    referral.save()
    _event(referral.challenge, Action.CAFCASS_OUTCOME, by, note=outcome)
    return referral


# --- Quality of practice -----------------------------------------------------------


@transaction.atomic
def acknowledgement_record(
    *,
    child: Child,
    by: User,
    kind: str,
    description: str,
    impact_for_child: str,
    recorded_on: date,
) -> PracticeAcknowledgement:
    """Acknowledge good practice or an area for improvement; tell the worker and their manager."""
    worker = child.social_worker
    if worker is None:
        raise ValidationError(
            "The child has no social worker: allocate one before recording this"
        )
    team = worker.team or child.team
    manager = stage_owners.stage_candidates(1, team).first() if team else None
    acknowledgement = PracticeAcknowledgement(
        child=child,
        kind=kind,
        worker=worker,
        team=team,
        team_manager=manager,
        description=description,
        impact_for_child=impact_for_child,
        recorded_on=recorded_on,
        recorded_by=by,
        shared_with_tm_on=recorded_on if manager else None,
    )
    acknowledgement.full_clean()
    acknowledgement.save()
    label = acknowledgement.get_kind_display().lower()
    url = acknowledgement.get_absolute_url()
    notify(worker, f"{by} recorded {label} in your work with {child.full_name}", url)
    if manager is not None:
        notify(manager, f"{by} recorded {label} for {worker} ({child.full_name})", url)
    return acknowledgement


@transaction.atomic
def observation_record(
    *,
    iro: User,
    by: User,
    observed_on: date,
    findings: str,
    actions_agreed: str = "",
    review=None,
) -> PracticeObservation:
    """Record the service manager's observation of an IRO's practice."""
    if not iro.has_role(Role.IRO):
        raise ValidationError({"iro": "Choose an IRO"})
    _refuse_implausible(
        {
            "observed_on": (
                "Date of the observation",
                observed_on,
                dates.recent(today=timezone.localdate()),
            )
        }
    )
    observation = PracticeObservation(
        iro=iro,
        observed_on=observed_on,
        review=review,
        findings=findings,
        actions_agreed=actions_agreed,
        recorded_by=by,
    )
    observation.full_clean()
    observation.save()
    notify(iro, f"{by} recorded an observation of your practice", "")
    return observation


@transaction.atomic
def audit_record(
    *,
    child: Child,
    by: User,
    audited_on: date,
    findings: str,
    grade: str = "",
    actions_agreed: str = "",
) -> CaseAudit:
    """Record the service manager's audit of the IRO's work on one child's case."""
    _refuse_implausible(
        {"audited_on": ("Date of the audit", audited_on, _happened(child))}
    )
    audit = CaseAudit(
        child=child,
        iro=child.iro,
        audited_on=audited_on,
        grade=grade,
        findings=findings,
        actions_agreed=actions_agreed,
        recorded_by=by,
    )
    audit.full_clean()
    audit.save()
    if child.iro is not None:
        notify(child.iro, f"{by} audited your work on {child.full_name}'s case", "")
    return audit


# --- Helpers -----------------------------------------------------------------------


def _lock(challenge: Challenge, action: str) -> Challenge:
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not challenge.can(action):
        status = challenge.get_status_display().split(":")[0].lower()
        raise ValidationError(
            NOT_ALLOWED.format(status=status, action=Action(action).label.lower())
        )
    return challenge


def _move(challenge: Challenge, action: str) -> None:
    challenge.status = Challenge.ACTION_RESULT[action]
    challenge.full_clean()
    challenge.save()


def _current_stage(challenge: Challenge) -> ChallengeStage:
    return challenge.stages.select_for_update().get(
        number=challenge.stage, skipped=False
    )


def _end_stage(stage: ChallengeStage, on: date) -> None:
    """A stage ends on a day from its start to today (D-END, with DR-9's window)."""
    window = dates.happened(
        today=timezone.localdate(),
        born=stage.started_on,  # type: ignore[arg-type]
        since=f"the day {stage_name(stage.number)} started",
    )
    message = dates.problem("the date this stage ends", on, window)
    if message:
        raise ValidationError(message)
    stage.ended_on = on
    stage.save(update_fields=["ended_on"])


def _check_stage_number(stage: int) -> None:
    if not INFORMAL_STAGE <= stage <= LAST_STAGE:
        raise ValidationError({"stage": "Choose a stage from 0 to 4"})


def _owner_for(stage: int, team, owner: User | None) -> User:
    """Return the chosen owner if they may answer the stage, else the default one."""
    kind = stage_owners.owner_kind_label(stage).lower()
    candidates = stage_owners.stage_candidates(stage, team)
    if owner is None:
        owner = candidates.first()
        if owner is None:
            raise ValidationError(
                {
                    "owner": NO_OWNER.format(
                        stage=stage_name(stage).lower(),
                        team=team or "a child with no team",
                        kind=kind,
                    )
                }
            )
        return owner
    if not candidates.filter(pk=owner.pk).exists():
        raise ValidationError(
            {
                "owner": WRONG_OWNER.format(
                    person=owner, stage=stage_name(stage).lower(), kind=kind
                )
            }
        )
    return owner


def _require_skip_reason(numbers: range, reason: str, *, field: str) -> None:
    """Skipping a stage needs a reason (D2)."""
    if numbers and not reason.strip():
        names = " and ".join(stage_name(n).lower() for n in numbers)
        raise ValidationError({field: NEEDS_SKIP_REASON.format(stages=names)})


def _skip_stages(challenge: Challenge, numbers: range, reason: str, by: User) -> None:
    for number in numbers:
        ChallengeStage.objects.create(
            challenge=challenge, number=number, skipped=True, skip_reason=reason
        )
        _event(challenge, Action.SKIP, by, note=reason, stage=number)


def _stage_start(
    challenge: Challenge, number: int, owner: User, on: date
) -> ChallengeStage:
    deadline = timers.stage_deadline(
        number, on, formal_started_on=challenge.formal_started_on
    )
    stage = ChallengeStage(
        challenge=challenge,
        number=number,
        owner=owner,
        started_on=on,
        due_on=deadline.date,
        due_rule=timers.explain_date(deadline),
    )
    stage.full_clean()
    stage.save()
    return stage


def _notify_stage_owner(challenge: Challenge, stage: ChallengeStage, by: User) -> None:
    notify(
        stage.owner,
        f"{by} raised a challenge about {challenge.child.full_name} for you to answer "
        f"({stage.name}) by {long_date(stage.due_on)}",  # type: ignore[arg-type]  # set by _stage_start
        challenge.get_absolute_url(),
    )


def _event(
    challenge: Challenge,
    action: str,
    by: User | None,
    *,
    note: str = "",
    stage: int | None = None,
) -> ChallengeEvent:
    return ChallengeEvent.objects.create(
        challenge=challenge,
        action=action,
        stage=challenge.stage if stage is None else stage,
        by=by,
        note=note,
    )


@transaction.atomic
def decisions_dispute(
    *, review: Review, by: User, today: date, disagreement: str
) -> Review:
    """The team manager disagrees with the decisions: the review records it and an
    informal challenge opens between the IRO and the team manager (T17)."""
    review = review_dispute_decisions(
        review=review, by=by, today=today, disagreement=disagreement
    )
    _open_informal_challenge(review, by=by, disagreement=disagreement, today=today)
    return review


def _open_informal_challenge(
    review: Review, *, by: User, disagreement: str, today: date
) -> None:
    """Open informal resolution between the IRO and the team manager (T17; IROH 6.1).

    The IRO drives a challenge, so it is raised in the IRO's name with the team
    manager as the stage owner; the team manager's words are its description.
    """
    iro = review.child.iro
    if iro is None:
        return
    challenge_raise(
        child=review.child,
        by=iro,
        category=Category.OTHER,
        description=f"{by} disagreed with the review's decisions: {disagreement}",
        impact_for_child="The decisions from the review are not yet agreed.",
        raised_on=today,
        owner=by,
        review=review,
    )
