"""The review's journey from planned to closed: one service per verb (G-HELD, G-CLOSE)."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from core import dates
from reviews import timescales
from reviews.models import MeetingAttendance, Review, ReviewMeeting
from reviews.services import invitations
from reviews.services._base import lock, move, record_event, save_fields
from reviews.services.planning import next_due_for_period, review_plan_next


def out_of_timescale(latest: date) -> str:
    """T23's refusal, beside the date: what would be accepted, and how to get more."""
    return (
        f"Date of the review must be on or before {dates.long_date(latest)}: a later "
        "date needs the IRO service manager's authorisation (ask for it from the "
        "review's page)"
    )


def _latest_allowed(review: Review) -> date:
    return max(review.due_date, review.out_of_timescale_until or review.due_date)


def _refuse_implausible(checks: dict) -> None:
    """Raise ValidationError({field: message}) for the dates outside their range (core.dates)."""
    errors = dates.problems(checks)
    if errors:
        raise ValidationError(errors)


def _check_within_timescale(review: Review, on: date) -> None:
    """Not too long ago (DR-5), and no later than the due date or its authorisation (T-rules)."""
    _refuse_implausible(
        {
            "scheduled_for": (
                "Date of the review",
                on,
                dates.review_date(
                    period_started=review.period.started_on,
                    last_held=review.period.reviews.held()
                    .exclude(pk=review.pk)
                    .order_by("-record_date")
                    .values_list("record_date", flat=True)
                    .first(),
                ),
            )
        }
    )
    if on > _latest_allowed(review):
        raise ValidationError(
            {"scheduled_for": out_of_timescale(_latest_allowed(review))}
        )


def _check_meeting_date(
    review: Review,
    held_on: date,
    *,
    today: date | None = None,
    label: str = "Date of the meeting",
) -> None:
    """DR-3: a meeting is not in the future, nor before the period of care."""
    _refuse_implausible(
        {
            "held_on": (
                label,
                held_on,
                dates.meeting_held(
                    today=today or timezone.localdate(),
                    period_started=review.period.started_on,
                ),
            )
        }
    )


def _check_not_before_the_date_set(review: Review, held_on: date) -> None:
    """A meeting before the date the review is set for: rearrange the review first
    (T23), or the record date of an adjourned review or a series, the date set
    (D-RECORD), would follow its meetings and could still be to come. (review_start
    has checked that the review has a date.)"""
    scheduled = timezone.localtime(review.scheduled_for).date()
    if held_on < scheduled:
        raise ValidationError(
            {
                "held_on": f"The review is set for {dates.long_date(scheduled)}: "
                "to log a meeting held before then, rearrange the review to that date first"
            }
        )


@transaction.atomic
def review_authorise_out_of_timescale(
    *, review: Review, by: User, until: date, reason: str
) -> Review:
    """Record the service manager's authorisation of a date after the due date (T23)."""
    if not by.has_role(Role.IRO_MANAGER):
        raise ValidationError("Only the IRO service manager can authorise this.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the later date"})
    _refuse_implausible(
        {
            "until": (
                "Latest date the review may be held",
                until,
                dates.planned(
                    today=timezone.localdate(),
                    earliest=review.period.started_on,
                    since="the date the child became looked after",
                ),
            )
        }
    )
    review = lock(review)
    review.out_of_timescale_authorised_by = by
    review.out_of_timescale_until = until
    review.out_of_timescale_reason = reason
    fields = [
        "out_of_timescale_authorised_by",
        "out_of_timescale_until",
        "out_of_timescale_reason",
    ]
    return save_fields(
        review, action="out_of_timescale_authorised", by=by, note=reason, fields=fields
    )


@transaction.atomic
def review_schedule(
    *,
    review: Review,
    by: User,
    scheduled_for: datetime,
    venue: str,
    format: str,
    expected_version: int | None = None,
) -> Review:
    """Fix the review's date, time, venue and format (planned → scheduled)."""
    review = lock(review, expected_version=expected_version)
    _check_within_timescale(review, timezone.localtime(scheduled_for).date())
    review.scheduled_for = scheduled_for
    review.venue = venue
    review.format = format
    return move(
        review,
        Review.Status.SCHEDULED,
        action="scheduled",
        by=by,
        fields=["scheduled_for", "venue", "format"],
    )


@transaction.atomic
def review_rearrange(
    *,
    review: Review,
    by: User,
    scheduled_for: datetime,
    reason: str,
    venue: str | None = None,
    format: str | None = None,
    expected_version: int | None = None,
) -> Review:
    """Move a scheduled review to a new date, place or format; the due date stays as
    it was (T23). After the invitations went out, everyone invited is sent the next
    version of their invitation, and the letters are made again (D-CAL2)."""
    review = lock(review, expected_version=expected_version)
    if review.status not in (Review.Status.SCHEDULED, Review.Status.INVITATIONS_ISSUED):
        raise ValidationError("Only a scheduled review can be rearranged.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for rearranging the review"})
    _check_within_timescale(review, timezone.localtime(scheduled_for).date())
    old = timezone.localtime(review.scheduled_for)
    before = invitations.arrangements(review)
    review.scheduled_for = scheduled_for
    if venue is not None:
        review.venue = venue
    if format is not None:
        review.format = format
    note = f"From {old:%d/%m/%Y %H:%M}: {reason}"
    save_fields(
        review,
        action="rearranged",
        by=by,
        note=note,
        fields=["scheduled_for", "venue", "format"],
    )
    invitations.invitations_update(
        review=review, by=by, now=timezone.now(), before=before
    )
    return review


@transaction.atomic
def review_cancel(
    *, review: Review, by: User, reason: str, note: str = "", today: date
) -> Review:
    """Cancel a review that has not been held, with a reason from the list.

    While the period of care goes on, its next review is planned at once, due when
    the engine says (G-OPEN: a child in care always has one open review). A
    child who left care or moved council is the period's end (reviews.services.
    register.period_end, which cancels the review after the period has ended).
    """
    review = lock(review)
    if reason == Review.CancelReason.SUPERSEDED:
        raise ValidationError(
            {"reason": "To replace the review, bring it forward (an additional review)"}
        )
    if reason not in Review.CancelReason.values:
        raise ValidationError({"reason": "Choose a reason from the list"})
    is_manager = by.has_role(Role.IRO_MANAGER)
    if reason == Review.CancelReason.OTHER and not is_manager:
        raise ValidationError(
            {"reason": "Cancelling for another reason needs the IRO service manager."}
        )
    if reason == Review.CancelReason.OTHER and not note.strip():
        raise ValidationError({"note": "Say why the review is cancelled"})
    # A child leaving care or moving council ends the review whatever its date.
    ends_with_the_period = reason in (
        Review.CancelReason.CEASED_LOOKED_AFTER,
        Review.CancelReason.TRANSFERRED,
    )
    if review.due_date < today and not is_manager and not ends_with_the_period:
        raise ValidationError(
            "This review is out of timescale: only the IRO service manager can cancel it."
        )
    review.cancel_reason = reason
    review.cancel_note = note
    move(
        review,
        Review.Status.CANCELLED,
        action="cancelled",
        by=by,
        note=note,
        fields=["cancel_reason", "cancel_note"],
    )
    invitations.invitations_cancel(review=review, by=by, now=timezone.now())
    review_plan_next(period=review.period, by=by)
    return review


@transaction.atomic
def review_request_additional(
    *, review: Review, by: User, due_by: date, reason: str, today: date
) -> Review:
    """Bring the review forward: an additional review replaces the open one (reg 33(3)).

    The new review keeps the due date it replaced, so timeliness reports can use it.
    """
    review = lock(review)
    if review.status not in Review.REPLACEABLE_STATUSES:
        raise ValidationError("Only a planned or scheduled review can be replaced.")
    _refuse_implausible(
        {
            "due_by": (
                "Latest date for the additional review",
                due_by,
                dates.ahead(today=today, code="DR-6"),
            )
        }
    )
    if due_by > review.due_date:
        raise ValidationError(
            {"due_by": "An additional review must be earlier than the one it replaces"}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the additional review"})
    review.cancel_reason = Review.CancelReason.SUPERSEDED
    review.cancel_note = reason
    move(
        review,
        Review.Status.CANCELLED,
        action="superseded",
        by=by,
        note=reason,
        fields=["cancel_reason", "cancel_note"],
    )
    additional = Review(
        child_id=review.child_id,
        period_id=review.period_id,
        kind=Review.Kind.ADDITIONAL,
        due_date=due_by,
        due_track=review.due_track,
        due_rule=f"An additional review requested by the IRO: {reason} (regulation 33(3))",
        superseded_due_date=review.superseded_due_date or review.due_date,
    )
    additional.full_clean()
    additional.save()
    record_event(additional, action="planned", by=by, note=reason)
    return additional


@transaction.atomic
def review_start(
    *,
    review: Review,
    by: User,
    held_on: date,
    social_worker_present: bool,
    social_worker_absent_reason: str = "",
    child_not_seen_reason: str = "",
) -> ReviewMeeting:
    """Log the first (or central) meeting: the review is in progress (T3)."""
    review = lock(review)
    if review.status not in (Review.Status.SCHEDULED, Review.Status.INVITATIONS_ISSUED):
        raise ValidationError("Only a scheduled review can start.")
    if review.scheduled_for is None:
        raise ValidationError("Schedule the review before starting it.")
    _check_meeting_date(review, held_on)
    _check_not_before_the_date_set(review, held_on)
    if not social_worker_present and not social_worker_absent_reason.strip():
        raise ValidationError(
            {
                "social_worker_absent_reason": "Neither the social worker nor their manager is present: say why the review goes ahead"
            }
        )
    child_seen = review.child_contacts.exists()
    if not child_seen and not child_not_seen_reason.strip():
        raise ValidationError(
            {
                "child_not_seen_reason": "Record meeting or speaking to the child first, or say why you have not"
            }
        )
    review.social_worker_present = social_worker_present
    review.social_worker_absent_reason = social_worker_absent_reason
    review.child_not_seen_reason = child_not_seen_reason
    move(
        review,
        Review.Status.IN_PROGRESS,
        action="started",
        by=by,
        fields=[
            "social_worker_present",
            "social_worker_absent_reason",
            "child_not_seen_reason",
        ],
    )
    return ReviewMeeting.objects.create(review=review, held_on=held_on, central=True)


@transaction.atomic
def review_add_meeting(
    *, review: Review, by: User, held_on: date, reason: str
) -> ReviewMeeting:
    """Add a further meeting: the review becomes a series, with its reason (S-DUD)."""
    review = lock(review)
    if review.status != Review.Status.IN_PROGRESS:
        raise ValidationError("Meetings can only be added to a review in progress.")
    _check_meeting_date(review, held_on)
    if not reason.strip():
        raise ValidationError(
            {
                "reason": "Enter the reason for holding the review as a series of meetings"
            }
        )
    review.is_series = True
    review.series_reason = reason
    save_fields(
        review,
        action="meeting_added",
        by=by,
        note=reason,
        fields=["is_series", "series_reason"],
    )
    return ReviewMeeting.objects.create(review=review, held_on=held_on, central=False)


@transaction.atomic
def review_adjourn(*, review: Review, by: User, reason: str) -> Review:
    """Adjourn once, for at most 20 working days from the original date (T22)."""
    review = lock(review)
    if review.adjournment_count >= 1:
        raise ValidationError("A review can only be adjourned once.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for adjourning the review"})
    original = timezone.localtime(review.scheduled_for).date()
    review.adjournment_count += 1
    review.adjourned_reason = reason
    review.reconvene_by = timescales.adjourned_review_due(original).date
    return move(
        review,
        Review.Status.ADJOURNED,
        action="adjourned",
        by=by,
        note=reason,
        fields=["adjournment_count", "adjourned_reason", "reconvene_by"],
    )


@transaction.atomic
def review_undo_adjournment(*, review: Review, by: User, reason: str) -> Review:
    """Put right an adjournment recorded by mistake: the review is in progress again (T22a).

    No meeting is added (the meeting that was under way goes on) and the adjournment
    no longer counts (T22: it may still be adjourned once). The adjournment's own
    event stays in the history; the undo is an event of its own, with its reason.
    """
    review = lock(review)
    if review.status != Review.Status.ADJOURNED:
        raise ValidationError("Only an adjourned review's adjournment can be undone.")
    if not reason.strip():
        raise ValidationError(
            {"reason": "Enter why the adjournment was recorded by mistake"}
        )
    review.adjournment_count = 0
    review.adjourned_reason = ""
    review.reconvene_by = None
    return move(
        review,
        Review.Status.IN_PROGRESS,
        action="adjournment_undone",
        by=by,
        note=reason,
        fields=["adjournment_count", "adjourned_reason", "reconvene_by"],
    )


@transaction.atomic
def review_reconvene(*, review: Review, by: User, held_on: date) -> ReviewMeeting:
    """Reconvene an adjourned review; after the reconvene-by date it is flagged as a breach."""
    review = lock(review)
    if review.status != Review.Status.ADJOURNED:
        raise ValidationError("Only an adjourned review can be reconvened.")
    _check_meeting_date(review, held_on)
    note = ""
    if held_on > review.reconvene_by:  # type: ignore[operator]  # set by review_adjourn
        note = f"Reconvened after the reconvene-by date {review.reconvene_by:%d/%m/%Y}"
    move(review, Review.Status.IN_PROGRESS, action="reconvened", by=by, note=note)
    return ReviewMeeting.objects.create(review=review, held_on=held_on, central=True)


@transaction.atomic
def meeting_attendance_record(*, review: Review, by: User, attendance: dict) -> None:
    """Record who took part in the central meeting, and how (PN0-PN7)."""
    meeting = review.meetings.filter(central=True).order_by("-held_on").first()
    if meeting is None:
        raise ValidationError("Log the meeting before recording who took part.")
    for person, how in attendance.items():
        if person.review_id != review.pk:
            raise ValidationError("Only people on this review's list can be recorded.")
        MeetingAttendance.objects.update_or_create(
            meeting=meeting, name=person.name, role=person.role, defaults={"how": how}
        )


def record_date_for(review: Review) -> date:
    """The record date (D-RECORD): the meeting's date, or the originally scheduled date."""
    if review.adjournment_count or review.is_series:
        return timezone.localtime(review.scheduled_for).date()
    # Only for a review with a meeting logged (review_hold checks).
    return review.meetings.order_by("held_on").first().held_on  # type: ignore[union-attr]


@transaction.atomic
def review_hold(
    *,
    review: Review,
    by: User,
    participation: str,
    chaired_by: str,
    next_review_date: date,
    permanence_plan_ratified: bool | None = None,
    not_adjourned_reason: str = "",
    today: date,
) -> tuple[Review, Review | None]:
    """Close the meeting part (gate G-HELD) and plan the next review with its due date."""
    review = lock(review)
    if review.status != Review.Status.IN_PROGRESS:
        # Held is also the way back from decisions returned: never held twice (C2).
        raise ValidationError(
            "This review has already been held: correct the review's facts instead."
        )
    if not review.meetings.exists():
        raise ValidationError("Log the meeting before recording the review as held.")
    record_date = record_date_for(review)
    completed = review.meetings.order_by("-held_on").first().held_on  # type: ignore[union-attr]  # checked above
    # DR-3: held today or before, not before the period of care.
    _check_meeting_date(
        review, completed, today=today, label="Date of the last meeting"
    )
    _check_participation(review, record_date, participation)
    if review.kind == Review.Kind.SECOND and permanence_plan_ratified is None:
        raise ValidationError(
            {
                "permanence_plan_ratified": "Say whether the permanence plan was ratified at this second review"
            }
        )
    _check_next_review_date(review, record_date, next_review_date)
    review.record_date = record_date
    review.completed_date = completed
    review.participation = participation
    review.chaired_by = chaired_by
    review.next_review_date = next_review_date
    review.permanence_plan_ratified = permanence_plan_ratified
    review.not_adjourned_reason = not_adjourned_reason
    move(
        review,
        Review.Status.HELD,
        action="held",
        by=by,
        fields=[
            "record_date",
            "completed_date",
            "participation",
            "chaired_by",
            "next_review_date",
            "permanence_plan_ratified",
            "not_adjourned_reason",
        ],
    )
    following = review_plan_next(period=review.period, by=by)
    _plan_progress_review(review, following)
    return review, following


def _check_participation(review: Review, record_date: date, participation: str) -> None:
    """Refuse a participation code wrong for the child's age: PN0 under 4 only."""
    pn0 = timescales.participation_pn0_required(review.child.date_of_birth, record_date)
    if pn0 and participation != Review.Participation.PN0:
        raise ValidationError(
            {
                "participation": "The child was under 4 on the review date: the code must be PN0"
            }
        )
    if not pn0 and participation == Review.Participation.PN0:
        raise ValidationError(
            {
                "participation": "The child was 4 or over on the review date: choose PN1 to PN7"
            }
        )


def _check_next_review_date(
    review: Review, record_date: date, next_review_date: date
) -> None:
    """Refuse a next review date later than the engine allows, or not after this one."""
    held_dates = sorted(
        [
            *review.period.reviews.held().values_list("record_date", flat=True),
            record_date,
        ]
    )
    period = review.period
    next_due = timescales.next_review_due(
        period.started_on,
        held_dates,
        authority_to_place_on=period.authority_to_place_on,
        placed_for_adoption_on=period.placed_for_adoption_on,
        placement_ended_on=period.adoption_placement_ended_on,
        start_known=period.start_known,
    )
    if next_review_date > next_due.date:
        raise ValidationError(
            {
                "next_review_date": f"The next review must be by {timescales.long_date(next_due.date)}"
            }
        )
    if next_review_date <= record_date:
        raise ValidationError(
            {"next_review_date": "The next review date must be after this review"}
        )


def _plan_progress_review(review: Review, following: Review | None) -> None:
    from reviews.models import ProgressReview

    if following is None:
        return
    # review_hold has just saved the record date.
    target = timescales.progress_review_due(review.record_date, following.due_date).date  # type: ignore[arg-type]
    ProgressReview.objects.get_or_create(
        review=review, defaults={"target_date": target}
    )


@transaction.atomic
def review_submit_decisions(
    *, review: Review, by: User, today: date, no_new_decisions: bool = False
) -> Review:
    """Send the decisions to the team manager (held → decisions submitted)."""
    review = lock(review)
    decisions = list(review.decisions.all())
    if not decisions and not no_new_decisions:
        raise ValidationError(
            "Add at least one decision, or confirm there are no new decisions."
        )
    for decision in decisions:
        if not (decision.owner_name and decision.due_date and decision.success_measure):
            raise ValidationError(
                f"Decision “{decision}” needs an owner, a due date and how success will be measured."
            )
    review.no_new_decisions = no_new_decisions and not decisions
    review.rd_submitted_on = today
    return move(
        review,
        Review.Status.RD_SUBMITTED,
        action="decisions_submitted",
        by=by,
        fields=["no_new_decisions", "rd_submitted_on"],
    )


@transaction.atomic
def review_authorise_decisions(
    *, review: Review, by: User, today: date, comments: str = ""
) -> Review:
    """The team manager authorises the decisions."""
    review = lock(review)
    review.rd_decided_by = by
    review.rd_decided_on = today
    review.rd_comments = comments
    return move(
        review,
        Review.Status.RD_AUTHORISED,
        action="decisions_authorised",
        by=by,
        note=comments,
        fields=["rd_decided_by", "rd_decided_on", "rd_comments"],
    )


@transaction.atomic
def review_return_decisions(*, review: Review, by: User, comments: str) -> Review:
    """The team manager returns the decisions to the IRO with comments."""
    review = lock(review)
    if not comments.strip():
        raise ValidationError({"comments": "Enter your comments for the IRO"})
    review.rd_comments = comments
    return move(
        review,
        Review.Status.HELD,
        action="decisions_returned",
        by=by,
        note=comments,
        fields=["rd_comments"],
    )


@transaction.atomic
def review_dispute_decisions(
    *, review: Review, by: User, today: date, disagreement: str
) -> Review:
    """The team manager records disagreement with the decisions (T17).

    The informal challenge that follows is disputes.services.decisions_dispute,
    which calls this.
    """
    review = lock(review)
    if not disagreement.strip():
        raise ValidationError({"disagreement": "Say what you disagree with and why"})
    review.rd_disagreement = disagreement
    review.rd_decided_by = by
    review.rd_decided_on = today
    move(
        review,
        Review.Status.RD_DISPUTED,
        action="decisions_disputed",
        by=by,
        note=disagreement,
        fields=["rd_disagreement", "rd_decided_by", "rd_decided_on"],
    )
    return review


def next_due(review: Review) -> timescales.Due:
    return next_due_for_period(review.period)
