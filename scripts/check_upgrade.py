"""Check that a database made by an earlier commit migrates with nothing lost.

    python scripts/check_upgrade.py REV

Makes a fresh PostgreSQL database, builds it with the code of REV (a git worktree:
migrate, setup_schedules, seed_demo), counts every table's rows, the content types
and the audit entries, then migrates it with the code here and checks that every row
is still there, every audit entry and permission still points at a model, every
moved model kept its content type's id, and every schedule's function imports.
Needs PostgreSQL (PGHOST, PGPORT, PGUSER as for .ci/run).
"""

# It runs git, psql and this project's own Python with fixed arguments.
# ruff: noqa: S603, S607

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")

SNAPSHOT = r"""
import json, django
django.setup()
from django.db import connection
from django.contrib.contenttypes.models import ContentType
from auditlog.models import LogEntry
from django_q.models import Schedule
with connection.cursor() as cursor:
    tables = connection.introspection.table_names(cursor)
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
print(json.dumps({
    "counts": counts,
    "content_types": {f"{c.app_label}.{c.model}": c.pk for c in ContentType.objects.all()},
    "log_entries": LogEntry.objects.count(),
    "schedules": sorted(Schedule.objects.values_list("func", flat=True)),
}))
"""

CHECK = r"""
import django, importlib
django.setup()
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django_q.models import Schedule
problems = []
used = set(LogEntry.objects.values_list("content_type_id", flat=True))
used |= set(Permission.objects.values_list("content_type_id", flat=True))
for ct in ContentType.objects.filter(pk__in=used):
    if ct.model_class() is None:
        problems.append(f"content type {ct.app_label}.{ct.model} names no model")
for func in Schedule.objects.values_list("func", flat=True):
    module, name = func.rsplit(".", 1)
    if not hasattr(importlib.import_module(module), name):
        problems.append(f"schedule function {func} does not exist")
print("\n".join(problems))
"""

# Tables an upgrade may add rows to: a model added since the earlier commit (its content
# type and its permissions), and the permissions the role groups are given after every
# migrate (accounts/roles.py); every earlier content type must still be there with its
# id (below).
GROWS_WITH_NEW_MODELS = {
    "django_content_type",
    "auth_permission",
    "auth_group_permissions",
}

# Models that moved between apps: (before, after).
MOVED = [
    ("reporting.document", "documents.document"),
    ("reviews.distribution", "documents.distribution"),
]


def run(cwd, *args, env):
    result = subprocess.run(
        [PYTHON, *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed in {cwd}:\n{result.stdout}{result.stderr}")
    return result.stdout


def main(rev: str) -> None:
    known = subprocess.run(
        ["git", "cat-file", "-e", f"{rev}^{{commit}}"], cwd=ROOT, capture_output=True
    )
    if known.returncode != 0:  # a shallow clone: say so, do not pretend it passed
        print(f"Upgrade check skipped: commit {rev} is not in this clone.")
        return
    host = os.environ.get("PGHOST", "127.0.0.1")
    port = os.environ.get("PGPORT", "5432")
    user = os.environ.get("PGUSER", "postgres")
    db = f"upgrade_check_{os.getpid()}"
    psql = ["psql", "-q", "-h", host, "-p", port, "-U", user, "-d", "postgres", "-c"]
    subprocess.run([*psql, f"CREATE DATABASE {db}"], check=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{user}@{host}:{port}/{db}",
        "DJANGO_DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "reviews_project.settings",
        "Q_CLUSTER_SYNC": "true",
    }
    with tempfile.TemporaryDirectory() as tmp:
        before_tree = Path(tmp) / "before"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(before_tree), rev],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            run(before_tree, "manage.py", "migrate", "--no-input", "-v0", env=env)
            run(before_tree, "manage.py", "setup_schedules", env=env)
            run(before_tree, "manage.py", "seed_demo", "--force", env=env)
            before = json.loads(run(before_tree, "-c", SNAPSHOT, env=env))
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(before_tree)], cwd=ROOT
            )
        try:
            run(ROOT, "manage.py", "migrate", "--no-input", "-v0", env=env)
            after = json.loads(run(ROOT, "-c", SNAPSHOT, env=env))
            problems = run(ROOT, "-c", CHECK, env=env).split("\n")
        finally:
            subprocess.run([*psql, f"DROP DATABASE IF EXISTS {db}"], check=True)
    problems = [p for p in problems if p]
    for table, count in before["counts"].items():
        if table == "django_migrations":
            continue
        if table in GROWS_WITH_NEW_MODELS and after["counts"].get(table, 0) >= count:
            continue  # a model added since has its content type and permissions
        if after["counts"].get(table) != count:
            problems.append(
                f"{table}: {count} rows before, {after['counts'].get(table)} after"
            )
    if after["log_entries"] != before["log_entries"]:
        problems.append(
            f"audit entries: {before['log_entries']} before, {after['log_entries']} after"
        )
    moved_from = {old for old, _ in MOVED}
    for label, pk in before["content_types"].items():
        if label not in moved_from and after["content_types"].get(label) != pk:
            problems.append(f"content type {label} (id {pk}) is gone or renumbered")
    for old, new in MOVED:
        if old in before["content_types"] and (
            after["content_types"].get(new) != before["content_types"][old]
        ):
            problems.append(f"{old} did not keep its content type as {new}")
    if len(after["schedules"]) != len(before["schedules"]):
        problems.append(f"schedules: {before['schedules']} became {after['schedules']}")
    rows = sum(before["counts"].values())
    print(
        f"{len(before['counts'])} tables, {rows} rows, {before['log_entries']} audit "
        f"entries and {len(before['schedules'])} schedules from {rev} migrated"
    )
    if problems:
        sys.exit("\n".join(problems))
    print("Nothing lost: every row, audit entry, content type and schedule kept.")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "948a558")
