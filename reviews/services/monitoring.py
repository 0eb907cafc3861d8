"""Between reviews: the mid-point progress review and progress on each decision."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from core import dates
from reviews.models import Decision, DecisionUpdate, ProgressReview
from reviews.services._base import record_event


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
) -> ProgressReview:
    """Record the mid-point progress review (T24) and the status of each decision."""
    progress = ProgressReview.objects.select_for_update().get(pk=progress.pk)
    # DR-3: a progress review follows the held review (which has its record date), and
    # is not in the future.
    follows: date = progress.review.record_date  # type: ignore[assignment]
    done = dates.problems(
        {
            "done_on": (
                "Date of the progress review",
                done_on,
                dates.meeting_held(
                    today=today, period_started=follows, since="the review it follows"
                ),
            )
        }
    )
    if done:
        raise ValidationError(done)
    dialogue = dates.problems(
        {
            "social_worker_dialogue_on": (
                "Date you discussed progress with the social worker",
                social_worker_dialogue_on,
                dates.happened(today=today, born=progress.review.child.date_of_birth),
            )
        }
    )
    if dialogue:
        raise ValidationError(dialogue)
    if not summary.strip():
        raise ValidationError({"summary": "Enter a summary of progress"})
    progress.done_on = done_on
    progress.done_by = by
    progress.social_worker_dialogue_on = social_worker_dialogue_on
    progress.summary = summary
    progress.full_clean()
    progress.save()
    for decision, (status, comment) in updates.items():
        if decision.review_id != progress.review_id:
            raise ValidationError("Only this review's decisions can be updated here.")
        decision_status_update(
            decision=decision, by=by, status=status, comment=comment, progress=progress
        )
    record_event(
        progress.review,
        action="progress_review_recorded",
        by=by,
        from_status=progress.review.status,
    )
    return progress


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
