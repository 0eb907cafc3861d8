from django.core.management.base import BaseCommand
from django_q.models import Schedule

# (name, task, cron). Every schedule of the service is listed here; running the
# command again updates them in place. Missed runs are not replayed (catch_up off).
SCHEDULES = [
    ("Clear expired sessions", "core.tasks.clear_expired_sessions", "15 2 * * *"),
    ("Send queued emails (retries)", "core.tasks.send_queued_emails", "*/5 * * * *"),
    # Downloads made in the background (core/downloads.py): put back any whose task
    # was lost with its worker; delete those that have expired.
    ("Restart stalled downloads", "core.tasks.restart_downloads", "*/10 * * * *"),
    ("Delete expired downloads", "core.tasks.purge_downloads", "20 * * * *"),
    # Timeliness (reviews.tasks) and reminders (workspace.tasks). A path changed here
    # needs a migration rewriting the stored rows (workspace/migrations/0001).
    (
        "Recompute due dates and RAG status",
        "reviews.tasks.recompute_timeliness",
        "30 1 * * *",
    ),
    ("Send reminders", "workspace.tasks.send_reminders", "5 * * * *"),
    ("Send daily digests", "workspace.tasks.send_daily_digests", "0 7 * * *"),
    (
        "Send weekly summaries to managers",
        "workspace.tasks.send_weekly_summaries",
        "30 7 * * 1",
    ),
]


class Command(BaseCommand):
    help = "Create or update the django-q2 schedules. Safe to run on every deploy."

    def handle(self, *args, **options):
        for name, func, cron in SCHEDULES:
            _, created = Schedule.objects.update_or_create(
                name=name,
                defaults={"func": func, "schedule_type": Schedule.CRON, "cron": cron},
            )
            self.stdout.write(f"{'Created' if created else 'Updated'} schedule: {name}")
