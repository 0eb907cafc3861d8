"""Every write to IRO allocations and Duty IRO cover goes through here."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from children.models import Child, PeriodOfCare
from core import dates
from core.notifications import notify
from iro.models import DutyCover, IroAllocation, IroAllocationCorrection
from reviews import timescales


def independence_conflicts(child: Child, iro: User) -> list[str]:
    """Say why `iro` may not be this child's IRO (CPPCR reg. 46, SI 2010/959)."""
    reasons = []
    if iro.pk == child.social_worker_id:
        reasons.append("is the child's social worker")
    if (
        child.team_id
        and iro.team_id == child.team_id
        and iro.has_role(Role.TEAM_MANAGER)
    ):
        reasons.append("manages the child's social worker")
    pathway = getattr(child, "pathway", None)
    if pathway is not None and pathway.personal_adviser_id == iro.pk:
        reasons.append("is the child's personal adviser")
    return reasons


def _allocated_on(
    child: Child, current: IroAllocation | None, today: date
) -> tuple[str, dates.Window]:
    """DR-10: the first allocation on or after the child's birth, a later one (the child
    looked after again) on or after the last one ended (C5: they never overlap); a change
    (the end of the current allocation) on or after the current IRO's start. No more
    than 2 years ahead."""
    if current is not None:
        label, earliest, since = (
            "Date of the change",
            current.started_on,
            "the date the current IRO started",
        )
        return label, dates.planned(today=today, earliest=earliest, since=since)
    last = (
        child.iro_allocations.filter(ended_on__isnull=False)
        .select_related("iro")
        .order_by("-ended_on", "-pk")
        .first()
    )
    if last is not None and last.ended_on is not None:
        label, earliest, since = (
            "Date allocated",
            last.ended_on,
            f"the date {last.iro}'s allocation ended",
        )
    else:
        label, earliest, since = (
            "Date allocated",
            child.date_of_birth,
            "the child's date of birth",
        )
    return label, dates.planned(today=today, earliest=earliest, since=since)


def _check_allocation(
    child: Child,
    iro: User,
    on: date,
    child_told_on: date | None,
    current: IroAllocation | None,
) -> None:
    """The allocation's dates are plausible (DR-9, DR-10) and the IRO is independent."""
    today = timezone.localdate()
    label, window = _allocated_on(child, current, today)
    errors = dates.problems(
        {
            "on": (label, on, window),
            "child_told_on": (
                "Date the child was given their IRO's contact details",
                child_told_on,
                dates.happened(today=today, born=child.date_of_birth),
            ),
        }
    )
    if errors:
        raise ValidationError(errors)
    conflicts = independence_conflicts(child, iro)
    if conflicts:
        raise ValidationError(
            {"iro": f"{iro} cannot be this child's IRO: they {' and '.join(conflicts)}"}
        )


@transaction.atomic
def iro_allocate(
    *,
    child: Child,
    iro: User,
    on: date,
    by: User | None,
    reason: str = "",
    child_told_on: date | None = None,
) -> IroAllocation:
    """Allocate an IRO to a child, ending the previous allocation (with its reason)."""
    if not iro.has_role(Role.IRO):
        raise ValidationError({"iro": f"{iro} is not an IRO"})
    child = Child.objects.select_for_update().get(pk=child.pk)
    current = child.iro_allocations.filter(ended_on__isnull=True).first()
    _check_allocation(child, iro, on, child_told_on, current)
    if current is not None:
        if current.iro_id == iro.pk:
            raise ValidationError({"iro": f"{iro} is already this child's IRO"})
        current.ended_on = on
        current.end_reason = reason
        current.save(update_fields=["ended_on", "end_reason", "updated_at"])
    period = child.periods_of_care.filter(ended_on__isnull=True).first()
    allocation = IroAllocation(
        child=child,
        iro=iro,
        started_on=on,
        reason=reason,
        allocated_by=by,
        child_told_on=child_told_on,
        notification_received_at=period.iro_service_notified_at if period else None,
    )
    allocation.full_clean()
    allocation.save()
    child.iro = iro
    child.save(update_fields=["iro", "updated_at"])
    notify(
        iro,
        f"You are now the IRO for {child.full_name} ({child.child_id}). "
        "Send your introduction letter and profile card.",
        reverse("children:detail", args=[child.pk]),
        key=f"iro-allocated:{allocation.pk}",
    )
    return allocation


@transaction.atomic
def iro_allocation_end(
    *,
    child: Child,
    on: date,
    reason: str,
    by: User | None,
    field: str = "on",
    label: str = "Date the allocation ended",
) -> IroAllocation | None:
    """End the child's IRO allocation (they stopped being looked after); prompts the
    farewell letter. An end before the allocation started is refused beside `field`
    (C5): it used to be moved silently up to the start."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    current = child.iro_allocations.filter(ended_on__isnull=True).first()
    if current is None:
        return None
    _refuse_end_before_start(current, on, field=field, label=label)
    current.ended_on = on
    current.end_reason = reason
    current.save(update_fields=["ended_on", "end_reason", "updated_at"])
    child.iro = None
    child.save(update_fields=["iro", "updated_at"])
    # The IRO no longer sees the child (D-NTK): the message is shown to them without
    # the child's name or the link (workspace.permissions), and the IRO service sends
    # the farewell letter in their name, a task on the service manager's My work
    # (D-LETTERS).
    notify(
        current.iro,
        f"Your work with {child.full_name} ({child.child_id}) has ended. The IRO "
        "service sends your farewell letter.",
        reverse("children:detail", args=[child.pk]),
        key=f"iro-farewell:{current.pk}",
    )
    return current


def _refuse_end_before_start(
    allocation: IroAllocation, on: date, *, field: str, label: str
) -> None:
    window = dates.on_or_after(
        start=allocation.started_on,
        since=f"the date {allocation.iro}'s allocation as the child's IRO started",
        then="if that date is wrong, the IRO service manager corrects it first",
    )
    errors = dates.problems({field: (label, on, window)})
    if errors:
        raise ValidationError(errors)


# --- Putting a wrongly entered allocation date right (C5) ---------------------------

NOT_ENDED = "This allocation has not ended: leave the end date empty"
NEEDS_END = "Enter the date the allocation ended"
NEEDS_REASON = "Enter why the dates are being corrected"


def _neighbours(
    allocation: IroAllocation,
) -> tuple[IroAllocation | None, IroAllocation | None]:
    """The child's allocations just before and just after this one (by start)."""
    others = IroAllocation.objects.select_for_update().filter(
        child_id=allocation.child_id
    )
    earlier = Q(started_on__lt=allocation.started_on) | Q(
        started_on=allocation.started_on, pk__lt=allocation.pk
    )
    before = others.filter(earlier).order_by("-started_on", "-pk").first()
    after = (
        others.exclude(earlier)
        .exclude(pk=allocation.pk)
        .order_by("started_on", "pk")
        .first()
    )
    return before, after


def _start_window(allocation, before, today: date) -> dates.Window:
    """DR-10: on or after the child's birth, or the end of the allocation before; a
    change of IRO is one date, so when they meet the earlier one's end moves too, and
    the start may go back to that allocation's own start."""
    if before is None:
        earliest, since = allocation.child.date_of_birth, "the child's date of birth"
    elif before.ended_on == allocation.started_on:
        earliest, since = (
            before.started_on,
            f"the date {before.iro}'s allocation started",
        )
    else:
        earliest, since = before.ended_on, f"the date {before.iro}'s allocation ended"
    return dates.planned(today=today, earliest=earliest, since=since)


def _end_window(allocation, after, started_on: date, today: date) -> dates.Window:
    """DR-10: on or after the (corrected) start, and not after the next allocation's
    start; when they meet (a change of IRO), not after the next one's own end."""
    latest = dates.years_after(today, dates.FURTHEST_AHEAD_YEARS)
    until = f"{dates.FURTHEST_AHEAD_YEARS} years ahead"
    if after is not None and after.started_on == allocation.ended_on:
        if after.ended_on is not None:
            latest, until = after.ended_on, f"the date {after.iro}'s allocation ended"
    elif after is not None:
        latest, until = after.started_on, f"the date {after.iro}'s allocation started"
    return dates.between(
        earliest=started_on, latest=latest, since="the start date", until=until
    )


def _check_correction(allocation, before, after, started_on, ended_on, reason):
    if not reason.strip():
        raise ValidationError({"reason": NEEDS_REASON})
    if allocation.ended_on is None and ended_on is not None:
        raise ValidationError({"ended_on": NOT_ENDED})
    if allocation.ended_on is not None and ended_on is None:
        raise ValidationError({"ended_on": NEEDS_END})
    today = timezone.localdate()
    checks = {
        "started_on": (
            "Start date",
            started_on,
            _start_window(allocation, before, today),
        )
    }
    if ended_on is not None:
        checks["ended_on"] = (
            "End date",
            ended_on,
            _end_window(allocation, after, started_on, today),
        )
    errors = dates.problems(checks)
    if errors:
        raise ValidationError(errors)


def _correct(allocation: IroAllocation, values: dict, *, reason: str, by: User):
    """Change the allocation's dates in `values`; the history keeps what they were."""
    changes = {
        name: [_iso(getattr(allocation, name)), _iso(value)]
        for name, value in values.items()
        if getattr(allocation, name) != value
    }
    if not changes:
        return None
    for name, value in values.items():
        setattr(allocation, name, value)
    allocation.full_clean()
    allocation.save(update_fields=[*values, "updated_at"])
    return IroAllocationCorrection.objects.create(
        allocation=allocation, changes=changes, reason=reason, by=by
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def iro_allocation_dates_correct(
    *,
    allocation: IroAllocation,
    started_on: date,
    ended_on: date | None,
    reason: str,
    by: User,
) -> IroAllocationCorrection | None:
    """Put right a wrongly entered start or end of an allocation, with a reason (C5).

    Returns the correction, or None when the dates are as they were. A change of IRO is
    one date: when this allocation meets the one before (or after), its end (or start)
    moves with it, with a correction of its own.
    """
    Child.objects.select_for_update().get(pk=allocation.child_id)
    allocation = IroAllocation.objects.select_related("child").get(pk=allocation.pk)
    before, after = _neighbours(allocation)
    _check_correction(allocation, before, after, started_on, ended_on, reason)
    if before is not None and before.ended_on == allocation.started_on:
        _correct(before, {"ended_on": started_on}, reason=reason, by=by)
    if (
        after is not None
        and ended_on is not None
        and after.started_on == allocation.ended_on
    ):
        _correct(after, {"started_on": ended_on}, reason=reason, by=by)
    values = {"started_on": started_on}
    if ended_on is not None:
        values["ended_on"] = ended_on
    correction = _correct(allocation, values, reason=reason, by=by)
    if correction is not None:
        notify(
            allocation.iro,
            f"{by} corrected the dates of your allocation as IRO for "
            f"{allocation.child.full_name}: {'; '.join(correction.lines())}",
            "",
        )
    return correction


LETTERS = {
    "introduction": "introduction_letter_sent_on",
    "profile_card": "profile_card_sent_on",
    "farewell": "farewell_letter_sent_on",
    "child_told": "child_told_on",
}


@transaction.atomic
def iro_letter_record(
    *, allocation: IroAllocation, letter: str, on: date, by: User
) -> IroAllocation:
    """Record the day an introduction or farewell letter (or profile card) was sent."""
    field = LETTERS.get(letter)
    if field is None:
        raise ValidationError({"letter": "Choose a letter from the list"})
    allocation = IroAllocation.objects.select_for_update().get(pk=allocation.pk)
    # DR-9: sent today or in the past, and not before the allocation started.
    sent = dates.problems(
        {
            "on": (
                "Date sent",
                on,
                dates.happened(
                    today=timezone.localdate(),
                    born=allocation.started_on,
                    since="the date the allocation started",
                ),
            )
        }
    )
    if sent:
        raise ValidationError(sent)
    if letter == "farewell" and allocation.ended_on is None:
        raise ValidationError(
            {"letter": "A farewell letter follows the end of an allocation"}
        )
    setattr(allocation, field, on)
    allocation.full_clean()
    allocation.save()
    return allocation


def iro_service_recipients(*, today: date) -> list[User]:
    """The IRO service managers and today's Duty IRO on the rota."""
    managers = User.objects.filter(is_active=True, groups__name=Role.IRO_MANAGER)
    duty = User.objects.filter(
        is_active=True,
        duty_covers__in=DutyCover.objects.on(today).filter(covered_iro__isnull=True),
    )
    return list((managers | duty).distinct())


@transaction.atomic
def iro_new_period_notify(*, period: PeriodOfCare, by: User | None) -> None:
    """Tell the IRO service a child became looked after (T1) and when to allocate (T2)."""
    period = PeriodOfCare.objects.select_for_update().get(pk=period.pk)
    if period.iro_service_notified_at is None:
        period.iro_service_notified_at = timezone.now()
        period.save(update_fields=["iro_service_notified_at", "updated_at"])
    child = period.child
    due = timescales.iro_allocation_due(period.started_on)
    for user in iro_service_recipients(today=timezone.localdate()):
        notify(
            user,
            f"{child.full_name} ({child.child_id}) became looked after on "
            f"{timescales.long_date(period.started_on)}. "
            f"Allocate an IRO by {timescales.long_date(due.date)}.",
            reverse("iro:queue"),
            key=f"t1:{period.pk}:{user.pk}",
        )


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
    if not duty_iro.has_role(Role.IRO, Role.DUTY_IRO):
        raise ValidationError({"duty_iro": f"{duty_iro} is not an IRO"})
    if covered_iro is not None and covered_iro.pk == duty_iro.pk:
        raise ValidationError({"covered_iro": "An IRO cannot cover themselves"})
    # DR-10 and DR-4, each beside its own field: the start within 2 years of today, the
    # end on or after the start. No order check of its own: run first, it put the
    # message for an impossible start beside the end.
    today = timezone.localdate()
    errors = dates.problems(
        {
            "starts_on": (
                "Start date",
                starts_on,
                dates.planned(
                    today=today,
                    earliest=dates.recent(today=today).earliest,
                    since="2 years ago",
                ),
            ),
            "ends_on": (
                "End date",
                ends_on,
                dates.due_after(start=starts_on, what="the start"),
            ),
        }
    )
    if errors:
        raise ValidationError(errors)
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
