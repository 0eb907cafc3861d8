"""What to check in a year's DoLO file before the return is sent (docs/rules.md, DOL-7,
DOL-8): the 903 rules the DfE's validator 0.1.17 cannot run (706, 709, 710) and the
facts that would fail 707, each said with the child's ID. Warnings, not refusals: the
export is made all the same, and the council puts the facts right first if they are
wrong (the facts may also be so: the return then carries them as they are)."""

from dataclasses import dataclass
from datetime import date

from auditlog.models import LogEntry
from django.db.models import Max

from children import deprivation
from children.models import Child, DeprivationOfLibertyOrder
from children.services_liberty import order_flags
from ssda903 import dolo
from ssda903.exporter import collection_year_bounds

Order = DeprivationOfLibertyOrder
CarriedRow = tuple[str, date, date | None]


def _last_exported(year: int):
    """When the year's return was last exported (its access entries), or None."""
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        additional_data__what__startswith=f"SSDA903 return {year}",
    ).aggregate(last=Max("timestamp"))["last"]


def _start_then(order: Order, since) -> date:
    """The order's start as it was at `since`: its first correction since says so."""
    entry = (
        LogEntry.objects.get_for_object(order)
        .filter(timestamp__gt=since, action=LogEntry.Action.UPDATE)
        .order_by("timestamp", "pk")
    )
    for each in entry:
        before_after = (each.changes_dict or {}).get("started_on")
        if before_after:
            return date.fromisoformat(before_after[0])
    return order.started_on


def returned_rows(year: int) -> list[CarriedRow]:
    """The year's DoLO rows as its return was last exported: the orders recorded by
    then, those removed since put back, and each start corrected since as it was. With
    no export, as the service holds them now."""
    start, end = collection_year_bounds(year)
    since = _last_exported(year)
    if since is None:
        return [(c, s, e) for c, _, s, e in dolo.dolo_rows(start, end)]
    orders = (
        Order.everything.filter(started_on__lte=end, created_at__lte=since)
        .exclude(removed_at__lte=since)
        .select_related("child")
        .order_by("child__child_id", "started_on")
    )
    found = []
    for order in orders:
        started = _start_then(order, since)
        ended = order.ended_on
        if started <= end and (ended is None or ended >= start):
            found.append(
                (
                    order.child.child_id,
                    started,
                    ended if ended and ended <= end else None,
                )
            )
    return found


@dataclass(frozen=True)
class Check:
    """One thing to check in the DoLO file, about one child (None: their ID only)."""

    child: Child | None
    text: str

    def __str__(self) -> str:
        return self.text


def export_checks(year: int) -> list[Check]:
    """Each thing to check in the year's DoLO file, with the child's ID (empty for a
    year without the file)."""
    if not dolo.has_dolo_file(year):
        return []
    start, end = collection_year_bounds(year)
    in_file = list(dolo.orders_in_year(start, end).select_related("child"))
    found = [
        Check(order.child, f"Child {order.child.child_id}: {flag.text}")
        for order in in_file
        for flag in order_flags(order)
    ]
    left_out = (
        Order.objects.filter(started_on__lte=end)
        .exclude(ended_on__lt=start)
        .exclude(pk__in=[order.pk for order in in_file])
        .select_related("child")
    )
    found += [
        Check(
            order.child,
            f"Child {order.child.child_id}: the order from "
            f"{deprivation.long_date(order.started_on)} is not in the return: the "
            "child has no episode of care in the year",
        )
        for order in left_out
    ]
    if dolo.has_dolo_file(year - 1):  # 706: the first year's has none before it
        this_year = [(c, s, e) for c, _, s, e in dolo.dolo_rows(start, end)]
        found += [
            Check(None, text)
            for text in deprivation.carried_over_problems(
                returned_rows(year - 1), this_year
            )
        ]
    return found
