"""Exactly once under a crash (docs/deployment.md, Several workers): a real `manage.py qcluster`
worker is killed with SIGKILL in the middle of a reminder run, started again, and
every reminder is sent exactly once: one notification and one email each, no more.

PostgreSQL only: the worker is another process sharing the test database, and the
ORM broker's redelivery and `select_for_update(skip_locked)` need a real server.
The run is made long by its size (many overdue reviews), not by any sleep.
"""

import email
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django_q.models import OrmQ

from accounts.models import Role
from core.models import Notification, OutboundEmail
from core.tasks import enqueue
from reviews.services import review_plan_next
from tests.factories import ChildFactory, TeamFactory, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: a second process (the worker) shares the test "
        "database, which an in-memory or file SQLite test database cannot do safely",
    ),
]

REVIEWS = 150
# Each review (looked after 6 Jan 2025, long overdue today): Review Choices, the
# convening checklist and the report are overdue for the social worker (3 reminders,
# 3 escalations to the team manager), the review itself for the IRO (1 reminder, 1
# escalation to the service manager).
PER_REVIEW = 8
TIMEOUT, RETRY = 20, 25  # seconds; retry > timeout, as in production
ROOT = Path(settings.BASE_DIR)


def worker_env(mail_dir: Path, **extra: str) -> dict:
    """A worker's environment: the test database, mail to files, short timers; on the
    ORM broker unless `extra` gives Q_REDIS_URL."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "Q_WORKERS": "1",
        "Q_TIMEOUT": str(TIMEOUT),
        "Q_RETRY": str(RETRY),
        "Q_SYNC": "false",
        "Q_REDIS_URL": "",
        **extra,
    }


def start_worker(mail_dir: Path, log: Path, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=worker_env(mail_dir, **extra),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: SIGKILL reaches every child
    )


def kill(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def wait_for(condition, *, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-3000:]}")


def sent_files(mail_dir: Path) -> Counter:
    """(to, subject) of every email the worker's mail backend wrote, counted."""
    sent: Counter = Counter()
    for path in mail_dir.glob("*.log"):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                sent[(message["To"], " ".join(message["Subject"].split()))] += 1
    return sent


@pytest.fixture
def many_overdue_reviews():
    team = TeamFactory(name="Kill test team")
    sw = make_user(Role.SOCIAL_WORKER, username="k_sw", team=team)
    make_user(Role.TEAM_MANAGER, username="k_tm", team=team)
    iro = make_user(Role.IRO, username="k_iro")
    make_user(Role.IRO_MANAGER, username="k_manager")
    for _ in range(REVIEWS):
        child = ChildFactory(team=team, social_worker=sw, iro=iro)
        review_plan_next(period=child.periods_of_care.get(), by=None)


def test_reminders_are_sent_exactly_once_when_the_worker_is_killed_mid_run(
    many_overdue_reviews, tmp_path
):
    expected = REVIEWS * PER_REVIEW
    mail_dir, log = tmp_path / "mail", tmp_path / "worker.log"
    mail_dir.mkdir()
    with transaction.atomic():
        enqueue("workspace.tasks.send_reminders")
    assert OrmQ.objects.count() == 1

    worker = start_worker(mail_dir, log)
    try:
        wait_for(
            lambda: Notification.objects.count() >= expected // 5,
            seconds=60,
            what="the reminder run to start",
            log=log,
        )
        kill(worker)
    finally:
        if worker.poll() is None:
            kill(worker)
    at_kill = Notification.objects.count()
    assert 0 < at_kill < expected, "the worker must die in the middle of the run"
    assert OutboundEmail.objects.count() == at_kill  # written together, per message
    assert not list(mail_dir.iterdir())  # sending comes after the run

    # Started again, the worker gets the unacknowledged run back after `retry`
    # seconds (nothing is enqueued again here), finishes it, and sends the emails.
    worker = start_worker(mail_dir, log)
    try:
        wait_for(
            lambda: (
                Notification.objects.count() == expected
                and not OutboundEmail.objects.exclude(status="sent").exists()
                and not OrmQ.objects.exists()
            ),
            seconds=RETRY + 90,
            what="the redelivered run and the emails",
            log=log,
        )
    finally:
        kill(worker)

    assert Notification.objects.count() == expected
    assert Notification.objects.values("key").distinct().count() == expected
    emails = OutboundEmail.objects.all()
    assert emails.count() == expected
    assert set(emails.values_list("attempts", flat=True)) == {1}
    sent = sent_files(mail_dir)
    assert sum(sent.values()) == expected
    assert set(sent.values()) == {1}, "an email went twice"
    assert set(sent) == {(e.to, " ".join(e.subject.split())) for e in emails}
