"""The one module that talks to django-q2, and the plumbing tasks it runs."""

from django.core.management import call_command
from django.db import transaction
from django_q.tasks import async_task


def enqueue(func_path: str, *args) -> None:
    """Queue a django-q2 task to run after the current transaction commits."""
    transaction.on_commit(lambda: async_task(func_path, *args))


def clear_expired_sessions() -> None:
    """Nightly: delete expired sessions from the database."""
    call_command("clearsessions")


def send_queued_emails() -> int:
    """Send every queued email (also run on a schedule, so failures are retried)."""
    from core.notifications import send_queued_emails as send

    return send()


def restart_downloads() -> int:
    """Every ten minutes: queue again the downloads whose task was lost."""
    from django.utils import timezone

    from core.downloads import downloads_restart

    return downloads_restart(now=timezone.now())


def purge_downloads() -> int:
    """Hourly: delete the downloads that have expired."""
    from django.utils import timezone

    from core.downloads import downloads_purge

    return downloads_purge(now=timezone.now())
