"""Invitations that stay true after they go (docs/rules.md, D-CAL1, D-CAL2).

Each person's invitation is a numbered version of one calendar entry of their own
(reviews.calendar): the first goes with the invitations (preparation.
review_issue_invitations); a change to the review's date, time, place or format sends
everyone invited the next version (`invitations_update`), cancelling the review sends
each a cancellation (`invitations_cancel`), and so does taking a person off the list
after they were sent one (`invitation_withdraw`). A person added to the list, or
invited again, after the invitations went out is sent their invitation by business
support once the IRO has confirmed the list (`awaiting`, `invitation_late`). A
person's latest version can be sent again (`invitation_resend`). An emailed version is
only "sent" once the outbox has sent its email, a letter once business support says
it was posted (`delivery`, reviews.services.invitation_letters).
"""

from copy import copy
from dataclasses import dataclass
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from core.models import OutboundEmail
from core.notifications import queue_email, secret
from reviews import calendar
from reviews.models import (
    AccessLink,
    ConveningChecklist,
    Invitation,
    Invitee,
    Review,
)
from reviews.services import sharing
from reviews.services._base import lock, papers_changed, record_event
from reviews.services.links import link_issue

REQUEST = Invitation.CalendarMethod.REQUEST
CANCEL = Invitation.CalendarMethod.CANCEL


def latest(invitee: Invitee) -> Invitation | None:
    """This person's latest version, or None if they were never sent one."""
    return invitee.invitations.order_by("-sequence").first()


def is_withdrawal(invitation: Invitation) -> bool:
    """A cancellation of this person's invitation alone (taken off the list, or no
    longer invited), not of the review: made before the review was cancelled, if it
    was. Its letter says the invitation is withdrawn, never where the meeting is."""
    if not invitation.is_cancellation:
        return False
    review = invitation.review
    if review.status != Review.Status.CANCELLED:
        return True
    cancelled = review.events.filter(action="cancelled").order_by("at", "pk").first()
    return cancelled is None or invitation.sent_at < cancelled.at


def what_it_is(invitation: Invitation) -> str:
    """This version in words: an invitation, an updated invitation, the review's
    cancellation, or the withdrawal of this person's invitation."""
    if is_withdrawal(invitation):
        return "withdrawal of the invitation"
    if invitation.is_cancellation:
        return "cancellation"
    return "updated invitation" if invitation.sequence else "invitation"


def gets_a_letter(invitee: Invitee) -> bool:
    """Whether an invitation letter can be made for this person now: they are on the
    list and the child has not said they should not be there, or their latest
    version is a letter cancelling their invitation (which says no more than that)."""
    if invitee.removed_at is None and not invitee.child_does_not_want:
        return True
    last = latest(invitee)
    return (
        last is not None
        and last.is_cancellation
        and last.method == Invitee.Method.LETTER
    )


def _place_note(review: Review, invitee: Invitee, location: str | None) -> str:
    if sharing.meeting_place_for(review, invitee) == sharing.PLACE_TOLD_SEPARATELY:
        return "Where: the Independent Reviewing Officer will tell you where."
    if location is None and review.venue:
        return "Where: as your invitation email or letter says."
    if location is None:
        return "Where: to be confirmed."
    return ""


def entry_for(
    review: Review, invitee: Invitee, *, sequence: int, method: str, now: datetime
) -> calendar.Entry:
    """What this person's calendar entry says in this version (D-CAL1)."""
    location = sharing.calendar_location_for(review, invitee)
    return calendar.Entry(
        uid=calendar.uid_for(invitee.calendar_uid),
        sequence=sequence,
        method=method,
        start=review.scheduled_for,  # type: ignore[arg-type]  # invitations need a date
        attendee_name=invitee.name,
        attendee_email=invitee.email,
        location=location,
        place_note=_place_note(review, invitee, location),
        format_label=review.get_format_display().lower(),
        stamp=now,
    )


def invitation_ics(
    review: Review,
    invitee: Invitee,
    *,
    sequence: int = 0,
    method: str = REQUEST,
    now: datetime | None = None,
) -> bytes:
    """The .ics of one version of this person's entry."""
    entry = entry_for(
        review, invitee, sequence=sequence, method=method, now=now or timezone.now()
    )
    return calendar.entry_ics(entry)


# --- The email -------------------------------------------------------------------


def _when(review: Review) -> str:
    when = timezone.localtime(review.scheduled_for)
    return f"{when:%A %-d %B %Y} at {when:%H:%M}"


def _day(review: Review) -> str:
    return f"{timezone.localtime(review.scheduled_for):%A %-d %B %Y}"


def _subject(review: Review, invitation: Invitation) -> str:
    if invitation.is_cancellation:
        return f"Cancelled: review meeting on {_day(review)}"
    if invitation.sequence:
        return f"Updated invitation: review meeting on {_day(review)}"
    return f"Invitation: review meeting on {_day(review)}"


def _opening(review: Review, invitation: Invitation) -> list[str]:
    if not invitation.is_cancellation:
        if invitation.sequence:
            return [
                "The review meeting you are invited to has changed. This invitation "
                "replaces the one we sent before, and your calendar entry is updated.",
                f"It is now on {_when(review)}.",
            ]
        return [f"You are invited to a review meeting on {_when(review)}."]
    if review.status == Review.Status.CANCELLED:
        return [
            f"The review meeting on {_when(review)} is cancelled. You do not need to "
            "come, and your calendar entry is cancelled too. We will write to you "
            "when the next review is arranged."
        ]
    return [
        f"You no longer need to come to the review meeting on {_when(review)}: the "
        "invitation we sent you is withdrawn, and your calendar entry is cancelled."
    ]


# The child's own invitation, in the words of their age band (D-WORDS): what the
# review is, that it is theirs, and how to have their say.
_CHILD_OPENING = {
    "under_8": [
        "You have a meeting about you on {when}. It is called a review.",
        "The people who help to look after you will be there. We want to know what you "
        "think. A grown-up can help you tell us.",
    ],
    "8_to_12": [
        "Your review is on {when}.",
        "A review is a meeting about how things are going for you, and what happens "
        "next. You can come to it, and you can tell us who you would like to be there.",
    ],
    "13_plus": [
        "Your review meeting is on {when}.",
        "It is your meeting. You can say who comes, what gets talked about, and whether "
        "you would like to chair some of it.",
    ],
}
_CHILD_CHANGED = {
    "update": "Your review has moved. It is now on {when}.",
    "cancelled": "Your review on {when} is not going ahead. We will tell you when the "
    "new one is.",
    "withdrawn": "You do not need to come to the review on {when} any more.",
}


def _child_email_text(
    review: Review, invitee: Invitee, invitation: Invitation, link: str | None
) -> str:
    from reviews.services.record import band_for_age

    band = band_for_age(review.child.date_of_birth, timezone.localdate())
    when = _when(review)
    if invitation.is_cancellation:
        key = "cancelled" if review.status == Review.Status.CANCELLED else "withdrawn"
        opening = [_CHILD_CHANGED[key].format(when=when)]
    elif invitation.sequence:
        opening = [_CHILD_CHANGED["update"].format(when=when)]
    else:
        opening = [line.format(when=when) for line in _CHILD_OPENING[band]]
    lines = [f"Hello {review.child.known_as},", "", *opening]
    if not invitation.is_cancellation:
        lines.append(f"It will be at {sharing.meeting_place_for(review, invitee)}.")
    lines.append("")
    if link:
        lines += [
            "Tell us what you think before the meeting. This link works once, until "
            "the day of your review:",
            secret(link),
            "",
        ]
    iro = review.child.iro
    lines.append(
        f"From {iro}, your reviewing officer" if iro else "From the reviewing officers"
    )
    return "\n".join(lines)


def email_text(
    review: Review, invitee: Invitee, invitation: Invitation, link: str | None
) -> str:
    """The email's words: nothing about the child beyond the meeting (V3 for the place);
    to the child, in the words of their age band."""
    if invitee.role == "child":
        return _child_email_text(review, invitee, invitation, link)
    lines = [f"Dear {invitee.name},", "", *_opening(review, invitation)]
    if not invitation.is_cancellation:
        fmt = review.get_format_display().lower() or "format to be confirmed"
        lines.append(f"Where: {sharing.meeting_place_for(review, invitee)} ({fmt}).")
    lines.append("")
    if link:
        lines += [
            "Please tell us your views before the meeting. This link works once, "
            "until the day of the review:",
            secret(link),
            "",
        ]
    lines += ["The Independent Reviewing Officer service"]
    return "\n".join(lines)


def _consultation_link(review: Review, invitee: Invitee, now: datetime) -> str | None:
    """A new consultation link for a request, for someone asked for their views who has
    not given them yet (D-LINK: made with the message that carries it; it ends the
    earlier one, whose expiry followed the earlier date)."""
    if invitee.consultation_type == Invitee.ConsultationType.NONE:
        return None
    if invitee.consultations.exists() or not review.is_open:
        return None
    return link_issue(
        purpose=AccessLink.Purpose.CONSULTATION,
        recipient=invitee,
        review=review,
        now=now,
    ).url


def _queue(
    review: Review, invitee: Invitee, invitation: Invitation, *, key: str, now: datetime
) -> OutboundEmail:
    link = None
    if not invitation.is_cancellation:
        link = _consultation_link(review, invitee, now)
    method = invitation.calendar_method
    ics = invitation_ics(
        review, invitee, sequence=invitation.sequence, method=method, now=now
    )
    return queue_email(
        key=key,
        to=invitee.email,
        subject=_subject(review, invitation),
        body=email_text(review, invitee, invitation, link),
        attachment=("invitation.ics", ics, f"text/calendar; method={method}"),
    )


def _send(
    review: Review, invitee: Invitee, *, method: str, by: User, now: datetime
) -> Invitation:
    """Make and send this person's next version: an email, or a letter to print."""
    previous = latest(invitee)
    invitation = Invitation.objects.create(
        review=review,
        invitee=invitee,
        scheduled_for=review.scheduled_for,  # type: ignore[misc]  # invitations need a date
        method=invitee.method,
        sequence=0 if previous is None else previous.sequence + 1,
        calendar_method=method,
        sent_by=by,
        sent_at=now,
    )
    if invitee.method == Invitee.Method.EMAIL and invitee.email:
        key = f"invitation:{invitee.pk}:v{invitation.sequence}"
        invitation.email = _queue(review, invitee, invitation, key=key, now=now)
        invitation.save(update_fields=["email", "updated_at"])
    return invitation


# --- When things change -----------------------------------------------------------


def invitation_first(
    *, review: Review, invitee: Invitee, by: User, now: datetime
) -> Invitation:
    """The first version for this person, once: sending again sends nothing new."""
    return latest(invitee) or _send(review, invitee, method=REQUEST, by=by, now=now)


def _still_invited(review: Review) -> list[Invitee]:
    """The people whose latest version invites them (not cancelled or withdrawn)."""
    return [
        person
        for person in review.invitees.all()
        if (last := latest(person)) is not None and not last.is_cancellation
    ]


def arrangements(review: Review) -> tuple:
    """What an invitation says of the meeting: a change to any sends the next version."""
    return (review.scheduled_for, review.venue, review.format)


def invitations_update(
    *, review: Review, by: User, now: datetime, before: tuple
) -> list[Invitation]:
    """D-CAL2: the date, time, place or format changed from `before` (arrangements()):
    everyone still invited is sent the next version, and the letters are made again."""
    if arrangements(review) == before:
        return []
    # Someone no longer invited (the child does not want them there, or they send a
    # written report) is not sent the new arrangements: their entry is cancelled.
    sent = [
        _send(
            review,
            person,
            method=REQUEST if person.is_invited else CANCEL,
            by=by,
            now=now,
        )
        for person in _still_invited(review)
    ]
    if sent:
        record_event(
            review,
            action="invitations_updated",
            by=by,
            note=f"{len(sent)} updated invitations",
        )
        papers_changed(review)
    return sent


def invitations_cancel(*, review: Review, by: User, now: datetime) -> list[Invitation]:
    """D-CAL2: the review is cancelled: everyone still invited is sent a cancellation."""
    sent = [
        _send(review, person, method=CANCEL, by=by, now=now)
        for person in _still_invited(review)
    ]
    if sent:
        record_event(
            review,
            action="invitations_cancelled",
            by=by,
            note=f"{len(sent)} cancellations",
        )
        papers_changed(review)
    return sent


def invitation_withdraw(
    *,
    review: Review,
    invitee: Invitee,
    by: User,
    now: datetime,
    end_links: bool = True,
) -> Invitation | None:
    """D-CAL2: a person taken off the list after being sent an invitation is sent its
    cancellation, and their unused links end (`end_links`). So is a person no longer
    invited to the meeting (the child does not want them there, or they send a written
    report instead), whose link stays: they are still asked for their views. None if
    they have no invitation standing."""
    last = latest(invitee)
    if last is None or last.is_cancellation:
        return None
    if end_links:
        for link in AccessLink.objects.filter(
            invitee=invitee, used_at__isnull=True, expires_at__gt=now
        ):
            link.expires_at = now
            link.save(update_fields=["expires_at"])
    withdrawn = _send(review, invitee, method=CANCEL, by=by, now=now)
    if withdrawn.method == Invitee.Method.LETTER:
        # Their letter saying so is to print and post (invitation_letters).
        papers_changed(review)
    return withdrawn


# --- Someone added, or invited again, after the invitations went out ---------------


def _awaiting(people: QuerySet[Invitee]) -> QuerySet[Invitee]:
    """Of these people, those invited to a review whose invitations have gone out,
    and who have no invitation standing: never sent one, or their last was cancelled."""
    last = Invitation.objects.filter(invitee=OuterRef("pk")).order_by("-sequence")
    return (
        people.filter(
            review__status=Review.Status.INVITATIONS_ISSUED,
            child_does_not_want=False,
            written_report_only=False,
        )
        .alias(last_method=Subquery(last.values("calendar_method")[:1]))
        .filter(Q(last_method__isnull=True) | Q(last_method=CANCEL))
    )


def awaiting(review: Review) -> QuerySet[Invitee]:
    """The review's people who are invited but not sent their invitation yet: the
    invitations page shows them as not invited yet."""
    return _awaiting(review.invitees.all())


def list_confirmed(review: Review) -> bool:
    """Whether the IRO's confirmation of the list stands (any change to it ends it)."""
    return ConveningChecklist.objects.filter(
        review=review, confirmed_on__isnull=False
    ).exists()


def to_invite(children) -> QuerySet[Invitee]:
    """Business support's tasks on My work: each person waiting for their invitation
    on a review of these children whose list the IRO has confirmed since they were
    added, the longest waiting first."""
    return (
        _awaiting(Invitee.objects.filter(review__child__in=children))
        .filter(review__checklist__confirmed_on__isnull=False)
        .select_related("review__child", "review__checklist")
        .order_by("review__checklist__confirmed_on", "pk")
    )


def invitation_late(
    *, review: Review, invitee: Invitee, by: User, now: datetime
) -> Invitation:
    """D-CAL2: the invitation of a person waiting for one (awaiting): their first
    version, or, for someone whose invitation was cancelled and who is invited again,
    the next version of the same entry. The caller checks the list is confirmed."""
    if not awaiting(review).filter(pk=invitee.pk).exists():
        raise ValidationError(f"{invitee.name} has an invitation already.")
    if latest(invitee) is None:
        invitation = invitation_first(review=review, invitee=invitee, by=by, now=now)
    else:
        invitation = _send(review, invitee, method=REQUEST, by=by, now=now)
    record_event(
        review,
        action="invitation_sent_late",
        by=by,
        note=f"To the {invitee.get_role_display().lower()}, version "
        f"{invitation.sequence}",
    )
    papers_changed(review)
    return invitation


def invitation_readdress(
    *, review: Review, invitee: Invitee, was: tuple[str, str], by: User, now: datetime
) -> list[Invitation]:
    """D-CAL2: a person still invited whose way of being reached changed (`was`: their
    method and email before) is sent the next version the new way; an entry already
    emailed to the old address is cancelled there first, so that no calendar keeps a
    meeting that moves without it."""
    last = latest(invitee)
    if last is None or last.is_cancellation or was == (invitee.method, invitee.email):
        return []
    sent = []
    old_method, old_email = was
    if old_method == Invitee.Method.EMAIL and old_email:
        before = copy(invitee)
        before.method, before.email = old_method, old_email
        sent.append(_send(review, before, method=CANCEL, by=by, now=now))
    sent.append(_send(review, invitee, method=REQUEST, by=by, now=now))
    return sent


@transaction.atomic
def invitation_resend(
    *, review: Review, invitee: Invitee, by: User, now: datetime
) -> Invitation:
    """Send this person's latest version again by email (the same UID and SEQUENCE):
    the version is the same, only its email is new."""
    review = lock(review)
    if invitee.review_id != review.pk:
        raise ValidationError("That person is not on this review's list.")
    invitation = latest(invitee)
    if invitation is None:
        raise ValidationError(f"{invitee.name} has not been sent an invitation yet.")
    if invitation.method != Invitee.Method.EMAIL or not invitee.email:
        raise ValidationError(
            f"{invitee.name} is invited by letter: print their letter again instead."
        )
    again = (
        1
        + OutboundEmail.objects.filter(
            key__startswith=f"invitation:{invitee.pk}:v{invitation.sequence}:again"
        ).count()
    )
    key = f"invitation:{invitee.pk}:v{invitation.sequence}:again{again}"
    invitation.email = _queue(review, invitee, invitation, key=key, now=now)
    invitation.save(update_fields=["email", "updated_at"])
    record_event(
        review,
        action="invitation_resent",
        by=by,
        note=f"To the {invitee.get_role_display().lower()}, version {invitation.sequence}",
    )
    return invitation


# --- What the invitations page shows ------------------------------------------------


@dataclass(frozen=True)
class Latest:
    """One person's latest version, and what has really happened to it."""

    invitee: Invitee
    invitation: Invitation
    delivery: str
    can_resend: bool
    to_post: bool = False


def posting_ends_before(now: datetime) -> datetime:
    """A letter is worth posting about a meeting on this day or later: the start of
    today, in the service's time zone."""
    return timezone.make_aware(
        datetime.combine(timezone.localtime(now).date(), time.min)
    )


def waits_for_post(invitation: Invitation, now: datetime) -> bool:
    """A person's latest version by letter is to print and post until business
    support says it was posted, while the day of the meeting it is about has not
    passed (reviews.services.invitation_letters.letters_to_post asks the same of the
    database)."""
    return (
        invitation.method == Invitee.Method.LETTER
        and invitation.posted_on is None
        and invitation.scheduled_for >= posting_ends_before(now)
    )


def delivery(invitation: Invitation, *, now: datetime | None = None) -> str:
    """What happened to this version, in words, true to the outbox and the post."""
    email = invitation.email
    if invitation.method == Invitee.Method.LETTER:
        if invitation.posted_on is not None:
            return f"Letter posted on {invitation.posted_on:%-d %B %Y}"
        if not waits_for_post(invitation, now or timezone.now()):
            return "Letter not posted before the meeting"
        return "Letter to print and post"
    if email is None:
        return "Not sent: no email address"
    if email.status == OutboundEmail.Status.SENT and email.sent_at:
        return f"Email sent {timezone.localtime(email.sent_at):%-d %b %Y %H:%M}"
    if email.status == OutboundEmail.Status.FAILED:
        return "Email not sent yet: the mail server refused it, and it is tried again"
    return "Email waiting to be sent"


def latest_for_review(review: Review) -> list[Latest]:
    """Each person sent anything (those taken off the list too), with their latest."""
    found: dict[int, Invitation] = {}
    for invitation in review.invitations.select_related("invitee", "email").order_by(
        "invitee_id", "sequence"
    ):
        found[invitation.invitee_id] = invitation
    now = timezone.now()
    return [
        Latest(
            invitee=invitation.invitee,
            invitation=invitation,
            delivery=delivery(invitation, now=now),
            can_resend=invitation.method == Invitee.Method.EMAIL
            and bool(invitation.invitee.email),
            to_post=waits_for_post(invitation, now),
        )
        for invitation in found.values()
    ]
