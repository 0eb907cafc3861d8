"""The schedules' entry points left core.reminders.tasks: rewrite the stored paths.

A database from before has Schedule rows (made by setup_schedules) whose func names
core.reminders.tasks; each now lives in reviews.tasks or workspace.tasks. Reversing
puts the old paths back. Queued tasks (OrmQ) are not rewritten (docs/decisions.md).
"""

from django.db import migrations

MOVED = {
    "core.reminders.tasks.recompute_timeliness": "reviews.tasks.recompute_timeliness",
    "core.reminders.tasks.send_reminders": "workspace.tasks.send_reminders",
    "core.reminders.tasks.send_daily_digests": "workspace.tasks.send_daily_digests",
    "core.reminders.tasks.send_weekly_summaries": (
        "workspace.tasks.send_weekly_summaries"
    ),
}


def _rewrite(apps, moves):
    Schedule = apps.get_model("django_q", "Schedule")
    for old, new in moves.items():
        Schedule.objects.filter(func=old).update(func=new)


def forwards(apps, schema_editor):
    _rewrite(apps, MOVED)


def backwards(apps, schema_editor):
    _rewrite(apps, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
