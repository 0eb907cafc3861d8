"""What the dashboards show: tables of figures built from reporting.queries, each cell
linking to the rows behind it, and each table downloadable as CSV. Read-only."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from children.models import Child
from core.identifiers import format_nhs_number
from core.spreadsheets import neutralise
from disputes.models import STAGE_NAMES, CaseAudit
from reporting.charts import month_chart
from reporting.queries import MEASURES, TRENDS, Filters, Period, batch, service
from reporting.queries import participation as pn
from reviews.models import ChildContact, Review

SECTIONS = {
    "timeliness": (
        "Timeliness",
        ["t1", "t2", "t3", "t4", "t5", "t6_rd", "t6_record", "t6_plan", "t6_notify"]
        + ["t7", "t8_adjourned", "t8_reconvened", "t9"],
    ),
    "voice": (
        "The child's voice",
        ["participation", "views_conveyed", "attendance", "no_participation"]
        + ["chaired", "chaired_all", "asks", "contacts"],
    ),
    "service": (
        "Feedback, challenges and quality",
        ["feedback", "feedback_children", "challenges", "observed"],
    ),
}


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    numeric: bool = False
    child_pk: int | None = None  # the cell names this child


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    @property
    def child_pks(self) -> list[int]:
        """The children the table names, in order (for the access entries)."""
        pks = (cell.child_pk for row in self.rows for cell in row)
        return list(dict.fromkeys(pk for pk in pks if pk is not None))


# --- Links ---------------------------------------------------------------------------


def filter_params(period: Period, f: Filters) -> dict[str, str]:
    """The query string that reproduces the period and filters (ids and dates only)."""
    params = {}
    for name, day in (("start", period.start), ("end", period.end)):
        params.update(
            {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}
        )
    if f.team is not None:
        params["team"] = f.team
    if f.iro is not None:
        params["iro"] = f.iro
    return {k: str(v) for k, v in params.items()}


def link(name: str, period: Period, f: Filters, **extra) -> str:
    query = {**filter_params(period, f), **{k: str(v) for k, v in extra.items()}}
    return f"{reverse(name)}?{urlencode(query)}"


def _pct(value) -> str:
    return "–" if value is None else f"{value}%"


# --- Headline tables -------------------------------------------------------------------


def measures_table(key: str, caption: str, figures: dict, period, f) -> Table:
    rows = []
    for measure_key, fig in figures.items():
        measure = MEASURES[measure_key]
        rows.append(
            (
                Cell(measure.title),
                Cell(
                    str(fig.numerator),
                    link(
                        "dashboard:drilldown",
                        period,
                        f,
                        measure=measure_key,
                        show="counted",
                    ),
                    True,
                ),
                Cell(
                    str(fig.denominator),
                    link("dashboard:drilldown", period, f, measure=measure_key),
                    True,
                ),
                Cell(_pct(fig.percent), numeric=True),
            )
        )
    return Table(
        key, caption, ("Measure", "Counted", "Out of", "Per cent"), tuple(rows)
    )


def trend_table(key: str, fig, period: Period, f: Filters):
    measure = MEASURES[key]
    months = measure.trend(fig, period)
    rows = tuple(
        (
            Cell(f"{m.month:%b %Y}"),
            Cell(str(m.numerator), numeric=True),
            Cell(str(m.denominator), numeric=True),
            Cell(_pct(m.percent), numeric=True),
        )
        for m in months
    )
    table = Table(
        f"trend-{key}",
        f"{measure.title}, by month",
        ("Month", "Counted", "Out of", "Per cent"),
        rows,
    )
    chart = month_chart(measure.title, [(m.month, m.percent) for m in months])
    return table, chart


def participation_codes_table(breakdown: pn.Breakdown) -> Table:
    rows = tuple(
        (
            Cell(Review.Participation(code).label),
            Cell(str(count), numeric=True),
            Cell("not counted" if code == "PN0" else _pct(share), numeric=True),
        )
        for code, count, share in breakdown.rows()
    )
    return Table(
        "participation-codes",
        "Reviews held by how the child took part (PN codes)",
        ("How the child took part", "Reviews", "Share of PN1 to PN7"),
        rows,
    )


def caseloads_table(period: Period, f: Filters) -> Table:
    loads = service.caseloads(period, f)
    # link() with the IRO's id, its query string built once, not for each of 1,800
    # IROs (the parameters in the same order: the period, the team, the IRO, measure).
    every_iro = Filters(f.team, None, f.scope, f.today)
    prefix = f"{reverse('dashboard:drilldown')}?{urlencode(filter_params(period, every_iro))}"
    rows = [
        (
            Cell(str(row.iro)),
            Cell(
                str(row.children),
                f"{prefix}&iro={row.iro.pk}&measure=caseload",
                True,
            ),
            Cell(str(row.post18), numeric=True),
            Cell(str(row.fte), numeric=True),
            Cell(str(row.per_fte), numeric=True),
            Cell(row.rag_label),
        )
        for row in loads.rows
    ]
    rows.append(
        (
            Cell("Service"),
            Cell(
                str(loads.children),
                link("dashboard:drilldown", period, f, measure="caseload"),
                True,
            ),
            Cell(str(sum(r.post18 for r in loads.rows)), numeric=True),
            Cell(str(loads.fte), numeric=True),
            Cell(str(loads.average or "–"), numeric=True),
            Cell("Guide: 50 to 70"),
        )
    )
    return Table(
        "caseloads",
        f"IRO caseloads on {loads.on:%-d %B %Y}",
        (
            "IRO",
            "Children",
            "Aged 18 or over (not counted)",
            "FTE",
            "Per FTE",
            "Against 50 to 70",
        ),
        tuple(rows),
    )


def concerns_table(period: Period, f: Filters, disputes: dict) -> Table:
    concerns = disputes["concerns"]
    headers = ("Team", *concerns.categories, "Total", "No of reviews", "%")
    rows = tuple(
        (
            Cell(row.team),
            *(Cell(str(n), numeric=True) for n in row.counts),
            Cell(str(row.total), numeric=True),
            Cell(str(row.reviews), numeric=True),
            Cell("–" if row.percent is None else f"{row.percent} %", numeric=True),
        )
        for row in (*concerns.rows, concerns.totals)
    )
    return Table("concerns", f"Concerns raised {period.label}", headers, rows)


def disputes_table(period: Period, f: Filters, disputes: dict) -> Table:
    levels, within = disputes["levels"], disputes["formal_within_20"]
    median = disputes["median_working_days"]
    rows = [
        (Cell("Stayed informal"), Cell(str(levels["informal"]), numeric=True)),
        (
            Cell("Went formal (dispute resolution)"),
            Cell(str(levels["formal"]), numeric=True),
        ),
    ]
    rows += [
        (
            Cell(f"Highest stage reached: {STAGE_NAMES[stage]}"),
            Cell(str(n), numeric=True),
        )
        for stage, n in disputes["highest_stage"].items()
    ]
    rows += [
        (
            Cell("Median working days from raising to closing"),
            Cell("–" if median is None else str(median), numeric=True),
        ),
        (
            Cell("Formal challenges resolved within 20 working days"),
            Cell(
                f"{within.within} of {within.out_of} ({_pct(within.percent)})",
                numeric=True,
            ),
        ),
        (
            Cell("Referrals to Cafcass"),
            Cell(str(sum(disputes["cafcass"].values())), numeric=True),
        ),
    ]
    return Table(
        "disputes", "Challenges and disputes", ("Measure", "Number"), tuple(rows)
    )


def acknowledgements_table(period: Period, f: Filters) -> Table:
    rows = tuple(
        (
            Cell(row.team),
            Cell(str(row.good_practice), numeric=True),
            Cell(str(row.for_improvement), numeric=True),
        )
        for row in service.acknowledgements_by_team(period, f)
    )
    return Table(
        "acknowledgements",
        "Practice acknowledgements by team",
        ("Team", "Good practice", "Areas for improvement"),
        rows,
    )


def audits_table(period: Period, f: Filters) -> Table:
    grades = service.case_audits(period, f)
    labels = dict(CaseAudit.Grade.choices) | {"": "Not graded"}
    rows = tuple(
        (Cell(labels[g]), Cell(str(n), numeric=True)) for g, n in grades.items()
    )
    return Table("audits", "Case audits by grade", ("Grade", "Audits"), rows)


def contacts_table(period: Period, f: Filters) -> Table:
    labels = dict(ChildContact.How.choices)
    rows = tuple(
        (Cell(labels[how]), Cell(str(n), numeric=True))
        for how, n in service.contacts_by_kind(period, f).items()
    )
    return Table(
        "contacts",
        "IRO visits and contacts between reviews",
        ("How", "Contacts"),
        rows,
    )


# --- The whole dashboard ------------------------------------------------------------------


def service_dashboard(period: Period, f: Filters) -> dict:
    """Every table and chart of the service (or team) dashboard."""
    every_key = [key for _caption, keys in SECTIONS.values() for key in keys]
    counted = batch.figures([*every_key, *pn.CODE_PARTS], period, f)
    figures = {key: counted[key] for key in every_key}
    codes = pn.breakdown_of_figures(counted)
    sections = [
        measures_table(key, caption, {k: figures[k] for k in keys}, period, f)
        for key, (caption, keys) in SECTIONS.items()
    ]
    trends = [trend_table(key, figures[key], period, f) for key in TRENDS]
    disputes = service.disputes(period, f)
    tables = [
        participation_codes_table(codes),
        caseloads_table(period, f),
        concerns_table(period, f, disputes),
        disputes_table(period, f, disputes),
        acknowledgements_table(period, f),
        audits_table(period, f),
        contacts_table(period, f),
    ]
    return {
        "sections": sections,
        "trends": trends,
        "tables": tables,
        "figures": figures,
    }


def every_table(period: Period, f: Filters) -> dict[str, Table]:
    """Every table of the dashboard by key, for the CSV download."""
    built = service_dashboard(period, f)
    tables = {t.key: t for t in built["sections"] + built["tables"]}
    tables.update({t.key: t for t, _chart in built["trends"]})
    return tables


# --- Drill-down rows ----------------------------------------------------------------------


def _child(values, prefix="child__") -> Cell:
    name = f"{values[prefix + 'first_name']} {values[prefix + 'last_name']}"
    pk = values[prefix + "id"]
    return Cell(name, reverse("children:detail", args=[pk]), child_pk=pk)


def _date(value) -> Cell:
    return Cell("" if value is None else f"{value:%-d %b %Y}")


def _yes(value) -> Cell:
    return Cell("Yes" if value else "No")


CHILD = ["child__id", "child__first_name", "child__last_name", "child__child_id"]
KINDS = dict(Review.Kind.choices)
STATUSES = dict(Review.Status.choices)


def drilldown_table(key: str, rows, *, counted_label: str, caption: str) -> Table:
    """The rows behind a figure, as a table (one query)."""
    kind = "child" if key == "caseload" else MEASURES[key].rows_are
    builder = _BUILDERS[kind]
    headers, cells = builder(rows, counted_label)
    return Table(f"rows-{key}", caption, headers, tuple(cells))


def _reviews(rows, counted):
    fields = [
        "pk",
        *CHILD,
        "kind",
        "due_counted",
        "record_date",
        "status",
        "participation",
        "counted",
    ]
    headers = ("Child", "Child ID", "Review", "Due", "Held", "Status", "PN", counted)
    return headers, [
        (
            _child(v),
            Cell(v["child__child_id"]),
            Cell(
                KINDS.get(v["kind"], v["kind"]),
                reverse("reviews:detail", args=[v["pk"]]),
            ),
            _date(v["due_counted"]),
            _date(v["record_date"]),
            Cell(STATUSES.get(v["status"], v["status"])),
            Cell(v["participation"]),
            _yes(v["counted"]),
        )
        for v in rows.select_related(None).order_by("due_counted", "pk").values(*fields)
    ]


def _children(rows, counted):
    fields = ["id", "first_name", "last_name", "child_id"]
    has_flag = "counted" in rows.query.annotations
    headers = ("Child", "Child ID") + ((counted,) if has_flag else ())
    out = []
    for v in rows.order_by("last_name", "first_name", "pk").values(
        *fields, *(["counted"] if has_flag else [])
    ):
        cells = (_child(v, prefix=""), Cell(v["child_id"]))
        out.append(cells + ((_yes(v["counted"]),) if has_flag else ()))
    return headers, out


def _periods(rows, counted):
    fields = [*CHILD, "started_on", "counted"]
    return ("Child", "Child ID", "Looked after from", counted), [
        (
            _child(v),
            Cell(v["child__child_id"]),
            _date(v["started_on"]),
            _yes(v["counted"]),
        )
        for v in rows.order_by("started_on", "pk").values(*fields)
    ]


def _progress(rows, counted):
    prefix = "review__child__"
    fields = [f"{prefix}{f}" for f in ("id", "first_name", "last_name", "child_id")]
    fields += ["target_date", "done_on", "counted"]
    return ("Child", "Child ID", "Target date", "Done on", counted), [
        (
            _child(v, prefix=prefix),
            Cell(v[prefix + "child_id"]),
            _date(v["target_date"]),
            _date(v["done_on"]),
            _yes(v["counted"]),
        )
        for v in rows.order_by("target_date", "pk").values(*fields)
    ]


def _feedback(rows, counted):
    prefix = "review__child__"
    fields = [f"{prefix}{f}" for f in ("id", "first_name", "last_name", "child_id")]
    fields += ["respondent_role", "review__record_date", "counted"]
    from reviews.models import ParticipantRole

    roles = dict(ParticipantRole.choices)
    return ("Child", "Child ID", "Review held", "Who answered", counted), [
        (
            _child(v, prefix=prefix),
            Cell(v[prefix + "child_id"]),
            _date(v["review__record_date"]),
            Cell(roles.get(v["respondent_role"], v["respondent_role"])),
            _yes(v["counted"]),
        )
        for v in rows.order_by("review__record_date", "pk").values(*fields)
    ]


def _iros(rows, counted):
    return ("IRO", counted), [
        (
            Cell(f"{v['first_name']} {v['last_name']}".strip() or v["username"]),
            _yes(v["counted"]),
        )
        for v in rows.order_by("last_name", "first_name", "pk").values(
            "first_name", "last_name", "username", "counted"
        )
    ]


def _challenges(rows, counted):
    from disputes.models import Category

    categories = dict(Category.choices)
    fields = ["pk", *CHILD, "raised_on", "category", "counted"]
    return ("Child", "Child ID", "Raised on", "Category", counted), [
        (
            _child(v),
            Cell(v["child__child_id"]),
            Cell(
                f"{v['raised_on']:%-d %b %Y}",
                reverse("disputes:detail", args=[v["pk"]]),
            ),
            Cell(categories.get(v["category"], v["category"])),
            _yes(v["counted"]),
        )
        for v in rows.order_by("raised_on", "pk").values(*fields)
    ]


_BUILDERS = {
    "review": _reviews,
    "child": _children,
    "period": _periods,
    "progress": _progress,
    "feedback": _feedback,
    "iro": _iros,
    "challenge": _challenges,
}


CHILD_ID = "Child ID"


def as_csv_rows(table: Table) -> list[list[str]]:
    """The table's cells as text, with spreadsheet formulas neutralised.

    A table that names children carries their NHS number after the child ID, 3-3-4
    (docs/rules.md, ID-NHS): the download is what is matched with other services'
    records; the page itself leaves it out.
    """
    rows = [list(table.headers)] + [
        [neutralise(cell.text) for cell in row] for row in table.rows
    ]
    if CHILD_ID not in table.headers:
        return rows
    at = table.headers.index(CHILD_ID) + 1
    numbers = dict(
        Child.objects.filter(pk__in=table.child_pks).values_list("pk", "nhs_number")
    )
    rows[0].insert(at, "NHS number")
    for cells, row in zip(table.rows, rows[1:], strict=True):
        pk = next((cell.child_pk for cell in cells if cell.child_pk is not None), None)
        row.insert(at, format_nhs_number(numbers.get(pk) or ""))
    return rows
