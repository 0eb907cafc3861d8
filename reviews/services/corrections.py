"""Putting mistakes right with their history (docs/rules.md, C1-C4).

Until the record is final, the review's chair (the child's IRO, or the Duty IRO
covering) changes or removes the decisions and corrects a held review's facts. Once
it is final, the same people amend it: an amendment is opened with a reason, the
record, its decisions and the review's facts are changed while it is open, and issuing
it makes a new version of the record (the documents app sends that version to everyone
who had the old one). A held review is never reopened: its facts are corrected in
place, so the one-open-review rule holds.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from core import dates
from reviews import timescales
from reviews.models import (
    AccessLink,
    ChildContact,
    Consultation,
    Decision,
    Invitee,
    MeetingAttendance,
    RecordAmendment,
    Review,
    ReviewCorrection,
    ReviewRecord,
    SharingRestriction,
)
from reviews.services import sharing
from reviews.services._base import lock, papers_changed, record_event, save_fields
from reviews.services.planning import next_due_for_period
from reviews.services.record_checks import refuse_unfinished

# The statuses in which a review's record is final (finalised, sent, closed).
FINAL_STATUSES = frozenset(
    {Review.Status.RECORD_WRITTEN, Review.Status.DISTRIBUTED, Review.Status.CLOSED}
)
HELD_FACTS = ("held_on", "participation", "chaired_by", "next_review_date")


def open_amendment(review: Review) -> RecordAmendment | None:
    """The amendment of the review's record now open, if there is one."""
    return RecordAmendment.objects.filter(
        record__review=review, issued_at__isnull=True
    ).first()


def record_is_final(review: Review) -> bool:
    return review.status in FINAL_STATUSES


def decisions_changeable(review: Review) -> bool:
    """C1: the decisions can be changed while the review is held and they are not with
    the team manager (including when the team manager returned them), or while an
    amendment of the final record is open."""
    if review.status == Review.Status.HELD:
        return True
    return record_is_final(review) and open_amendment(review) is not None


CHILD_WORDING_ONLY = (
    "The team manager has the decisions, so only each decision's words for the child "
    "can be changed now, while the record is written."
)


def record_changeable(review: Review) -> bool:
    """The record text can be changed from the meeting until it is final, and again
    while an amendment is open."""
    if review.status in (
        Review.Status.HELD,
        Review.Status.RD_SUBMITTED,
        Review.Status.RD_AUTHORISED,
        Review.Status.RD_DISPUTED,
    ):
        return True
    return record_is_final(review) and open_amendment(review) is not None


def held_facts_correctable(review: Review) -> bool:
    """C2: a held review's facts, until the record is final or while it is amended."""
    if review.record_date is None or review.status == Review.Status.CANCELLED:
        return False
    return not record_is_final(review) or open_amendment(review) is not None


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise ValidationError(message)


DECISIONS_CLOSED = (
    "The decisions can be changed after the review is held and before they go to the "
    "team manager, or once they are returned; after the record is final, amend the "
    "record first."
)


@transaction.atomic
def decision_remove(*, review: Review, by: User, decision: Decision) -> None:
    """C1: remove a decision entered by mistake: it is kept, marked removed, and leaves
    every copy of the record; the history says what it was."""
    review = lock(review)
    _refuse_unless(decisions_changeable(review), DECISIONS_CLOSED)
    if decision.review_id != review.pk:
        raise ValidationError("That decision is not part of this review.")
    if decision.updates.exists():
        raise ValidationError(
            "Progress has been recorded on this decision: mark it superseded instead."
        )
    text = decision.what
    _take_back(decision, by)
    record_event(
        review,
        action="decision_removed",
        by=by,
        note=f"Removed: {text}"[:1000],
    )
    papers_changed(review)


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for the correction"})
    return reason


def _held_dates_around(review: Review) -> tuple[date | None, date | None]:
    """The record dates of the reviews held just before and just after this one."""
    others = sorted(
        review.period.reviews.held()
        .exclude(pk=review.pk)
        .values_list("record_date", flat=True)
    )
    before = [d for d in others if d < review.record_date]
    after = [d for d in others if d > review.record_date]
    return (before[-1] if before else None), (after[0] if after else None)


def _check_held_on(review: Review, held_on: date, today: date) -> None:
    """DR-3 for the corrected meeting, and between the reviews held either side (DR-5)."""
    earlier_meetings = list(
        review.meetings.order_by("held_on").values_list("held_on", flat=True)
    )[:-1]
    window = dates.meeting_held(today=today, period_started=review.period.started_on)
    problems = dates.problems({"held_on": ("Date of the meeting", held_on, window)})
    if problems:
        raise ValidationError(problems)
    before, after = _held_dates_around(review)
    if earlier_meetings and held_on < earlier_meetings[-1]:
        raise ValidationError(
            {
                "held_on": "The last meeting must be on or after the meeting before it "
                f"({dates.long_date(earlier_meetings[-1])})"
            }
        )
    if before and held_on <= before or after and held_on >= after:
        raise ValidationError(
            {
                "held_on": "The review must be held between the reviews either side of it"
                + (f", after {dates.long_date(before)}" if before else "")
                + (f", before {dates.long_date(after)}" if after else "")
            }
        )


def _check_next(review: Review, record_date: date, next_review_date: date) -> None:
    """The next review date: after this review and within the engine's timescale."""
    period = review.period
    held = sorted(
        [
            d
            for d in period.reviews.held()
            .exclude(pk=review.pk)
            .values_list("record_date", flat=True)
            if d < record_date
        ]
        + [record_date]
    )
    due = timescales.next_review_due(
        period.started_on,
        held,
        authority_to_place_on=period.authority_to_place_on,
        placed_for_adoption_on=period.placed_for_adoption_on,
        placement_ended_on=period.adoption_placement_ended_on,
        start_known=period.start_known,
    )
    if next_review_date <= record_date:
        raise ValidationError(
            {"next_review_date": "The next review date must be after this review"}
        )
    if next_review_date > due.date:
        raise ValidationError(
            {
                "next_review_date": f"The next review must be by {dates.long_date(due.date)}"
            }
        )


def _changes(review: Review, meeting, after: dict) -> dict[str, list[str]]:
    """{field: [before, after]} for each held fact the correction changes."""
    before = {
        "held_on": meeting.held_on if meeting else None,
        "participation": review.participation,
        "chaired_by": review.chaired_by,
        "next_review_date": review.next_review_date,
    }
    return {
        name: [_iso(before[name]), _iso(after[name])]
        for name in HELD_FACTS
        if before[name] != after[name]
    }


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


@transaction.atomic
def held_facts_correct(
    *,
    review: Review,
    by: User,
    today: date,
    reason: str,
    held_on: date,
    participation: str,
    chaired_by: str,
    next_review_date: date,
    attendance: dict | None = None,
) -> ReviewCorrection | None:
    """C2: correct a held review's date, participation, chair, next review date or who
    took part, in place, with the reason; recompute the next review's due date.
    Returns None when nothing changed."""
    from reviews.services.transitions import _check_participation, record_date_for

    review = lock(review)
    _refuse_unless(
        held_facts_correctable(review),
        "The record is final: amend the record, with a reason, to correct the review.",
    )
    meeting = review.meetings.order_by("-held_on", "-pk").first()
    after = {
        "held_on": held_on,
        "participation": participation,
        "chaired_by": chaired_by,
        "next_review_date": next_review_date,
    }
    attendance = attendance or {}
    changes = _changes(review, meeting, after) | _took_part(meeting, attendance)
    if not changes:
        return None
    reason = _reason(reason)
    _check_held_on(review, held_on, today)
    meeting.held_on = held_on  # type: ignore[union-attr]  # a held review has one
    meeting.save(update_fields=["held_on", "updated_at"])  # type: ignore[union-attr]
    record_date = record_date_for(review)
    _check_participation(review, record_date, participation)
    _check_next(review, record_date, next_review_date)
    if review.record_date != record_date:
        changes["record_date"] = [_iso(review.record_date), _iso(record_date)]
    review.record_date = record_date
    review.completed_date = held_on
    for name in ("participation", "chaired_by", "next_review_date"):
        setattr(review, name, after[name])
    save_fields(
        review,
        action="held_facts_corrected",
        by=by,
        note=reason[:1000],
        fields=["record_date", "completed_date", *HELD_FACTS[1:]],
    )
    _record_took_part(meeting, attendance)
    correction = ReviewCorrection.objects.create(
        review=review, changes=changes, reason=reason, by=by
    )
    _replan_following(review, by=by)
    papers_changed(review)
    return correction


def _took_part(meeting, attendance: dict) -> dict[str, list[str]]:
    """{"took_part:<name>": [before, after]} for each person whose part changes; a
    blank answer changes nothing (what was recorded stays)."""
    recorded = {
        (row.name, row.role): row.how
        for row in MeetingAttendance.objects.filter(meeting=meeting)
    }
    return {
        f"took_part:{person.name}": [recorded.get((person.name, person.role), ""), how]
        for person, how in attendance.items()
        if how and recorded.get((person.name, person.role), "") != how
    }


def _record_took_part(meeting, attendance: dict) -> None:
    for person, how in attendance.items():
        if person.review_id != meeting.review_id:
            raise ValidationError("Only people on this review's list can be recorded.")
        if how:
            MeetingAttendance.objects.update_or_create(
                meeting=meeting,
                name=person.name,
                role=person.role,
                defaults={"how": how},
            )


def _replan_following(review: Review, *, by: User) -> Review | None:
    """The period's open review takes its due date again from the held reviews."""
    following = review.period.reviews.open().first()
    if following is None:
        return None
    following = lock(following)
    due = next_due_for_period(review.period)
    if (following.due_date, following.due_track) == (due.date, due.track):
        return following
    was = following.due_date
    following.due_date = due.date
    following.due_track = due.track
    following.due_rule = timescales.explain(due)
    save_fields(
        following,
        action="due_date_recomputed",
        by=by,
        note=f"Due by {dates.long_date(due.date)} (was {dates.long_date(was)}): "
        "the review held before it was corrected",
        fields=["due_date", "due_track", "due_rule"],
    )
    return following


def meetings_correctable(review: Review) -> bool:
    """C2: a meeting's date is put right while the review is in progress or adjourned,
    and once it is held until its record is final (and while it is amended)."""
    return review.status in (
        Review.Status.IN_PROGRESS,
        Review.Status.ADJOURNED,
    ) or held_facts_correctable(review)


MEETINGS_CLOSED = (
    "The record is final: amend the record, with a reason, to correct a meeting's date."
)


@transaction.atomic
def meeting_correct(
    *, review: Review, by: User, today: date, meeting, held_on: date, reason: str
) -> ReviewCorrection | None:
    """C2: correct the date of one meeting of a review, with the reason; any meeting of
    an open review, and a held review's earlier meetings (the last is the date the
    review was held: held_facts_correct). Returns None when nothing changed."""
    from reviews.services.transitions import _check_meeting_date

    review = lock(review)
    _refuse_unless(meetings_correctable(review), MEETINGS_CLOSED)
    _own(meeting, review, "meeting")
    meetings = list(review.meetings.order_by("held_on", "pk"))
    if review.status == Review.Status.HELD and meeting.pk == meetings[-1].pk:
        raise ValidationError(
            "The last meeting's date is the date the review was held: correct it with "
            "the review's facts."
        )
    if held_on == meeting.held_on:
        return None
    reason = _reason(reason)
    _check_meeting_date(review, held_on, today=today)
    if review.status == Review.Status.HELD and held_on > meetings[-1].held_on:
        raise ValidationError(
            {
                "held_on": "A meeting of this review must be on or before its last "
                f"meeting ({dates.long_date(meetings[-1].held_on)})"
            }
        )
    changes = {f"meeting:{meeting.pk}": [_iso(meeting.held_on), _iso(held_on)]}
    meeting.held_on = held_on
    meeting.save(update_fields=["held_on", "updated_at"])
    record_event(
        review,
        action="meeting_corrected",
        by=by,
        note=reason[:1000],
    )
    if review.status == Review.Status.HELD:
        papers_changed(review)
    return ReviewCorrection.objects.create(
        review=review, changes=changes, reason=reason, by=by
    )


@transaction.atomic
def record_amendment_open(*, review: Review, by: User, reason: str) -> RecordAmendment:
    """C3: open the final record again to put something right, with the reason."""
    review = lock(review)
    record = ReviewRecord.objects.select_for_update().filter(review=review).first()
    if record is None or not record_is_final(review):
        raise ValidationError("Only a final record can be amended.")
    if open_amendment(review) is not None:
        raise ValidationError("This record is already being amended.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the record needs amending"})
    amendment = RecordAmendment.objects.create(
        record=record, reason=reason, opened_by=by, from_version=record.version
    )
    record_event(
        review,
        action="record_amendment_started",
        by=by,
        note=reason[:1000],
    )
    return amendment


@transaction.atomic
def record_amendment_issue(
    *, review: Review, by: User, now: datetime
) -> RecordAmendment:
    """C3: issue the amended record as a new version. The documents app makes its
    documents and sends them to everyone who had an earlier version (C4)."""
    review = lock(review)
    amendment = open_amendment(review)
    if amendment is None:
        raise ValidationError("There is no amendment of this record to issue.")
    refuse_unfinished(review)
    record = ReviewRecord.objects.select_for_update().get(review=review)
    if record.version == amendment.from_version:
        # Nothing in the record itself changed (a decision or a fact did): the issue
        # is a version of its own, so that each person's copy is sent again.
        record.version += 1
        record.save(update_fields=["version", "updated_at"])
    amendment.issued_by = by
    amendment.issued_at = now
    amendment.to_version = record.version
    amendment.full_clean()
    amendment.save()
    record_event(
        review,
        action="record_amended",
        by=by,
        note=f"Version {record.version}: {amendment.reason}"[:1000],
    )
    papers_changed(review)
    return amendment


def issued_amendments(record: ReviewRecord) -> list[RecordAmendment]:
    """The amendments issued so far, oldest first (each document lists them)."""
    return list(
        record.amendments.filter(issued_at__isnull=False).select_related("issued_by")
    )


def entries_changeable(review: Review) -> bool:
    """C1: the review's other entries (the people on its list, the views staff entered,
    the IRO's contacts with the child) until the record is final, and again while it
    is amended; never on a cancelled review."""
    if review.status == Review.Status.CANCELLED:
        return False
    return not record_is_final(review) or open_amendment(review) is not None


ENTRIES_CLOSED = (
    "The record of this review is final: amend the record, with a reason, to change it."
)


def _take_back(entry, by: User) -> None:
    """Remove an entry made by mistake: its row stays, marked (core.models.Removable)."""
    entry.removed_at = timezone.now()
    entry.removed_by = by
    entry.save(update_fields=["removed_at", "removed_by", "updated_at"])


def _removed(review: Review, by: User, what: str) -> None:
    record_event(
        review,
        action="entry_removed",
        by=by,
        note=f"Removed: {what}"[:1000],
    )


def _own(entry, review: Review, what: str) -> None:
    if entry.review_id != review.pk:
        raise ValidationError(f"That {what} is not part of this review.")


@transaction.atomic
def consultation_correct(
    *, review: Review, by: User, consultation: Consultation, **fields
) -> Consultation:
    """C1: correct views that staff entered (a booklet, a call); views a person sent
    through their link are their own words and are not changed."""
    review = lock(review)
    _refuse_unless(entries_changeable(review), ENTRIES_CLOSED)
    _own(consultation, review, "consultation")
    if consultation.entered_by_id is None:
        raise ValidationError("Views sent through a person's own link are theirs.")
    received = dates.happened(
        today=timezone.localdate(), born=review.child.date_of_birth
    )
    errors = dates.problems(
        {"received_on": ("Date received", fields.get("received_on"), received)}
    )
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(consultation, name, value)
    consultation.full_clean()
    consultation.save()
    return consultation


@transaction.atomic
def consultation_remove(
    *, review: Review, by: User, consultation: Consultation
) -> None:
    """C1: remove views entered by mistake (kept, marked removed)."""
    review = lock(review)
    _refuse_unless(entries_changeable(review), ENTRIES_CLOSED)
    _own(consultation, review, "consultation")
    if consultation.entered_by_id is None:
        raise ValidationError("Views sent through a person's own link are theirs.")
    what = (
        f"views of {consultation} received {dates.long_date(consultation.received_on)}"
    )
    _take_back(consultation, by)
    _removed(review, by, what)


@transaction.atomic
def child_contact_correct(
    *, review: Review, by: User, contact: ChildContact, **fields
) -> ChildContact:
    """C1: correct the IRO's record of meeting or speaking to the child."""
    review = lock(review)
    _refuse_unless(entries_changeable(review), ENTRIES_CLOSED)
    _own(contact, review, "contact")
    window = dates.happened(today=timezone.localdate(), born=review.child.date_of_birth)
    errors = dates.problems({"on": ("Date", fields.get("on"), window)})
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def child_contact_remove(*, review: Review, by: User, contact: ChildContact) -> None:
    review = lock(review)
    _refuse_unless(entries_changeable(review), ENTRIES_CLOSED)
    _own(contact, review, "contact")
    what = str(contact)
    _take_back(contact, by)
    _removed(review, by, what)


# An invitation, its letter, its consultation form and an unused consultation link do
# not keep a person on the list: taking them off sends the invitation's cancellation
# and ends the link (D-CAL2); the rows stay, so who was sent what is still known.
_INVITATION_PAPERS = ("invitation", "consultation_child", "consultation_adult")


def _sent_anything(invitee: Invitee) -> str:
    """What the service has already sent or received for this person, if anything,
    that keeps them on the list."""
    for name, label in (
        ("distributions", "the record"),
        ("consultations", "their views"),
    ):
        if getattr(invitee, name).exists():
            return label
    if invitee.documents.exclude(kind__in=_INVITATION_PAPERS).exists():
        return "a letter"
    links = AccessLink.objects.filter(invitee=invitee).exclude(
        purpose=AccessLink.Purpose.CONSULTATION, used_at__isnull=True
    )
    if links.exists():
        return "a link"
    return ""


def removable_invitees(review: Review) -> set[int]:
    """The people who can be taken off the list now (invitee_remove's rule)."""
    if not entries_changeable(review):
        return set()
    return {
        person.pk
        for person in review.invitees.all()
        if not _sent_anything(person) and not person.restrictions.exists()
    }


@transaction.atomic
def invitee_remove(*, review: Review, by: User, invitee: Invitee) -> None:
    """C1: take a person entered by mistake off the list, before anything but their
    invitation went to them (after that they stay on the record of who was sent what);
    one sent an invitation is sent its cancellation (D-CAL2). The IRO confirms the list
    again."""
    from reviews.services.invitations import invitation_withdraw
    from reviews.services.preparation import _unconfirm_checklist

    review = lock(review)
    _refuse_unless(entries_changeable(review), ENTRIES_CLOSED)
    _own(invitee, review, "person")
    sent = _sent_anything(invitee)
    if sent:
        raise ValidationError(
            f"{invitee.name} has been sent or has given {sent}, so they stay on the "
            "list; change their details instead."
        )
    name = f"{invitee.name} ({invitee.get_role_display().lower()})"
    if invitee.restrictions.exists():
        raise ValidationError(
            f"The child asked for something not to be shared with {invitee.name}: "
            "they stay on the list, so that the child's wish is kept."
        )
    invitation_withdraw(review=review, invitee=invitee, by=by, now=timezone.now())
    _take_back(invitee, by)
    _unconfirm_checklist(review)
    _removed(review, by, name)


def wishes_since_final(review: Review) -> list[Invitee]:
    """V1 after the event: the people the child now keeps something from, whose copy of
    the final record leaves nothing out for them (a wish recorded since it was final).
    The record is amended to decide; until then they are listed wherever it is."""
    if not record_is_final(review) or not hasattr(review, "record"):
        return []
    return sharing.undecided_people(review)


def reviews_with_wishes_since_final(reviews):
    """Of these reviews, those whose final record has someone undecided (above); only
    the reviews whose child or list had a wish recorded after the record was
    finalised are looked at."""
    from children.models import ParentSharingRestriction

    finalised = OuterRef("record__finalised_on")
    later = Exists(
        ParentSharingRestriction.objects.filter(
            child=OuterRef("child"), created_at__date__gt=finalised
        )
    ) | Exists(
        SharingRestriction.objects.filter(
            review=OuterRef("pk"), created_at__date__gt=finalised
        )
    )
    candidates = reviews.filter(status__in=FINAL_STATUSES).filter(later)
    return [review for review in candidates if wishes_since_final(review)]
