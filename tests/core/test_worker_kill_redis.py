"""The task queue on Redis, two workers, one killed with SIGKILL in the middle of a
reminder run (docs/deployment.md).

django-q2's Redis broker has no delivery receipts: a worker takes a task off the list
and, if it dies, the task is gone, not delivered again (the ORM broker's redelivery,
tests/core/test_worker_kill.py, does not happen here). So reminders must not depend on
a task: the next sweep (hourly, on the schedule) sends every reminder not yet sent,
and none is recorded twice. The test shows all three: the task is lost (the list is
empty and the surviving worker does nothing more), the next sweep completes the run,
and every reminder is one notification and one email.

Redis at REDIS_URL (redis://127.0.0.1:6379/0 by default; .ci/run starts one if none
answers), on a queue name of the test's own. PostgreSQL only, as the other kill test.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from core.models import Notification, OutboundEmail
from tests.core.test_worker_kill import (
    PER_REVIEW,
    REVIEWS,
    ROOT,
    kill,
    many_overdue_reviews,  # noqa: F401 (a fixture)
    sent_files,
    start_worker,
    wait_for,
    worker_env,
)

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001 (any failure: no Redis here)
        return False


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the workers share the test database",
    ),
    pytest.mark.skipif(not redis_answers(), reason=f"no Redis answers at {REDIS_URL}"),
]


def sweep(mail_dir: Path, queue: str) -> None:
    """What the hourly schedule does: put a reminder run on the Redis queue."""
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django_q.tasks import async_task; "
         "async_task('workspace.tasks.send_reminders')"],
        cwd=ROOT, env=worker_env(mail_dir, **queue_env(queue)), check=True,
        capture_output=True,
    )  # fmt: skip


def queue_env(queue: str) -> dict:
    return {"Q_REDIS_URL": REDIS_URL, "Q_NAME": queue}


def queue_length(queue: str) -> int:
    import redis

    return redis.Redis.from_url(REDIS_URL).llen(f"django_q:{queue}:q")


def the_one_running_it(logs: dict[str, Path]) -> str:
    running = [name for name, log in logs.items() if "processing" in log.read_text()]
    assert len(running) == 1, "exactly one worker takes the run"
    return running[0]


def test_a_reminder_run_lost_with_its_worker_is_completed_by_the_next_sweep_once(
    many_overdue_reviews,  # noqa: F811
    tmp_path,
):
    expected = REVIEWS * PER_REVIEW
    queue = f"kill-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    logs = {name: tmp_path / f"{name}.log" for name in ("a", "b")}
    workers = {
        name: start_worker(mail_dir, log, **queue_env(queue))
        for name, log in logs.items()
    }
    try:
        for name, log in logs.items():
            wait_for(
                lambda log=log: "ready for work" in log.read_text(),
                seconds=60,
                what=f"worker {name} to start",
                log=log,
            )
        sweep(mail_dir, queue)
        wait_for(
            lambda: Notification.objects.count() >= expected // 5,
            seconds=60,
            what="the reminder run to start",
            log=logs["a"],
        )
        victim = the_one_running_it(logs)
        kill(workers.pop(victim))
        at_kill = Notification.objects.count()
        assert 0 < at_kill < expected, "the worker must die in the middle of the run"

        # Lost, not re-run: nothing is left on the list, and the survivor, idle, adds
        # nothing (the ORM broker would deliver it again after Q_RETRY seconds).
        time.sleep(5)
        assert queue_length(queue) == 0
        assert Notification.objects.count() == at_kill

        sweep(mail_dir, queue)
        wait_for(
            lambda: (
                Notification.objects.count() == expected
                and not OutboundEmail.objects.exclude(status="sent").exists()
            ),
            seconds=120,
            what="the next sweep and the emails",
            log=logs["b" if victim == "a" else "a"],
        )
    finally:
        for worker in workers.values():
            kill(worker)

    assert Notification.objects.values("key").distinct().count() == expected
    emails = OutboundEmail.objects.all()
    assert emails.count() == expected
    sent = sent_files(mail_dir)
    assert sum(sent.values()) == expected
    assert set(sent.values()) == {1}, "an email went twice"
