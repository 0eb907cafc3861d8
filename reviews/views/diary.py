"""The review diary: every scheduled review of the week, by day."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Role
from children.permissions import children_visible_to
from core.http import render_form_page
from iro.forms import DiaryForm
from reviews.models import Review
from reviews.permissions import can_view_review_diary


@require_GET
def review_diary_view(request):
    """Every scheduled review, by day, for a week (business support and the Duty IRO)."""
    if not can_view_review_diary(request.user):
        raise PermissionDenied
    form = DiaryForm(request.GET or None)
    today = timezone.localdate()
    week = today - timedelta(days=today.weekday())
    if request.GET and form.is_valid() and form.cleaned_data["week"]:
        chosen = form.cleaned_data["week"]
        week = chosen - timedelta(days=chosen.weekday())
    start = timezone.make_aware(datetime.combine(week, datetime.min.time()))
    reviews = (
        Review.objects.filter(
            scheduled_for__gte=start,
            scheduled_for__lt=start + timedelta(days=7),
            status__in=Review.OPEN_STATUSES,
        )
        .select_related("child", "child__iro")
        .order_by("scheduled_for")
    )
    if not request.user.has_role(Role.IRO_MANAGER, Role.BUSINESS_SUPPORT):
        # The Duty IRO sees the reviews of the children in their scope only.
        reviews = reviews.filter(child__in=children_visible_to(request.user))
    days = {week + timedelta(days=n): [] for n in range(7)}
    for review in reviews:
        days[timezone.localtime(review.scheduled_for).date()].append(review)
    context = {
        "form": form,
        "days": days,
        "week": week,
        "previous": week - timedelta(days=7),
        "next": week + timedelta(days=7),
    }
    return render_form_page(request, "reviews/diary.html", context)
