"""Every write to children and periods of care goes through here."""

from datetime import date

from django.db import transaction

from accounts.models import Team, User
from children.models import Child, PeriodOfCare, SocialWorkerAllocation
from core.exceptions import EditConflict
from reviews.services import review_plan_next

EDITABLE_CHILD_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
)


@transaction.atomic
def child_update(*, child: Child, by: User, expected_version: int, **changes) -> Child:
    """Change a child's details, refusing to overwrite someone else's newer save."""
    current = Child.objects.select_for_update().get(pk=child.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    unknown = set(changes) - set(EDITABLE_CHILD_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(current, field, value)
    current.version += 1
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def child_register(
    *,
    child_id: str,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    looked_after_on: date,
    by: User | None,
    sex: str = Child.Sex.UNKNOWN,
    preferred_name: str = "",
) -> Child:
    """Record a new child and the period of care they start."""
    child = Child(
        child_id=child_id,
        first_name=first_name,
        last_name=last_name,
        preferred_name=preferred_name,
        date_of_birth=date_of_birth,
        sex=sex,
    )
    child.full_clean()
    child.save()
    period = PeriodOfCare(child=child, started_on=looked_after_on)
    period.full_clean()
    period.save()
    review_plan_next(period=period, by=by)
    return child


@transaction.atomic
def social_worker_allocate(
    *, child: Child, social_worker: User, team: Team, on: date, by: User | None
) -> SocialWorkerAllocation:
    """Allocate a social worker (and their team), ending the previous allocation."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    for previous in child.social_worker_allocations.filter(ended_on__isnull=True):
        previous.ended_on = on
        previous.save(update_fields=["ended_on", "updated_at"])
    allocation = SocialWorkerAllocation.objects.create(
        child=child,
        social_worker=social_worker,
        team=team,
        started_on=on,
        allocated_by=by,
    )
    child.social_worker = social_worker
    child.team = team
    child.save(update_fields=["social_worker", "team", "updated_at"])
    return allocation
