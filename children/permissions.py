"""Who may see a child at all, and the rules about the register's own records.

Scoping:
- an IRO sees the children allocated to them, and those they cover as Duty IRO
  for the cover's dates (iro.permissions adds the covers to the scope) and those whose
  secure accommodation review they chair (reviews.permissions adds those);
- a social worker and a team manager see their team's children;
- a senior manager of children's social care sees the children of the teams under them;
- the IRO service manager sees every child;
- the IRO service's business support see every child's name and review logistics,
  but not case notes, consultations or records;
- administrators manage users and settings and see no case data.
An object outside the user's scope is a 404 (views use get_object_or_404 on these
querysets), never a 403 that confirms it exists.

Apps above children widen the scope through `register_scope` in their
AppConfig.ready(): a scope extension is `extension(user, today) -> Q | None`, a filter
on Child for the children the user may see because of something that app holds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import CASE_ROLES
from children.models import Child

ScopeExtension = Callable[[User, date], Q | None]
_scope_extensions: list[ScopeExtension] = []
# Extensions that open a child's page but not their case record (the chair of a secure
# accommodation review sees what the panel needs: D-NTK).
_without_case_record: list[ScopeExtension] = []


def register_scope(extension: ScopeExtension, *, case_record: bool = True) -> None:
    """Widen every user's scope of children by a filter a higher app works out.

    case_record=False: the children it adds are seen, but their case record is not
    read (can_read_case_record says no unless another reason lets the user in).
    """
    if extension not in _scope_extensions:
        _scope_extensions.append(extension)
    if not case_record and extension not in _without_case_record:
        _without_case_record.append(extension)


def _child_scope(
    user: User, today: date, *, case_record_only: bool = False
) -> Q | None:
    """A filter for the children the user may see; None means every child.

    case_record_only: leave out the extensions that do not open the case record.
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.has_role(Role.IRO_MANAGER, Role.BUSINESS_SUPPORT):
        return None
    scope = Q(pk__in=[])
    if user.has_role(Role.IRO, Role.DUTY_IRO):
        scope |= Q(iro=user)
    for extension in _scope_extensions:
        if case_record_only and extension in _without_case_record:
            continue
        extra = extension(user, today)
        if extra is not None:
            scope |= extra
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


def can_see_any_children(user: User) -> bool:
    """Say whether the user has a role that works with children at all."""
    return user.is_authenticated and bool(
        user.roles & (CASE_ROLES | {Role.BUSINESS_SUPPORT})
    )


def can_read_case_record(user: User, child: Child) -> bool:
    """Say whether the user may read case notes, consultations and records: a case
    role, and the child in scope for a reason that opens the case record (the chair of
    the child's secure accommodation review alone does not: D-NTK)."""
    if not (user.roles & CASE_ROLES and child_in_scope(user, child)):
        return False
    today = timezone.localdate()
    if not _reaches_without_case_record(user, today):
        return True
    scope = _child_scope(user, today, case_record_only=True)
    return scope is None or Child.objects.filter(scope, pk=child.pk).exists()


def _reaches_without_case_record(user: User, today: date) -> bool:
    """Whether an extension that opens no case record reaches any child for the user;
    worked out once per user object and day (a page asks for each row it shows)."""
    cached = user.__dict__.get("_reaches_without_case_record")
    if cached is not None and cached[0] == today:
        return cached[1]
    reaches = any(
        extension(user, today) is not None for extension in _without_case_record
    )
    user.__dict__["_reaches_without_case_record"] = (today, reaches)
    return reaches


def can_edit_child(user: User, child: Child) -> bool:
    """Say whether the user may change the child's details (social care and the IRO service)."""
    return user.has_role(
        Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.IRO_MANAGER
    ) and child_in_scope(user, child)


def can_view_child_audit(user: User) -> bool:
    """Say whether the user may open who viewed or changed a child's record."""
    return user.has_role(Role.IRO_MANAGER)


def is_childs_social_work_team(user: User, child: Child) -> bool:
    """Say whether the user is a social worker or team manager in the child's team."""
    return (
        user.has_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
        and user.team_id is not None
        and user.team_id == child.team_id
    )


def can_record_significant_event(user: User, child: Child) -> bool:
    """The child's social-work team (and the IRO service manager) notify the IRO."""
    return is_childs_social_work_team(user, child) or (
        user.has_role(Role.IRO_MANAGER) and child_in_scope(user, child)
    )


def can_export_child_record(user: User) -> bool:
    """The IRO service manager may download a child's whole record with its audit trail
    (a subject access request); the child must still be in their scope."""
    return user.is_authenticated and user.has_role(Role.IRO_MANAGER)
