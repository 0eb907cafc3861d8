"""Secure accommodation reviews (CSAR reg 15; T9, D-SECURE)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Role, User
from children.models import SecurePlacement
from children.services import secure_placement_update
from core import dates
from core.dates import long_date
from core.notifications import notify
from reviews import timescales
from reviews.models import SecurePanelMember, SecureReview, SecureReviewCorrection

MIN_PANEL = 3


def _held_dates(placement) -> list[date]:
    return list(
        placement.reviews.filter(status=SecureReview.Status.HELD).values_list(
            "held_on", flat=True
        )
    )


@transaction.atomic
def secure_review_plan(*, placement, by: User | None) -> SecureReview | None:
    """Plan the placement's next secure review with its due date; one planned at a time."""
    if placement.ended_on is not None:
        return None
    existing = placement.reviews.filter(status=SecureReview.Status.PLANNED).first()
    if existing is not None:
        return existing
    due = timescales.secure_review_due(placement.started_on, _held_dates(placement))
    review = SecureReview(
        secure_placement=placement, due_date=due.date, due_rule=timescales.explain(due)
    )
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def secure_review_nominate_chair(
    *, review: SecureReview, by: User, chair: User
) -> SecureReview:
    """The service manager nominates the chair: an IRO who is not the child's IRO."""
    if not by.has_role(Role.IRO_MANAGER):
        raise ValidationError("Only the IRO service manager nominates the chair.")
    if not chair.has_role(Role.IRO):
        raise ValidationError({"chair": "The chair must be an IRO"})
    if chair.pk == review.child.iro_id:
        raise ValidationError({"chair": "The chair must not be the child's own IRO"})
    review.chair = chair
    review.chair_nominated_by = by
    review.full_clean()
    review.save(update_fields=["chair", "chair_nominated_by", "updated_at"])
    notify(
        chair,
        f"You are asked to chair a secure accommodation review for {review.child}",
        review.get_absolute_url(),
    )
    return review


@transaction.atomic
def secure_review_record(
    *,
    review: SecureReview,
    by: User,
    held_on: date,
    panel: list[dict],
    views: str,
    criteria_still_met: bool,
    placement_still_necessary: bool,
    other_accommodation_more_suitable: bool,
    recommendation: str,
    today: date,
) -> tuple[SecureReview, SecureReview | None]:
    """Record the panel's findings, tell the child's IRO, and plan the next secure review."""
    review = SecureReview.objects.select_for_update().get(pk=review.pk)
    if review.status != SecureReview.Status.PLANNED:
        raise ValidationError(
            "This secure accommodation review has already been recorded."
        )
    if by.pk != review.chair_id:
        raise ValidationError("Only the nominated chair records the review.")
    members = _checked_panel(review, held_on, panel, today)
    for member in members:
        SecurePanelMember.objects.create(
            review=review,
            name=member["name"],
            role=member.get("role", ""),
            independent=bool(member.get("independent")),
        )
    review.held_on = held_on
    review.views = views
    review.criteria_still_met = criteria_still_met
    review.placement_still_necessary = placement_still_necessary
    review.other_accommodation_more_suitable = other_accommodation_more_suitable
    review.recommendation = recommendation
    review.status = SecureReview.Status.HELD
    review.child_iro_notified_on = today
    review.full_clean()
    review.save()
    _tell_the_childs_iro(review)
    following = secure_review_plan(placement=review.secure_placement, by=by)
    return review, following


def _checked_panel(
    review: SecureReview, held_on: date, panel: list[dict], today: date
) -> list[dict]:
    """The panel's named members, once the date (DR-3, and after the last review
    held) and the panel are right."""
    _check_held_on(review, held_on, today)
    held = _held_dates(review.secure_placement)
    if held and held_on <= max(held):
        raise ValidationError(
            {
                "held_on": "Date of the review must be after the last secure "
                f"accommodation review, held on {long_date(max(held))}"
            }
        )
    members = [m for m in panel if m.get("name", "").strip()]
    if len(members) < MIN_PANEL:
        raise ValidationError({"panel": f"The panel needs at least {MIN_PANEL} people"})
    if not any(m.get("independent") for m in members):
        raise ValidationError(
            {"panel": "At least one panel member must be independent of the council"}
        )
    return members


def _check_held_on(review: SecureReview, held_on: date, today: date) -> None:
    """DR-3: held on or after the placement started, and not in the future."""
    held = dates.problems(
        {
            "held_on": (
                "Date of the review",
                held_on,
                dates.meeting_held(
                    today=today,
                    period_started=review.secure_placement.started_on,
                    since="the date the secure placement started",
                ),
            )
        }
    )
    if held:
        raise ValidationError(held)


def _tell_the_childs_iro(review: SecureReview) -> None:
    iro = review.child.iro
    if iro is None:
        return
    outcome = (
        "the criteria still apply"
        if review.criteria_still_met
        else (
            "the criteria NO LONGER apply: the placement must be reviewed immediately"
        )
    )
    notify(
        iro,
        f"Secure accommodation review for {review.child}: {outcome}",
        review.get_absolute_url(),
        key=f"secure-review-outcome:{review.pk}:{review.corrections.count()}",
    )


def secure_reviews_cancel(
    *, placement: SecurePlacement, reason: str, today: date
) -> int:
    """Cancel the placement's planned secure review, saying why (C6): a placement that
    has ended, or a period of care that has, is reviewed no more."""
    return placement.reviews.filter(status=SecureReview.Status.PLANNED).update(
        status=SecureReview.Status.CANCELLED,
        cancelled_on=today,
        cancelled_reason=reason,
    )


@transaction.atomic
def secure_placement_change(
    *, placement: SecurePlacement, by: User | None, today: date, **fields
) -> SecurePlacement:
    """Correct a secure placement or record its end (C6): an end cancels its planned
    secure review; an end taken away plans the next one again."""
    was_ended = SecurePlacement.objects.get(pk=placement.pk).ended_on is not None
    placement = secure_placement_update(placement=placement, by=by, **fields)
    if placement.ended_on is not None:
        secure_reviews_cancel(
            placement=placement,
            reason=f"The secure placement ended on {long_date(placement.ended_on)}.",
            today=today,
        )
    elif was_ended:
        secure_review_plan(placement=placement, by=by)
    return placement


# The findings a correction may change, and how each is said in the history.
CORRECTABLE = (
    "held_on",
    "views",
    "criteria_still_met",
    "placement_still_necessary",
    "other_accommodation_more_suitable",
    "recommendation",
)
NOT_HELD = "Only a held secure accommodation review is corrected: record it instead."


def _said(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return long_date(value)
    return str(value)


@transaction.atomic
def secure_review_correct(
    *, review: SecureReview, by: User, reason: str, today: date, **fields
) -> SecureReviewCorrection:
    """Put right a held secure review's date or findings, on the chair's word, with the
    reason (C6). A new date moves the planned review's due date; a change to whether
    the criteria apply tells the child's IRO again."""
    if not by.has_role(Role.IRO_MANAGER):
        raise ValidationError("Only the IRO service manager corrects a secure review.")
    review = SecureReview.objects.select_for_update().get(pk=review.pk)
    if review.status != SecureReview.Status.HELD:
        raise ValidationError(NOT_HELD)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the review is corrected"})
    changes = {
        name: [_said(getattr(review, name)), _said(fields[name])]
        for name in CORRECTABLE
        if name in fields and fields[name] != getattr(review, name)
    }
    if not changes:
        raise ValidationError("Nothing is changed: change the date or a finding.")
    if "held_on" in changes:
        _check_held_on(review, fields["held_on"], today)
        _between_the_others(review, fields["held_on"])
    for name in changes:
        setattr(review, name, fields[name])
    review.full_clean()
    review.save()
    correction = SecureReviewCorrection.objects.create(
        review=review, changes=changes, reason=reason.strip(), by=by
    )
    if "held_on" in changes:
        _due_again(review.secure_placement)
    if "criteria_still_met" in changes:
        _tell_the_childs_iro(review)
    return correction


def _between_the_others(review: SecureReview, held_on: date) -> None:
    """A corrected date stays between the placement's reviews held either side."""
    # A held review has its date.
    was: date = review.held_on  # type: ignore[assignment]
    others = [d for d in _held_dates(review.secure_placement) if d != was]
    before = [d for d in others if d < was]
    after = [d for d in others if d > was]
    if before and held_on <= max(before):
        raise ValidationError(
            {
                "held_on": f"Date of the review must be after the review held on {long_date(max(before))}"
            }
        )
    if after and held_on >= min(after):
        raise ValidationError(
            {
                "held_on": f"Date of the review must be before the review held on {long_date(min(after))}"
            }
        )


def _due_again(placement: SecurePlacement) -> None:
    """The planned review's due date from the held dates as they now are (T9)."""
    planned = placement.reviews.filter(status=SecureReview.Status.PLANNED).first()
    if planned is None:
        return
    due = timescales.secure_review_due(placement.started_on, _held_dates(placement))
    planned.due_date = due.date
    planned.due_rule = timescales.explain(due)
    planned.save(update_fields=["due_date", "due_rule", "updated_at"])
