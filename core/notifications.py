"""Tell users things: in-app notifications and the email outbox (sent exactly once)."""

import hashlib
import re

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import Notification, OutboundEmail


def notify(
    user, text: str, url: str = "", *, key: str | None = None
) -> Notification | None:
    """Add an in-app notification; with a key, a second call with the same key does nothing."""
    if key is None:
        return Notification.objects.create(user=user, text=text[:300], url=url)
    notification, _ = Notification.objects.get_or_create(
        key=key, defaults={"user": user, "text": text[:300], "url": url}
    )
    return notification


# A secret in an email's body (a single-use link) is kept in the outbox only until the
# email is sent; then it is replaced, so the database never keeps it.
_SECRET_OPEN, _SECRET_CLOSE = "\ue000", "\ue001"
_SECRET = re.compile(f"{_SECRET_OPEN}[^{_SECRET_CLOSE}]*{_SECRET_CLOSE}")
SECRET_REMOVED = "[removed once sent]"  # noqa: S105 (the text put in its place)


def secret(text: str) -> str:
    """Mark `text` in an email's body as kept only until the email is sent."""
    return f"{_SECRET_OPEN}{text.replace(_SECRET_OPEN, '').replace(_SECRET_CLOSE, '')}{_SECRET_CLOSE}"


def _as_sent(body: str) -> str:
    return body.replace(_SECRET_OPEN, "").replace(_SECRET_CLOSE, "")


def queue_email(
    *,
    key: str,
    to: str,
    subject: str,
    body: str,
    attachment: tuple[str, bytes, str] | None = None,
    send: bool = True,
) -> OutboundEmail:
    """Put an email in the outbox once per key; the worker sends it after commit.

    send=False leaves the sending to the caller (a batch queues one send task at the
    end rather than one per email) or to the five-minute schedule.
    """
    name, content, mimetype = attachment or ("", None, "")
    email, created = OutboundEmail.objects.get_or_create(
        key=key,
        defaults={
            "to": to,
            "subject": subject,
            "body": body,
            "attachment_name": name,
            "attachment": content,
            "attachment_type": mimetype,
            "attachment_size": None if content is None else len(content),
            "attachment_sha256": ""
            if content is None
            else hashlib.sha256(content).hexdigest(),
        },
    )
    if created and send:
        from core.tasks import enqueue

        enqueue("core.tasks.send_queued_emails")
    return email


def send_queued_emails(*, limit: int = 100) -> int:
    """Send what is queued, each email in its own transaction; failures stay queued."""
    sent = 0
    for pk in list(
        OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    ):
        sent += _send_one(pk)
    return sent


CALENDAR = "text/calendar"
CALENDAR_FILE = "application/ics"


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
    """The email as it goes. A calendar invitation (an attachment of type text/calendar;
    method=...) goes twice, as iMIP asks (RFC 6047 §2.4) and Outlook and Gmail read it:
    inline, as the text/calendar alternative of the body, so that the mail program
    shows an invitation and updates the calendar, and as an .ics file for the rest.
    Django makes that multipart/mixed holding multipart/alternative (text/plain,
    text/calendar; method=...) first, then the file (docs/decisions.md)."""
    message = EmailMultiAlternatives(email.subject, _as_sent(email.body), to=[email.to])
    if not email.attachment:
        return message
    content = bytes(email.attachment)
    if email.attachment_type.startswith(CALENDAR):
        message.attach_alternative(content.decode("utf-8"), email.attachment_type)
        message.attach(email.attachment_name, content, CALENDAR_FILE)
    else:
        message.attach(email.attachment_name, content, email.attachment_type)
    return message


def _send_one(pk: int) -> int:
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=pk)
            .exclude(status=OutboundEmail.Status.SENT)
            .first()
        )
        if email is None:
            return 0
        message = _message(email)
        email.attempts += 1
        try:
            message.send()
        except (OSError, IntegrityError) as error:  # SMTP errors are OSErrors
            email.status = OutboundEmail.Status.FAILED
            email.last_error = str(error)[:500]
            email.save(update_fields=["status", "attempts", "last_error"])
            return 0
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.body = _SECRET.sub(SECRET_REMOVED, email.body)
        # The attachment (a copy of the record, a calendar entry) went with the email:
        # the outbox keeps its name, type, size and checksum, not the bytes.
        email.attachment = None
        email.save(
            update_fields=["status", "attempts", "sent_at", "body", "attachment"]
        )
        return 1
