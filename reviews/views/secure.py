"""Secure accommodation review pages: the service manager's list, the chair's record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from children.models import SecurePlacement
from children.permissions import children_visible_to
from core.audit import showing
from core.http import render_form_page
from reviews import forms, services, timescales
from reviews.models import SecureReview
from reviews.permissions import can_nominate_secure_chair, can_record_secure_review
from reviews.views._action import apply_errors


def _load(request, pk) -> SecureReview:
    children = children_visible_to(request.user)
    review = get_object_or_404(
        SecureReview.objects.select_related("secure_placement__child", "chair"),
        pk=pk,
        secure_placement__child__in=children,
    )
    showing(request, review)
    return review


def _form_page(request, review: SecureReview, form, title: str, not_now: str = ""):
    """One of the secure review's forms: 400 when its submission has errors."""
    context = {
        "form": form,
        "review": review,
        "child": review.child,
        "title": title,
        "not_now": not_now,
    }
    return render_form_page(request, "reviews/secure_form.html", context)


def _after_recording(request, review: SecureReview, *, told: bool):
    """The review's page, or My work for a chair who no longer sees the child: a
    chair sees the child only while the review they chair is planned."""
    still_seen = SecureReview.objects.filter(
        pk=review.pk, secure_placement__child__in=children_visible_to(request.user)
    ).exists()
    if still_seen:
        return redirect(review)
    if not told:
        messages.success(request, "The secure accommodation review is recorded.")
    return redirect("workspace:home")


@require_GET
def secure_list_view(request):
    """Open secure placements and their next secure accommodation review (service manager)."""
    if not can_nominate_secure_chair(request.user):
        raise PermissionDenied
    placements = (
        SecurePlacement.objects.filter(
            ended_on__isnull=True,
            child__in=children_visible_to(request.user),
        )
        .select_related("child", "child__iro")
        .prefetch_related("reviews")
    )
    rows = [
        (
            placement,
            next((r for r in placement.reviews.all() if r.status == "planned"), None),
        )
        for placement in placements
    ]
    return render(
        request,
        "reviews/secure_list.html",
        {"rows": rows, "today": timezone.localdate()},
    )


@require_POST
def secure_plan_view(request, placement_pk):
    if not can_nominate_secure_chair(request.user):
        raise PermissionDenied
    placement = get_object_or_404(
        SecurePlacement,
        pk=placement_pk,
        child__in=children_visible_to(request.user),
    )
    review = services.secure_review_plan(placement=placement, by=request.user)
    if review is None:
        messages.error(request, "The secure placement has ended.")
        return redirect("reviews:secure_list")
    return redirect(review)


@require_GET
def secure_detail_view(request, pk):
    review = _load(request, pk)
    context = {
        "review": review,
        "child": review.child,
        "practical": timescales.practical_latest(review.due_date),
        "can_nominate": can_nominate_secure_chair(request.user)
        and review.status == "planned",
        "can_record": can_record_secure_review(request.user, review)
        and review.status == "planned",
        "panel": review.panel.all(),
        "can_correct": can_nominate_secure_chair(request.user)
        and review.status == "held",
        "corrections": review.corrections.select_related("by"),
    }
    return render(request, "reviews/secure_detail.html", context)


@require_http_methods(["GET", "POST"])
def secure_nominate_view(request, pk):
    review = _load(request, pk)
    if not can_nominate_secure_chair(request.user):
        raise PermissionDenied
    form = forms.NominateChairForm(request.POST or None, child=review.child)
    if form.is_valid():
        try:
            services.secure_review_nominate_chair(
                review=review, by=request.user, chair=form.cleaned_data["chair"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "The chair is nominated and told.")
            return redirect(review)
    return _form_page(request, review, form, "Nominate the chair")


@require_http_methods(["GET", "POST"])
def secure_record_view(request, pk):
    review = _load(request, pk)
    if not can_record_secure_review(request.user, review):
        raise PermissionDenied
    form = forms.SecureReviewRecordForm(request.POST or None)
    if form.is_valid():
        data = {
            k: v for k, v in form.cleaned_data.items() if not k.startswith("panel_")
        }
        try:
            _, following = services.secure_review_record(
                review=review,
                by=request.user,
                panel=form.panel(),
                today=timezone.localdate(),
                **data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if following is not None:
                messages.success(
                    request,
                    f"The review is recorded and the child's IRO is told. The next secure review is due by {timescales.long_date(following.due_date)}.",
                )
            return _after_recording(request, review, told=following is not None)
    return _form_page(request, review, form, "Record the secure accommodation review")


@require_http_methods(["GET", "POST"])
def secure_correct_view(request, pk):
    """The service manager puts right a held review's date or findings (C6)."""
    review = _load(request, pk)
    if not can_nominate_secure_chair(request.user):
        raise PermissionDenied
    initial = {name: getattr(review, name) for name in services.secure.CORRECTABLE}
    form = forms.SecureReviewCorrectForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.secure_review_correct(
                review=review,
                by=request.user,
                today=timezone.localdate(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "The secure accommodation review is corrected.")
            return redirect(review)
    # Shown in any state; a submission is refused by the service beside the form.
    held = review.status == SecureReview.Status.HELD
    return _form_page(
        request,
        review,
        form,
        "Correct the secure accommodation review",
        not_now="" if held else services.secure.NOT_HELD,
    )
