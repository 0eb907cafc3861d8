"""The annual report for a financial year, with the year before beside each figure
(docs/rules.md, Measures; S-GLO, S-WOR). Read-only: every number comes from the queries the
dashboards use, so the report and the dashboards cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass

from disputes.models import CaseAudit
from reporting.queries import batch, service
from reporting.queries import participation as pn
from reporting.queries.base import Figure, Filters, Period
from reporting.queries.measures import MEASURES

TIMELINESS = ["t1", "t2", "t4", "t5", "t6_record"]
COMPARED = [
    "t1",
    "t2",
    "t4",
    "t5",
    "t6_record",
    "participation",
    "views_conveyed",
    "attendance",
    "chaired",
    "asks",
    "contacts",
    "feedback",
    "feedback_children",
    "observed",
]


@dataclass(frozen=True)
class Compared:
    """A figure this year and the same figure the year before."""

    key: str
    title: str
    this_year: Figure
    last_year: Figure

    @property
    def change(self) -> int | None:
        if self.this_year.whole_percent is None or self.last_year.whole_percent is None:
            return None
        return self.this_year.whole_percent - self.last_year.whole_percent


@dataclass(frozen=True)
class AnnualReport:
    period: Period
    year_before: Period
    figures: dict[str, Compared]
    codes: pn.Breakdown
    chaired_count: tuple[int, int]  # this year, last year (any age)
    caseloads: service.Caseloads
    caseloads_before: service.Caseloads
    disputes: dict
    disputes_before: dict
    acknowledgements: list
    audits: dict[str, int]
    audits_before: dict[str, int]

    @property
    def timeliness(self) -> list[Compared]:
        return [self.figures[k] for k in TIMELINESS]

    @property
    def audit_rows(self) -> list[tuple[str, int, int]]:
        labels = dict(CaseAudit.Grade.choices) | {"": "Not graded"}
        return [
            (labels[g], n, self.audits_before.get(g, 0)) for g, n in self.audits.items()
        ]

    @property
    def audit_total(self) -> tuple[int, int]:
        return sum(self.audits.values()), sum(self.audits_before.values())


def annual_report(period: Period, f: Filters) -> AnnualReport:
    """Everything the annual report says, for the year and the year before."""
    before = period.year_before()
    keys = [*COMPARED, "chaired_all"]
    this_year, year_before = (
        batch.figures([*keys, *pn.CODE_PARTS], period, f),
        batch.figures(keys, before, f),
    )
    figures = {
        key: Compared(key, MEASURES[key].title, this_year[key], year_before[key])
        for key in COMPARED
    }
    return AnnualReport(
        period=period,
        year_before=before,
        figures=figures,
        codes=pn.breakdown_of_figures(this_year),
        chaired_count=(
            this_year["chaired_all"].numerator,
            year_before["chaired_all"].numerator,
        ),
        caseloads=service.caseloads(period, f),
        caseloads_before=service.caseloads(before, f),
        disputes=service.disputes(period, f),
        disputes_before=service.disputes(before, f),
        acknowledgements=service.acknowledgements_by_team(period, f),
        audits=service.case_audits(period, f),
        audits_before=service.case_audits(before, f),
    )
