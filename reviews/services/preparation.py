"""Before the meeting: Review Choices, the convening checklist, invitations, documents."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import dates
from reviews.models import (
    AccessLink,
    ChildContact,
    ConveningChecklist,
    Invitation,
    Invitee,
    KeyDocument,
    Review,
    ReviewChoices,
    SharingRestriction,
)
from reviews.services import invitations
from reviews.services._base import (
    lock,
    move,
    papers_changed,
    record_event,
    save_fields,
)
from reviews.services.links import IssuedLink, link_issue

CHOICES_FIELDS = [
    f.name
    for f in ReviewChoices._meta.get_fields()
    if f.concrete
    and f.name not in {"id", "review", "captured_by", "created_at", "updated_at"}
]


def _refuse_implausible(checks: dict) -> None:
    """Raise ValidationError({field: message}) for the dates outside their range (core.dates)."""
    errors = dates.problems(checks)
    if errors:
        raise ValidationError(errors)


def _happened(child) -> dates.Window:
    return dates.happened(today=timezone.localdate(), born=child.date_of_birth)


@transaction.atomic
def review_choices_save(*, review: Review, by: User, **answers) -> ReviewChoices:
    """Record the child's Review Choices, or why they are not applicable (T10)."""
    review = lock(review)
    _refuse_implausible(
        {
            "captured_on": (
                "Date you talked with the child",
                answers.get("captured_on"),
                _happened(review.child),
            )
        }
    )
    choices, _ = ReviewChoices.objects.get_or_create(
        review=review,
        defaults={"captured_by": by, "captured_on": answers["captured_on"]},
    )
    for field, value in answers.items():
        setattr(choices, field, value)
    choices.captured_by = by
    choices.full_clean()
    choices.save()
    save_fields(review, action="review_choices_saved", by=by)
    return choices


@transaction.atomic
def checklist_submit(
    *,
    review: Review,
    by: User,
    today: date,
    parents_plan: str = "",
    parents_plan_reason: str = "",
) -> ConveningChecklist:
    """The social worker submits the convening checklist (T11)."""
    review = lock(review)
    checklist, _ = ConveningChecklist.objects.update_or_create(
        review=review,
        defaults={
            "submitted_by": by,
            "submitted_on": today,
            "parents_plan": parents_plan,
            "parents_plan_reason": parents_plan_reason,
            "confirmed_by": None,
            "confirmed_on": None,
        },
    )
    record_event(review, action="checklist_submitted", by=by)
    return checklist


@transaction.atomic
def invitee_save(
    *, review: Review, by: User, invitee: Invitee | None = None, **fields
) -> Invitee:
    """Add or change a person on the convening list; the IRO must confirm it again."""
    review = lock(review)
    invitee = invitee or Invitee(review=review)
    was = (invitee.method, invitee.email)
    for field, value in fields.items():
        setattr(invitee, field, value)
    _check_contact(invitee)
    invitee.full_clean()
    invitee.save()
    _unconfirm_checklist(review)
    # D-CAL2: an invitation already sent is cancelled, or sent again the new way.
    now = timezone.now()
    if not invitee.is_invited:
        invitations.invitation_withdraw(
            review=review, invitee=invitee, by=by, now=now, end_links=False
        )
    else:
        invitations.invitation_readdress(
            review=review, invitee=invitee, was=was, by=by, now=now
        )
    return invitee


def _unconfirm_checklist(review: Review) -> None:
    """The list changed: the IRO must confirm it again (saved, so the audit log has it)."""
    checklist = ConveningChecklist.objects.filter(review=review).first()
    if checklist is not None and (checklist.confirmed_by_id or checklist.confirmed_on):
        checklist.confirmed_by = None
        checklist.confirmed_on = None
        checklist.save(update_fields=["confirmed_by", "confirmed_on", "updated_at"])


def _check_contact(invitee: Invitee) -> None:
    if invitee.method == Invitee.Method.EMAIL and not invitee.email:
        raise ValidationError({"email": "Enter an email address, or choose a letter"})
    if invitee.method == Invitee.Method.LETTER and not invitee.postal_address.strip():
        raise ValidationError(
            {"postal_address": "Enter a postal address, or choose email"}
        )


@transaction.atomic
def sharing_restriction_add(
    *, review: Review, by: User, person: Invitee, what: str
) -> SharingRestriction:
    """Record something the child does not want a named person to be told (V1, V2)."""
    if person.review_id != review.pk:
        raise ValidationError("That person is not on this review's list.")
    restriction = SharingRestriction(review=review, person=person, what=what)
    restriction.full_clean()
    restriction.save()
    record_event(
        review,
        action="sharing_restriction_added",
        by=by,
        note=f"For {person.name}",
    )
    return restriction


@transaction.atomic
def checklist_confirm(*, review: Review, by: User, today: date) -> ConveningChecklist:
    """The IRO confirms the invite list (needed before invitations go out)."""
    review = lock(review)
    checklist = ConveningChecklist.objects.filter(review=review).first()
    if checklist is None:
        raise ValidationError(
            "The social worker has not submitted the convening checklist yet."
        )
    if not review.invitees.exists():
        raise ValidationError("The convening list is empty.")
    for invitee in review.invitees.all():
        _check_contact(invitee)
    checklist.confirmed_by = by
    checklist.confirmed_on = today
    checklist.save(update_fields=["confirmed_by", "confirmed_on", "updated_at"])
    record_event(review, action="invite_list_confirmed", by=by)
    return checklist


def invited_people(review: Review):
    """The people who get an invitation: never someone the child does not want there."""
    return review.invitees.filter(child_does_not_want=False, written_report_only=False)


@transaction.atomic
def review_issue_invitations(
    *, review: Review, by: User, now: datetime
) -> list[Invitation]:
    """Send the invitations and consultation links once, to the confirmed list (T13).

    Pressing the button twice sends nothing new: each person's first version is made
    once (D-CAL2), and each email has its own key in the outbox.
    """
    review = lock(review)
    if review.scheduled_for is None:
        raise ValidationError("Set the date of the review before sending invitations.")
    if review.status == Review.Status.INVITATIONS_ISSUED:
        return [row.invitation for row in invitations.latest_for_review(review)]
    checklist = ConveningChecklist.objects.filter(review=review).first()
    if checklist is None or checklist.confirmed_on is None:
        raise ValidationError("The IRO has not confirmed the invite list yet.")
    sent = [
        _invite(review, invitee, by=by, now=now) for invitee in invited_people(review)
    ]
    move(
        review,
        Review.Status.INVITATIONS_ISSUED,
        action="invitations_issued",
        by=by,
        note=f"{len(sent)} invitations",
    )
    papers_changed(review)
    return sent


@transaction.atomic
def invitation_send_late(
    *, review: Review, invitee: Invitee, by: User, now: datetime
) -> Invitation:
    """D-CAL2: after the invitations went out, send the invitation of someone added to
    the list since (or invited again), once the IRO has confirmed the list with them
    on it: by email with its calendar entry, or a letter to print and post. Until
    then they are a task on business support's My work (invitations.to_invite)."""
    review = lock(review)
    if invitee.review_id != review.pk:
        raise ValidationError("That person is not on this review's list.")
    if review.status != Review.Status.INVITATIONS_ISSUED:
        raise ValidationError(
            "Invitations are sent one by one only after they have gone out, and "
            "before the meeting."
        )
    if not invitations.list_confirmed(review):
        raise ValidationError(
            "The list has changed since the IRO confirmed it: the IRO must confirm "
            f"it again before {invitee.name} is sent their invitation."
        )
    _check_contact(invitee)
    return invitations.invitation_late(review=review, invitee=invitee, by=by, now=now)


def _invite(review: Review, invitee: Invitee, *, by: User, now: datetime) -> Invitation:
    """The first version of this person's invitation (D-CAL2). The email carries the
    consultation link; a letter's link is made when the letter is printed to post
    (consultation_letter_link), so that no link is made that nobody receives (D-LINK)."""
    _check_contact(invitee)
    return invitations.invitation_first(review=review, invitee=invitee, by=by, now=now)


def letter_carries_link(review: Review, invitee: Invitee) -> bool:
    """Whether the invitation letter printed to post to this person carries a
    consultation link (D-CODE): they are on the list, invited by letter and asked
    for their views, and their latest version is the invitation for the review's
    date (never a letter cancelling or withdrawing it)."""
    if (
        invitee.method != Invitee.Method.LETTER
        or invitee.consultation_type == Invitee.ConsultationType.NONE
        or not invitee.is_invited
        or invitee.removed_at is not None
        or not review.is_open
        or review.scheduled_for is None
    ):
        return False
    last = invitations.latest(invitee)
    return (
        last is not None
        and not last.is_cancellation
        and last.scheduled_for == review.scheduled_for
    )


@transaction.atomic
def consultation_letter_link(
    *, review: Review, invitee: Invitee, by: User, now: datetime
) -> IssuedLink | None:
    """A consultation link and its short code for the letter being printed to post
    (D-CODE), or None when the letter carries no link.

    The letter prints the link; the short code is printed on a separate slip that
    stays with the service and reaches the person by phone. Printing the letter again
    makes a new link and code, and the earlier letter's link stops working.
    """
    if not letter_carries_link(review, invitee):
        return None
    issued = link_issue(
        purpose=AccessLink.Purpose.CONSULTATION,
        recipient=invitee,
        review=review,
        now=now,
        with_code=True,
    )
    record_event(
        review,
        action="letter_link_made",
        by=by,
        note=f"Consultation link and short code for the letter to the {invitee.get_role_display().lower()}",
    )
    return issued


@transaction.atomic
def child_contact_record(
    *, child, by: User, review: Review | None = None, **fields
) -> ChildContact:
    """Log the IRO meeting or speaking to the child (before a review, or between reviews)."""
    _refuse_implausible({"on": ("Date", fields.get("on"), _happened(child))})
    contact = ChildContact(child=child, iro=by, review=review, **fields)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def key_document_mark(
    *,
    review: Review,
    by: User,
    kind: str,
    shared_on: date | None,
    shared_with_parents: bool,
    note: str = "",
    file=None,
) -> KeyDocument:
    """Upload, or mark as shared, one of the review's key documents."""
    _refuse_implausible(
        {"shared_on": ("Date shared with the IRO", shared_on, _happened(review.child))}
    )
    document = (
        KeyDocument.objects.filter(review=review, kind=kind)
        .exclude(kind=KeyDocument.Kind.OTHER)
        .first()
    )
    document = document or KeyDocument(review=review, kind=kind, by=by)
    document.shared_on = shared_on
    document.shared_with_parents = shared_with_parents
    document.note = note
    document.by = by
    if file is not None:
        document.file = file
    document.full_clean()
    document.save()
    return document
