from auditlog.models import LogEntry
from auditlog.signals import accessed
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import (
    can_edit_child,
    can_read_case_record,
    can_see_any_children,
    can_view_child_audit,
    children_visible_to,
)
from children.forms import ChildDetailsForm
from children.models import Child, PeriodOfCare, SocialWorkerAllocation
from children.services import child_update
from core.exceptions import EditConflict
from core.http import render_form_page
from iro.models import IroAllocation


@require_GET
def child_list_view(request):
    if not can_see_any_children(request.user):
        raise PermissionDenied
    children = children_visible_to(request.user).select_related(
        "team", "iro", "social_worker"
    )
    page = Paginator(children, 25).get_page(request.GET.get("page"))
    return render(request, "children/child_list.html", {"page": page})


@require_GET
def child_detail_view(request, pk):
    child = get_object_or_404(
        children_visible_to(request.user).select_related(
            "team", "iro", "social_worker"
        ),
        pk=pk,
    )
    accessed.send(sender=Child, instance=child)
    context = {
        "child": child,
        "periods": child.periods_of_care.all(),
        "can_read_case_record": can_read_case_record(request.user, child),
        "can_edit": can_edit_child(request.user, child),
        "can_view_audit": can_view_child_audit(request.user),
    }
    return render(request, "children/child_detail.html", context)


@require_http_methods(["GET", "POST"])
def child_edit_view(request, pk):
    child = get_object_or_404(children_visible_to(request.user), pk=pk)
    if not can_edit_child(request.user, child):
        raise PermissionDenied
    form = ChildDetailsForm(request.POST or None, instance=child)
    if form.is_valid():
        changes = {f: form.cleaned_data[f] for f in ChildDetailsForm.Meta.fields}
        try:
            child_update(
                child=child,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                **changes,
            )
        except EditConflict as conflict:
            return render(
                request,
                "core/conflict.html",
                {
                    "form": form,
                    "current": conflict.current,
                    "back": child.get_absolute_url(),
                },
                status=409,
            )
        messages.success(request, f"{child.full_name}'s details have been saved.")
        return redirect(child)
    return render_form_page(
        request, "children/child_form.html", {"form": form, "child": child}
    )


@require_GET
def child_audit_view(request, pk):
    """Who viewed or changed this child's record, newest first."""
    child = get_object_or_404(children_visible_to(request.user), pk=pk)
    if not can_view_child_audit(request.user):
        raise PermissionDenied
    entries = LogEntry.objects.filter(_audit_filter(child)).select_related(
        "actor", "content_type"
    )
    page = Paginator(entries.order_by("-timestamp", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "children/child_audit.html", {"child": child, "page": page})


def _audit_filter(child: Child) -> Q:
    related = {
        Child: [child.pk],
        PeriodOfCare: child.periods_of_care.values_list("pk", flat=True),
        SocialWorkerAllocation: child.social_worker_allocations.values_list(
            "pk", flat=True
        ),
        IroAllocation: child.iro_allocations.values_list("pk", flat=True),
    }
    query = Q(pk__in=[])
    for model, pks in related.items():
        content_type = ContentType.objects.get_for_model(model)
        query |= Q(content_type=content_type, object_pk__in=[str(pk) for pk in pks])
    return query
