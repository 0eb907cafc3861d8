"""Pages and the nightly recompute at a whole country's scale.

Run against a database filled by `manage.py seed_scale` (PostgreSQL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reviews_scale \\
        python -m bench.bench_scale [--runs 7] [--recompute-runs 3] [--json out.json]

For each figure it times the application's own code path and the raw SQL floor that
computes the same result (one reviewed statement in bench/sql/), in the same run,
alternating them, and reports the medians and their ratio. Pages go through Django's
whole request path (middleware, view, template) with the test Client, as the sample
users seed_scale made. The recompute runs the real task entry point
(reviews.tasks.recompute_timeliness) in a fresh process each time and reports
its peak resident memory (VmHWM), as a django-q worker would see it.

The dashboard's floor is bench/sql/dashboard.sql: every figure of the service
manager's dashboard in one statement, the engine's dates passed as JSON as the app
passes them; after timing, its figures are compared with service_dashboard's and any
difference is printed. `--check-dashboard` runs only that comparison, on any database
(seed_demo's, say); tests/bench/test_dashboard_floor.py runs it on varied records.

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
from datetime import date
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviews_project.settings")
os.environ.setdefault("REQUIRE_2FA", "false")

SQL_DIR = Path(__file__).parent / "sql"
ROOT = Path(__file__).resolve().parent.parent


def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


def setup_django(web: bool = True) -> None:
    """Set Django up as the web worker does (the pages are timed in this process):
    through the WSGI module, which then freezes the start-up objects out of the
    garbage collector's full collections; as the task worker does with web=False."""
    if web:
        import reviews_project.wsgi  # noqa: F401
    else:
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


# --- the service manager's dashboard ---------------------------------------------------


def dashboard_floor_params(period, today) -> dict:
    """bench/sql/dashboard.sql's parameters: the engine's dates, as the app's DateMaps
    pass them (reporting.queries.base), and England's bank holidays."""
    from datetime import timedelta

    import holidays

    from reporting.queries import Period
    from reporting.queries.base import latest_birth_date_for_age
    from reporting.queries.participation import CHAIRING_AGE
    from reviews import timescales

    def day_dates(day):
        return {
            "rd_due": timescales.recommendations_and_decisions_due(day).date,
            "record_due": timescales.record_distributed_due(day).date,
            "plan_due": timescales.care_plan_update_due(day).date,
            "allocation_due": timescales.iro_allocation_due(day).date,
            "born_by_11": latest_birth_date_for_age(day, CHAIRING_AGE),
        }

    starts = Period(period.start - timedelta(days=60), period.end).days()
    calendar = holidays.country_holidays(
        "GB", subdiv="ENG", years=range(period.start.year - 15, period.end.year + 2)
    )
    return {
        "start": period.start,
        "end": period.end,
        "today": today,
        "days": json.dumps({str(d): day_dates(d) for d in period.days()}, default=str),
        "first_due": json.dumps(
            {str(d): timescales.first_review_due(d).date for d in starts}, default=str
        ),
        "adult_born_by": latest_birth_date_for_age(min(period.end, today), 18),
        "holidays": sorted(calendar),
    }


def dashboard_floor(params) -> dict:
    """Every figure of the dashboard from bench/sql/dashboard.sql (one statement)."""
    from decimal import Decimal

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql("dashboard"), params)
        return json.loads(cursor.fetchone()[0], parse_float=Decimal)


def _number(text: str):
    from decimal import Decimal

    if text == "–":
        return None
    if " of " in text:  # "3 of 4 (75%)"
        within, _, rest = text.partition(" of ")
        return int(within), int(rest.split()[0])
    return Decimal(text)


def dashboard_view_of_app(built: dict) -> dict:
    """What the page shows (reporting.dashboard.service_dashboard), as numbers: every
    measure's numerator and denominator, the trends and every table's figures (the
    percentages, per-FTE ratios and RAG labels are worked out from these)."""
    from decimal import Decimal

    tables = {t.key: t for t in built["tables"]}

    def cells(key, *columns, last_row=True):
        rows = tables[key].rows if last_row else tables[key].rows[:-1]
        return [tuple(row[c].text for c in columns) for row in rows]

    n_categories = len(tables["concerns"].headers) - 4
    return {
        "measures": {
            k: (f.numerator, f.denominator) for k, f in built["figures"].items()
        },
        "trends": {
            t.key.removeprefix("trend-"): [
                (r[0].text, int(r[1].text), int(r[2].text)) for r in t.rows
            ]
            for t, _chart in built["trends"]
        },
        "participation_codes": cells("participation-codes", 0, 1),
        "caseloads": [
            (name, int(n), int(post18), Decimal(fte))
            for name, n, post18, fte in cells("caseloads", 0, 1, 2, 3, last_row=False)
        ],
        "concerns": [
            (row[0], *(int(x) for x in row[1:]))
            for row in cells("concerns", *range(n_categories + 3))
        ],
        "disputes": [(label, _number(v)) for label, v in cells("disputes", 0, 1)],
        "acknowledgements": cells("acknowledgements", 0, 1, 2),
        "audits": cells("audits", 0, 1),
        "contacts_by_kind": cells("contacts", 0, 1),
    }


def dashboard_view_of_floor(floor: dict) -> dict:
    """The floor's figures in the shape of dashboard_view_of_app, labelled as the page
    labels them."""
    from decimal import Decimal

    from disputes.models import STAGE_NAMES, CaseAudit, Category
    from disputes.reports import NO_TEAM
    from reporting.dashboard import SECTIONS
    from reviews.models import ChildContact, Review

    keys = [key for _caption, keys in SECTIONS.values() for key in keys]
    concerns = []
    for row in floor["concerns"] or []:
        counts = [row["by_category"].get(c, 0) for c in Category.values]
        concerns.append((row["team"] or NO_TEAM, *counts, sum(counts), row["reviews"]))
    totals = [sum(r[i] for r in concerns) for i in range(1, len(Category.values) + 3)]
    concerns.append(("Total", *totals))
    levels, stages = floor["levels"] or {}, floor["highest_stage"] or {}
    median = floor["median_working_days"]
    disputes = [
        ("Stayed informal", Decimal(levels.get("informal", 0))),
        ("Went formal (dispute resolution)", Decimal(levels.get("formal", 0))),
        *(
            (f"Highest stage reached: {name}", Decimal(stages.get(str(stage), 0)))
            for stage, name in STAGE_NAMES.items()
        ),
        (
            "Median working days from raising to closing",
            None if median is None else Decimal(median),
        ),
        (
            "Formal challenges resolved within 20 working days",
            tuple(floor["formal_within_20"]),
        ),
        ("Referrals to Cafcass", Decimal(sum((floor["cafcass"] or {}).values()))),
    ]
    codes = floor["participation_codes"] or {}
    audits = floor["audits"] or {}
    contacts = floor["contacts_by_kind"] or {}
    grades = dict(CaseAudit.Grade.choices) | {"": "Not graded"}
    return {
        "measures": {k: tuple(floor["measures"][k]) for k in keys},
        "trends": {
            key: [(f"{date.fromisoformat(m):%b %Y}", n, d) for m, n, d in months]
            for key, months in floor["trends"].items()
        },
        "participation_codes": [
            (code.label, str(codes.get(code.value, 0))) for code in Review.Participation
        ],
        "caseloads": [
            (
                f"{r['first_name']} {r['last_name']}".strip() or r["username"],
                r["children"],
                r["post18"],
                Decimal(r["fte"]),
            )
            for r in floor["caseloads"] or []
        ],
        "concerns": concerns,
        "disputes": disputes,
        "acknowledgements": [
            (team, str(good), str(improve))
            for team, good, improve in floor["acknowledgements"] or []
        ],
        "audits": [(grades[g], str(audits.get(g, 0))) for g in grades],
        "contacts_by_kind": [
            (label, str(contacts.get(how, 0)))
            for how, label in ChildContact.How.choices
        ],
    }


def dashboard_disagreements(period, today, floor: dict) -> list[str]:
    """Where the floor and the application (service_dashboard, as the service manager:
    no team, IRO or scope) disagree; empty when every figure is the same."""
    from reporting.dashboard import service_dashboard
    from reporting.queries import Filters

    app = dashboard_view_of_app(service_dashboard(period, Filters(today=today)))
    ours = dashboard_view_of_floor(floor)
    out = []
    for part, shown in app.items():
        if part == "measures":
            out += [
                f"{key}: app {fig} floor {ours[part].get(key)}"
                for key, fig in shown.items()
                if ours[part].get(key) != fig
            ]
        elif ours[part] != shown:
            out.append(f"{part}: app {shown} floor {ours[part]}")
    return out


def bench_dashboard(manager, today, runs: int) -> dict:
    from reporting.queries import Period

    period = Period.financial_year_of(today)  # the page's default (forms_dashboard)
    started = time.perf_counter()
    params = dashboard_floor_params(period, today)
    params_ms = (time.perf_counter() - started) * 1000
    result = compare(
        "dashboard",
        page_runner(manager, "/dashboard/"),
        lambda: dashboard_floor(params),
        runs,
        f"the service manager's, every team and IRO, {period.label} (the page's "
        f"default); floor: bench/sql/dashboard.sql, its parameters built once in "
        f"{params_ms:.0f} ms",
    )
    disagreements = dashboard_disagreements(period, today, dashboard_floor(params))
    result["disagreements"] = disagreements
    print(
        f"    floor and app agree on every figure ({period.label}, today {today})"
        if not disagreements
        else "    FLOOR AND APP DISAGREE:\n      " + "\n      ".join(disagreements),
        flush=True,
    )
    return result


def check_dashboard(today) -> int:
    """Compare the floor with the app on any database (e.g. one seed_demo filled)."""
    from reporting.queries import Period

    period = Period.financial_year_of(today)
    floor = dashboard_floor(dashboard_floor_params(period, today))
    disagreements = dashboard_disagreements(period, today, floor)
    for line in disagreements:
        print(line)
    measures = floor["measures"]
    print(
        f"{period.label}, today {today}: {len(disagreements)} disagreements; "
        f"non-zero denominators: {sum(1 for n, d in measures.values() if d)} of "
        f"{len(measures)}"
    )
    return 1 if disagreements else 0


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

    impl "task": the django-q2 task as it is (reviews.tasks.recompute_timeliness);
    impl "bulk": reviews.services.recompute.recompute_due_dates (two reads, writes of
    changed rows only).
    """
    setup_django(web=False)
    from django.db import connection
    from django.utils import timezone

    if impl == "task":
        from reviews.tasks import recompute_timeliness as run
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

    from reviews.timeliness import reviews_recompute_due_dates

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
    # The rolled-back writes leave about 250,000 dead row versions: vacuum them now,
    # or every index-only scan after this (the pages, a load test) reads the heap
    # until autovacuum comes round (800 ms instead of 95 ms for the overdue list).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reviews_review")
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
        "(reviews.tasks.recompute_timeliness as it is)",
    )
    parser.add_argument("--task-runs", type=int, default=1)
    parser.add_argument("--dashboard-runs", type=int, default=3)
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--recompute-child", default="", help=argparse.SUPPRESS)
    parser.add_argument(
        "--check-dashboard",
        action="store_true",
        help="only compare bench/sql/dashboard.sql with the app, on any database",
    )
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
    if args.check_dashboard:
        sys.exit(check_dashboard(timezone.localdate()))
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
            figures.append(bench_dashboard(manager, today, args.dashboard_runs))
    if want("export_903"):
        if importlib.util.find_spec("ssda903.exporter") is None:
            print(f"{'export_903':28} not built yet: no figure", flush=True)
        else:
            from ssda903.exporter import collection_year_bounds, ssda903_files

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
    if any(figure.get("disagreements") for figure in figures):
        sys.exit("The dashboard's floor and the app disagree (printed above).")


if __name__ == "__main__":
    main()
