"""Pages and the nightly recompute at a whole country's scale (issue 10).

Run against a database filled by `manage.py seed_scale` (PostgreSQL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reviews_scale \\
        python -m bench.bench_scale [--runs 7] [--recompute-runs 3] [--json out.json]

For each figure it times the application's own code path and the raw SQL floor that
computes the same result (one reviewed statement in bench/sql/), in the same run,
alternating them, and reports the medians and their ratio. Pages go through Django's
whole request path (middleware, view, template) with the test Client, as the sample
users seed_scale made. The recompute runs the real task entry point
(core.reminders.tasks.recompute_timeliness) in a fresh process each time and reports
its peak resident memory (VmHWM), as a django-q worker would see it.

DEBUG is switched off after start-up, so that neither the query log nor template
debugging costs time (bench/gunicorn_conf.py does the same for the load test).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviews_project.settings")
os.environ.setdefault("REQUIRE_2FA", "false")

SQL_DIR = Path(__file__).parent / "sql"
ROOT = Path(__file__).resolve().parent.parent


def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


def setup_django() -> None:
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def vm_hwm_mb() -> float:
    """Peak resident memory of this process (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_params():
    """The sample users and subjects, chosen the same way every time."""
    from django.db.models import Count, Q

    from accounts.models import User
    from bench.scale_seed import USERNAME_PREFIX
    from children.models import Child

    manager = User.objects.get(username=f"{USERNAME_PREFIX}manager01")
    # The IRO with the most children, and the looked-after child with most reviews.
    iro = (
        User.objects.filter(username__startswith=f"{USERNAME_PREFIX}iro")
        .annotate(n=Count("iro_children"))
        .order_by("-n", "pk")
        .first()
    )
    child = (
        Child.objects.filter(pk__lte=2000, periods_of_care__ended_on__isnull=True)
        .annotate(n=Count("reviews"))
        .order_by("-n", "pk")
        .first()
    )
    counts = {
        "iro_children": Child.objects.filter(iro=iro).count(),
        "iro_open_reviews": Child.objects.filter(iro=iro).aggregate(
            n=Count("reviews", filter=~Q(reviews__status__in=["closed", "cancelled"]))
        )["n"],
        "child_reviews": child.reviews.count(),
    }
    return manager, iro, child, counts


def page_runner(user, url: str):
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    client.force_login(user)

    def run():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
        return response

    return run


def sql_runner(name: str, params: dict):
    from django.db import connection

    text = sql(name)

    def run():
        with connection.cursor() as cursor:
            cursor.execute(text, params)
            return cursor.fetchall()

    return run


def replay_runner(app):
    """The floor of a page built from many statements: the same statements, replayed.

    For the dashboard, whose figures come from dozens of hand-reviewed queries in
    reporting.queries, one statement computing every figure would be a second
    implementation; replaying its own SQL measures the database's share of the page.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        app()
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]

    def run():
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()

    return run


def query_count(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def compare(name: str, app, floor, runs: int, note: str = "") -> dict:
    app(), floor()  # warm caches and connections once
    queries = query_count(app)
    app_times, sql_times = [], []
    for _ in range(runs):
        started = time.perf_counter()
        app()
        app_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        floor()
        sql_times.append(time.perf_counter() - started)
    result = {
        "name": name,
        "app_ms": round(median_ms(app_times), 1),
        "app_min_ms": round(min(app_times) * 1000, 1),
        "app_max_ms": round(max(app_times) * 1000, 1),
        "sql_ms": round(median_ms(sql_times), 1),
        "ratio": round(median_ms(app_times) / median_ms(sql_times), 2),
        "queries": queries,
        "runs": runs,
        "note": note,
    }
    print(
        f"{name:28} app {result['app_ms']:8.1f} ms (min {result['app_min_ms']}, "
        f"max {result['app_max_ms']})  SQL floor {result['sql_ms']:8.1f} ms  "
        f"ratio {result['ratio']:5.2f}x  queries {queries}",
        flush=True,
    )
    return result


# --- the nightly recompute ------------------------------------------------------------


def recompute_child(impl: str) -> None:
    """One recompute in this (fresh) process: print its time and peak memory as JSON.

    impl "task": the django-q2 task as it is (core.reminders.tasks.recompute_timeliness);
    impl "bulk": reviews.services.recompute.recompute_due_dates (two reads, writes of
    changed rows only).
    """
    setup_django()
    from django.db import connection
    from django.utils import timezone

    if impl == "task":
        from core.reminders.tasks import recompute_timeliness as run
    else:
        from reviews.services.recompute import recompute_due_dates

        def run():
            return str(recompute_due_dates(timezone.localdate()))

    connection.ensure_connection()
    before = vm_hwm_mb()
    started = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "peak_rss_mb": vm_hwm_mb(),
                "rss_before_mb": before,
                "result": result,
            }
        )
    )


def recompute_floor_params(today):
    import holidays

    from reviews import timescales

    calendar = holidays.country_holidays(
        "GB", subdiv="ENG", years=range(today.year - 15, today.year + 3)
    )
    return {
        "today": today,
        "amber_until": timescales.add_working_days(today, 5),
        "holidays": sorted(calendar),
    }


def recompute_floor(params) -> int:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql("recompute"), params)
        return cursor.rowcount


def recompute_agreement(params) -> dict:
    """Scramble every open review's derived fields, let the floor recompute them, and
    count the reviews where the engine disagrees; then roll everything back."""
    from django.db import connection, transaction

    from core.reminders.timeliness import reviews_recompute_due_dates

    class Rollback(Exception):
        pass

    out = {}
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE reviews_review SET due_date = due_date - 1, due_rule = '',"
                    " due_track = '', rag = '' WHERE status IN ('planned', 'scheduled',"
                    " 'invitations_issued', 'in_progress', 'adjourned')"
                )
                out["scrambled"] = cursor.rowcount
                cursor.execute(sql("recompute"), params)
                out["floor_wrote"] = cursor.rowcount
            out["engine_disagrees"] = reviews_recompute_due_dates()
            raise Rollback
    except Rollback:
        pass
    return out


def bench_recompute(runs: int, impl: str) -> dict:
    from django.utils import timezone

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    app_times, peaks, results = [], [], []
    params = recompute_floor_params(timezone.localdate())
    sql_times, written = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-m", "bench.bench_scale", "--recompute-child", impl],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
        )
        data = json.loads(out.stdout.strip().splitlines()[-1])
        app_times.append(data["seconds"])
        peaks.append(data["peak_rss_mb"])
        results.append(data["result"])
        started = time.perf_counter()
        written.append(recompute_floor(params))
        sql_times.append(time.perf_counter() - started)
    agreement = recompute_agreement(params)
    result = {
        "name": f"nightly recompute ({impl})",
        "app_ms": round(median_ms(app_times), 1),
        "app_min_ms": round(min(app_times) * 1000, 1),
        "app_max_ms": round(max(app_times) * 1000, 1),
        "sql_ms": round(median_ms(sql_times), 1),
        "ratio": round(median_ms(app_times) / median_ms(sql_times), 2),
        "peak_rss_mb": round(max(peaks), 1),
        "runs": runs,
        "task_results": results,
        "floor_rows_written": written,
        "agreement": agreement,
    }
    print(
        f"{'nightly recompute ' + impl:28} app {result['app_ms'] / 1000:8.1f} s (min "
        f"{result['app_min_ms'] / 1000:.1f}, max {result['app_max_ms'] / 1000:.1f})  "
        f"SQL floor {result['sql_ms'] / 1000:6.1f} s  ratio {result['ratio']:5.2f}x  "
        f"peak RSS {result['peak_rss_mb']} MB\n    task said: {results[-1]}\n"
        f"    floor wrote {written} rows; agreement check: {agreement}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--recompute-runs", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated figure names")
    parser.add_argument("--json", default="", help="write the figures here too")
    parser.add_argument(
        "--recompute",
        default="bulk,task",
        help="which recomputes to time: bulk (reviews.services.recompute), task "
        "(core.reminders.tasks.recompute_timeliness as it is)",
    )
    parser.add_argument("--task-runs", type=int, default=1)
    parser.add_argument("--dashboard-runs", type=int, default=3)
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--recompute-child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.recompute_child:
        recompute_child(args.recompute_child)
        return
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from children.models import Child

    if connection.vendor != "postgresql":
        sys.exit("bench_scale needs PostgreSQL with seed_scale's data (DATABASE_URL).")
    children = Child.objects.count()
    if not children:
        sys.exit("No children: run `make seed-scale` (manage.py seed_scale) first.")
    today = timezone.localdate()
    manager, iro, child, counts = bench_params()
    only = set(filter(None, args.only.split(",")))
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(",")[0]
    load = os.getloadavg()
    print(
        f"{children:,} children; {platform.python_version()}; {pg_version}; "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; "
        f"IRO {iro.username} ({counts['iro_children']} children, "
        f"{counts['iro_open_reviews']} reviews not closed); child {child.pk} "
        f"({counts['child_reviews']} reviews); today {today}",
        flush=True,
    )
    figures = []

    def want(name):
        return not only or name in only

    if want("child_list_overdue"):
        figures.append(
            compare(
                "child_list_overdue",
                page_runner(manager, "/children/?overdue=on"),
                sql_runner("child_list_overdue", {"today": today}),
                args.runs,
                "as the IRO service manager (every child in scope)",
            )
        )
    if want("child_page"):
        figures.append(
            compare(
                "child_page",
                page_runner(manager, f"/children/{child.pk}/"),
                sql_runner("child_page", {"child": child.pk}),
                args.runs,
                f"child {child.pk}, {counts['child_reviews']} reviews",
            )
        )
    if want("my_work"):
        figures.append(
            compare(
                "my_work",
                page_runner(iro, "/"),
                sql_runner("my_work", {"iro": iro.pk}),
                args.runs,
                f"{iro.username}, {counts['iro_children']} children",
            )
        )
    if want("dashboard"):
        if importlib.util.find_spec("reporting.views_dashboard") is None:
            print(f"{'dashboard':28} not built yet: no figure", flush=True)
        else:
            app = page_runner(manager, "/dashboard/")
            figures.append(
                compare(
                    "dashboard",
                    app,
                    replay_runner(app),
                    args.dashboard_runs,
                    "the service manager's, every team and IRO, the financial year "
                    "to date (the page's default); floor: its own statements replayed",
                )
            )
    if want("export_903"):
        if importlib.util.find_spec("children.ssda903.exporter") is None:
            print(f"{'export_903':28} not built yet: no figure", flush=True)
        else:
            from children.ssda903.exporter import collection_year_bounds, ssda903_files

            year = today.year if today.month > 3 else today.year - 1
            start, end = collection_year_bounds(year)
            figures.append(
                compare(
                    "export_903",
                    lambda: ssda903_files(year=year),
                    sql_runner("export_903", {"start": start, "end": end}),
                    args.export_runs,
                    f"collection year ending 31 March {year}",
                )
            )
    if want("recompute"):
        for impl in filter(None, args.recompute.split(",")):
            runs = args.recompute_runs if impl == "bulk" else args.task_runs
            figures.append(bench_recompute(runs, impl))
    load = os.getloadavg()
    print(f"load average after: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"children": children, "today": str(today), "figures": figures},
                indent=2,
                default=str,
            )
        )


if __name__ == "__main__":
    main()
