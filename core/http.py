"""Responses shared by every view."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_form_page(
    request: HttpRequest, template: str, context: dict, *, form_key: str = "form"
) -> HttpResponse:
    """Render a page with a form: 400 when the submitted form has errors, else 200."""
    form = context.get(form_key)
    invalid = form is not None and form.is_bound and bool(form.errors)
    return render(request, template, context, status=400 if invalid else 200)
