import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.forms import (
    GovUKPasswordChangeForm,
    SetupCodeForm,
    SignInForm,
    TokenForm,
)
from core.http import render_form_page, safe_next


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


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
    if user.is_verified():
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
