"""The reminder sources registered by the apps, in order, and the migration that
rewrites the schedules' stored paths (core.reminders.tasks -> reviews/workspace)."""

import importlib

import pytest
from django.apps import apps
from django.utils.module_loading import import_string
from django_q.models import Schedule

from core.management.commands.setup_schedules import SCHEDULES
from core.reminders.sources import SOURCES

migration = importlib.import_module("workspace.migrations.0001_schedule_paths")


def test_the_apps_register_their_sources_in_order():
    assert SOURCES == [
        "reviews.reminders.review_tasks",
        "reviews.reminders.progress_review_tasks",
        "reviews.reminders.iro_allocation_tasks",
        "disputes.reminders.challenge_stage_tasks",
    ]


def test_every_scheduled_path_imports():
    for _, func, _ in SCHEDULES:
        assert callable(import_string(func)), func
    assert set(migration.MOVED.values()) <= {func for _, func, _ in SCHEDULES}


@pytest.mark.django_db
def test_old_schedule_paths_are_rewritten_and_back():
    for old in migration.MOVED:
        Schedule.objects.create(
            name=old, func=old, schedule_type=Schedule.CRON, cron="5 * * * *"
        )
    Schedule.objects.create(name="other", func="core.tasks.send_queued_emails")
    migration.forwards(apps, None)
    funcs = dict(Schedule.objects.values_list("name", "func"))
    assert funcs == {**migration.MOVED, "other": "core.tasks.send_queued_emails"}
    migration.backwards(apps, None)
    funcs = dict(Schedule.objects.values_list("name", "func"))
    assert funcs == {**{old: old for old in migration.MOVED}, "other": funcs["other"]}
