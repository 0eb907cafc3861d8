from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from children.permissions import children_visible_to
from core.audit import showing
from core.http import render_form_page
from iro.forms import AllocateForm, AllocationDatesForm, DutyCoverForm, LetterForm
from iro.models import DutyCover, IroAllocation
from iro.permissions import can_allocate_iro, can_record_iro_letter
from iro.selectors import (
    CASELOAD_HIGH,
    CASELOAD_LOW,
    allocation_queue,
    iro_caseloads,
    suggested_iros,
)
from iro.services import (
    duty_cover_set,
    independence_conflicts,
    iro_allocate,
    iro_allocation_dates_correct,
    iro_letter_record,
)
from reviews import timescales


def may_record_letter(user, allocations) -> set[int]:
    """The allocations whose "Record a letter" link the user is shown."""
    return {a.pk for a in allocations if can_record_iro_letter(user, a)}


def _manager_only(user):
    if not can_allocate_iro(user):
        raise PermissionDenied


@require_GET
def allocation_queue_view(request):
    """The service manager's queue: children waiting for an IRO, due-by date first."""
    _manager_only(request.user)
    today = timezone.localdate()
    context = {
        "entries": allocation_queue(),
        "caseloads": iro_caseloads(),
        "today": today,
        "low": CASELOAD_LOW,
        "high": CASELOAD_HIGH,
        "explain": timescales.explain,
    }
    return render(request, "iro/queue.html", context)


@require_GET
def caseloads_view(request):
    _manager_only(request.user)
    context = {
        "caseloads": iro_caseloads(),
        "low": CASELOAD_LOW,
        "high": CASELOAD_HIGH,
    }
    return render(request, "iro/caseloads.html", context)


@require_http_methods(["GET", "POST"])
def allocate_view(request, child_pk):
    """Allocate an IRO, or change the child's IRO (with the reason and history)."""
    _manager_only(request.user)
    child = get_object_or_404(
        children_visible_to(request.user).select_related("iro", "social_worker"),
        pk=child_pk,
    )
    showing(request, child)
    caseloads = {load.iro.pk: load for load in iro_caseloads()}
    changing = child.iro_id is not None
    initial = {"on": timezone.localdate()}
    suggestions = suggested_iros(child)
    if suggestions and not changing:
        initial["iro"] = suggestions[0].iro.pk
    form = AllocateForm(
        request.POST or None, initial=initial, caseloads=caseloads, changing=changing
    )
    if form.is_valid():
        try:
            iro_allocate(
                child=child,
                iro=form.cleaned_data["iro"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                child_told_on=form.cleaned_data["child_told_on"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{form.cleaned_data['iro']} is now {child.known_as}'s IRO. "
                "Record the introduction letter when it is sent.",
            )
            return redirect(child)
    blocked = [
        (load.iro, independence_conflicts(child, load.iro))
        for load in caseloads.values()
        if independence_conflicts(child, load.iro)
    ]
    period = child.open_period()
    history = list(child.iro_allocations.select_related("iro", "allocated_by"))
    context = {
        "form": form,
        "child": child,
        "changing": changing,
        "suggestions": suggestions,
        "blocked": blocked,
        "allocation_due_text": timescales.explain(
            timescales.iro_allocation_due(period.started_on)
        )
        if period
        else "",
        "history": history,
        "may_record_letter": may_record_letter(request.user, history),
        "may_correct_dates": can_allocate_iro(request.user),  # C5
        "explain": timescales.explain,
    }
    return render_form_page(request, "iro/allocate.html", context)


@require_http_methods(["GET", "POST"])
def letter_record_view(request, pk):
    """Record an introduction or farewell letter, profile card, or the child being told."""
    allocation = get_object_or_404(
        IroAllocation.objects.filter(
            child__in=children_visible_to(request.user)
        ).select_related("child", "iro"),
        pk=pk,
    )
    if not can_record_iro_letter(request.user, allocation):
        raise PermissionDenied
    showing(request, allocation)
    form = LetterForm(request.POST or None, initial={"on": timezone.localdate()})
    if form.is_valid():
        try:
            iro_letter_record(
                allocation=allocation,
                letter=form.cleaned_data["letter"],
                on=form.cleaned_data["on"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Saved.")
            return redirect(allocation.child)
    return render_form_page(
        request, "iro/letters.html", {"form": form, "allocation": allocation}
    )


@require_http_methods(["GET", "POST"])
def duty_cover_view(request):
    """Duty IRO cover: absence cover and the duty rota, with dates."""
    _manager_only(request.user)
    form = DutyCoverForm(request.POST or None)
    if form.is_valid():
        try:
            duty_cover_set(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Duty IRO cover saved.")
            return redirect("iro:cover")
    today = timezone.localdate()
    covers = DutyCover.objects.filter(ends_on__gte=today).select_related(
        "duty_iro", "covered_iro"
    )
    return render_form_page(
        request, "iro/cover.html", {"form": form, "covers": covers, "today": today}
    )


@require_http_methods(["GET", "POST"])
def allocation_correct_view(request, pk):
    """The service manager puts right an allocation's start or end date (C5)."""
    _manager_only(request.user)
    allocation = get_object_or_404(
        IroAllocation.objects.filter(
            child__in=children_visible_to(request.user)
        ).select_related("child", "iro"),
        pk=pk,
    )
    showing(request, allocation)
    ended = allocation.ended_on is not None
    initial = {"started_on": allocation.started_on, "ended_on": allocation.ended_on}
    data = request.POST if request.method == "POST" else None
    form = AllocationDatesForm(data, initial=initial, ended=ended)
    if form.is_valid():
        try:
            correction = iro_allocation_dates_correct(
                allocation=allocation,
                started_on=form.cleaned_data["started_on"],
                ended_on=form.cleaned_data.get("ended_on"),
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "The dates are corrected."
                if correction
                else "Nothing was changed: the dates are as they were.",
            )
            return redirect("iro:allocate", allocation.child_id)
    context = {
        "form": form,
        "allocation": allocation,
        "corrections": allocation.corrections.select_related("by"),
    }
    return render_form_page(request, "iro/allocation_correct.html", context)
