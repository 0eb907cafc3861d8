"""A child's deprivation of liberty orders: record, correct and remove (docs/rules.md,
DOL-1 to DOL-8), for those who may change the child's records."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from children.forms_liberty import LibertyOrderForm, RemoveLibertyOrderForm
from children.models import DeprivationOfLibertyOrder
from children.permissions import can_edit_child, children_visible_to
from children.services_liberty import (
    liberty_order_change,
    liberty_order_record,
    liberty_order_remove,
    warnings_after_save,
)
from core.audit import showing
from core.http import render_form_page
from reviews.views.register import _editable_child, _form_page


def _editable_order(request, pk) -> DeprivationOfLibertyOrder:
    order = get_object_or_404(
        DeprivationOfLibertyOrder.objects.filter(
            child__in=children_visible_to(request.user)
        ).select_related("child"),
        pk=pk,
    )
    showing(request, order.child)
    showing(request, order)
    if not can_edit_child(request.user, order.child):
        raise PermissionDenied
    return order


@require_http_methods(["GET", "POST"])
def liberty_order_add_view(request, pk):
    child = _editable_child(request, pk)
    form = LibertyOrderForm(request.POST or None)
    return _form_page(
        request,
        child,
        form,
        "Record a deprivation of liberty order",
        lambda data: warnings_after_save(  # DOL-3 to DOL-5, shown as warnings
            liberty_order_record(
                child=child, by=request.user, today=timezone.localdate(), **data
            )
        ),
    )


@require_http_methods(["GET", "POST"])
def liberty_order_edit_view(request, pk):
    order = _editable_order(request, pk)
    form = LibertyOrderForm(request.POST or None, instance=order)
    return _form_page(
        request,
        order.child,
        form,
        "Correct the deprivation of liberty order, or record its end",
        lambda data: warnings_after_save(
            liberty_order_change(
                order=order, by=request.user, today=timezone.localdate(), **data
            )
        ),
    )


@require_http_methods(["GET", "POST"])
def liberty_order_remove_view(request, pk):
    """C1: take back an order recorded by mistake, with the reason."""
    order = _editable_order(request, pk)
    child = order.child
    form = RemoveLibertyOrderForm(request.POST or None)
    if form.is_valid():
        try:
            liberty_order_remove(
                order=order, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The deprivation of liberty order is removed.")
            return redirect(child)
    context = {"form": form, "child": child, "order": order}
    return render_form_page(request, "children/liberty_remove.html", context)
