"""The IRO's rules: acting as a child's IRO (or the Duty IRO covering), allocation and
the allocation's letters. The duty covers widen the children a Duty IRO may see
(`duty_cover_scope`, registered with children.permissions in IroConfig.ready()).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from children.models import Child
from iro.models import DutyCover


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


def can_allocate_iro(user: User) -> bool:
    """The IRO service manager allocates and re-allocates IROs and sets duty cover."""
    return user.is_authenticated and user.has_role(Role.IRO_MANAGER)


def can_decide_significant_event(user: User, child: Child) -> bool:
    """The child's IRO, the Duty IRO covering, or the service manager decides."""
    return acts_as_iro_for(user, child) or user.has_role(Role.IRO_MANAGER)


def as_iro_children(user: User, today: date) -> Q:
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


def can_make_iro_letters(user: User, allocation) -> bool:
    """The child's IRO now (or the Duty IRO covering), the service manager and business
    support. An IRO whose allocation has ended makes none of its letters (need to know):
    the farewell letter is made by whoever makes the child's letters now."""
    return acts_as_iro_for(user, allocation.child) or user.has_role(
        Role.IRO_MANAGER, Role.BUSINESS_SUPPORT
    )


def can_record_iro_letter(user: User, allocation) -> bool:
    """The service manager, or the allocation's own IRO, records that a letter was sent
    (or the child told): the "Record a letter" page."""
    return can_allocate_iro(user) or (
        user.is_authenticated and allocation.iro_id == user.pk
    )


def duty_cover_scope(user: User, today: date) -> Q | None:
    """The children a Duty IRO covers today: an absent IRO's, or the unallocated ones.

    The list of covers is short: it is read now, so that the database plans a plain
    `iro_id = ...` (subqueries OR-ed in make it expect half of all children).
    """
    if not user.has_role(Role.IRO, Role.DUTY_IRO):
        return None
    covers = list(
        DutyCover.objects.on(today)
        .filter(duty_iro=user)
        .values_list("covered_iro_id", flat=True)
    )
    scope = Q(pk__in=[])
    covered = [iro for iro in covers if iro is not None]
    if covered:
        scope |= Q(iro__in=covered)
    if None in covers:
        scope |= Q(iro__isnull=True)
    return scope if covers else None
