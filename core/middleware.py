import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

from core.audit import record_shown

SESSION_STARTED_KEY = "signed_in_at"
SESSION_RENEWED_KEY = "renewed_at"
# An active session's expiry is moved on at most this often (a database write).
SESSION_RENEW_SECONDS = 60


def stamp_signed_in_session(sender, request, user, **kwargs):
    """At sign-in, start the 12 hours and the first minute before a renewal (the
    sign-in saves the session anyway, so the next page need not)."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED_KEY] = now
        request.session[SESSION_RENEWED_KEY] = now


class SessionLifetimeMiddleware:
    """End a session 12 hours after sign-in, however active (ASVS 7.3.2), and keep an
    active one from its 30-minute idle limit.

    The idle limit is the session's expiry, SESSION_COOKIE_AGE after it was last
    saved. Saving it on every request would write to the database on every page, so
    it is renewed here at most once a minute: a session ends between 29 and 30 idle
    minutes after its last request, never later.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
            renewed = request.session.get(SESSION_RENEWED_KEY, 0)
            if now - renewed >= SESSION_RENEW_SECONDS:
                request.session[SESSION_RENEWED_KEY] = now  # saved with a new expiry
        return self.get_response(request)


class NoStoreMiddleware:
    """Stop browsers and proxies keeping any page a signed-in user was shown."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response


class AccessAuditMiddleware:
    """Write the access entries for what a page or download showed (core.audit).

    Inside auditlog's middleware, so that each entry has the user and the address.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        record_shown(request, response.status_code)
        return response
