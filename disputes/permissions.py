"""Challenges, disputes and quality of practice: who sees them and who acts on them."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import CASE_ROLES
from children.models import Child
from iro.permissions import acts_as_iro_for, as_iro_children

CHALLENGE_ROLES = frozenset(CASE_ROLES)

PRACTICE_ROLES = frozenset(
    {Role.IRO, Role.DUTY_IRO, Role.IRO_MANAGER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
)


def can_see_challenges(user: User) -> bool:
    """Say whether the user works with challenges at all (not business support)."""
    return user.is_authenticated and bool(user.roles & CHALLENGE_ROLES)


def can_see_acknowledgements(user: User) -> bool:
    """Say whether the user may see practice acknowledgements at all."""
    return user.is_authenticated and bool(user.roles & PRACTICE_ROLES)


def challenges_visible_to(user: User, *, today: date | None = None):
    """Return the challenges this user may see (IRO service, the child's social care).

    The IRO and Duty IRO see their own and covered children's; the IRO service manager
    sees all; a social worker sees only their own children's (to read and comment); a
    team manager their team's; a senior manager their teams'; anyone who answers a
    stage sees that challenge. Business support and administrators see none. Access
    follows the child's current IRO, worker and team: an IRO moved off the child, or a
    team the child has left, keeps none (need to know), unless they own a stage.
    """
    from disputes.models import Challenge, ChallengeStage

    if not user.is_authenticated or not user.is_active:
        return Challenge.objects.none()
    if user.has_role(Role.IRO_MANAGER):
        return Challenge.objects.all()
    today = today or timezone.localdate()
    scope = Q(pk__in=ChallengeStage.objects.filter(owner=user).values("challenge")) | Q(
        child__in=Child.objects.filter(as_iro_children(user, today))
    )
    if user.has_role(Role.SOCIAL_WORKER):
        scope |= Q(child__social_worker=user)
    if user.has_role(Role.TEAM_MANAGER) and user.team_id:
        scope |= Q(child__team_id=user.team_id)
    if user.has_role(Role.SENIOR_MANAGER):
        scope |= Q(child__team__in=user.overseen_teams.values("pk"))
    return Challenge.objects.filter(scope)


def can_raise_challenge(user: User, child: Child) -> bool:
    """The child's IRO, the Duty IRO covering, or the IRO service manager raises one."""
    return acts_as_iro_for(user, child) or (
        user.has_role(Role.IRO_MANAGER) and user.is_active
    )


def can_act_as_iro_on_challenge(user: User, challenge) -> bool:
    """Escalate, extend, resolve or refer to Cafcass: the IRO's decisions (IROH ch. 6),
    taken by the child's IRO now (or the Duty IRO covering, or the service manager),
    not by an IRO who has since been moved off the child."""
    return can_raise_challenge(user, challenge.child)


def can_respond_to_challenge(user: User, challenge) -> bool:
    """Only the owner of the stage the challenge is at responds."""
    from disputes.models import Challenge

    stage = challenge.current_stage
    return (
        challenge.can(Challenge.Action.RESPOND)
        and stage is not None
        and stage.owner_id == user.pk
    )


def can_correct_challenge_response(user: User, stage) -> bool:
    """Whoever gave a stage's response, or the stage's owner, corrects it while the
    challenge is open (D8)."""
    return (
        user.is_authenticated
        and user.is_active
        and stage.challenge.is_open
        and stage.responded_at is not None
        and user.pk in {stage.owner_id, stage.responded_by_id}
    )


def can_comment_on_challenge(user: User, challenge) -> bool:
    """Everyone who may see a challenge may add a comment (never change its text)."""
    return challenges_visible_to(user).filter(pk=challenge.pk).exists()


def acknowledgements_visible_to(user: User, *, today: date | None = None):
    """Quality of practice: the IRO service, the child's IRO now, the worker (their own)
    and their team manager. An IRO moved off the child keeps none of its notes."""
    from disputes.models import PracticeAcknowledgement

    if not user.is_authenticated or not user.is_active:
        return PracticeAcknowledgement.objects.none()
    if user.has_role(Role.IRO_MANAGER):
        return PracticeAcknowledgement.objects.all()
    today = today or timezone.localdate()
    scope = Q(child__in=Child.objects.filter(as_iro_children(user, today)))
    if user.has_role(Role.SOCIAL_WORKER):
        scope |= Q(worker=user)
    if user.has_role(Role.TEAM_MANAGER):
        scope |= Q(team_manager=user)
        if user.team_id:
            scope |= Q(team_id=user.team_id)
    return PracticeAcknowledgement.objects.filter(scope)


def can_record_acknowledgement(user: User, child: Child) -> bool:
    """The child's IRO or the Duty IRO covering writes practice acknowledgements."""
    return acts_as_iro_for(user, child)


def can_run_iro_quality_assurance(user: User) -> bool:
    """The IRO service manager observes IROs and audits their cases."""
    return user.is_authenticated and user.has_role(Role.IRO_MANAGER)


def observations_visible_to(user: User):
    """Practice observations: the service manager sees all, an IRO their own."""
    from disputes.models import PracticeObservation

    if can_run_iro_quality_assurance(user):
        return PracticeObservation.objects.all()
    if user.is_authenticated and user.has_role(Role.IRO):
        return PracticeObservation.objects.filter(iro=user)
    return PracticeObservation.objects.none()


def case_audits_visible_to(user: User):
    """Case audits: the service manager sees all, an IRO those of their own work."""
    from disputes.models import CaseAudit

    if can_run_iro_quality_assurance(user):
        return CaseAudit.objects.all()
    if user.is_authenticated and user.has_role(Role.IRO):
        return CaseAudit.objects.filter(iro=user)
    return CaseAudit.objects.none()
