"""The notifications page: a user's own messages, marking them read, email preference."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from core.http import render_form_page
from workspace.forms_notifications import MarkReadForm, NotificationPreferenceForm
from workspace.inbox import (
    notification_preference_set,
    notifications_for,
    notifications_mark_read,
    preference_for,
    unread_count,
)
from workspace.permissions import notifications_out_of_scope

PER_PAGE = 50
# What the page says of a notification about a child the reader no longer sees.
WITHHELD = "A message about a child who is no longer in your work"


@require_http_methods(["GET", "POST"])
def notifications_view(request):
    """List the user's notifications; a POST marks one (or all) as read."""
    form = MarkReadForm(
        request.POST if request.method == "POST" else None, user=request.user
    )
    if form.is_valid():
        count = notifications_mark_read(
            by=request.user, notification=form.cleaned_data["notification"]
        )
        if form.cleaned_data["notification"] is None:
            messages.success(request, f"{count} notifications marked as read.")
        return redirect("workspace:notifications")
    page = Paginator(notifications_for(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = list(page.object_list)
    withheld = notifications_out_of_scope(request.user, page.object_list)
    for notification in page.object_list:
        out = notification.pk in withheld
        notification.shown_text = WITHHELD if out else notification.text
        notification.shown_url = "" if out else notification.url
    context = {
        "form": form,
        "page_obj": page,
        "unread": unread_count(request.user),
        "preference": preference_for(request.user),
    }
    return render_form_page(request, "workspace/notifications.html", context)


@require_http_methods(["GET", "POST"])
def notification_preferences_view(request):
    """Choose immediate emails or a daily digest."""
    preference = preference_for(request.user)
    form = NotificationPreferenceForm(
        request.POST if request.method == "POST" else None, instance=preference
    )
    if form.is_valid():
        notification_preference_set(by=request.user, email=form.cleaned_data["email"])
        messages.success(request, "Your email preference is saved.")
        return redirect("workspace:notifications")
    return render_form_page(
        request, "workspace/notifications_preferences.html", {"form": form}
    )
