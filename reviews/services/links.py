"""One home for the links that reach a person without an account (docs/rules.md,
D-LINK, D-LINKEND, D-CODE): consultations and feedback today, the same way for any
purpose added later.

Every link is made, opened and used here; no other code hashes a token, checks an
expiry or compares a short code.

- `link_issue` makes a link for one person who will receive it, for one purpose, and
  returns its address (and its short code when it needs one). The token is 256 random
  bits from `secrets`; only its SHA-256 is stored, and the code only as a hash keyed
  by the token.
- `link_open` finds the link a token names. Opening never uses a link up: mail
  scanners and link previews open links before people do.
- `link_status` says whether it still works, and if not why: `LIFETIMES` is the one
  table of how long each purpose's links last.
- `link_check_code` checks the short code a letter's link needs, counting wrong codes;
  after `CODE_ATTEMPTS` of them the link is locked.
- `link_use` uses the link up when its answers are saved, in the same transaction,
  holding the link's row so that it is used once.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reviews.models import AccessLink, Invitee, Review

TOKEN_BYTES = 32  # 256 bits, written in 43 URL-safe characters
CODE_LENGTH = 8
# Nothing that reads as something else on paper or over the phone: no 0 or O, no 1,
# I or L, no U (read as V).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_ATTEMPTS = 5
FEEDBACK_DAYS = 28
RECORD_DAYS = 28

USABLE = "usable"
USED = "used"
ENDED = "ended"
LOCKED = "locked"


class LinkUnusable(Exception):
    """The link was used already, has ended or is locked (or names nothing)."""


# --- How long a link works (D-LINKEND) ---------------------------------------------


def _end_of_review_day(review: Review, now: datetime) -> datetime:
    start = review.scheduled_for or now
    day = timezone.localtime(start).date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time.min))


def _days_after_sending(days: int) -> Callable[[Review, datetime], datetime]:
    return lambda review, now: now + timedelta(days=days)


@dataclass(frozen=True)
class Lifetime:
    """How long a purpose's links work.

    `expires` gives the expiry from the review and the time the link is sent; None
    means the caller states it. `ends_with_review`: the link also stops once the
    review is held or cancelled, whatever its expiry.
    """

    expires: Callable[[Review, datetime], datetime] | None
    ends_with_review: bool = False


LIFETIMES: dict[str, Lifetime] = {
    # Views are for the meeting: until the end of the review day, and never once the
    # review is held or cancelled.
    AccessLink.Purpose.CONSULTATION: Lifetime(
        expires=_end_of_review_day, ends_with_review=True
    ),
    AccessLink.Purpose.FEEDBACK: Lifetime(expires=_days_after_sending(FEEDBACK_DAYS)),
    # A copy of the record, downloaded once (D-SENT).
    AccessLink.Purpose.RECORD: Lifetime(expires=_days_after_sending(RECORD_DAYS)),
}
# The page each purpose's link opens; any other: the questions page.
PAGES: dict[str, str] = {AccessLink.Purpose.RECORD: "documents:record_link"}
# Any other purpose: until the expiry its caller states.
STATED = Lifetime(expires=None)


def link_expiry(
    purpose: str, *, review: Review, now: datetime, expires_at: datetime | None = None
) -> datetime:
    """When a link for `purpose` sent at `now` ends, by the table above."""
    lifetime = LIFETIMES.get(purpose, STATED)
    if lifetime.expires is None:
        if expires_at is None:
            raise ValueError(f"A {purpose} link needs its expiry stated.")
        return expires_at
    if expires_at is not None:
        raise ValueError(f"A {purpose} link's expiry is set by its rule, not stated.")
    return lifetime.expires(review, now)


def link_status(link: AccessLink, now: datetime) -> str:
    """USABLE, or why not: USED, LOCKED (too many wrong codes) or ENDED."""
    if link.used_at is not None:
        return USED
    if link.code_attempts >= CODE_ATTEMPTS:
        return LOCKED
    if now >= link.expires_at:
        return ENDED
    lifetime = LIFETIMES.get(link.purpose, STATED)
    if lifetime.ends_with_review and not link.review.is_open:
        return ENDED
    return USABLE


def link_usable(link: AccessLink, now: datetime) -> bool:
    return link_status(link, now) == USABLE


# --- Tokens and codes ----------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _normal_code(code: str) -> str:
    """As typed: any case, with or without the hyphen and spaces."""
    return "".join(c for c in code.upper() if c.isalnum())


def _code_hash(token: str, code: str) -> str:
    """The code's hash, keyed by the token: without the link it cannot be tried."""
    return hmac.new(
        token.encode(), _normal_code(code).encode(), hashlib.sha256
    ).hexdigest()


def _code_matches(link: AccessLink, token: str, code: str) -> bool:
    return hmac.compare_digest(link.code_hash, _code_hash(token, code))


def _new_code() -> str:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


# --- Issue, open, check, use ---------------------------------------------------------


@dataclass(frozen=True)
class IssuedLink:
    """A new link: its row, its address, and its short code ("" when it needs none).

    The address and the code exist only here, to be sent: never store them, and
    never send the code in the same message as the address (D-CODE).
    """

    link: AccessLink
    url: str
    code: str = ""


@transaction.atomic
def link_issue(
    *,
    purpose: str,
    recipient: Invitee,
    review: Review,
    now: datetime,
    expires_at: datetime | None = None,
    with_code: bool = False,
) -> IssuedLink:
    """Make a link for `recipient`, who is about to be sent it (D-LINK).

    A new link ends the recipient's earlier unused links for the same review and
    purpose: only the latest message they were sent works.
    """
    if recipient.review_id != review.pk:
        raise ValueError("The link's recipient is not on this review's list.")
    expiry = link_expiry(purpose, review=review, now=now, expires_at=expires_at)
    for earlier in AccessLink.objects.filter(
        review=review,
        invitee=recipient,
        purpose=purpose,
        used_at__isnull=True,
        expires_at__gt=now,
    ):
        earlier.expires_at = now
        earlier.save(update_fields=["expires_at"])
    token = secrets.token_urlsafe(TOKEN_BYTES)
    code = _new_code() if with_code else ""
    link = AccessLink.objects.create(
        review=review,
        invitee=recipient,
        purpose=purpose,
        token_hash=_token_hash(token),
        code_hash=_code_hash(token, code) if code else "",
        expires_at=expiry,
    )
    page = PAGES.get(purpose, "reviews:respond")
    url = settings.SITE_URL + reverse(page, args=[token])
    return IssuedLink(link=link, url=url, code=code)


def link_open(token: str) -> AccessLink | None:
    """The link `token` names, or None. Opening it changes nothing."""
    if not token:
        return None
    return (
        AccessLink.objects.select_related("review__child", "invitee")
        .filter(token_hash=_token_hash(token))
        .first()
    )


def _held(token: str) -> AccessLink | None:
    """The link, its row locked until the transaction ends."""
    return (
        AccessLink.objects.select_for_update(of=("self",))
        .select_related("review", "invitee")
        .filter(token_hash=_token_hash(token))
        .first()
    )


@dataclass(frozen=True)
class CodeCheck:
    right: bool
    tries_left: int


@transaction.atomic
def link_check_code(*, token: str, code: str, now: datetime) -> CodeCheck:
    """Check the short code entered for a link; a wrong one counts against it (D-CODE).

    Raises LinkUnusable when the link no longer works (used, ended, or locked by
    earlier wrong codes). A link that needs no code is always right.
    """
    link = _held(token)
    if link is None or not link_usable(link, now):
        raise LinkUnusable
    if not link.needs_code or _code_matches(link, token, code):
        return CodeCheck(right=True, tries_left=CODE_ATTEMPTS - link.code_attempts)
    link.code_attempts += 1
    link.save(update_fields=["code_attempts"])
    return CodeCheck(right=False, tries_left=max(0, CODE_ATTEMPTS - link.code_attempts))


def link_use(*, token: str, purpose: str, now: datetime, code: str = "") -> AccessLink:
    """Use the link up, inside the transaction that saves what was sent through it.

    Raises LinkUnusable when it names no link of this purpose, no longer works, or
    needs a code and `code` is not it (wrong codes are counted by link_check_code,
    which the page calls first).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "link_use must run in the transaction that saves the answers"
        )
    link = _held(token)
    if link is None or link.purpose != purpose or not link_usable(link, now):
        raise LinkUnusable
    if link.needs_code and not _code_matches(link, token, code):
        raise LinkUnusable
    link.used_at = now
    link.save(update_fields=["used_at"])
    return link
