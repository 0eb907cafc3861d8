"""How a copy of the record really reaches its reader (docs/rules.md, D-SENT).

A copy for someone with an email address goes as an email: to a member of staff, a
link to the service's own page of their copy, behind sign-in; to anyone else, a
single-use link to their own version (the link service, reviews.services.links), or
the PDF attached where the council's setting says so (RECORD_EMAIL_ATTACH_PDF). It
counts as sent when the outbox has sent that email. A copy for someone without one
goes by letter, printed in the print pack (documents.print_pack); it counts as sent
on the posting date business support confirms. Nothing here says a copy went before
it did: the distribution log and the 20-working-day measure read these facts, never
the moment someone pressed "Send the record".
"""

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Q, QuerySet, Value, When
from django.urls import reverse

from accounts.models import User
from core import dates
from core.models import OutboundEmail
from core.notifications import queue_email, secret
from documents.models import Distribution, Document
from reviews.models import AccessLink, Invitee, Review
from reviews.services._base import record_event
from reviews.services.links import RECORD_DAYS, link_issue, link_use

# Facts that make a copy sent: its email left the outbox, or its letter was posted.
REALLY_SENT = Q(email__status="sent") | Q(posted_on__isnull=False)


SUBJECT = "The record of a review you were part of"
SIGN_OFF = "The Independent Reviewing Officer service"


def recipient_account(invitee: Invitee) -> User | None:
    """The account of a reader who is staff of the service: an active user whose email
    address is the one their copy goes to. A place on the list names no user, so the
    address is what joins them; the email goes to that address either way."""
    if not invitee.email:
        return None
    return (
        User.objects.filter(email__iexact=invitee.email.strip(), is_active=True)
        .order_by("pk")
        .first()
    )


def record_email_queue(
    distribution: Distribution, *, now: datetime, again: int = 0
) -> None:
    """Queue the email that carries this person's copy (D-SENT): for staff, a link to
    it behind sign-in; for anyone else a single-use link, or the PDF attached where
    the council's setting says so. The email names nobody but its reader and says
    nothing about the child. `again` counts the times it is sent again: each is an
    email of its own, and a new single-use link ends the earlier one."""
    person = distribution.invitee
    attachment = None
    if recipient_account(person) is not None:
        body = _signed_in_text(distribution)
    elif settings.RECORD_EMAIL_ATTACH_PDF and distribution.document is not None:
        body, attachment = _attached_text(person), _pdf_of(distribution.document)
    else:
        body = _link_text(distribution, now=now)
    distribution.email = queue_email(
        key=f"record:{distribution.pk}" + (f":again:{again}" if again else ""),
        to=person.email,
        subject=SUBJECT,
        body=body,
        attachment=attachment,
    )
    distribution.save(update_fields=["email"])


def _signed_in_text(distribution: Distribution) -> str:
    url = settings.SITE_URL + reverse("documents:record_copy", args=[distribution.pk])
    return (
        f"Dear {distribution.invitee.name},\n\nThe record of a review you were "
        "invited to is ready. Sign in to the service to download your copy:\n"
        f"{url}\n\n{SIGN_OFF}"
    )


def _attached_text(person: Invitee) -> str:
    return (
        f"Dear {person.name},\n\nThe record of a review you were invited to is "
        "ready. Your copy is attached to this email as a PDF. It holds personal "
        "information: please keep it safe and do not pass it on.\n\n"
        "If you cannot open it, reply to this email and we will send it again.\n\n"
        f"{SIGN_OFF}"
    )


def _link_text(distribution: Distribution, *, now: datetime) -> str:
    person = distribution.invitee
    link = link_issue(
        purpose=AccessLink.Purpose.RECORD,
        recipient=person,
        review=distribution.review,
        now=now,
    )
    return (
        f"Dear {person.name},\n\nThe record of a review you were invited to is "
        "ready. Download your copy here. The link works once, for "
        f"{RECORD_DAYS} days:\n{secret(link.url)}\n\n"
        "If the link has stopped working, reply to this email and we will send "
        f"it again.\n\n{SIGN_OFF}"
    )


def _pdf_of(document: Document) -> tuple[str, bytes, str]:
    """The stored PDF as the email's attachment: the very file the log names."""
    with document.file.open("rb") as handle:
        return document.download_name(), handle.read(), "application/pdf"


@transaction.atomic
def record_link_resend(
    *, distribution: Distribution, by: User, now: datetime
) -> Distribution:
    """Send a reader the email of the same copy again (their link was used, or has
    ended, or the email failed): a single-use link is a new one and the earlier link
    stops working; the review's history says so."""
    copy = Distribution.objects.select_for_update().get(pk=distribution.pk)
    if copy.method != Invitee.Method.EMAIL or not copy.invitee.email:
        raise ValidationError("Only a copy sent by email can be sent again by email.")
    again = OutboundEmail.objects.filter(
        key__startswith=f"record:{copy.pk}:again:"
    ).count()
    record_email_queue(copy, now=now, again=again + 1)
    record_event(
        copy.review,
        action="record_link_resent",
        by=by,
        note=f"The record's email sent again to {copy.invitee.name}",
    )
    return copy


def copy_for_link(link: AccessLink) -> Distribution | None:
    """The newest copy of the record sent to the link's person, with its PDF."""
    return (
        Distribution.objects.filter(
            invitee=link.invitee, review=link.review, document__isnull=False
        )
        .select_related("document")
        .order_by("-record_version")
        .first()
    )


@transaction.atomic
def record_download_via_link(*, token: str, now: datetime) -> Document:
    """Use the link up and give the document it is for (raises LinkUnusable)."""
    link = link_use(token=token, purpose=AccessLink.Purpose.RECORD, now=now)
    copy = copy_for_link(link)
    if copy is None or copy.document is None:
        raise ValidationError("There is no copy of the record for this link.")
    return copy.document


def posting_key(copy: Distribution) -> tuple[str, str, int]:
    """The order letters are printed and posted in: by the recipient's surname (the
    last word of their name), then their address, then the order they were made."""
    words = copy.invitee.name.split()
    surname = words[-1] if words else ""
    return (surname.casefold(), copy.invitee.postal_address.casefold(), copy.pk)


def letters_to_post(review: Review) -> QuerySet[Distribution]:
    """The review's letter copies not yet confirmed as posted, in the order to post."""
    waiting = review.distributions.filter(
        method=Invitee.Method.LETTER, posted_on__isnull=True
    ).select_related("invitee", "document", "printed_by")
    order = [copy.pk for copy in sorted(waiting, key=posting_key)]
    if not order:  # ORDER BY a constant alone is a column number to PostgreSQL
        return waiting.order_by("pk")
    return waiting.order_by(
        Case(
            *(When(pk=pk, then=Value(place)) for place, pk in enumerate(order)),
            default=Value(len(order)),
        ),
        "pk",
    )


def reviews_with_letters_to_post(children) -> QuerySet[Review]:
    """Reviews of these children with a letter copy of the record not yet confirmed as
    posted: business support's task on My work, due by the record's T19 deadline."""
    waiting = Distribution.objects.filter(
        method=Invitee.Method.LETTER, posted_on__isnull=True
    )
    return (
        Review.objects.filter(pk__in=waiting.values("review"), child__in=children)
        .select_related("child")
        .order_by("record_date", "pk")
    )


@transaction.atomic
def letters_posted(
    *,
    review: Review,
    by: User,
    posted_on: date,
    copies: list[Distribution],
    today: date,
) -> int:
    """Business support confirms the day these letters were posted (D-SENT): not in
    the future, and not before the copy was made."""
    if not copies:
        raise ValidationError({"copies": "Select the letters that were posted"})
    earliest = min(c.sent_at for c in copies).date()
    problems = dates.problems(
        {
            "posted_on": (
                "Date the letters were posted",
                posted_on,
                dates.happened(
                    today=today, born=earliest, since="the day the copies were made"
                ),
            )
        }
    )
    if problems:
        raise ValidationError(problems)
    chosen = [c.pk for c in copies if c.review_id == review.pk]
    return Distribution.objects.filter(
        pk__in=chosen, method=Invitee.Method.LETTER, posted_on__isnull=True
    ).update(posted_on=posted_on, posted_by=by)
