"""Who may see and do what: the one place every view, template and service asks.

Scoping:
- an IRO sees the children allocated to them, and those they cover as Duty IRO
  for the cover's dates (absence cover names an IRO; the duty rota covers the
  children with no IRO);
- a social worker and a team manager see their team's children;
- a senior manager of children's social care sees the children of the teams under them;
- the IRO service manager sees every child;
- the IRO service's business support see every child's name and review logistics,
  but not case notes, consultations or records;
- administrators manage users and settings and see no case data.
An object outside the user's scope is a 404 (views use get_object_or_404 on these
querysets), never a 403 that confirms it exists.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Role, User
from children.models import Child, PeriodOfCare
from iro.models import DutyCover
from reviews.models.secure import SecureReview

CASE_ROLES = frozenset(
    {
        Role.IRO,
        Role.DUTY_IRO,
        Role.IRO_MANAGER,
        Role.SOCIAL_WORKER,
        Role.TEAM_MANAGER,
        Role.SENIOR_MANAGER,
    }
)


def _child_scope(user: User, today: date) -> Q | None:
    """A filter for the children the user may see; None means every child."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.has_role(Role.IRO_MANAGER, Role.BUSINESS_SUPPORT):
        return None
    scope = Q(pk__in=[])
    if user.has_role(Role.IRO, Role.DUTY_IRO):
        scope |= Q(iro=user)
        # These lists are short: read them now, so that the database plans a plain
        # `iro_id = ...` (subqueries OR-ed in make it expect half of all children).
        # The chair of a secure accommodation review is never the child's own IRO.
        chaired = list(
            SecureReview.objects.filter(chair=user, status="planned").values_list(
                "secure_placement__child_id", flat=True
            )
        )
        if chaired:
            scope |= Q(pk__in=chaired)
        covers = list(
            DutyCover.objects.on(today)
            .filter(duty_iro=user)
            .values_list("covered_iro_id", flat=True)
        )
        covered = [iro for iro in covers if iro is not None]
        if covered:
            scope |= Q(iro__in=covered)
        if None in covers:
            scope |= Q(iro__isnull=True)
    if user.has_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER) and user.team_id:
        scope |= Q(team_id=user.team_id)
    if user.has_role(Role.SENIOR_MANAGER):
        scope |= Q(team__in=user.overseen_teams.all())
    return scope


def children_visible_to(user: User, *, today: date | None = None) -> QuerySet[Child]:
    """Return the children this user may see at all; every child view starts here."""
    scope = _child_scope(user, today or timezone.localdate())
    children = Child.objects.all()
    return children if scope is None else children.filter(scope)


def visible_child_or_404(user: User, pk, *, select_related=()) -> Child:
    """Return the child with this id if the user may see them; else raise Http404.

    The child comes back marked as within the user's scope today, so that the checks
    below asked about them while the same request is answered (child_in_scope) do
    not ask the database again.
    """
    today = timezone.localdate()
    child = get_object_or_404(
        children_visible_to(user, today=today).select_related(*select_related), pk=pk
    )
    child._in_scope_of = (user.pk, today)
    return child


def child_in_scope(user: User, child: Child) -> bool:
    """Say whether the child is among those the user may see (children_visible_to)."""
    if getattr(child, "_in_scope_of", None) == (user.pk, timezone.localdate()):
        return True
    return children_visible_to(user).filter(pk=child.pk).exists()


def periods_visible_to(user: User) -> QuerySet[PeriodOfCare]:
    """Return the periods of care of the children this user may see."""
    return PeriodOfCare.objects.filter(child__in=children_visible_to(user))


def can_see_any_children(user: User) -> bool:
    """Say whether the user has a role that works with children at all."""
    return user.is_authenticated and bool(
        user.roles & (CASE_ROLES | {Role.BUSINESS_SUPPORT})
    )


def can_read_case_record(user: User, child: Child) -> bool:
    """Say whether the user may read case notes, consultations and records."""
    return bool(user.roles & CASE_ROLES) and (child_in_scope(user, child))


def can_edit_child(user: User, child: Child) -> bool:
    """Say whether the user may change the child's details (social care and the IRO service)."""
    return user.has_role(
        Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.IRO_MANAGER
    ) and child_in_scope(user, child)


def can_view_child_audit(user: User) -> bool:
    """Say whether the user may open who viewed or changed a child's record."""
    return user.has_role(Role.IRO_MANAGER)


def can_manage_users(user: User) -> bool:
    """Say whether the user administers accounts and settings."""
    return user.is_authenticated and user.has_role(Role.ADMINISTRATOR)


# --- Reviews -----------------------------------------------------------------


def reviews_visible_to(user: User, *, today: date | None = None):
    """Return the reviews of the children this user may see."""
    from reviews.models import Review

    return Review.objects.filter(child__in=children_visible_to(user, today=today))


def acts_as_iro_for(user: User, child: Child, *, today: date | None = None) -> bool:
    """Say whether the user is the child's IRO, or the Duty IRO covering them today."""
    if not user.has_role(Role.IRO, Role.DUTY_IRO):
        return False
    if child.iro_id == user.pk:
        return True
    covers = DutyCover.objects.on(today or timezone.localdate()).filter(duty_iro=user)
    if child.iro_id is None:
        return covers.filter(covered_iro__isnull=True).exists()
    return covers.filter(covered_iro_id=child.iro_id).exists()


def is_childs_social_work_team(user: User, child: Child) -> bool:
    """Say whether the user is a social worker or team manager in the child's team."""
    return (
        user.has_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
        and user.team_id is not None
        and user.team_id == child.team_id
    )


def can_chair_review(user: User, review) -> bool:
    """The child's IRO (or the Duty IRO covering) schedules, chairs and records."""
    return acts_as_iro_for(user, review.child)


def can_prepare_review(user: User, review) -> bool:
    """The child's social worker's team captures Review Choices and the checklist."""
    return is_childs_social_work_team(user, review.child)


def can_send_for_review(user: User, review) -> bool:
    """Business support (or the child's IRO) send invitations and distribute records."""
    return user.has_role(Role.BUSINESS_SUPPORT) or can_chair_review(user, review)


def can_authorise_decisions(user: User, review) -> bool:
    """The team manager of the child's team authorises the decisions."""
    return user.has_role(Role.TEAM_MANAGER) and user.team_id == review.child.team_id


def can_authorise_out_of_timescale(user: User) -> bool:
    """Only the IRO service manager authorises a review outside its timescale."""
    return user.has_role(Role.IRO_MANAGER)


def can_edit_iro_text(user: User, review) -> bool:
    """The IRO's own text: that IRO, the Duty IRO covering, or the service manager (CA89 s.25B)."""
    return can_chair_review(user, review) or user.has_role(Role.IRO_MANAGER)


def can_read_review_case_content(user: User, review) -> bool:
    """Case content of a review (consultations, records): not business support alone."""
    return can_read_case_record(user, review.child)


def can_read_child_consultation(user: User, consultation) -> bool:
    """The child's consultation: their IRO, the Duty IRO covering, the service manager,
    and the social worker's team only if the child agreed to share it (D-CONSULT)."""
    review = consultation.review
    if can_edit_iro_text(user, review):
        return True
    if not consultation.is_childs:
        return can_read_review_case_content(user, review)
    return consultation.share_with_social_worker and is_childs_social_work_team(
        user, review.child
    )


# --- Children and allocation ---------------------------------------------------


def can_allocate_iro(user: User) -> bool:
    """The IRO service manager allocates and re-allocates IROs and sets duty cover."""
    return user.is_authenticated and user.has_role(Role.IRO_MANAGER)


def can_view_review_diary(user: User) -> bool:
    """Business support, the Duty IRO and the service manager see every scheduled review."""
    return user.is_authenticated and user.has_role(
        Role.BUSINESS_SUPPORT, Role.DUTY_IRO, Role.IRO_MANAGER
    )


def can_record_significant_event(user: User, child: Child) -> bool:
    """The child's social-work team (and the IRO service manager) notify the IRO."""
    return is_childs_social_work_team(user, child) or (
        user.has_role(Role.IRO_MANAGER) and child_in_scope(user, child)
    )


def can_decide_significant_event(user: User, child: Child) -> bool:
    """The child's IRO, the Duty IRO covering, or the service manager decides."""
    return acts_as_iro_for(user, child) or user.has_role(Role.IRO_MANAGER)


def can_exchange_903(user: User) -> bool:
    """The IRO service manager imports and exports SSDA903 files."""
    return user.is_authenticated and user.has_role(Role.IRO_MANAGER)


# --- Challenges, disputes and quality of practice ----------------------------------


def _as_iro_children(user: User, today: date) -> Q:
    """A Child filter: the children the user is the IRO for, or covers as Duty IRO."""
    if not user.has_role(Role.IRO, Role.DUTY_IRO):
        return Q(pk__in=[])
    # Read the (short) list of covers now, as _child_scope does: a subquery OR-ed in
    # makes the database expect half of all children and read the whole table.
    covers = list(
        DutyCover.objects.on(today)
        .filter(duty_iro=user)
        .values_list("covered_iro_id", flat=True)
    )
    scope = Q(iro=user)
    covered = [iro for iro in covers if iro is not None]
    if covered:
        scope |= Q(iro__in=covered)
    if None in covers:
        scope |= Q(iro__isnull=True)
    return scope


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
    stage sees that challenge. Business support and administrators see none.
    """
    from disputes.models import Challenge, ChallengeStage

    if not user.is_authenticated or not user.is_active:
        return Challenge.objects.none()
    if user.has_role(Role.IRO_MANAGER):
        return Challenge.objects.all()
    today = today or timezone.localdate()
    scope = Q(pk__in=ChallengeStage.objects.filter(owner=user).values("challenge")) | Q(
        child__in=Child.objects.filter(_as_iro_children(user, today))
    )
    if user.has_role(Role.IRO, Role.DUTY_IRO):
        scope |= Q(raised_by=user)
    if user.has_role(Role.SOCIAL_WORKER):
        scope |= Q(child__social_worker=user)
    if user.has_role(Role.TEAM_MANAGER) and user.team_id:
        scope |= Q(child__team_id=user.team_id) | Q(team_at_time_id=user.team_id)
    if user.has_role(Role.SENIOR_MANAGER):
        teams = user.overseen_teams.values("pk")
        scope |= Q(child__team__in=teams) | Q(team_at_time__in=teams)
    return Challenge.objects.filter(scope)


def can_raise_challenge(user: User, child: Child) -> bool:
    """The child's IRO, the Duty IRO covering, or the IRO service manager raises one."""
    return acts_as_iro_for(user, child) or (
        user.has_role(Role.IRO_MANAGER) and user.is_active
    )


def can_act_as_iro_on_challenge(user: User, challenge) -> bool:
    """Escalate, extend, resolve or refer to Cafcass: the IRO's decisions (IROH ch. 6)."""
    return (
        challenge.raised_by_id == user.pk and user.has_role(Role.IRO, Role.DUTY_IRO)
    ) or can_raise_challenge(user, challenge.child)


def can_respond_to_challenge(user: User, challenge) -> bool:
    """Only the owner of the stage the challenge is at responds."""
    from disputes.models import Challenge

    stage = challenge.current_stage
    return (
        challenge.can(Challenge.Action.RESPOND)
        and stage is not None
        and stage.owner_id == user.pk
    )


def can_comment_on_challenge(user: User, challenge) -> bool:
    """Everyone who may see a challenge may add a comment (never change its text)."""
    return challenges_visible_to(user).filter(pk=challenge.pk).exists()


def acknowledgements_visible_to(user: User, *, today: date | None = None):
    """Quality of practice: the IRO service, the worker (own) and their team manager."""
    from disputes.models import PracticeAcknowledgement

    if not user.is_authenticated or not user.is_active:
        return PracticeAcknowledgement.objects.none()
    if user.has_role(Role.IRO_MANAGER):
        return PracticeAcknowledgement.objects.all()
    today = today or timezone.localdate()
    scope = Q(child__in=Child.objects.filter(_as_iro_children(user, today)))
    if user.has_role(Role.IRO, Role.DUTY_IRO):
        scope |= Q(recorded_by=user)
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


# --- Background work ------------------------------------------------------------


def can_view_background_jobs(user: User) -> bool:
    """The IRO service manager and administrators see and retry background work."""
    return user.is_authenticated and user.has_role(Role.IRO_MANAGER, Role.ADMINISTRATOR)


# --- Documents (reporting): stored PDFs and their translations -------------------


def documents_visible_to(user: User):
    """Return the stored documents of the children this user may see at all."""
    from documents.models import Document

    return Document.objects.filter(child__in=children_visible_to(user))


def can_download_document(user: User, document) -> bool:
    """Records: case readers, and business support once finalised, to send them;
    letters, forms and IRO letters: case readers and business support."""
    if can_read_case_record(user, document.child):
        return True
    if not user.has_role(Role.BUSINESS_SUPPORT):
        return False
    if document.is_record:
        record = getattr(document.review, "record", None)
        return record is not None and record.finalised_on is not None
    return True


def can_make_documents(user: User, review) -> bool:
    """The child's IRO (or the Duty IRO covering), the service manager and business support."""
    return can_send_for_review(user, review) or can_edit_iro_text(user, review)


def can_attach_translation(user: User, review) -> bool:
    """Whoever sends the record (business support, the IRO) attaches its translations."""
    return can_make_documents(user, review)


def can_make_iro_letters(user: User, allocation) -> bool:
    """The allocation's IRO, the Duty IRO covering, the service manager, business support."""
    return (
        allocation.iro_id == user.pk
        or acts_as_iro_for(user, allocation.child)
        or user.has_role(Role.IRO_MANAGER, Role.BUSINESS_SUPPORT)
    )


def can_comment_on_review(user: User, review) -> bool:
    """Social care staff of the child's team comment on the IRO's text; never overwrite it."""
    return (
        is_childs_social_work_team(user, review.child)
        or user.has_role(Role.SENIOR_MANAGER)
        and (children_visible_to(user).filter(pk=review.child_id).exists())
    )


def can_nominate_secure_chair(user: User) -> bool:
    """The IRO service manager nominates the chair of a secure accommodation review."""
    return user.has_role(Role.IRO_MANAGER)


def can_record_secure_review(user: User, secure_review) -> bool:
    """Only the nominated chair records the panel's findings."""
    return secure_review.chair_id == user.pk


# --- Dashboards and the annual report ----------------------------------------------


def can_view_service_dashboard(user: User) -> bool:
    """The IRO service manager (every child), a team manager (their team) and a senior
    manager (the teams under them) see the dashboard of figures."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.has_role(Role.IRO_MANAGER, Role.SENIOR_MANAGER) or (
        user.has_role(Role.TEAM_MANAGER) and user.team_id is not None
    )


def can_view_iro_dashboard(user: User) -> bool:
    """An IRO (or Duty IRO) sees the dashboard of their own caseload and work."""
    return user.is_authenticated and user.has_role(Role.IRO, Role.DUTY_IRO)


def can_view_annual_report(user: User) -> bool:
    """The IRO service manager writes the annual report from the service's figures."""
    return user.is_authenticated and user.has_role(Role.IRO_MANAGER)


def dashboard_teams(user: User):
    """The teams whose figures the user may filter on; None means every team."""
    if user.has_role(Role.IRO_MANAGER):
        return None
    from accounts.models import Team

    if user.has_role(Role.SENIOR_MANAGER):
        return user.overseen_teams.all()
    return Team.objects.filter(pk=user.team_id)


def dashboard_scope(user: User):
    """The children whose figures the user sees on a dashboard; None means every child."""
    if user.has_role(Role.IRO_MANAGER):
        return None
    return children_visible_to(user)


def can_export_child_record(user: User) -> bool:
    """The IRO service manager may download a child's whole record with its audit trail
    (a subject access request); the child must still be in their scope."""
    return user.is_authenticated and user.has_role(Role.IRO_MANAGER)
