"""The health of background work, and retrying what failed (audited as JobAction rows)."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count
from django_q.brokers import get_broker
from django_q.models import Failure, Schedule, Task

from accounts.models import User
from core.management.commands.setup_schedules import SCHEDULES
from core.models import JobAction, OutboundEmail
from core.tasks import enqueue


@dataclass(frozen=True)
class ScheduleHealth:
    name: str
    func: str
    cron: str
    exists: bool
    next_run: datetime | None
    last_started: datetime | None
    last_success: bool | None
    last_result: str


def schedules_health() -> list[ScheduleHealth]:
    """Return each schedule with its next run and the last run's result (failures too)."""
    schedules = {s.name: s for s in Schedule.objects.all()}
    names = [name for name, _, _ in SCHEDULES]
    names += sorted(set(schedules) - set(names))
    rows = []
    for name in names:
        schedule = schedules.get(name)
        listed = next((row for row in SCHEDULES if row[0] == name), None)
        last = Task.objects.filter(group=name).order_by("-started").first()
        rows.append(
            ScheduleHealth(
                name=name,
                func=schedule.func if schedule else listed[1],
                cron=(schedule.cron if schedule else listed[2]) or "",
                exists=schedule is not None,
                next_run=schedule.next_run if schedule else None,
                last_started=last.started if last else None,
                last_success=last.success if last else None,
                last_result=_short(last.result) if last else "",
            )
        )
    return rows


def queued_task_count() -> int:
    """Return how many tasks wait for a worker (the ORM or Redis queue)."""
    return get_broker().queue_size() or 0


def failed_tasks(limit: int = 50):
    return Failure.objects.order_by("-stopped")[:limit]


def outbox_counts() -> dict[str, int]:
    counts = dict(
        OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return {status: counts.get(status, 0) for status in ("queued", "failed")}


def failed_emails(limit: int = 50):
    return OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).order_by(
        "created_at"
    )[:limit]


def recent_actions(limit: int = 20):
    return JobAction.objects.select_related("by")[:limit]


@transaction.atomic
def job_retry_task(*, task: Task, by: User) -> JobAction:
    """Queue a failed task again with its arguments, and take it off the failures."""
    action = JobAction(
        action=JobAction.Action.RETRY_TASK,
        target=f"{task.func} ({task.name})"[:200],
        by=by,
        note=_short(task.result),
    )
    action.full_clean()
    action.save()
    enqueue(task.func, *(task.args or ()))
    Failure.objects.filter(pk=task.pk).delete()
    return action


@transaction.atomic
def job_retry_emails(*, by: User, email: OutboundEmail | None = None) -> JobAction:
    """Send one failed email (or every unsent one) again, now rather than in 5 minutes."""
    unsent = OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT)
    if email is not None:
        unsent = unsent.filter(pk=email.pk)
    count = unsent.update(status=OutboundEmail.Status.QUEUED)
    action = JobAction(
        action=JobAction.Action.RETRY_EMAIL,
        target=f"email {email.pk} to {email.to}" if email else "every unsent email",
        by=by,
        note=f"{count} emails queued again",
    )
    action.full_clean()
    action.save()
    enqueue("core.tasks.send_queued_emails")
    return action


def _short(value) -> str:
    return str(value if value is not None else "")[:300]
