"""Review pages about a child rather than one review: the IRO's visits between reviews."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from children.permissions import children_visible_to
from core.audit import showing
from core.http import render_form_page
from iro.permissions import acts_as_iro_for
from reviews import forms, services
from reviews.views._action import apply_errors


@require_http_methods(["GET", "POST"])
def child_visit_view(request, child_pk):
    """Log an IRO visit or contact with the child between reviews, in one step."""
    child = get_object_or_404(children_visible_to(request.user), pk=child_pk)
    showing(request, child)
    if not acts_as_iro_for(request.user, child):
        raise PermissionDenied
    form = forms.ChildVisitForm(request.POST or None)
    if form.is_valid():
        try:
            services.child_contact_record(
                child=child, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "The visit is logged.")
            return redirect(child)
    context = {"form": form, "child": child, "title": "Log a visit or contact"}
    return render_form_page(request, "reviews/child_visit.html", context)
