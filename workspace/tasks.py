"""django-q2 entry points for reminders, digests and weekly summaries: read "today",
call the service (workspace.reminders). The nightly recompute is reviews.tasks."""

from django.utils import timezone


def send_reminders() -> str:
    """Hourly: reminders and escalations that are due and not yet sent."""
    from workspace.reminders import reminders_send

    return str(reminders_send(today=timezone.localdate()))


def send_daily_digests() -> str:
    """Daily: one email per digest user with the reminders put aside since the last."""
    from workspace.reminders import digests_send

    sent = digests_send(today=timezone.localdate(), now=timezone.now())
    return f"{sent} digests queued"


def send_weekly_summaries() -> str:
    """Weekly: a summary of overdue and due-soon work for every manager."""
    from workspace.reminders import weekly_summaries_send

    sent = weekly_summaries_send(today=timezone.localdate())
    return f"{sent} summaries sent"
