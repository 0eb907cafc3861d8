"""Write every sign-in, failed sign-in and sign-out to the security log (ASVS 16.3.1),
and, through `record`, what happens to a user's two-factor sign-in (accounts.two_factor)."""

import json
import logging

from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)

logger = logging.getLogger("reviews.security")


def _log(event: str, **fields) -> None:
    # JSON keeps a username with a newline in it on one line (no log injection).
    logger.info("%s %s", event, json.dumps(fields, default=str))


def record(event: str, **fields) -> None:
    """Write one security event (its fields as JSON) to the security log."""
    _log(event, **fields)


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def on_logged_in(sender, request, user, **kwargs):
    _log("sign_in", user_id=user.pk, ip=client_ip(request))


def on_logged_out(sender, request, user, **kwargs):
    _log("sign_out", user_id=getattr(user, "pk", None), ip=client_ip(request))


def on_login_failed(sender, credentials, request=None, **kwargs):
    _log(
        "sign_in_failed",
        username=credentials.get("username", ""),
        ip=client_ip(request),
    )


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="security_log_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="security_log_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="security_log_failed")
