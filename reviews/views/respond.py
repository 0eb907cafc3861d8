"""Pages for people without an account: consultation and feedback through a single-use link.

Links are opened, checked and used only through the link service (docs/rules.md,
D-LINK, D-CODE). Every page here is sent no-store (never_cache): the questions, the
short code, the thank-you page, and the page for a link that does not work. Nothing
about the child is shown before the link, and its short code when it needs one, has
been checked.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.audit import showing
from reviews import forms, services
from reviews.models import AccessLink
from reviews.services.links import LOCKED, USABLE

UNKNOWN = "unknown"
# The purposes whose links open this page (a record's link opens its download page).
ANSWERED_HERE = {AccessLink.Purpose.CONSULTATION, AccessLink.Purpose.FEEDBACK}


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def respond_view(request, token):
    """Answer the consultation or feedback questions once, from a phone or a computer.

    Opening the page never uses the link up (mail scanners open links first); sending
    the answers does.
    """
    now = timezone.now()
    link = services.link_open(token)
    if link is None or link.purpose not in ANSWERED_HERE:
        return _gone(request, UNKNOWN)
    status = services.link_status(link, now)
    if status != USABLE:
        return _gone(request, status)
    posted = request.POST if request.method == "POST" else None
    code = ""
    if link.needs_code:
        refused, code = _check_code(request, token, posted, now)
        if refused is not None:
            return refused
        if request.POST.get("step") == "code":
            posted = None  # the code is right: now the questions, unanswered
    return _answer(request, link, token, posted, code=code, now=now)


def _check_code(request, token, posted, now) -> tuple[HttpResponse | None, str]:
    """The short code page until the right code is entered; then (None, the code)."""
    form = forms.ShortCodeForm(posted)
    if not form.is_bound:
        return _code_page(request, form), ""
    if not form.is_valid():
        return _code_page(request, form, status=400), ""
    code = form.cleaned_data["code"]
    try:
        check = services.link_check_code(token=token, code=code, now=now)
    except services.LinkUnusable:
        return _gone(request, LOCKED), ""
    if check.right:
        return None, code
    if not check.tries_left:
        return _gone(request, LOCKED), ""
    tries = "try" if check.tries_left == 1 else "tries"
    form.add_error(
        "code",
        "That is not the code for this link. Check it and try again "
        f"({check.tries_left} {tries} left)",
    )
    return _code_page(request, form, status=400), ""


def _answer(request, link, token, posted, *, code: str, now) -> HttpResponse:
    """The questions, and once they are answered, the thank-you page."""
    is_child = link.invitee.role == "child"
    band = services.band_for_age(
        link.review.child.date_of_birth, timezone.localdate(now)
    )
    form = (
        _form_class(link, is_child)(posted, band=band)
        if is_child and link.purpose == AccessLink.Purpose.CONSULTATION
        else _form_class(link, is_child)(posted)
    )
    if form.is_valid():
        submit = (
            services.consultation_submit_via_link
            if link.purpose == AccessLink.Purpose.CONSULTATION
            else services.feedback_submit_via_link
        )
        try:
            submit(token=token, now=now, code=code, **form.cleaned_data)
        except services.LinkUnusable:
            link = services.link_open(token)
            return _gone(request, services.link_status(link, now) if link else UNKNOWN)
        return render(
            request, "reviews/respond_done.html", {"link": link, "is_child": is_child}
        )
    showing(
        request,
        link.review,
        via=f"a {link.get_purpose_display().lower()} link for {link.invitee.name}",
    )
    context = {
        "form": form,
        "link": link,
        "is_child": is_child,
        "band": band,
        "name": link.review.child.known_as,
        "code": code,
    }
    return render(
        request, "reviews/respond.html", context, status=400 if form.is_bound else 200
    )


def _code_page(request, form, *, status: int = 200):
    return render(request, "reviews/respond_code.html", {"form": form}, status=status)


def _gone(request, why: str):
    """The page for a link that does not work: 404 for no link, 410 for one that has
    ended, been used or been locked. It names nobody."""
    status = 404 if why == UNKNOWN else 410
    return render(request, "reviews/respond_gone.html", {"why": why}, status=status)


def _form_class(link: AccessLink, is_child: bool):
    if link.purpose == AccessLink.Purpose.FEEDBACK:
        return forms.FeedbackForm
    if is_child:
        return forms.ChildConsultationForm
    if link.invitee.child_does_not_want:
        return forms.HeardApartConsultationForm
    return forms.ConsultationForm
