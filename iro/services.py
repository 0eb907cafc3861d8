"""Every write to IRO allocations and Duty IRO cover goes through here."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Role, User
from children.models import Child
from iro.models import DutyCover, IroAllocation


@transaction.atomic
def iro_allocate(
    *, child: Child, iro: User, on: date, by: User | None, reason: str = ""
) -> IroAllocation:
    """Allocate an IRO to a child, ending the previous allocation (with its reason)."""
    if not iro.has_role(Role.IRO):
        raise ValidationError(f"{iro} is not an IRO.")
    child = Child.objects.select_for_update().get(pk=child.pk)
    if iro.pk in {child.social_worker_id}:
        raise ValidationError("The child's own social worker cannot be their IRO.")
    for previous in child.iro_allocations.filter(ended_on__isnull=True):
        previous.ended_on = on
        previous.save(update_fields=["ended_on", "updated_at"])
    allocation = IroAllocation.objects.create(
        child=child, iro=iro, started_on=on, reason=reason, allocated_by=by
    )
    child.iro = iro
    child.save(update_fields=["iro", "updated_at"])
    return allocation


@transaction.atomic
def duty_cover_set(
    *,
    duty_iro: User,
    starts_on: date,
    ends_on: date,
    by: User | None,
    covered_iro: User | None = None,
) -> DutyCover:
    """Record a Duty IRO covering an absent IRO, or the duty rota when no IRO is named."""
    cover = DutyCover(
        duty_iro=duty_iro,
        covered_iro=covered_iro,
        starts_on=starts_on,
        ends_on=ends_on,
        set_by=by,
    )
    cover.full_clean()
    cover.save()
    return cover
