"""The IRO service: caseloads, feedback, IRO contact between reviews, challenges and
quality of practice (docs/rules.md, Measures). Pure read-only queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import Role, Team, User
from children.models import Child, PeriodOfCare
from disputes import reports as disputes_reports
from disputes.models import (
    CaseAudit,
    Challenge,
    PracticeAcknowledgement,
    PracticeObservation,
)
from iro.models import IroAllocation
from reporting.queries.base import (
    Figure,
    Filters,
    Period,
    figure,
    flagged,
    latest_birth_date_for_age,
    narrow,
)
from reporting.queries.timeliness import held_rows
from reviews.models import ChildContact, FeedbackResponse

# IRO Handbook guide: 50 to 70 looked-after children per full-time IRO.
CASELOAD_LOW, CASELOAD_HIGH = 50, 70


# --- Caseloads (IROH) ----------------------------------------------------------------


def caseload_date(period: Period, f: Filters) -> date:
    """Caseloads are counted on the period's last day, or today if that is later."""
    return min(period.end, f.today)


def caseload_rows(day: date, f: Filters) -> tuple[QuerySet, Q]:
    """The IRO allocations current on `day` of children looked after on `day` (not
    short breaks), and which of them are of someone 18 or over (shown apart, not
    counted)."""
    looked_after = PeriodOfCare.objects.filter(
        child=OuterRef("child"), started_on__lte=day, short_breaks=False
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    rows = (
        IroAllocation.objects.filter(started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .filter(Exists(looked_after))
    )
    if f.scope is not None:
        rows = rows.filter(child__in=f.scope)
    if f.team is not None:
        rows = rows.filter(child__team_id=f.team)
    if f.iro is not None:
        rows = rows.filter(iro_id=f.iro)
    return rows, Q(child__date_of_birth__lte=latest_birth_date_for_age(day, 18))


@dataclass(frozen=True)
class CaseloadRow:
    iro: User
    children: int
    post18: int
    fte: Decimal

    @property
    def per_fte(self) -> Decimal:
        return (Decimal(self.children) / self.fte).quantize(Decimal("0.1"))

    @property
    def rag(self) -> str:
        """Red above 70; green 50 to 70; "below range" (information only) under 50."""
        if self.per_fte > CASELOAD_HIGH:
            return "red"
        if self.per_fte < CASELOAD_LOW:
            return "below"
        return "green"

    @property
    def rag_label(self) -> str:
        return {"red": "Above 70", "green": "Within 50 to 70", "below": "Below 50"}[
            self.rag
        ]


@dataclass(frozen=True)
class Caseloads:
    on: date
    rows: tuple[CaseloadRow, ...]

    @property
    def children(self) -> int:
        return sum(r.children for r in self.rows)

    @property
    def fte(self) -> Decimal:
        return sum((r.fte for r in self.rows), Decimal(0))

    @property
    def average(self) -> Decimal | None:
        """Service average: looked-after children per full-time IRO."""
        if not self.fte:
            return None
        return (Decimal(self.children) / self.fte).quantize(Decimal("0.1"))


def caseloads(period: Period, f: Filters) -> Caseloads:
    """Every active IRO's caseload on the caseload date, per FTE, with its RAG (two
    queries: the counts, under 18 and 18 or over in one pass, and the IROs)."""
    day = caseload_date(period, f)
    rows, adult = caseload_rows(day, f)
    counts, post18 = {}, {}
    for iro, children, adults in (
        rows.order_by()
        .values_list("iro")
        .annotate(
            children=Count("child", distinct=True, filter=~adult),
            adults=Count("child", distinct=True, filter=adult),
        )
    ):
        if children:
            counts[iro] = children
        if adults:
            post18[iro] = adults
    iros = (
        User.objects.filter(
            Q(is_active=True, groups__name=Role.IRO) | Q(pk__in=list(counts))
        )
        .distinct()
        .only("first_name", "last_name", "username", "fte")  # the name and the FTE
    )
    if f.iro is not None:
        iros = iros.filter(pk=f.iro)
    rows = tuple(
        CaseloadRow(
            iro, counts.get(iro.pk, 0), post18.get(iro.pk, 0), iro.fte or Decimal("1")
        )
        for iro in iros.order_by("last_name", "first_name", "pk")
    )
    return Caseloads(day, rows)


def caseload_children(period: Period, f: Filters) -> QuerySet[Child]:
    """The children counted in the caseloads (the drill-down)."""
    rows, adult = caseload_rows(caseload_date(period, f), f)
    return Child.objects.filter(pk__in=rows.exclude(adult).values("child"))


# --- Feedback (S-GLO) --------------------------------------------------------------------


def feedback_rows(period: Period, f: Filters) -> QuerySet[FeedbackResponse]:
    """Feedback on reviews held in the period that answered "were you satisfied?"."""
    rows = FeedbackResponse.objects.filter(
        review__record_date__gte=period.start,
        review__record_date__lte=period.end,
        satisfied__isnull=False,
    )
    return narrow(rows, f, child="review__child", day="review__record_date")


def feedback_satisfied(period: Period, f: Filters) -> Figure:
    """Everyone who gave feedback: satisfied with the review."""
    return figure("feedback", feedback_rows(period, f), Q(satisfied=True))


def feedback_children_satisfied(period: Period, f: Filters) -> Figure:
    """Children and young people who gave feedback: satisfied with their review."""
    rows = feedback_rows(period, f).filter(respondent_role="child")
    return figure("feedback_children", rows, Q(satisfied=True))


# --- IRO contact between reviews -----------------------------------------------------------


def contacts_between_reviews(period: Period, f: Filters) -> Figure:
    """Children with a review held in the period whom their IRO visited or contacted
    between reviews (a contact not tied to a review) during the period."""
    between = ChildContact.objects.filter(
        review__isnull=True, on__gte=period.start, on__lte=period.end
    )
    reviewed = held_rows(period, f).order_by().values("child")
    rows = Child.objects.filter(pk__in=reviewed)
    counted = Q(pk__in=between.values("child"))
    # Counted over the reviewed children's ids, each once, rather than by looking up
    # every child in them: 100 ms to 41 ms for a year nationally.
    totals = reviewed.distinct().aggregate(
        numerator=Count("child", filter=Q(child__in=between.values("child"))),
        denominator=Count("child"),
    )
    return Figure(
        "contacts", totals["numerator"], totals["denominator"], flagged(rows, counted)
    )


def contacts_by_kind(period: Period, f: Filters) -> dict[str, int]:
    """IRO visits and other contacts between reviews in the period, by kind."""
    rows = ChildContact.objects.filter(
        review__isnull=True, on__gte=period.start, on__lte=period.end
    )
    rows = narrow(rows, f, day="on")
    found = dict(rows.order_by().values_list("how").annotate(n=Count("pk")))
    return {how: found.get(how, 0) for how in ChildContact.How.values}


# --- Challenges and disputes (disputes.reports, S-GLO) --------------------------------------


def challenge_scope(f: Filters, challenges: QuerySet | None = None) -> QuerySet:
    """The challenges the figures count: the reader's, the team's when raised, the IRO's."""
    rows = challenges if challenges is not None else Challenge.objects.all()
    if f.scope is not None:
        rows = rows.filter(child__in=f.scope)
    if f.team is not None:
        rows = rows.filter(team_at_time_id=f.team)
    if f.iro is not None:
        rows = rows.filter(raised_by_id=f.iro)
    return rows


def challenges_raised(period: Period, f: Filters, challenges=None) -> Figure:
    """Challenges raised in the period, and how many went formal."""
    rows = challenge_scope(f, challenges).filter(
        raised_on__gte=period.start, raised_on__lte=period.end
    )
    return figure("challenges", rows, Q(level=Challenge.Level.FORMAL))


def disputes(period: Period, f: Filters, challenges=None):
    """Everything disputes.reports says about the period, for the same scope."""
    scoped = challenge_scope(f, challenges)
    reviews = held_rows(Period(period.start, period.end), f)
    return {
        "concerns": disputes_reports.concerns_by_team_and_category(
            period.start, period.end, challenges=scoped, reviews=reviews
        ),
        "levels": disputes_reports.informal_and_formal(
            period.start, period.end, challenges=scoped
        ),
        "highest_stage": disputes_reports.highest_stage_reached(
            period.start, period.end, challenges=scoped
        ),
        "median_working_days": disputes_reports.median_working_days_to_resolution(
            period.start, period.end, challenges=scoped
        ),
        "formal_within_20": disputes_reports.formal_resolved_within_20_working_days(
            period.start, period.end, today=f.today, challenges=scoped
        ),
        "cafcass": disputes_reports.cafcass_referrals(
            period.start, period.end, challenges=scoped
        ),
    }


# --- Quality of practice (S-DUD) ------------------------------------------------------------


@dataclass(frozen=True)
class AcknowledgementRow:
    team: str
    good_practice: int
    for_improvement: int


def acknowledgements_by_team(period: Period, f: Filters) -> list[AcknowledgementRow]:
    """Practice acknowledgements recorded in the period, by team and kind (S-WOR)."""
    rows = PracticeAcknowledgement.objects.filter(
        recorded_on__gte=period.start, recorded_on__lte=period.end
    )
    if f.scope is not None:
        rows = rows.filter(child__in=f.scope)
    if f.team is not None:
        rows = rows.filter(team_id=f.team)
    if f.iro is not None:
        rows = rows.filter(recorded_by_id=f.iro)
    counts: dict[int | None, dict[str, int]] = {}
    for team, kind, n in (
        rows.order_by().values_list("team", "kind").annotate(n=Count("pk"))
    ):
        counts.setdefault(team, {})[kind] = n
    names = dict(
        Team.objects.filter(pk__in=[t for t in counts if t]).values_list("pk", "name")
    )
    K = PracticeAcknowledgement.Kind
    return [
        AcknowledgementRow(
            names.get(team, disputes_reports.NO_TEAM),
            kinds.get(K.GOOD_PRACTICE, 0),
            kinds.get(K.AREA_FOR_IMPROVEMENT, 0),
        )
        for team, kinds in sorted(
            counts.items(), key=lambda item: (item[0] is None, names.get(item[0], ""))
        )
    ]


def iros_observed(period: Period, f: Filters) -> Figure:
    """Active IROs observed chairing a review at least once in the period (S-DUD)."""
    observed = PracticeObservation.objects.filter(
        iro=OuterRef("pk"), observed_on__gte=period.start, observed_on__lte=period.end
    )
    rows = User.objects.filter(is_active=True, groups__name=Role.IRO).annotate(
        observed=Exists(observed)
    )
    if f.iro is not None:
        rows = rows.filter(pk=f.iro)
    return figure("observed", rows, Q(observed=True))


def case_audits(period: Period, f: Filters) -> dict[str, int]:
    """Case audits in the period by grade ("" for ungraded)."""
    rows = CaseAudit.objects.filter(
        audited_on__gte=period.start, audited_on__lte=period.end
    )
    if f.scope is not None:
        rows = rows.filter(child__in=f.scope)
    if f.team is not None:
        rows = rows.filter(child__team_id=f.team)
    if f.iro is not None:
        rows = rows.filter(iro_id=f.iro)
    found = dict(rows.order_by().values_list("grade").annotate(n=Count("pk")))
    result = {grade: found.get(grade, 0) for grade in CaseAudit.Grade.values}
    result[""] = found.get("", 0)
    return result
