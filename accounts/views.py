import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import oidc, security_log, sso, two_factor
from accounts.forms import (
    GovUKPasswordChangeForm,
    SetupCodeForm,
    SignInForm,
    TokenForm,
)
from core.http import render_form_page, safe_next

SSO_NEXT_KEY = "sso_next"


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = settings.OIDC_ENABLED
        # The password form stays for break-glass accounts when single sign-on is on.
        context["local_sign_in"] = (
            not settings.OIDC_ENABLED
            or settings.LOCAL_SIGN_IN
            or bool(settings.LOCAL_SIGN_IN_USERNAMES)
        )
        return context

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


@login_not_required
@require_http_methods(["GET"])
def sso_start_view(request):
    """Send the browser to the council's identity provider (accounts.oidc)."""
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is not switched on")
    next_url = safe_next(request, "")
    if next_url:
        request.session[SSO_NEXT_KEY] = next_url
    try:
        return oidc.begin(
            request, request.build_absolute_uri(reverse("accounts:sso_callback"))
        )
    except oidc.FAILURES as failure:
        return _sso_unavailable(request, failure)


@login_not_required
@require_http_methods(["GET"])
def sso_callback_view(request):
    """The provider's answer: verified (accounts.oidc), then admitted or refused by
    the service's rules (accounts.sso); the two-factor step follows where the
    provider's sign-in was not multi-factor."""
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is not switched on")
    ip = security_log.client_ip(request)
    try:
        claims, id_token = oidc.finish(request)
    except oidc.FAILURES as failure:
        security_log.record("sso_failed", error=str(failure)[:200], ip=ip)
        return render(
            request,
            "accounts/sso_refused.html",
            {"message": "Your council's sign-in could not be checked. Try again."},
            status=403,
        )
    try:
        user = sso.admit(claims, ip=ip)
    except sso.Refused as refused:
        context = {"message": refused.message}
        return render(request, "accounts/sso_refused.html", context, status=403)
    # `next` was checked by safe_next before it was kept.
    next_url = request.session.pop(SSO_NEXT_KEY, "")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[sso.SESSION_KEY] = {
        "id_token": id_token,
        "mfa": sso.mfa_by_provider(claims),
    }
    return redirect(next_url or "workspace:home")


def _sso_unavailable(request, failure):
    security_log.record(
        "sso_unavailable", error=str(failure)[:200], ip=security_log.client_ip(request)
    )
    return render(request, "accounts/sso_unavailable.html", status=503)


@require_http_methods(["POST"])
def sign_out_view(request):
    """End the service's session; after a single sign-on, the provider's too, where
    its metadata names an end-session endpoint (RP-initiated logout)."""
    id_token = (request.session.get(sso.SESSION_KEY) or {}).get("id_token")
    logout(request)
    if id_token and settings.OIDC_ENABLED:
        back = request.build_absolute_uri(reverse("accounts:login"))
        try:
            url = oidc.logout_url(id_token, back)
        except oidc.FAILURES as failure:
            security_log.record("sso_logout_failed", error=str(failure)[:200])
            url = None
        if url:
            return redirect(url)
    return redirect(settings.LOGOUT_REDIRECT_URL)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    form_class = GovUKPasswordChangeForm
    success_url = reverse_lazy("workspace:home")

    def form_valid(self, form):
        messages.success(self.request, "Your password has been changed.")
        return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


@require_http_methods(["GET", "POST"])
def two_factor_view(request):
    """Ask for the authenticator's code; or set one up, where the rules allow
    (accounts.two_factor: the enrolment window, or an administrator's setup code)."""
    user = request.user
    if user.is_verified() or sso.passed_mfa(request.session):
        return redirect("workspace:home")
    state = two_factor.enrolment(user, request.session)
    if state is two_factor.Enrolment.ENROLLED:
        form = TokenForm(request.POST or None, device=two_factor.confirmed_device(user))
        if form.is_valid():
            otp_login(request, form.device)
            return redirect(safe_next(request, reverse("workspace:home")))
        return render_form_page(request, "accounts/two_factor.html", {"form": form})
    if state is two_factor.Enrolment.OPEN:
        return _set_up(request)
    return _setup_code(request, state)


def _set_up(request):
    """Show a new authenticator's key and confirm it with the code it makes."""
    user = request.user
    device = two_factor.enrolment_device(user, request.session)
    form = TokenForm(request.POST or None, device=device)
    if form.is_valid():
        two_factor.enrol(user, device, request)
        otp_login(request, device)
        return redirect(safe_next(request, reverse("workspace:home")))
    context = {
        "form": form,
        "setting_up": True,
        "qr_svg": _qr_svg(device.config_url),
        "secret": _readable_secret(device),
    }
    return render_form_page(request, "accounts/two_factor.html", context)


def _setup_code(request, state):
    """Outside the enrolment window: the setup code first, or ask an administrator."""
    form = SetupCodeForm(request.POST or None)
    if form.is_valid():
        try:
            two_factor.redeem_setup_code(
                request.user, form.cleaned_data["setup_code"], request
            )
        except two_factor.SetupCodeRefused as refused:
            form.add_error("setup_code", refused.message)
        else:
            return redirect(request.get_full_path())
    if form.is_bound:
        state = two_factor.enrolment(request.user, request.session)
    context = {
        "form": form,
        "needs_code": True,
        "ask_administrator": state is two_factor.Enrolment.ASK,
        "code_days": settings.TWO_FACTOR_SETUP_CODE_DAYS,
    }
    return render_form_page(request, "accounts/two_factor.html", context)


def _qr_svg(url: str) -> str:
    """The QR code as an inline <svg> element: no XML declaration, which HTML does not
    allow (the Nu Html Checker reports it)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def _readable_secret(device: TOTPDevice) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@require_http_methods(["GET"])
def profile_view(request):
    return render(request, "accounts/profile.html")
