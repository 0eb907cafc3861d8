"""Asking for a date after the due date (docs/rules.md, T23a): the IRO asks with the date
and the reason, the IRO service manager answers; authorising goes through T23's own
service, so the later date is recorded the one way."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from core import dates
from core.notifications import notify
from reviews.models import LaterDateRequest, Review
from reviews.services._base import lock, record_event
from reviews.services.transitions import review_authorise_out_of_timescale


def open_request(review: Review) -> LaterDateRequest | None:
    return review.later_date_requests.filter(outcome="").first()


def requests_to_decide():
    """Every request waiting for an answer, the soonest due review first."""
    return (
        LaterDateRequest.objects.filter(
            outcome="", review__status__in=Review.OPEN_STATUSES
        )
        .select_related("review__child", "asked_by")
        .order_by("review__due_date", "pk")
    )


def can_ask(review: Review) -> bool:
    """An open review with no request waiting."""
    return review.is_open and open_request(review) is None


@transaction.atomic
def later_date_ask(
    *, review: Review, by: User, until: date, reason: str
) -> LaterDateRequest:
    """T23a: the IRO asks for a date after the due date; the service managers are told."""
    review = lock(review)
    if not review.is_open:
        raise ValidationError("A later date can be asked for an open review only.")
    if open_request(review) is not None:
        raise ValidationError("A later date is already waiting for an answer.")
    errors = dates.problems(
        {
            "until": (
                "Latest date the review may be held",
                until,
                dates.planned(
                    today=timezone.localdate(),
                    earliest=review.due_date,
                    since="the review's due date",
                ),
            )
        }
    )
    if errors:
        raise ValidationError(errors)
    if until <= review.due_date:
        raise ValidationError(
            {"until": "The date must be after the due date: no authorisation is needed"}
        )
    if not reason.strip():
        raise ValidationError(
            {"reason": "Enter why the review cannot be held by its due date"}
        )
    request = LaterDateRequest.objects.create(
        review=review, until=until, reason=reason.strip(), asked_by=by
    )
    record_event(
        review,
        action="later_date_asked",
        by=by,
        note=f"Until {dates.long_date(until)}: {request.reason}"[:1000],
    )
    url = reverse("reviews:later_date_decide", args=[review.pk])
    for manager in User.objects.filter(groups__name=Role.IRO_MANAGER, is_active=True):
        notify(
            manager,
            f"{by} asks for {review.child.known_as}'s review to be held by "
            f"{dates.long_date(until)}, after its due date.",
            url,
        )
    return request


@transaction.atomic
def later_date_decide(
    *, review: Review, by: User, authorise: bool, answer: str, now: datetime
) -> LaterDateRequest:
    """T23a: the service manager authorises the date asked for (T23) or refuses it, with
    the reason either way; the IRO who asked is told."""
    review = lock(review)
    request = open_request(review)
    if request is None:
        raise ValidationError("There is no request for a later date to answer.")
    if not answer.strip():
        raise ValidationError({"answer": "Enter the reason for your answer"})
    if authorise:
        review_authorise_out_of_timescale(
            review=review, by=by, until=request.until, reason=request.reason
        )
    elif not by.has_role(Role.IRO_MANAGER):
        raise ValidationError("Only the IRO service manager can answer this.")
    request.outcome = (
        LaterDateRequest.Outcome.AUTHORISED
        if authorise
        else LaterDateRequest.Outcome.REFUSED
    )
    request.answer = answer.strip()
    request.decided_by = by
    request.decided_at = now
    request.save()
    record_event(
        review,
        action=f"later_date_{request.outcome}",
        by=by,
        note=request.answer[:1000],
    )
    notify(
        request.asked_by,
        f"The later date for {review.child.known_as}'s review is "
        f"{request.get_outcome_display().lower()}: {request.answer}",
        review.get_absolute_url(),
    )
    return request
