"""Schedules (one idempotent command, no bulk replay after downtime) and the nightly
recompute of due dates and RAG status."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import OrmQ, Schedule
from django_q.scheduler import scheduler

from core.management.commands.setup_schedules import SCHEDULES
from reviews.models import Review
from reviews.timeliness import timeliness_recompute

pytestmark = pytest.mark.django_db

REQUIRED = {
    "reviews.tasks.recompute_timeliness",
    "workspace.tasks.send_reminders",
    "workspace.tasks.send_daily_digests",
    "workspace.tasks.send_weekly_summaries",
    "core.tasks.send_queued_emails",
}


def test_setup_schedules_creates_every_schedule_once():
    call_command("setup_schedules")
    call_command("setup_schedules")
    assert Schedule.objects.count() == len(SCHEDULES)
    assert set(Schedule.objects.values_list("func", flat=True)) >= REQUIRED
    reminders = Schedule.objects.get(func="workspace.tasks.send_reminders")
    assert reminders.schedule_type == Schedule.CRON and reminders.cron == "5 * * * *"


@pytest.mark.django_db(transaction=True)
def test_missed_runs_are_not_replayed_after_downtime():
    """Three days of hourly runs missed: one run now, and the next one in the future."""
    call_command("setup_schedules")
    now = timezone.now()
    Schedule.objects.update(next_run=now + timedelta(days=1))
    Schedule.objects.filter(func="workspace.tasks.send_reminders").update(
        next_run=now - timedelta(days=3)
    )
    scheduler(broker=get_broker())
    scheduler(broker=get_broker())
    assert OrmQ.objects.count() == 1
    assert OrmQ.objects.get().func() == "workspace.tasks.send_reminders"
    next_run = Schedule.objects.get(func="workspace.tasks.send_reminders").next_run
    assert now < next_run <= now + timedelta(hours=1)


def test_rag_red_amber_green(review):
    """Due Mon 3 Feb 2025; amber within 5 working days."""
    for today, rag in [
        (date(2025, 1, 24), "green"),  # 6 working days before
        (date(2025, 1, 27), "amber"),  # 5 working days before
        (date(2025, 2, 3), "amber"),  # due today
        (date(2025, 2, 4), "red"),
    ]:
        timeliness_recompute(today=today)
        review.refresh_from_db()
        assert review.rag == rag, today


def test_rag_is_cleared_once_the_review_is_held(review):
    timeliness_recompute(today=date(2025, 2, 4))
    Review.objects.filter(pk=review.pk).update(
        status="held", record_date=date(2025, 2, 3)
    )
    timeliness_recompute(today=date(2025, 2, 5))
    review.refresh_from_db()
    assert review.rag == ""


def test_due_date_is_recomputed_from_the_engine_without_audit_entries(review):
    """A wrong stored date is put right by the engine; derived data is not audited."""
    Review.objects.filter(pk=review.pk).update(
        due_date=date(2025, 3, 1), due_rule="stale"
    )
    entries = LogEntry.objects.count()
    result = timeliness_recompute(today=date(2025, 1, 20))
    review.refresh_from_db()
    assert review.due_date == date(2025, 2, 3)
    assert "20 working days" in review.due_rule
    assert result.due_dates_changed == 1
    assert LogEntry.objects.count() == entries
    assert timeliness_recompute(today=date(2025, 1, 20)).due_dates_changed == 0


def test_an_additional_review_keeps_its_due_date(review, world):
    from reviews.services import review_request_additional

    additional = review_request_additional(
        review=review,
        by=world["iro_a"],
        due_by=date(2025, 1, 24),
        reason="Placement breaking down",
        today=date(2025, 1, 15),
    )
    timeliness_recompute(today=date(2025, 1, 20))
    additional.refresh_from_db()
    assert additional.kind == Review.Kind.ADDITIONAL
    assert additional.due_date == date(2025, 1, 24)
    assert additional.rag == "amber"
