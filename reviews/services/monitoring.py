"""Between reviews: the mid-point progress review and progress on each decision."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import dates
from reviews.models import Decision, DecisionUpdate, ProgressReview, ReviewCorrection
from reviews.services._base import record_event

NEEDS_CORRECTION_REASON = "Enter why you are correcting the progress review"


@transaction.atomic
def progress_review_record(
    *,
    progress: ProgressReview,
    by: User,
    done_on: date,
    social_worker_dialogue_on: date | None,
    summary: str,
    updates: dict[Decision, tuple[str, str]],
    today: date,
    reason: str = "",
) -> ProgressReview:
    """Record the mid-point progress review (T24) and the status of each decision.

    Once recorded it is corrected, never overwritten (C7): the reason is required, what
    its facts said before is kept as a correction of the review, and only the decisions
    whose progress changed get a new update.
    """
    progress = ProgressReview.objects.select_for_update().get(pk=progress.pk)
    _check_progress(progress, done_on, social_worker_dialogue_on, summary, today)
    correcting = progress.done_on is not None
    if correcting and not reason.strip():
        raise ValidationError({"reason": NEEDS_CORRECTION_REASON})
    changes = _changes(
        progress,
        done_on=done_on,
        social_worker_dialogue_on=social_worker_dialogue_on,
        summary=summary,
    )
    progress.done_on = done_on
    progress.done_by = progress.done_by or by
    progress.social_worker_dialogue_on = social_worker_dialogue_on
    progress.summary = summary
    progress.full_clean()
    progress.save()
    for decision, (status, comment) in updates.items():
        if decision.review_id != progress.review_id:
            raise ValidationError("Only this review's decisions can be updated here.")
        if correcting and status == decision.status and not comment.strip():
            continue
        decision_status_update(
            decision=decision, by=by, status=status, comment=comment, progress=progress
        )
    if correcting and changes:
        ReviewCorrection.objects.create(
            review=progress.review, changes=changes, reason=reason.strip(), by=by
        )
    record_event(
        progress.review,
        action="progress_review_corrected"
        if correcting
        else "progress_review_recorded",
        by=by,
        note=reason.strip(),
        from_status=progress.review.status,
    )
    return progress


def _check_progress(
    progress: ProgressReview,
    done_on: date,
    social_worker_dialogue_on: date | None,
    summary: str,
    today: date,
) -> None:
    """DR-3: a progress review follows the held review (which has its record date) and
    is not in the future; DR-9 for the talk with the social worker."""
    follows: date = progress.review.record_date  # type: ignore[assignment]
    errors = dates.problems(
        {
            "done_on": (
                "Date of the progress review",
                done_on,
                dates.meeting_held(
                    today=today, period_started=follows, since="the review it follows"
                ),
            ),
            "social_worker_dialogue_on": (
                "Date you discussed progress with the social worker",
                social_worker_dialogue_on,
                dates.happened(today=today, born=progress.review.child.date_of_birth),
            ),
        }
    )
    if errors:
        raise ValidationError(errors)
    if not summary.strip():
        raise ValidationError({"summary": "Enter a summary of progress"})


# How a corrected fact of the progress review is named in the review's corrections.
_FACTS = {
    "done_on": "progress_done_on",
    "social_worker_dialogue_on": "progress_dialogue_on",
    "summary": "progress_summary",
}


def _changes(progress: ProgressReview, **values) -> dict[str, list[str]]:
    """{fact: [before, after]} for each of the progress review's facts that changes."""
    return {
        _FACTS[field]: [_text(getattr(progress, field)), _text(value)]
        for field, value in values.items()
        if getattr(progress, field) != value
    }


def _text(value) -> str:
    """A fact as the correction keeps it: a date as ISO, nothing as empty."""
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


@transaction.atomic
def decision_status_update(
    *,
    decision: Decision,
    by: User,
    status: str,
    comment: str = "",
    progress: ProgressReview | None = None,
) -> DecisionUpdate:
    """Record progress on a decision; its current status is the latest update's."""
    update = DecisionUpdate(
        decision=decision,
        progress_review=progress,
        status=status,
        comment=comment,
        by=by,
    )
    update.full_clean()
    update.save()
    decision.status = status
    decision.save(update_fields=["status", "updated_at"])
    return update


NEEDS_WITHDRAW_REASON = "Enter why the update is withdrawn"


@transaction.atomic
def decision_update_withdraw(
    *, update: DecisionUpdate, by: User, reason: str
) -> DecisionUpdate:
    """C7: take back progress recorded on the wrong decision or by mistake. The row
    stays, marked, with the reason; the decision's status is again the latest update
    still standing, or open when none stands."""
    update = DecisionUpdate.objects.select_for_update().get(pk=update.pk)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": NEEDS_WITHDRAW_REASON})
    update.withdrawn_reason = reason
    update.removed_at = timezone.now()
    update.removed_by = by
    update.save(update_fields=["withdrawn_reason", "removed_at", "removed_by"])
    decision = Decision.objects.select_for_update().get(pk=update.decision_id)
    standing = decision.updates.order_by("-at", "-pk").first()
    decision.status = standing.status if standing else Decision.Status.OPEN
    decision.save(update_fields=["status", "updated_at"])
    record_event(
        decision.review,
        action="decision_update_withdrawn",
        by=by,
        note=f"{decision.what[:200]}: {update.get_status_display()} withdrawn. {reason}"[
            :1000
        ],
    )
    return update
