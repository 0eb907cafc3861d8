"""Who may set up two-factor sign-in, and how an administrator lets them (docs/rules.md, D-2FA).

Having a user's password is not enough to bind an authenticator app to their account.
A user with no confirmed authenticator may set one up:

- without a code only while the enrolment window is open: within
  `TWO_FACTOR_ENROLMENT_WINDOW_HOURS` of the account being created, before any setup code
  was issued for them and before they ever set one up; or
- with a setup code an administrator issued for them: random, shown once to the
  administrator, stored as a keyed hash, single use, valid for `TWO_FACTOR_SETUP_CODE_DAYS`.
  Issuing a new code voids the old ones; `MAX_FAILED_ATTEMPTS` wrong attempts stop it.

Only an administrator resets two-factor sign-in, never their own: the reset removes the
user's authenticators and issues a fresh setup code. Every issue, use, wrong attempt and
reset is a `TwoFactorEvent` (shown in /manage/) and a line in the security log.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import security_log
from accounts.models import TwoFactorEvent, TwoFactorSetupCode, User
from accounts.permissions import can_reset_two_factor

MAX_FAILED_ATTEMPTS = 5
# No I, L, O, 0 or 1: nothing to misread when the code is read out or copied by hand.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4  # 12 characters from 31: about 59 bits
CODE_LENGTH = CODE_GROUPS * CODE_GROUP_LENGTH

# The session that entered a valid setup code may set up an authenticator (the code's pk).
GRANT_SESSION_KEY = "two_factor_setup_code"
# The unconfirmed authenticator this session showed (its pk): no other session's key.
DEVICE_SESSION_KEY = "two_factor_enrolment_device"

_HASH_SALT = "accounts.two_factor.setup_code"


class Enrolment(Enum):
    """Where a signed-in user stands with two-factor sign-in."""

    ENROLLED = "enrolled"  # a confirmed authenticator: they enter its code
    OPEN = (
        "open"  # they may set up an authenticator now (the window, or a code accepted)
    )
    CODE = "code"  # they must first enter the setup code an administrator gave them
    ASK = "ask"  # no valid setup code: they must ask an administrator for one


class SetupCodeRefused(Exception):
    """A setup code that does not let the user set up two-factor sign-in; says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Status:
    """A user's two-factor sign-in as an administrator sees it."""

    enrolled: bool
    window_closes_at: datetime | None  # set while the enrolment window is open
    code_expires_at: datetime | None  # set while a setup code is valid

    @property
    def label(self) -> str:
        if self.enrolled:
            return "Set up"
        if self.code_expires_at is not None:
            when = timezone.localtime(self.code_expires_at)
            return f"Not set up: setup code valid until {when:%d %b %Y %H:%M}"
        if self.window_closes_at is not None:
            when = timezone.localtime(self.window_closes_at)
            return f"Not set up: may set up without a code until {when:%d %b %Y %H:%M}"
        return "Not set up: needs a setup code"


# The rules ---------------------------------------------------------------------------


def window_hours() -> int:
    return settings.TWO_FACTOR_ENROLMENT_WINDOW_HOURS


def code_lifetime() -> timedelta:
    return timedelta(days=settings.TWO_FACTOR_SETUP_CODE_DAYS)


def window_end(user: User) -> datetime:
    return user.date_joined + timedelta(hours=window_hours())


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def window_open(user: User, *, now: datetime | None = None) -> bool:
    """The enrolment window: soon after the account was created, and only for a first
    set-up that no administrator has stepped into (no code ever issued)."""
    now = now or timezone.now()
    return (
        now < window_end(user)
        and not TwoFactorSetupCode.objects.filter(user=user).exists()
        and not TwoFactorEvent.objects.filter(
            user=user, kind=TwoFactorEvent.Kind.ENROLLED
        ).exists()
    )


def live_code(user: User, *, now: datetime | None = None) -> TwoFactorSetupCode | None:
    """The user's setup code that still works: not used, voided or expired."""
    return (
        TwoFactorSetupCode.objects.filter(
            user=user,
            used_at__isnull=True,
            voided_at__isnull=True,
            expires_at__gt=now or timezone.now(),
        )
        .order_by("-issued_at", "-pk")
        .first()
    )


def enrolment(user: User, session: SessionBase) -> Enrolment:
    """What the two-factor page offers this user in this session."""
    if confirmed_device(user) is not None:
        return Enrolment.ENROLLED
    if window_open(user) or _granted(user, session):
        return Enrolment.OPEN
    if live_code(user) is not None:
        return Enrolment.CODE
    return Enrolment.ASK


def normalise_code(typed: str) -> str | None:
    """The code as issued (capitals, no spaces or hyphens), or None if it cannot be one."""
    code = "".join(typed.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


# What an administrator does ------------------------------------------------------------


def issue_setup_code(
    user: User, *, by: User, request: HttpRequest | None = None
) -> str:
    """Issue a setup code for `user` (voiding any older one); return it to be shown once."""
    _check_may_reset(by, user)
    return _issue(user, by=by, kind=TwoFactorEvent.Kind.CODE_ISSUED, request=request)


def reset_two_factor(
    user: User, *, by: User, request: HttpRequest | None = None
) -> str:
    """Remove the user's authenticators and issue a fresh setup code; return the code.

    Any session of theirs that passed two-factor with a removed authenticator is no
    longer verified and is asked to set one up again.
    """
    _check_may_reset(by, user)
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        return _issue(
            user,
            by=by,
            kind=TwoFactorEvent.Kind.RESET,
            request=request,
            detail=f"{removed} authenticator(s) removed",
        )


def issue_setup_code_on_server(user: User) -> str:
    """For `manage.py two_factor_setup_code`: someone with the server's own access (the
    only administrator has lost their phone). Recorded with no administrator."""
    return _issue(
        user,
        by=None,
        kind=TwoFactorEvent.Kind.CODE_ISSUED,
        detail="issued on the server",
    )


def _check_may_reset(by: User, user: User) -> None:
    if not can_reset_two_factor(by, user):
        raise PermissionDenied(
            "Only an administrator may issue a setup code, and not for themselves."
        )


def _issue(
    user: User,
    *,
    by: User | None,
    kind: str,
    request: HttpRequest | None = None,
    detail: str = "",
) -> str:
    now = timezone.now()
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with transaction.atomic():
        TwoFactorSetupCode.objects.filter(user=user, voided_at__isnull=True).update(
            voided_at=now
        )
        TwoFactorSetupCode.objects.create(
            user=user,
            code_hash=_hash(user.pk, code),
            issued_by=by,
            issued_at=now,
            expires_at=now + code_lifetime(),
        )
        _event(kind, user, by=by, request=request, detail=detail)
    return format_code(code)


def format_code(code: str) -> str:
    n = CODE_GROUP_LENGTH
    return "-".join(code[i : i + n] for i in range(0, len(code), n))


# What the user does -------------------------------------------------------------------


def redeem_setup_code(user: User, typed: str, request: HttpRequest) -> None:
    """Spend the user's setup code and let this session set up an authenticator.

    Raises SetupCodeRefused, saying why, for a wrong, expired, used or voided code; every
    refusal is recorded, and the live code stops after MAX_FAILED_ATTEMPTS wrong ones.
    """
    code = normalise_code(typed)
    now = timezone.now()
    refusal = ""
    with transaction.atomic():
        codes = list(
            TwoFactorSetupCode.objects.select_for_update()
            .filter(user=user)
            .order_by("-issued_at", "-pk")
        )
        live = next(
            (
                c
                for c in codes
                if c.used_at is None and c.voided_at is None and c.expires_at > now
            ),
            None,
        )
        if confirmed_device(user) is not None:
            refusal = "You have already set up two-factor sign-in"
        elif live is not None and code is not None and _matches(live, code):
            live.used_at = now
            live.save(update_fields=["used_at"])
            # A fresh key for this session: no key anyone was shown before counts.
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            request.session.pop(DEVICE_SESSION_KEY, None)
            request.session[GRANT_SESSION_KEY] = live.pk
            _event(TwoFactorEvent.Kind.CODE_USED, user, request=request)
            return
        else:
            refusal = _refuse(user, code, codes, live, now=now, request=request)
    raise SetupCodeRefused(refusal)


def _refuse(
    user: User,
    code: str | None,
    codes: list[TwoFactorSetupCode],
    live: TwoFactorSetupCode | None,
    *,
    now: datetime,
    request: HttpRequest,
) -> str:
    """Record a refused code and say why it was refused."""
    earlier = next(
        (c for c in codes if c is not live and code is not None and _matches(c, code)),
        None,
    )
    if earlier is not None:
        # The user's own old code: a mistake, not a guess, so it costs no attempt.
        if earlier.used_at is not None:
            reason, message = "used", "This setup code has already been used"
        elif (
            earlier.voided_at is not None
            and earlier.failed_attempts >= MAX_FAILED_ATTEMPTS
        ):
            reason, message = (
                "stopped",
                "This setup code was stopped after too many wrong attempts",
            )
        elif earlier.voided_at is not None:
            reason, message = (
                "replaced",
                "This setup code has been replaced by a newer one",
            )
        else:
            reason, message = "expired", "This setup code has expired"
        _event(TwoFactorEvent.Kind.CODE_FAILED, user, request=request, detail=reason)
        if live is not None:
            return f"{message}. Enter the newest setup code you were given"
        return f"{message}. Ask an administrator for a new one"
    _event(TwoFactorEvent.Kind.CODE_FAILED, user, request=request, detail="wrong")
    if live is None:
        return "The setup code is not right. Ask an administrator for a setup code"
    live.failed_attempts += 1
    if live.failed_attempts >= MAX_FAILED_ATTEMPTS:
        live.voided_at = now
        live.save(update_fields=["failed_attempts", "voided_at"])
        _event(
            TwoFactorEvent.Kind.CODE_LOCKED,
            user,
            request=request,
            detail=f"{live.failed_attempts} wrong attempts",
        )
        return (
            f"The setup code was entered wrongly {MAX_FAILED_ATTEMPTS} times and no "
            "longer works. Ask an administrator for a new one"
        )
    live.save(update_fields=["failed_attempts"])
    left = MAX_FAILED_ATTEMPTS - live.failed_attempts
    tries = "try" if left == 1 else "tries"
    return f"The setup code is not right. Check it and try again ({left} {tries} left)"


def enrolment_device(user: User, session: SessionBase) -> TOTPDevice:
    """The unconfirmed authenticator this session shows (the same key between GET and POST).

    A session that has not shown one gets a new key, and any key shown elsewhere is
    discarded: whoever saw another session's QR code cannot use it.
    """
    pk = session.get(DEVICE_SESSION_KEY)
    device = (
        TOTPDevice.objects.filter(pk=pk, user=user, confirmed=False).first()
        if pk
        else None
    )
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(
            user=user, confirmed=False, name="Authenticator app"
        )
        session[DEVICE_SESSION_KEY] = device.pk
    return device


def enrol(user: User, device: TOTPDevice, request: HttpRequest) -> None:
    """Confirm the authenticator whose code the user entered. The page checks first
    that enrolment() is OPEN."""
    via = "setup code" if _granted(user, request.session) else "enrolment window"
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    request.session.pop(GRANT_SESSION_KEY, None)
    request.session.pop(DEVICE_SESSION_KEY, None)
    _event(TwoFactorEvent.Kind.ENROLLED, user, request=request, detail=f"via {via}")


# For /manage/ --------------------------------------------------------------------------


def with_status(users: QuerySet[User]) -> QuerySet[User]:
    """Users annotated with what status_of needs (one query for a page of them)."""
    now = timezone.now()
    codes = TwoFactorSetupCode.objects.filter(user=OuterRef("pk"))
    return users.annotate(
        tf_enrolled=Exists(
            TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        ),
        tf_ever_coded=Exists(codes),
        tf_ever_enrolled=Exists(
            TwoFactorEvent.objects.filter(
                user=OuterRef("pk"), kind=TwoFactorEvent.Kind.ENROLLED
            )
        ),
        tf_code_expires_at=Subquery(
            codes.filter(
                used_at__isnull=True, voided_at__isnull=True, expires_at__gt=now
            )
            .order_by("-issued_at", "-pk")
            .values("expires_at")[:1]
        ),
    )


def status_of(user: User) -> Status:
    """The user's two-factor status, from with_status's annotations if present."""
    if not hasattr(user, "tf_enrolled"):
        return status_of(with_status(User.objects.filter(pk=user.pk)).get())
    end = window_end(user)
    window = (
        end > timezone.now()
        and not getattr(user, "tf_ever_coded")  # noqa: B009 - an annotation
        and not getattr(user, "tf_ever_enrolled")  # noqa: B009
    )
    return Status(
        enrolled=getattr(user, "tf_enrolled"),  # noqa: B009
        window_closes_at=end if window else None,
        code_expires_at=getattr(user, "tf_code_expires_at"),  # noqa: B009
    )


def events_of(user: User, limit: int = 50) -> QuerySet[TwoFactorEvent]:
    return TwoFactorEvent.objects.filter(user=user).select_related("by")[:limit]


# Helpers ----------------------------------------------------------------------------


def _hash(user_id: int, code: str) -> str:
    # Keyed with the secret key and tied to the user: the table alone reveals nothing.
    return salted_hmac(_HASH_SALT, f"{user_id}:{code}", algorithm="sha256").hexdigest()


def _matches(setup_code: TwoFactorSetupCode, code: str) -> bool:
    return constant_time_compare(setup_code.code_hash, _hash(setup_code.user_id, code))


def _granted(user: User, session: SessionBase) -> bool:
    """This session entered a valid setup code, and no newer one has voided it since."""
    pk = session.get(GRANT_SESSION_KEY)
    return isinstance(pk, int) and (
        TwoFactorSetupCode.objects.filter(
            pk=pk, user=user, used_at__isnull=False, voided_at__isnull=True
        ).exists()
    )


def _event(
    kind: str,
    user: User,
    *,
    by: User | None = None,
    request: HttpRequest | None = None,
    detail: str = "",
) -> None:
    ip = security_log.client_ip(request)
    TwoFactorEvent.objects.create(
        user=user, kind=kind, at=timezone.now(), by=by, ip=ip, detail=detail
    )
    security_log.record(
        f"two_factor_{kind}",
        user_id=user.pk,
        by_id=by.pk if by is not None else None,
        ip=ip,
        detail=detail,
    )
