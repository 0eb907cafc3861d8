"""Reports read from a PostgreSQL streaming replica, when one is configured.

The service writes to one database, the primary ("default"). A council may run a
streaming replica beside it (DATABASE_REPLICA_URL; docs/deployment.md): the
dashboards, the annual report and the exports read from it, so that a heavy report
does not hold the primary's workers. Everything else, and every write, goes to the
primary: the router sends a read to the replica only inside `reports_read()`.

A replica is behind the primary by the WAL it has not yet replayed. Before a report
reads from it, `reports_read()` measures that lag in bytes (the primary's current WAL
position less the replica's last replayed one) and, beyond
DATABASE_REPLICA_MAX_LAG_BYTES, or when the replica does not answer, reads the primary
instead and says so (`ReadSource.note`), so that a figure is never older than the limit
without the page saying which database it came from.
"""

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"

_reading_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "reading_replica", default=False
)


def lsn_bytes(lsn: str) -> int:
    """A PostgreSQL WAL position ("16/B374D848") as a byte offset."""
    high, low = lsn.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def configured() -> bool:
    return REPLICA in settings.DATABASES


@dataclass(frozen=True)
class ReadSource:
    """Where a report read its figures from, and why."""

    alias: str
    lag_bytes: int | None = None
    limit_bytes: int | None = None
    problem: str = ""

    @property
    def from_replica(self) -> bool:
        return self.alias == REPLICA

    @property
    def note(self) -> str:
        """What the page says, when a replica is configured; nothing otherwise."""
        if self.from_replica:
            return (
                "Figures read from the reporting copy of the database, "
                f"{self.lag_bytes:,} bytes behind the main one."
            )
        if self.problem:
            return f"Figures read from the main database: {self.problem}."
        return ""


def _scalar(alias: str, sql: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def replica_lag_bytes() -> int:
    """How far the replica's replay is behind the primary's WAL, in bytes. Raises
    DatabaseError when either cannot be asked, ValueError when the replica is not in
    recovery (it is not a replica, or it has been promoted)."""
    if not _scalar(REPLICA, "SELECT pg_is_in_recovery()"):
        raise ValueError("the reporting copy is not a replica")
    replayed = _scalar(REPLICA, "SELECT pg_last_wal_replay_lsn()::text")
    current = _scalar(PRIMARY, "SELECT pg_current_wal_lsn()::text")
    return max(0, lsn_bytes(current) - lsn_bytes(replayed))


def choose() -> ReadSource:
    """The replica if it answers and is within the lag limit, else the primary."""
    if not configured():
        return ReadSource(PRIMARY)
    limit = settings.DATABASE_REPLICA_MAX_LAG_BYTES
    try:
        lag = replica_lag_bytes()
    except (DatabaseError, ValueError) as error:
        logger.warning("Reports read the primary: the replica failed (%s)", error)
        return ReadSource(PRIMARY, problem="the reporting copy did not answer")
    if lag > limit:
        logger.warning("Reports read the primary: the replica is %s bytes behind", lag)
        return ReadSource(
            PRIMARY,
            lag_bytes=lag,
            limit_bytes=limit,
            problem=(
                f"the reporting copy was {lag:,} bytes behind, "
                f"more than the limit of {limit:,}"
            ),
        )
    return ReadSource(REPLICA, lag_bytes=lag, limit_bytes=limit)


@contextmanager
def reports_read() -> Iterator[ReadSource]:
    """Inside this block, reads go to the replica when `choose()` picks it."""
    source = choose()
    token = _reading_replica.set(source.from_replica)
    try:
        yield source
    finally:
        _reading_replica.reset(token)


def reads_reports(view):
    """A report's view: its reads go to the replica when `choose()` picks it, and
    `request.read_source` says where they went (templates/reporting/_read_source.html).
    The page is rendered inside the block, so its lazy querysets read there too."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with reports_read() as source:
            request.read_source = source
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Reads inside reports_read() go to the replica; everything else, every write
    and every migration, to the primary."""

    def db_for_read(self, model, **hints):
        return REPLICA if _reading_replica.get() else PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
