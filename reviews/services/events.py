"""Significant events (CPPCR reg. 33(3)): the social worker records, the IRO decides."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from children.models import Child, SignificantEvent
from core import dates
from core.notifications import notify
from reviews import timescales
from reviews.models import Review

# The IRO's decision is due within this many working days of being told (local standard, S-DUD).
DECISION_WORKING_DAYS = 5
# The date an IRO's decision says the additional review must be held by (DR-6).
REVIEW_BY = "Latest date for the additional review"


def additional_review_deadline(kind: str, stated_date: date | None) -> date | None:
    """The last day for the additional review a dated statutory trigger requires (W22)."""
    if kind in SignificantEvent.DATED and stated_date is not None:
        return timescales.pre_cessation_review_due(stated_date).date
    return None


def _event_date_problems(
    child: Child, kind: str, occurred_on: date, stated_date: date | None, today: date
) -> dict[str, str]:
    """DR-7: an event is not before the child's birth, nor in the future (a dated one, whose
    stated date is still to come, no more than 2 years ahead)."""
    two_years = dates.ahead(today=today).latest
    happened = dates.happened(today=today, born=child.date_of_birth, code="DR-7")
    if kind in SignificantEvent.DATED:
        happened = dates.Window(
            "DR-7",
            child.date_of_birth,
            two_years,
            "must be on or after the child's date of birth "
            f"({dates.long_date(child.date_of_birth)}), and no more than 2 years ahead",
        )
    return dates.problems(
        {
            "occurred_on": ("Date of the event", occurred_on, happened),
            "stated_date": (
                "The date it will happen",
                stated_date,
                dates.ahead(today=today, code="DR-7"),
            ),
        }
    )


def _check_event(
    child: Child, kind: str, occurred_on: date, stated_date: date | None, today: date
) -> None:
    errors = {}
    if kind in SignificantEvent.DATED and stated_date is None:
        errors["stated_date"] = "Enter the date it will happen"
    elif stated_date is not None and stated_date <= today:
        errors["stated_date"] = "The date it will happen must be in the future"
    errors = {
        **_event_date_problems(child, kind, occurred_on, stated_date, today),
        **errors,
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def significant_event_correct(
    *,
    event: SignificantEvent,
    by: User,
    today: date,
    kind: str,
    occurred_on: date,
    description: str,
    stated_date: date | None = None,
) -> SignificantEvent:
    """C1: put right what was recorded about an event while the IRO has not decided on
    it; its decision stays due when it was, and the IRO is told it changed."""
    event = SignificantEvent.objects.select_for_update().get(pk=event.pk)
    if event.decision:
        raise ValidationError(
            "The IRO has decided on this event: record a new event for what changed."
        )
    _check_event(event.child, kind, occurred_on, stated_date, today)
    event.kind = kind
    event.occurred_on = occurred_on
    event.description = description
    event.stated_date = stated_date
    event.additional_review_by = additional_review_deadline(kind, stated_date)
    event.full_clean()
    event.save()
    _tell_deciders(
        event,
        f"was corrected: {event.get_kind_display()}.",
        event.get_absolute_url(),
        today=today,
    )
    return event


@transaction.atomic
def significant_event_withdraw(
    *, event: SignificantEvent, by: User, today: date, reason: str
) -> SignificantEvent:
    """C1: take back an event recorded by mistake (the wrong child, or something that
    did not happen) while the IRO has not decided on it. Its row stays, marked, with
    the reason; its decision is no longer due, and the IRO is told."""
    event = SignificantEvent.objects.select_for_update().get(pk=event.pk)
    if event.decision:
        raise ValidationError(
            "The IRO has decided on this event: it stays on the child's record."
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the event is withdrawn"})
    event.withdrawn_reason = reason
    event.removed_at = timezone.now()
    event.removed_by = by
    event.save(
        update_fields=["withdrawn_reason", "removed_at", "removed_by", "updated_at"]
    )
    _tell_deciders(
        event,
        "was withdrawn: no decision is needed.",
        event.child.get_absolute_url(),
        today=today,
    )
    return event


def _tell_deciders(event: SignificantEvent, what: str, url: str, *, today) -> None:
    """Tell whoever decides on the child's events that this one changed (C1)."""
    child = event.child
    for iro in _deciders(child, today=today):
        notify(
            iro,
            f"The significant event for {child.full_name} ({child.child_id}) {what}",
            url,
        )


@transaction.atomic
def significant_event_record(
    *,
    child: Child,
    kind: str,
    occurred_on: date,
    description: str,
    by: User,
    today: date,
    stated_date: date | None = None,
) -> SignificantEvent:
    """Record a significant event and notify the IRO, whose decision is due in 5 working days."""
    period = child.periods_of_care.filter(ended_on__isnull=True).first()
    if period is None:
        raise ValidationError(
            "The child is not looked after: there is no review to bring forward."
        )
    _check_event(child, kind, occurred_on, stated_date, today)
    event = SignificantEvent(
        child=child,
        period=period,
        kind=kind,
        occurred_on=occurred_on,
        description=description,
        stated_date=stated_date,
        recorded_by=by,
        iro_notified_on=today,
        decision_due=timescales.add_working_days(today, DECISION_WORKING_DAYS),
        additional_review_by=additional_review_deadline(kind, stated_date),
    )
    event.full_clean()
    event.save()
    for iro in _deciders(child, today=today):
        notify(
            iro,
            f"Significant event for {child.full_name} ({child.child_id}): "
            f"{event.get_kind_display()}. Decide by {timescales.long_date(event.decision_due)}.",
            event.get_absolute_url(),
            key=f"event:{event.pk}:{iro.pk}",
        )
    return event


def _deciders(child: Child, *, today: date) -> list[User]:
    if child.iro_id:
        from iro.models import DutyCover

        covering = [
            cover.duty_iro
            for cover in DutyCover.objects.on(today)
            .filter(covered_iro_id=child.iro_id)
            .select_related("duty_iro")
        ]
        return [child.iro, *covering]
    from iro.services import iro_service_recipients

    return iro_service_recipients(today=today)


@transaction.atomic
def significant_event_decide(
    *,
    event: SignificantEvent,
    decision: str,
    reason: str,
    child_consulted: bool,
    parents_consulted: bool,
    by: User,
    today: date,
    review_by: date | None = None,
) -> SignificantEvent:
    """Record the IRO's decision; an additional review replaces the open review (reg 33(3))."""

    event = SignificantEvent.objects.select_for_update().get(pk=event.pk)
    if event.decision:
        raise ValidationError("A decision has already been recorded for this event.")
    errors = _decision_errors(event, decision, reason, review_by, today)
    if errors:
        raise ValidationError(errors)
    additional = decision == SignificantEvent.Decision.ADDITIONAL_REVIEW
    event.decision = decision
    event.decision_reason = reason
    event.child_consulted = child_consulted
    event.parents_consulted = parents_consulted
    event.decided_by = by
    event.decided_on = today
    if additional:
        event.additional_review_by = review_by
        event.review = _bring_forward(event, review_by, reason, by, today)
    event.full_clean()
    event.save()
    if event.recorded_by_id != by.pk:
        notify(
            event.recorded_by,
            f"The IRO decided on the event for {event.child.full_name}: "
            f"{event.get_decision_display().lower()}.",
            event.get_absolute_url(),
            key=f"event-decided:{event.pk}",
        )
    return event


def _decision_errors(
    event: SignificantEvent,
    decision: str,
    reason: str,
    review_by: date | None,
    today: date,
) -> dict[str, str]:
    """What is wrong with the IRO's decision, by field (empty when nothing is)."""
    errors = {}
    if decision not in SignificantEvent.Decision.values:
        errors["decision"] = "Select the decision"
    elif event.is_statutory and decision != SignificantEvent.Decision.ADDITIONAL_REVIEW:
        errors["decision"] = (
            "This event is a statutory trigger: an additional review must be held"
        )
    if not reason.strip():
        errors["reason"] = "Enter the reason for the decision"
    if decision == SignificantEvent.Decision.ADDITIONAL_REVIEW:
        latest = event.additional_review_by
        implausible = dates.problem(
            REVIEW_BY, review_by, dates.ahead(today=today, code="DR-6")
        )
        if review_by is None:
            errors["review_by"] = f"Enter the {REVIEW_BY.lower()}"
        elif implausible:
            errors["review_by"] = implausible
        elif latest is not None and review_by > latest:
            errors["review_by"] = (
                "The additional review must be held on or before "
                f"{timescales.long_date(latest)}, before the stated date"
            )
    return errors


def _bring_forward(event, review_by, reason, by, today) -> Review | None:
    from reviews.services.transitions import review_request_additional

    review = event.period.reviews.open().order_by("due_date").first()
    if review is None:
        return None
    if review.due_date <= review_by:
        return review  # already due early enough
    if review.status not in (Review.Status.PLANNED, Review.Status.SCHEDULED):
        raise ValidationError(
            {"review_by": "The open review is under way: it cannot be replaced now"}
        )
    return review_request_additional(
        review=review,
        by=by,
        due_by=review_by,
        reason=f"{event.get_kind_display()}: {reason}",
        today=today,
    )


def events_awaiting_decision(user_children, *, today: date):
    """Events with no decision yet among these children, the most urgent first."""
    return (
        SignificantEvent.objects.filter(child__in=user_children, decision="")
        .select_related("child")
        .order_by("decision_due", "pk")
    )


def decision_overdue(event: SignificantEvent, today: date) -> bool:
    return not event.decision and event.decision_due < today
