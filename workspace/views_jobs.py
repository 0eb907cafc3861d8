"""Background work: schedules, queued and failed tasks, the outbox, and retrying."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from core.http import render_form_page
from workspace import jobs
from workspace.forms_jobs import RetryForm
from workspace.permissions import can_view_background_jobs


@require_http_methods(["GET", "POST"])
def jobs_view(request):
    """Show the IRO service manager and administrators how background work is going."""
    if not can_view_background_jobs(request.user):
        raise PermissionDenied
    form = RetryForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        kind, target = form.cleaned_data["retry"]
        if kind == "task":
            jobs.job_retry_task(task=target, by=request.user)
            messages.success(request, "The task is queued again.")
        else:
            action = jobs.job_retry_emails(by=request.user, email=target)
            messages.success(
                request, f"{action.note.capitalize()}: they will be sent shortly."
            )
        return redirect("workspace:jobs")
    context = {
        "form": form,
        "schedules": jobs.schedules_health(),
        "queued_tasks": jobs.queued_task_count(),
        "failed_tasks": jobs.failed_tasks(),
        "outbox": jobs.outbox_counts(),
        "failed_emails": jobs.failed_emails(),
        "actions": jobs.recent_actions(),
    }
    return render_form_page(request, "workspace/jobs.html", context)
