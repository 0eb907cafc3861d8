import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

SESSION_STARTED_KEY = "signed_in_at"


class SessionLifetimeMiddleware:
    """End a session 12 hours after sign-in, however active (ASVS 7.3.2).

    The 30-minute idle limit is the session cookie's age, renewed on each request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:
                request.session[SESSION_STARTED_KEY] = time.time()
            elif time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
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
