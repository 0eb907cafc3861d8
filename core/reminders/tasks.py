"""django-q2 entry points for reminders and timeliness: read "today", call the service."""

from django.utils import timezone


def recompute_timeliness() -> str:
    """Nightly: every open review's due date from the engine, and its RAG status."""
    from core.reminders.timeliness import timeliness_recompute

    return str(timeliness_recompute(today=timezone.localdate()))


def send_reminders() -> str:
    """Hourly: reminders and escalations that are due and not yet sent."""
    from core.reminders.send import reminders_send

    return str(reminders_send(today=timezone.localdate()))


def send_daily_digests() -> str:
    """Daily: one email per digest user with the reminders put aside since the last."""
    from core.reminders.send import digests_send

    sent = digests_send(today=timezone.localdate(), now=timezone.now())
    return f"{sent} digests queued"


def send_weekly_summaries() -> str:
    """Weekly: a summary of overdue and due-soon work for every manager."""
    from core.reminders.send import weekly_summaries_send

    sent = weekly_summaries_send(today=timezone.localdate())
    return f"{sent} summaries sent"
