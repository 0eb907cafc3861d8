"""Read-only questions about IRO allocation: the queue, caseloads, suggestions."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from accounts.models import Role, User
from children.models import Child, PeriodOfCare
from iro.models import IroAllocation
from reviews import timescales

# IRO Handbook guidance: 50 to 70 children per full-time IRO.
CASELOAD_LOW, CASELOAD_HIGH = 50, 70


@dataclass(frozen=True)
class Caseload:
    iro: User
    children: int
    fte: Decimal

    @property
    def per_fte(self) -> Decimal:
        return (Decimal(self.children) / self.fte).quantize(Decimal("0.1"))

    @property
    def band(self) -> str:
        if self.per_fte > CASELOAD_HIGH:
            return "above"
        if self.per_fte < CASELOAD_LOW:
            return "below"
        return "within"


def iro_caseloads() -> list[Caseload]:
    """Every active IRO's looked-after children, counted per full-time equivalent."""
    iros = (
        User.objects.filter(is_active=True, groups__name=Role.IRO)
        .annotate(
            caseload=Count(
                "iro_children",
                filter=Q(
                    iro_children__periods_of_care__ended_on__isnull=True,
                    iro_children__periods_of_care__short_breaks=False,
                ),
                distinct=True,
            )
        )
        .order_by("last_name", "first_name")
        .distinct()
    )
    return [Caseload(iro, iro.caseload, iro.fte or Decimal("1")) for iro in iros]


@dataclass(frozen=True)
class QueueEntry:
    child: Child
    period: PeriodOfCare
    notification: timescales.Deadline
    allocation: timescales.Deadline

    def overdue(self, today: date) -> bool:
        return self.allocation.date < today


def allocation_queue() -> list[QueueEntry]:
    """Looked-after children waiting for an IRO, the earliest due-by date first (T2)."""
    periods = (
        PeriodOfCare.objects.filter(
            ended_on__isnull=True, short_breaks=False, child__iro__isnull=True
        )
        .select_related("child", "child__team", "child__social_worker")
        .order_by("started_on", "pk")
    )
    return [
        QueueEntry(
            child=period.child,
            period=period,
            notification=timescales.notification_due(
                period.started_on, period.started_at_time
            ),
            allocation=timescales.iro_allocation_due(period.started_on),
        )
        for period in periods
    ]


@dataclass(frozen=True)
class Suggestion:
    iro: User
    why: str


def suggested_iros(child: Child) -> list[Suggestion]:
    """The sibling's IRO and, on re-entry, the previous IRO (local practice)."""
    suggestions: list[Suggestion] = []
    if child.sibling_group:
        siblings = (
            Child.objects.filter(sibling_group=child.sibling_group, iro__isnull=False)
            .exclude(pk=child.pk)
            .select_related("iro")
        )
        for sibling in siblings:
            if sibling.iro.is_active:
                suggestions.append(
                    Suggestion(sibling.iro, f"IRO for {sibling.known_as}, a sibling")
                )
    previous = (
        IroAllocation.objects.filter(child=child, ended_on__isnull=False)
        .select_related("iro")
        .order_by("-ended_on", "-pk")
        .first()
    )
    if previous is not None and previous.iro.is_active:
        suggestions.append(
            Suggestion(previous.iro, "the child's previous IRO (re-entry to care)")
        )
    seen, unique = set(), []
    for suggestion in suggestions:
        if suggestion.iro.pk not in seen:
            seen.add(suggestion.iro.pk)
            unique.append(suggestion)
    return unique
