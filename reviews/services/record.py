"""After the meeting: decisions, the record written to the child, parents' versions,
distribution, consultations and feedback through single-use links."""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import dates
from core.notifications import notify, queue_email, secret
from reviews.models import (
    AccessLink,
    Consultation,
    Decision,
    FeedbackResponse,
    Invitee,
    RecordAudience,
    RecordSection,
    Review,
    ReviewComment,
    ReviewRecord,
)
from reviews.services import corrections, sharing
from reviews.services._base import lock, move, papers_changed, record_event
from reviews.services.links import FEEDBACK_DAYS, link_issue, link_use
from reviews.services.record_checks import refuse_unfinished


def band_for_age(date_of_birth: date, on: date) -> str:
    """The record's default age band: under 8, 8 to 12, or 13 and over."""
    age = (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )
    if age < 8:
        return ReviewRecord.Band.UNDER_8
    return (
        ReviewRecord.Band.EIGHT_TO_12 if age < 13 else ReviewRecord.Band.THIRTEEN_PLUS
    )


@transaction.atomic
def decision_save(
    *,
    review: Review,
    by: User,
    decision: Decision | None = None,
    withhold_from=(),
    **fields,
) -> Decision:
    """Add or change one SMART decision or recommendation (C1: while the review is held
    and the decisions are not with the team manager, or while the record is amended)."""
    review = lock(review)
    if decision is not None and decision.review_id != review.pk:
        raise ValidationError("That decision is not part of this review.")
    if not corrections.decisions_changeable(review) and not (
        corrections.record_changeable(review)
        and _only_child_wording(decision, fields, withhold_from)
    ):
        raise ValidationError(corrections.DECISIONS_CLOSED)
    decision = decision or Decision(review=review)
    for field, value in fields.items():
        setattr(decision, field, value)
    held = review.record_date or review.completed_date or timezone.localdate()
    errors = dates.problems(
        {
            "due_date": (
                "Date it is due",
                decision.due_date,
                dates.due_after(start=held),
            )
        }
    )
    if errors:
        raise ValidationError(errors)
    decision.full_clean()
    decision.save()
    decision.withhold_from.set(_own_invitees(review, withhold_from))
    return decision


def _only_child_wording(decision: Decision | None, fields: dict, withhold_from) -> bool:
    """D-WORDS: a decision's words for the child are the record's text, so they can be
    written while the record can (the decision itself stays as the team manager has it)."""
    if decision is None:
        return False
    return all(
        getattr(decision, name) == value
        for name, value in fields.items()
        if name != "child_wording"
    ) and set(withhold_from) == set(decision.withhold_from.all())


def _own_invitees(review: Review, people) -> list[Invitee]:
    people = list(people)
    if any(person.review_id != review.pk for person in people):
        raise ValidationError("Only people on this review's list can be named.")
    return people


@transaction.atomic
def record_save(
    *,
    review: Review,
    by: User,
    band: str,
    translation_language: str,
    sections: dict[str, str],
    withheld: dict[str, list[Invitee]],
    nothing_to_leave_out_for: list[Invitee] | None = None,
    expected_version: int | None = None,
) -> ReviewRecord:
    """Write or change the record; each section names who it must be left out for, and
    the IRO may say, for someone the child keeps something from, that nothing in it
    needs leaving out for them (V1)."""
    review = lock(review)
    if not corrections.record_changeable(review):
        raise ValidationError(
            "The record can be written after the review is held and until it is "
            "finalised; after that, amend it with a reason."
        )
    record = ReviewRecord.objects.select_for_update().filter(review=review).first()
    if record and expected_version is not None and record.version != expected_version:
        from core.exceptions import EditConflict

        raise EditConflict(record)
    record = record or ReviewRecord(review=review, author=by, band=band)
    record.band = band
    record.translation_language = translation_language
    if record.pk:
        record.version += 1
    record.full_clean()
    record.save()
    for key, text in sections.items():
        section, _ = RecordSection.objects.update_or_create(
            record=record, key=key, defaults={"text": text}
        )
        section.withhold_from.set(_own_invitees(review, withheld.get(key, [])))
    if nothing_to_leave_out_for is not None:
        record.nothing_to_leave_out_for.set(
            _own_invitees(review, nothing_to_leave_out_for)
        )
    record_event(review, action="record_saved", by=by)
    papers_changed(review)
    return record


def people_needing_their_own_version(review: Review) -> list[Invitee]:
    """Everyone from whom something in the record is withheld, parent or not (a
    carer, a relative, a professional), and everyone the child keeps something from
    (reviews.services.sharing), and everyone the child does not want at the meeting
    (V-APART): each gets a version of their own."""
    restricted = {person.pk for person in sharing.restricted_people(review)}
    return [
        person
        for person in review.invitees.all()
        if person.pk in restricted
        or person.child_does_not_want
        or person.withheld_sections.filter(record__review=review).exists()
        or person.withheld_decisions.filter(review=review).exists()
    ]


@transaction.atomic
def record_finalise(
    *, review: Review, by: User, today: date, readability_warning: str = ""
) -> ReviewRecord:
    """Finalise the record (→ record written); restricted items are already marked."""
    review = lock(review)
    record = ReviewRecord.objects.filter(review=review).first()
    if record is None or not record.sections.exclude(text="").exists():
        raise ValidationError("Write the record before finalising it.")
    refuse_unfinished(review)
    record.finalised_on = today
    record.finalised_by = by
    record.readability_warning = readability_warning
    record.save(
        update_fields=[
            "finalised_on",
            "finalised_by",
            "readability_warning",
            "updated_at",
        ]
    )
    move(
        review,
        Review.Status.RECORD_WRITTEN,
        action="record_finalised",
        by=by,
        note=readability_warning,
    )
    papers_changed(review)
    return record


@dataclass(frozen=True)
class RecordVersion:
    """What one person's copy of the record contains."""

    kind: str
    sections: list[RecordSection]
    decisions: list[Decision]


def record_version_for(review: Review, invitee: Invitee | None) -> RecordVersion:
    """The child's version (invitee None or the child) or a person's: never rewrites text,
    only leaves out the sections and decisions withheld from that person.

    A parent always has a copy of their own; anyone else from whom something is
    withheld (a carer, a relative, a professional) has one too, so what the child
    asked to keep from them never reaches them in the shared professional copy.
    """
    record = review.record
    sections = list(record.sections.exclude(text="").prefetch_related("withhold_from"))
    decisions = list(review.decisions.prefetch_related("withhold_from"))
    if invitee is None:
        return RecordVersion(RecordAudience.CHILD, sections, decisions)
    kept_sections = [s for s in sections if invitee not in s.withhold_from.all()]
    kept_decisions = [d for d in decisions if invitee not in d.withhold_from.all()]
    withheld = len(kept_sections) < len(sections) or len(kept_decisions) < len(
        decisions
    )
    restricted = any(p.pk == invitee.pk for p in sharing.restricted_people(review))
    # Someone the child does not want at the meeting gets a copy of their own too:
    # what the child's wishes allow them, never the shared professional copy (V-APART).
    if invitee.is_parent or withheld or restricted or invitee.child_does_not_want:
        return RecordVersion(RecordAudience.PARENT, kept_sections, kept_decisions)
    kind = (
        RecordAudience.CHILD if invitee.role == "child" else RecordAudience.PROFESSIONAL
    )
    return RecordVersion(kind, sections, decisions)


FEEDBACK_ROLES = ("child", "parent", "pr_holder", "carer")


@transaction.atomic
def review_close(*, review: Review, by: User, care_plan_updated: bool) -> Review:
    """Close the review (G-CLOSE) and ask for feedback (T31).

    A missing care-plan update is flagged, not blocking.
    """
    review = lock(review)
    note = (
        ""
        if care_plan_updated
        else "Care plan update not confirmed: flagged as overdue"
    )
    move(review, Review.Status.CLOSED, action="closed", by=by, note=note)
    now = timezone.now()
    for person in review.invitees.filter(
        child_does_not_want=False, role__in=FEEDBACK_ROLES
    ).exclude(email=""):
        # Feedback goes by email only: someone without an address gets no link (D-LINK).
        link = link_issue(
            purpose=AccessLink.Purpose.FEEDBACK,
            recipient=person,
            review=review,
            now=now,
        )
        queue_email(
            key=f"feedback:{review.pk}:{person.pk}",
            to=person.email,
            subject="How was the review? Tell us in two minutes",
            body=(
                f"Dear {person.name},\n\nPlease tell us what you thought of the "
                f"review. This link works once, for {FEEDBACK_DAYS} days:\n"
                f"{secret(link.url)}\n\n"
                "The Independent Reviewing Officer service"
            ),
        )
    return review


@transaction.atomic
def consultation_submit_via_link(
    *, token: str, now: datetime, code: str = "", **answers
) -> Consultation:
    """Save views sent through a single-use link, and use the link up."""
    link = link_use(
        token=token, purpose=AccessLink.Purpose.CONSULTATION, now=now, code=code
    )
    consultation = Consultation(
        review=link.review,
        invitee=link.invitee,
        respondent_role=link.invitee.role,
        respondent_name=link.invitee.name,
        channel=Consultation.Channel.FORM,
        received_on=timezone.localtime(now).date(),
        **answers,
    )
    consultation.full_clean()
    consultation.save()
    record_event(
        link.review,
        action="consultation_received",
        by=None,
        note=f"From {link.invitee.get_role_display().lower()}",
        from_status=link.review.status,
    )
    return consultation


@transaction.atomic
def feedback_submit_via_link(
    *, token: str, now: datetime, code: str = "", **answers
) -> FeedbackResponse:
    """Save feedback sent through a single-use link, and use the link up."""
    link = link_use(
        token=token, purpose=AccessLink.Purpose.FEEDBACK, now=now, code=code
    )
    feedback = FeedbackResponse(
        review=link.review,
        invitee=link.invitee,
        respondent_role=link.invitee.role,
        **answers,
    )
    feedback.full_clean()
    feedback.save()
    return feedback


@transaction.atomic
def consultation_enter(*, review: Review, by: User, **fields) -> Consultation:
    """Staff enter views given another way (a booklet, a call, a drawing)."""
    received = dates.happened(
        today=timezone.localdate(), born=review.child.date_of_birth
    )
    errors = dates.problems(
        {"received_on": ("Date received", fields.get("received_on"), received)}
    )
    invitee = fields.get("invitee")
    if invitee is not None and invitee.review_id != review.pk:
        errors["invitee"] = "Choose someone on this review's list"
    if errors:
        raise ValidationError(errors)
    consultation = Consultation(review=review, entered_by=by, **fields)
    consultation.full_clean()
    consultation.save()
    return consultation


@transaction.atomic
def review_comment_add(*, review: Review, by: User, text: str) -> ReviewComment:
    """Comment on the IRO's record or decisions without changing the IRO's words."""
    if not text.strip():
        raise ValidationError({"text": "Enter your comment"})
    comment = ReviewComment(review=review, by=by, text=text)
    comment.full_clean()
    comment.save()
    iro = review.child.iro
    if iro is not None and iro != by:
        notify(
            iro,
            f"{by} commented on the review for {review.child}",
            review.get_absolute_url(),
        )
    return comment
