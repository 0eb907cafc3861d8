"""Hearing people apart from the meeting (docs/rules.md, V-APART).

Someone the child does not want at the meeting, and someone who asked to speak to the
IRO separately, still give their views: at a meeting or call of their own with the IRO,
or on a consultation form of their own. The IRO plans how and when (HearingApart); the
plan is a task on the IRO's My work until the person has been heard. Whether they have
been heard is worked out from their consultations, never stored: a consultation linked
to them that is not itself the request to be heard separately.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from core import dates
from core.notifications import queue_email
from reviews.models import (
    AccessLink,
    Coming,
    Consultation,
    HearingApart,
    Invitee,
    Review,
)
from reviews.services._base import lock, record_event
from reviews.services.links import link_issue

NOT_WANTED = "not_wanted"
ASKED = "asked"
WHY = {
    NOT_WANTED: "The child does not want them at the meeting",
    ASKED: "They asked to speak to the reviewing officer separately",
}
# Reviews whose people can still be heard before the meeting is held.
STILL_TO_HOLD = [
    Review.Status.PLANNED,
    Review.Status.SCHEDULED,
    Review.Status.INVITATIONS_ISSUED,
    Review.Status.IN_PROGRESS,
    Review.Status.ADJOURNED,
]


@dataclass(frozen=True)
class Heard:
    """One person on the review's list, and whether their views are in."""

    invitee: Invitee
    apart: str  # NOT_WANTED, ASKED, or "" for someone heard at the meeting
    plan: HearingApart | None
    heard_on: date | None

    @property
    def heard(self) -> bool:
        return self.heard_on is not None

    @property
    def why(self) -> str:
        return WHY.get(self.apart, "")


def _asked(consultations: list[Consultation]) -> bool:
    return any(c.coming == Coming.SEPARATELY for c in consultations)


def _heard_on(consultations: list[Consultation]) -> date | None:
    """The last day their views came in, other than a request to be heard apart."""
    days = [c.received_on for c in consultations if c.coming != Coming.SEPARATELY]
    return max(days) if days else None


def who_has_been_heard(review: Review) -> list[Heard]:
    """Everyone on the list (the child apart: the child's own steps track them), with
    why they are heard apart, if they are, their plan and when their views came in."""
    people = review.invitees.exclude(role="child").prefetch_related("consultations")
    plans = {plan.invitee_id: plan for plan in review.hearings_apart.all()}
    found = []
    for person in people.order_by("pk"):
        consultations = list(person.consultations.all())
        apart = (
            NOT_WANTED
            if person.child_does_not_want
            else ASKED
            if _asked(consultations)
            else ""
        )
        found.append(
            Heard(person, apart, plans.get(person.pk), _heard_on(consultations))
        )
    return found


def still_to_hear_apart(review: Review) -> list[Heard]:
    """The people to be heard apart whose views are not in yet."""
    return [row for row in who_has_been_heard(review) if row.apart and not row.heard]


def _plan_window(review: Review) -> dates.Window:
    """DR-10: on or after the last review held (or the start of care), and no later
    than the review's own date, so that they are heard before it."""
    last_held = (
        Review.objects.filter(period=review.period, record_date__isnull=False)
        .exclude(pk=review.pk)
        .order_by("-record_date")
        .values_list("record_date", flat=True)
        .first()
    )
    earliest = last_held or review.period.started_on
    if review.scheduled_for is not None:
        latest, until = timezone.localtime(review.scheduled_for).date(), "the meeting"
    else:
        latest, until = review.due_date, "the date the review is due"
    return dates.between(
        earliest=earliest,
        latest=latest,
        since="the last review" if last_held else "the start of this period of care",
        until=until,
    )


@transaction.atomic
def hearing_apart_plan(
    *,
    review: Review,
    invitee: Invitee,
    by: User,
    how: str,
    planned_on: date | None,
    note: str = "",
    now: datetime,
) -> HearingApart:
    """The IRO plans (or replans) how and when someone is heard apart (V-APART).

    A form by email sends them their own consultation link now, with no word of the
    meeting; a changed plan keeps its history in the audit trail.
    """
    review = lock(review)
    if invitee.review_id != review.pk or invitee.role == "child":
        raise ValidationError("Choose someone on this review's list.")
    if review.status not in STILL_TO_HOLD:
        raise ValidationError("This review has been held: record their views instead.")
    row = next(
        (r for r in who_has_been_heard(review) if r.invitee.pk == invitee.pk), None
    )
    if row is None or not row.apart:
        raise ValidationError(
            f"{invitee.name} is invited to the meeting and has not asked to be heard "
            "separately."
        )
    errors = (
        dates.problems(
            {"planned_on": ("Date planned", planned_on, _plan_window(review))}
        )
        if planned_on is not None
        else {"planned_on": "Enter the date planned"}
    )
    if how == HearingApart.How.FORM and not invitee.email:
        errors.setdefault(
            "how",
            f"{invitee.name} has no email address: plan a meeting or a call, or add "
            "their email address to the list first",
        )
    if errors:
        raise ValidationError(errors)
    assert planned_on is not None  # refused above
    plan = HearingApart.objects.filter(invitee=invitee).first()
    created = plan is None
    plan = plan or HearingApart(invitee=invitee, review=review)
    plan.how, plan.planned_on, plan.note, plan.planned_by = how, planned_on, note, by
    plan.full_clean()
    plan.save()
    record_event(
        review,
        action="hearing_apart_planned",
        by=by,
        note=f"{invitee.name}: {plan.get_how_display().lower()}, {plan.planned_on:%-d %b %Y}"
        + ("" if created else " (changed)"),
    )
    if how == HearingApart.How.FORM and not row.heard:
        _send_form(review, invitee, plan, now=now)
    return plan


def _send_form(
    review: Review, invitee: Invitee, plan: HearingApart, *, now: datetime
) -> None:
    """Their own consultation form by email: what the form asks, and nothing of the
    meeting (its date, place or who comes)."""
    if invitee.consultation_type == Invitee.ConsultationType.NONE:
        invitee.consultation_type = Invitee.ConsultationType.ADULT
        invitee.save(update_fields=["consultation_type", "updated_at"])
    link = link_issue(
        purpose=AccessLink.Purpose.CONSULTATION,
        recipient=invitee,
        review=review,
        now=now,
    )
    child = review.child
    queue_email(
        key=f"hearing-apart:{plan.pk}:{now.isoformat()}",
        to=invitee.email,
        subject=f"Your views for {child.first_name}'s review",
        body="\n".join(
            [
                f"Dear {invitee.name},",
                "",
                f"{child.first_name}'s Independent Reviewing Officer would like to "
                "hear your views before the review. You can give them on this form:",
                "",
                link.url,
                "",
                "The link works once and for a limited time. You will be told what "
                "the review decides.",
                "",
                "The Independent Reviewing Officer service",
            ]
        ),
    )


def plans_due_for(children: QuerySet) -> QuerySet[Invitee]:
    """For My work: the people of these children's reviews, still to hold, who are to
    be heard apart and have not been (V-APART), with their plan if any."""
    views_in = Consultation.objects.filter(invitee=OuterRef("pk")).exclude(
        coming=Coming.SEPARATELY
    )
    asked = Consultation.objects.filter(
        invitee=OuterRef("pk"), coming=Coming.SEPARATELY
    )
    return (
        Invitee.objects.filter(
            review__child__in=children, review__status__in=STILL_TO_HOLD
        )
        .exclude(role="child")
        .filter(Q(child_does_not_want=True) | Exists(asked))
        .exclude(Exists(views_in))
        .select_related("review__child", "hearing_apart")
        .order_by("review__due_date", "pk")
    )
