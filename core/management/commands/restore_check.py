"""Prove a backup restores: load a pg_dump into a scratch database and compare row counts.

    python manage.py restore_check /backups/reviews-2026-11-23.dump

The dump (custom format from `pg_dump -Fc`, or plain SQL) is restored into a new,
empty scratch database beside the live one, with PostgreSQL's own tools. Then every
table's row count, and the latest audit-log timestamp, are compared with the live
database; the scratch database is dropped at the end (unless --keep). The command
fails (exit status 1) when the restore fails or any figure differs. Run it right
after the nightly dump, while nothing is writing, or expect the tables that changed
since the dump to differ (they are listed).
"""

from __future__ import annotations

import os
import shutil
import subprocess  # noqa: S404 - runs PostgreSQL's own client tools
from pathlib import Path

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

AUDIT_TABLE = "auditlog_logentry"


class Command(BaseCommand):
    help = (
        "Restore a pg_dump file into a scratch database and compare every table's row "
        "count and the latest audit entry with the live database (PostgreSQL only)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "dumpfile", help="a pg_dump file (custom format or plain SQL)"
        )
        parser.add_argument(
            "--keep", action="store_true", help="keep the scratch database afterwards"
        )

    def handle(self, *args, dumpfile, keep=False, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "restore_check needs PostgreSQL (DATABASE_URL=postgres://...). The SQLite "
                "demo is backed up by copying db.sqlite3 while the service is stopped."
            )
        dump = Path(dumpfile)
        if not dump.is_file():
            raise CommandError(f"No dump file at {dump}")
        for tool in ("pg_restore", "psql"):
            if shutil.which(tool) is None:
                raise CommandError(
                    f"{tool} is not installed (Debian: postgresql-client)"
                )
        live = connection.settings_dict
        scratch = f"{live['NAME']}_restore_check_{os.getpid()}"[:63]
        self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
        try:
            self._restore(dump, scratch)
            differences = self._compare(scratch)
        finally:
            if not keep:
                self._admin(
                    sql.SQL("DROP DATABASE IF EXISTS {}").format(
                        sql.Identifier(scratch)
                    )
                )
        if differences:
            raise CommandError(
                "The restored database differs from the live one:\n"
                + "\n".join(differences)
            )
        self.stdout.write(
            self.style.SUCCESS("Restore check passed: the figures match.")
        )

    def _params(self, dbname: str) -> dict:
        live = connection.settings_dict
        params = {
            "dbname": dbname,
            "user": live.get("USER") or None,
            "password": live.get("PASSWORD") or None,
            "host": live.get("HOST") or None,
            "port": live.get("PORT") or None,
        }
        return {k: v for k, v in params.items() if v is not None}

    def _env(self) -> dict:
        live = connection.settings_dict
        env = dict(os.environ)
        for key, name in (
            ("HOST", "PGHOST"),
            ("PORT", "PGPORT"),
            ("USER", "PGUSER"),
            ("PASSWORD", "PGPASSWORD"),
        ):
            if live.get(key):
                env[name] = str(live[key])
        return env

    def _admin(self, statement) -> None:
        """Run CREATE or DROP DATABASE from the maintenance database (outside any transaction)."""
        with psycopg.connect(**self._params("postgres"), autocommit=True) as admin:
            admin.execute(statement)

    def _restore(self, dump: Path, scratch: str) -> None:
        custom = dump.read_bytes()[:5] == b"PGDMP"
        if custom:
            command = [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--dbname",
                scratch,
                str(dump),
            ]
        else:
            command = [
                "psql",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                scratch,
                "-f",
                str(dump),
            ]
        self.stdout.write(f"Restoring {dump} into {scratch}")
        result = subprocess.run(  # noqa: S603 - fixed tool, our arguments
            command, env=self._env(), capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise CommandError(f"The restore failed:\n{result.stderr.strip()}")

    def _figures(self, cursor, tables: list[str]) -> dict[str, object]:
        figures: dict[str, object] = {}
        for table in tables:
            cursor.execute(
                sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(table))
            )
            figures[table] = cursor.fetchone()[0]
        if AUDIT_TABLE in tables:
            cursor.execute(
                sql.SQL("SELECT MAX(timestamp) FROM {}").format(
                    sql.Identifier(AUDIT_TABLE)
                )
            )
            figures["latest audit entry"] = cursor.fetchone()[0]
        return figures

    def _compare(self, scratch: str) -> list[str]:
        tables = sorted(connection.introspection.table_names())
        with psycopg.connect(**self._params(connection.settings_dict["NAME"])) as live:
            want = self._figures(live.cursor(), tables)
        with psycopg.connect(**self._params(scratch)) as restored:
            cursor = restored.cursor()
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
            present = {row[0] for row in cursor.fetchall()}
            missing = [t for t in tables if t not in present]
            got = self._figures(cursor, [t for t in tables if t in present])
        differences = [f"{t}: missing from the restore" for t in missing]
        width = max((len(name) for name in want), default=10)
        self.stdout.write(f"{'table':<{width}}  {'live':>10}  {'restored':>10}")
        for name, value in want.items():
            restored_value = got.get(name, "missing")
            mark = "" if restored_value == value else "  <- differs"
            self.stdout.write(
                f"{name:<{width}}  {value!s:>10}  {restored_value!s:>10}{mark}"
            )
            if mark and name in got:
                differences.append(f"{name}: live {value}, restored {restored_value}")
        return differences
