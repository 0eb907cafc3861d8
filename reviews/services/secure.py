"""Secure accommodation reviews (CSAR reg 15; T9, D-SECURE)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Role, User
from core import dates
from core.notifications import notify
from reviews import timescales
from reviews.models import SecurePanelMember, SecureReview

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
    """The panel's named members, once the date (DR-3) and the panel are right."""
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
    members = [m for m in panel if m.get("name", "").strip()]
    if len(members) < MIN_PANEL:
        raise ValidationError({"panel": f"The panel needs at least {MIN_PANEL} people"})
    if not any(m.get("independent") for m in members):
        raise ValidationError(
            {"panel": "At least one panel member must be independent of the council"}
        )
    return members


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
        key=f"secure-review-outcome:{review.pk}",
    )
