"""Reports on a real PostgreSQL streaming replica (core/replica.py).

The test starts its own primary and replica on loopback ports: initdb, pg_basebackup
and two postgres processes from Debian's PostgreSQL 15, run as the postgres user
(PostgreSQL refuses to run as root). It migrates the primary, then a probe in its own
process (tests/core/replica_probe.py), with DATABASE_URL and DATABASE_REPLICA_URL set
as a council would, checks through the ORM: the read connection is in recovery and
refuses writes; a row committed on the primary arrives on it; reads inside
reports_read() go to the replica and writes never do; with replay paused, the lag
passes the limit and reports read the primary and say so; with the replica stopped,
they read the primary and say so. Django's test mirror setting is not used: it would
pass with no replica at all.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BIN = Path("/usr/lib/postgresql/15/bin")
ROOT = Path(settings.BASE_DIR)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not (BIN / "initdb").exists(), reason="needs PostgreSQL 15"),
    # Once is enough: it uses its own servers, not the test database.
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="runs in the PostgreSQL stage"
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(*command) -> list[str]:
    command = [str(part) for part in command]
    return (
        ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command
    )


def run(*command, **kwargs):
    return subprocess.run(
        as_postgres(*command), check=True, capture_output=True, text=True, **kwargs
    )


def configure(data: Path, port: int, sockets: Path) -> None:
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"\nport = {port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{sockets}'\n"
            "fsync = off\nwal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
        )


def start(data: Path) -> None:
    run(
        BIN / "pg_ctl",
        "-D",
        data,
        "-l",
        data.parent / f"{data.name}.log",
        "-w",
        "start",
    )


def stop(data: Path) -> None:
    subprocess.run(
        as_postgres(BIN / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"),
        capture_output=True,
    )


@pytest.fixture(scope="module")
def servers():
    base = Path(tempfile.mkdtemp(prefix="replica-test-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    primary, standby = base / "primary", base / "replica"
    ports = {"primary": free_port(), "replica": free_port()}
    try:
        run(BIN / "initdb", "-D", primary, "-U", "postgres", "--auth=trust", "-N")
        configure(primary, ports["primary"], base)
        start(primary)
        run(BIN / "psql", "-h", "127.0.0.1", "-p", ports["primary"], "-U", "postgres",
            "-d", "postgres", "-qc", "CREATE DATABASE reviews")  # fmt: skip
        run(BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", ports["primary"],
            "-U", "postgres", "-D", standby, "-R", "-X", "stream", "-c", "fast")  # fmt: skip
        configure(standby, ports["replica"], base)
        start(standby)
        urls = {
            name: f"postgres://postgres@127.0.0.1:{port}/reviews"
            for name, port in ports.items()
        }
        yield urls, standby
    finally:
        stop(standby)
        stop(primary)
        shutil.rmtree(base, ignore_errors=True)


def django_env(urls, **extra) -> dict:
    return {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": urls["primary"],
        "DATABASE_REPLICA_URL": urls["replica"],
        **extra,
    }


def probe(urls, mode: str) -> dict:
    done = subprocess.run(
        [sys.executable, "tests/core/replica_probe.py", mode],
        cwd=ROOT,
        env=django_env(
            urls, DATABASE_REPLICA_MAX_LAG_BYTES="4096", REQUIRE_2FA="false"
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_reports_read_a_real_replica_within_the_lag_limit_and_writes_never_go_there(
    servers,
):
    urls, standby = servers
    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env=django_env(urls),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert migrated.returncode == 0, migrated.stderr[-3000:]

    facts = probe(urls, "up")
    assert facts["in_recovery"] is True
    assert facts["first_choice"] == "replica"
    assert facts["inside"] == "replica" and facts["read_on"] == "replica"
    assert facts["arrived"], "a row committed on the primary never reached the replica"
    assert facts["write_went_to"] == "default" and facts["write_on_primary"]
    assert "read-only transaction" in facts["replica_refused_write"]

    behind = facts["behind"]
    assert behind["alias"] == "default" and behind["lag_bytes"] > 4096
    assert behind["note"].startswith("Figures read from the main database")
    assert "bytes behind" in behind["note"]
    assert behind["all_300_seen"] == 301  # read on the primary: nothing missing
    assert facts["caught_up"], "the replica did not catch up after replay resumed"
    assert facts["page"]["status"] == 200 and facts["page"]["note"], facts["page"]

    stop(standby)
    down = probe(urls, "down")
    assert down["alias"] == "default"
    assert down["note"] == (
        "Figures read from the main database: the reporting copy did not answer."
    )
    assert down["teams"] > 300
