"""Deprivation of liberty orders: record, correct and remove them, and say what needs
checking about them (docs/rules.md, DOL-1 to DOL-8). The rules themselves are the pure
`children.deprivation`; this module gives them the child's facts."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from children import deprivation
from children.deprivation import Span
from children.models import Child, DeprivationOfLibertyOrder, Episode
from core import dates

Order = DeprivationOfLibertyOrder
FIELDS = (
    "started_on",
    "ended_on",
    "accommodation",
    "court_reference",
    "court_review_on",
)


def _span(order) -> Span:
    return Span(order.started_on, order.ended_on, str(order.pk or ""))


def _periods(child: Child) -> list[Span]:
    return [
        Span(p.started_on, p.ended_on)
        for p in child.periods_of_care.order_by("started_on")
    ]


def _episodes(child: Child) -> list[Span]:
    return [
        Span(e.started_on, e.ended_on, e.placement)
        for e in Episode.objects.filter(period__child=child).order_by("started_on")
    ]


def _date_problems(order: Order, *, today: date) -> dict[str, str]:
    """DOL-1: the dates' plausible ranges (core.dates), with the 903's own: the order
    starts after the child's birth (rule 708) and ends after it starts (rule 702)."""
    born = order.child.date_of_birth
    after_birth = dates.Window(
        "DR-2",
        born + timedelta(days=1),
        today,
        "must be today or in the past, and after the child's date of birth "
        f"({dates.long_date(born)})",
    )
    checks: dict = {
        "started_on": ("Date the order started", order.started_on, after_birth)
    }
    if order.started_on is not None:
        checks["ended_on"] = (
            "Date the order ended",
            order.ended_on,
            dates.Window(
                "DR-2",
                order.started_on + timedelta(days=1),
                today,
                "must be today or in the past, and after the date the order started "
                f"({dates.long_date(order.started_on)})",
            ),
        )
        checks["court_review_on"] = (
            "Date the court next reviews the order",
            order.court_review_on,
            dates.due_after(start=order.started_on, what="the order"),
        )
    return dates.problems(checks)


def _check(order: Order, *, today: date) -> None:
    """DOL-1 to DOL-3: refuse implausible dates, an order outside every period of care,
    and an order overlapping another of the child's."""
    errors = _date_problems(order, today=today)
    if not order.imported_to_complete:  # DOL-9: only an imported order lacks them
        if not order.accommodation:
            errors.setdefault("accommodation", "Select what the order authorises")
        if not order.court_reference.strip():
            errors.setdefault("court_reference", "Enter the court order reference")
    if errors:
        raise ValidationError(errors)
    span = _span(order)
    if deprivation.period_for(span, _periods(order.child)) is None:
        raise ValidationError(
            {
                "started_on": "Date the order started must be during a period of care: "
                "the child was not looked after then"
            }
        )
    others = Order.objects.filter(child=order.child).exclude(pk=order.pk)
    other = deprivation.overlapping(span, [_span(o) for o in others])
    if other is not None:
        raise ValidationError({"started_on": deprivation.overlap_message(other)})
    order.full_clean()


@transaction.atomic
def liberty_order_record(
    *, child: Child, by: User | None, today: date, **fields
) -> Order:
    """Record an order on the child (DOL-1 to DOL-3)."""
    Child.objects.select_for_update().filter(pk=child.pk).first()  # one at a time
    order = Order(child=child, recorded_by=by, **_fields(fields))
    _check(order, today=today)
    order.save()
    return order


@transaction.atomic
def liberty_order_change(
    *, order: Order, by: User | None, today: date, **fields
) -> Order:
    """Correct an order or record its end (DOL-1 to DOL-3); the history keeps the old
    values (django-auditlog)."""
    Child.objects.select_for_update().filter(pk=order.child_id).first()
    order = Order.objects.select_for_update().get(pk=order.pk)
    for name, value in _fields(fields).items():
        setattr(order, name, value)
    if {"accommodation", "court_reference"} <= set(fields):
        order.imported_to_complete = False  # completed by a person (DOL-9)
    _check(order, today=today)
    order.save()
    return order


@transaction.atomic
def liberty_order_import(
    *,
    child: Child,
    started_on: date,
    ended_on: date | None,
    by: User | None,
    today: date,
) -> str:
    """DOL-9: an order from a 903 DoLO row (start and end only), matched by its start.
    New: recorded to complete (what it authorises and its court reference not known).
    Known: the file may end an open order; another end is refused, not overwritten;
    one removed here (C1) stays removed.
    Returns what was done: "created", "ended" or "" (nothing)."""
    Child.objects.select_for_update().filter(pk=child.pk).first()
    order = (
        Order.everything.filter(child=child, started_on=started_on)
        .select_for_update()
        .order_by(F("removed_at").asc(nulls_first=True))  # the kept one first
        .first()
    )
    if order is not None and order.removed_at is not None:
        return ""  # removed here as recorded by mistake: not brought back
    if order is None:
        order = Order(
            child=child,
            started_on=started_on,
            ended_on=ended_on,
            recorded_by=by,
            imported_to_complete=True,
        )
        _check(order, today=today)
        order.save()
        return "created"
    if order.ended_on == ended_on or ended_on is None and order.ended_on:
        return ""  # as recorded; an end recorded since the year end is kept
    if order.ended_on is not None:
        raise ValidationError(
            {
                "ended_on": "The order from this date ended here on "
                f"{dates.long_date(order.ended_on)}: correct it on the child's page"
            }
        )
    order.ended_on = ended_on
    _check(order, today=today)
    order.save()
    return "ended"


@transaction.atomic
def liberty_order_remove(*, order: Order, by: User, reason: str) -> Order:
    """C1: take back an order recorded by mistake. Its row stays, marked, with the
    reason; it leaves the child's page and the SSDA903 return."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the order is removed"})
    order = Order.objects.select_for_update().get(pk=order.pk)
    order.removed_reason = reason
    order.removed_at = timezone.now()
    order.removed_by = by
    order.save(
        update_fields=["removed_reason", "removed_at", "removed_by", "updated_at"]
    )
    return order


def _fields(fields: dict) -> dict:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not an order's field: {', '.join(sorted(unknown))}")
    return fields


@dataclass(frozen=True)
class Flag:
    """Something to check about one of the child's orders (DOL-3 to DOL-5)."""

    order: Order
    text: str
    act: bool = False  # DOL-4: someone must record the order's end


def order_flags(order: Order, *, periods=None, episodes=None) -> list[Flag]:
    """What to check about the order: still open after care ended (DOL-4), ended after
    care ended (DOL-3, 903 rule 707), a placement during it that the 903 does not
    expect (DOL-5, rules 709 and 710)."""
    child = order.child
    periods = _periods(child) if periods is None else periods
    episodes = _episodes(child) if episodes is None else episodes
    span = _span(order)
    period = deprivation.period_for(span, periods)
    found = []
    if deprivation.open_after_care(span, period):
        found.append(
            Flag(
                order,
                f"The order from {dates.long_date(order.started_on)} is still open, but "
                f"the child stopped being looked after on "
                f"{dates.long_date(period.ended_on)}: record the date the order ended",
                act=True,
            )
        )
    elif deprivation.ends_after_care(span, period):
        found.append(
            Flag(
                order,
                f"The order from {dates.long_date(order.started_on)} ended after the "
                f"child stopped being looked after ({dates.long_date(period.ended_on)}): "
                "the SSDA903 return expects it to end within the period of care "
                "(rule 707)",
            )
        )
    found += [
        Flag(order, text) for text in deprivation.placement_problems(span, episodes)
    ]
    return found


def child_flags(child: Child) -> list[Flag]:
    """Every flag on the child's orders, for the child's page."""
    periods, episodes = _periods(child), _episodes(child)
    return [
        flag
        for order in child.liberty_orders.all()
        for flag in order_flags(order, periods=periods, episodes=episodes)
    ]


def warnings_after_save(order: Order) -> list[str]:
    """What the page says after an order is saved: its flags (warned, not refused:
    the facts may be so, and the social worker checks them)."""
    return [flag.text for flag in order_flags(order)]


@dataclass(frozen=True)
class OpenAfterCare:
    """DOL-4: an open order, and the day the child stopped being looked after."""

    order: Order
    care_ended_on: date


def open_after_care(children) -> list[OpenAfterCare]:
    """DOL-4: the open orders of these children whose period of care (the one each
    started in) has ended: the social worker records the order's end (My work)."""
    orders = (
        Order.objects.filter(child__in=children, ended_on__isnull=True)
        .select_related("child")
        .order_by("started_on", "pk")
    )
    found = []
    for order in orders:
        period = deprivation.period_for(_span(order), _periods(order.child))
        if period is not None and period.ended_on is not None and order.is_open:
            found.append(OpenAfterCare(order, period.ended_on))
    return found


def in_force_during(child: Child, start: date, end: date | None) -> list[Order]:
    """The child's orders in force at some time from `start` to `end` (open: today):
    those a review of the period shows."""
    span = Span(start, end)
    return [order for order in child.liberty_orders.all() if span.touches(_span(order))]


def for_review(review) -> list[Order]:
    """The orders a review shows and its meeting asks the IRO to consider (DOL-6):
    those in force at some time in the review's period of care."""
    period = review.period
    return in_force_during(review.child, period.started_on, period.ended_on)
