"""Who may see and do what: the one place every view, template and service asks.

Scoping follows domain.md §2.3 and the foundation issue:
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
from django.utils import timezone

from accounts.models import Role, User
from children.models import Child, PeriodOfCare
from iro.models import DutyCover

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
        covers = DutyCover.objects.on(today).filter(duty_iro=user)
        scope |= Q(
            iro__in=covers.filter(covered_iro__isnull=False).values("covered_iro")
        )
        if covers.filter(covered_iro__isnull=True).exists():
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
    return bool(user.roles & CASE_ROLES) and (
        children_visible_to(user).filter(pk=child.pk).exists()
    )


def can_edit_child(user: User, child: Child) -> bool:
    """Say whether the user may change the child's details (social care and the IRO service)."""
    return (
        user.has_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.IRO_MANAGER)
        and children_visible_to(user).filter(pk=child.pk).exists()
    )


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
    """The IRO's own text: that IRO, the Duty IRO covering, or the service manager (§2.1)."""
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
