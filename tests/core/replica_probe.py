"""Run by tests/core/test_replica.py in its own process, against the primary and the
streaming replica that test starts (DATABASE_URL, DATABASE_REPLICA_URL): exercises the
router and the lag check of core/replica.py through the ORM and prints what it saw as
JSON. `python tests/core/replica_probe.py up|down`.
"""

import json
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviews_project.settings")

import django  # noqa: E402

django.setup()

from django.db import DatabaseError, connections  # noqa: E402

from accounts.models import Team  # noqa: E402
from core import replica  # noqa: E402


def scalar(alias: str, sql: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def until(condition, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def replica_refuses_a_write() -> str:
    try:
        with connections[replica.REPLICA].cursor() as cursor:
            cursor.execute("INSERT INTO accounts_team (name) VALUES ('never')")
    except DatabaseError as error:
        return str(error).splitlines()[0]
    return ""


def dashboard_page() -> dict:
    """The service dashboard, as a service manager with a child in care, read on the
    replica: it answers, and says where it read."""
    from django.test import Client

    from accounts.models import Role
    from tests.factories import ChildFactory, TeamFactory, make_user

    manager = make_user(Role.IRO_MANAGER, username=f"m{uuid.uuid4().hex[:8]}")
    ChildFactory(team=TeamFactory(name=f"Team {uuid.uuid4()}"))
    until(lambda: replica.choose().from_replica and replica.choose().lag_bytes == 0)
    client = Client()
    client.force_login(manager)
    page = client.get("/dashboard/", HTTP_HOST="localhost")
    text = page.content.decode()
    return {
        "status": page.status_code,
        "note": "reporting copy of the database" in text,
    }


def up() -> dict:
    facts: dict = {"in_recovery": scalar(replica.REPLICA, "SELECT pg_is_in_recovery()")}
    facts["first_choice"] = replica.choose().alias

    name = f"Probe {uuid.uuid4()}"
    Team.objects.create(name=name)  # outside reports_read(): the primary
    with replica.reports_read() as source:
        facts["inside"] = source.alias
        facts["read_on"] = Team.objects.filter(name=name).db
        facts["arrived"] = until(lambda: Team.objects.filter(name=name).exists())
        written = Team.objects.create(name=f"{name} inside")  # a write inside
        facts["write_went_to"] = written._state.db
    facts["write_on_primary"] = (
        Team.objects.using("default").filter(pk=written.pk).exists()
    )
    facts["replica_refused_write"] = replica_refuses_a_write()

    # Replay paused: the primary moves on, the replica does not.
    scalar(replica.REPLICA, "SELECT pg_wal_replay_pause()::text")
    Team.objects.bulk_create(Team(name=f"{name} {i}") for i in range(300))
    with replica.reports_read() as source:
        facts["behind"] = {
            "alias": source.alias,
            "lag_bytes": source.lag_bytes,
            "note": source.note,
            "all_300_seen": Team.objects.filter(name__startswith=f"{name} ").count(),
        }
    scalar(replica.REPLICA, "SELECT pg_wal_replay_resume()::text")
    facts["caught_up"] = until(lambda: replica.choose().from_replica)
    facts["page"] = dashboard_page()
    return facts


def down() -> dict:
    with replica.reports_read() as source:
        return {
            "alias": source.alias,
            "note": source.note,
            "teams": Team.objects.count(),
        }


if __name__ == "__main__":
    print(json.dumps({"up": up, "down": down}[sys.argv[1]]()))
