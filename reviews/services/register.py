"""What follows in the review cycle when the register changes.

A child comes into care, so the first review is planned and the IRO service is told
(T1, T2); a child ceases to be looked after, so the open reviews are cancelled and
the IRO allocation ends. The children app records the facts (children.services);
these services call it and then do the review cycle's part, in one transaction.
"""

from datetime import date

from django.db import transaction

from accounts.models import User
from children import codes_903
from children import services as register
from children.models import Child, Pathway, PeriodOfCare
from core.dates import long_date
from iro.services import iro_allocation_end, iro_new_period_notify
from reviews.models import Review
from reviews.services.planning import review_plan_next
from reviews.services.secure import secure_reviews_cancel
from reviews.services.transitions import review_cancel


@transaction.atomic
def child_register(*, by: User | None, **fields) -> Child:
    """Record a new child and their period of care, and plan its first review."""
    child = register.child_create(by=by, **fields)
    _period_planned(child.periods_of_care.get(), by=by)
    return child


@transaction.atomic
def period_start(
    *,
    child: Child,
    started_on: date,
    by: User | None,
    episode: dict | None = None,
    started_at_time=None,
) -> PeriodOfCare:
    """Start a period of care (a first entry or a re-entry) and plan its first review.

    A new period notifies the IRO service and puts the child in the allocation
    queue (T1 and T2); short breaks do neither (D-SB).
    """
    period = register.period_open(
        child=child,
        started_on=started_on,
        by=by,
        episode=episode,
        started_at_time=started_at_time,
    )
    _period_planned(period, by=by)
    return period


def _period_planned(period: PeriodOfCare, *, by: User | None) -> None:
    if not period.short_breaks:
        review_plan_next(period=period, by=by)
        iro_new_period_notify(period=period, by=by)


@transaction.atomic
def period_end(
    *, period: PeriodOfCare, ended_on: date, reason: str, by: User, today: date
) -> list[str]:
    """The child ceases to be looked after: close the period and tidy up.

    The open episode ends with the reason; the open review is cancelled; the IRO
    allocation ends (a farewell letter is prompted) unless the service manager has
    authorised involvement after 18 beyond this date. Returns warnings to show.
    """
    period, current = register.period_close(
        period=period, ended_on=ended_on, reason=reason, today=today
    )
    warnings = []
    accommodated = current is not None and (
        current.legal_status in codes_903.ACCOMMODATED_LEGAL_STATUSES
    )
    proposal = (
        period.significant_events.filter(kind="CEASE_ACCOMMODATION")
        .order_by("-iro_notified_on")
        .first()
    )
    if accommodated and (
        proposal is None
        or not period.reviews.held()
        .filter(record_date__gte=proposal.occurred_on, record_date__lt=ended_on)
        .exists()
    ):
        warnings.append(
            "No review was held before accommodation ended (CPPCR regulation 33(3)(e))."
        )
    cancel_reason = (
        Review.CancelReason.TRANSFERRED
        if reason in codes_903.TRANSFER_REASONS
        else Review.CancelReason.CEASED_LOOKED_AFTER
    )
    for review in period.reviews.open():
        review_cancel(review=review, by=by, reason=cancel_reason, today=today)
    for placement in period.secure_placements.all():
        secure_reviews_cancel(
            placement=placement,
            reason=f"The child stopped being looked after on {long_date(ended_on)}.",
            today=today,
        )
    pathway = Pathway.objects.filter(child_id=period.child_id).first()
    post18 = pathway.post18_authorised_until if pathway else None
    if post18 is None or post18 < ended_on:
        iro_allocation_end(
            child=period.child,
            on=ended_on,
            reason=f"Ceased to be looked after ({reason})",
            by=by,
            field="ended_on",
            label="Date the child ceased to be looked after",
        )
    return warnings
