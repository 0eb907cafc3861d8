from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from accounts import sso


class TwoFactorRequiredMiddleware:
    """Send a signed-in user who has not passed TOTP to the two-factor pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.REQUIRE_2FA
            and user.is_authenticated
            and not user.is_verified()
            and not sso.passed_mfa(request.session)
            and not request.path.startswith(self._allowed_prefixes())
        ):
            return redirect("accounts:two_factor")
        return self.get_response(request)

    @staticmethod
    def _allowed_prefixes() -> tuple[str, ...]:
        return (
            reverse("accounts:two_factor"),
            reverse("accounts:logout"),
            reverse("core:accessibility"),
            settings.STATIC_URL,
        )
