"""Responses shared by every view."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def render_form_page(
    request: HttpRequest, template: str, context: dict, *, form_key: str = "form"
) -> HttpResponse:
    """Render a page with a form: 400 when the submitted form has errors, else 200."""
    form = context.get(form_key)
    invalid = form is not None and form.is_bound and bool(form.errors)
    return render(request, template, context, status=400 if invalid else 200)


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` the request names if it stays on this service, else `default`.

    Every redirect to a `next` goes through here (or Django's own sign-in and
    sign-out views, which make the same check).
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
