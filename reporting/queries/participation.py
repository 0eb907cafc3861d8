"""The child's voice: participation (PN codes), young people chairing, the child's
asks honoured (PN0-PN7, D-PN; docs/rules.md, Measures). Pure read-only queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Lower, Trim

from documents.delivery import REALLY_SENT
from documents.models import Distribution
from reporting.queries.base import (
    Figure,
    Filters,
    Part,
    Period,
    date_map,
    latest_birth_date_for_age,
    percent,
)
from reporting.queries.timeliness import HELD_HERE, held_figure, held_rows
from reviews import timescales
from reviews.models import (
    ChildContact,
    Invitation,
    RecordSection,
    Review,
)

P = Review.Participation
COUNTED_CODES = [P.PN1, P.PN2, P.PN3, P.PN4, P.PN5, P.PN6, P.PN7]  # PN0 excluded (D-PN)
CODES = {
    "participation": [P.PN1, P.PN2, P.PN3, P.PN4, P.PN5, P.PN6],
    "views_conveyed": [P.PN1, P.PN2, P.PN3, P.PN5, P.PN6],  # not PN4
    "attendance": [P.PN1, P.PN2, P.PN3, P.PN4],
    "no_participation": [P.PN7],
}


PN_PARTS = {
    key: Part(
        counted=Q(participation__in=codes),
        population=lambda period, f: Q(participation__in=COUNTED_CODES),
    )
    for key, codes in CODES.items()
}


def _pn(key: str, period: Period, f: Filters) -> Figure:
    return held_figure(key, PN_PARTS[key], period, f)


def participation(period: Period, f: Filters) -> Figure:
    """The headline (D-PN): PN1–PN6 over PN1–PN7."""
    return _pn("participation", period, f)


def views_conveyed(period: Period, f: Filters) -> Figure:
    """PN1, PN2, PN3, PN5, PN6 over PN1–PN7 (attendance without contribution left out)."""
    return _pn("views_conveyed", period, f)


def physical_attendance(period: Period, f: Filters) -> Figure:
    """PN1–PN4 over PN1–PN7."""
    return _pn("attendance", period, f)


def no_participation(period: Period, f: Filters) -> Figure:
    """PN7 over PN1–PN7."""
    return _pn("no_participation", period, f)


@dataclass(frozen=True)
class Breakdown:
    counts: dict[str, int]  # every code PN0–PN7, and "" for not recorded
    counted: int  # PN1–PN7

    def rows(self):
        for code in P:
            share = None
            if code != P.PN0 and self.counted:
                share = percent(self.counts[code], self.counted)
            yield code, self.counts[code], share


EVERY_CODE = [*P.values, ""]  # "": not recorded


def breakdown_of(found: dict[str, int]) -> Breakdown:
    """The breakdown from each code's count (a code not found: none)."""
    counts = {code: found.get(code, 0) for code in EVERY_CODE}
    return Breakdown(counts, sum(counts[c] for c in COUNTED_CODES))


def participation_breakdown(period: Period, f: Filters) -> Breakdown:
    """How many reviews held in the period had each PN code (one grouped query)."""
    return breakdown_of(
        dict(
            held_rows(period, f)
            .order_by()
            .values_list("participation")
            .annotate(n=Count("pk"))
        )
    )


# Each code among the reviews held, as a Part: the dashboard counts them with its
# other measures of reviews held, in one grouped query (reporting.queries.batch).
CODE_PARTS = {
    f"code_{code}": Part(counted=Q(participation=code)) for code in EVERY_CODE
}


def breakdown_of_figures(figures: dict[str, Figure]) -> Breakdown:
    """The breakdown from batched figures that include CODE_PARTS."""
    return breakdown_of(
        {code: figures[f"code_{code}"].numerator for code in EVERY_CODE}
    )


# --- Young people chairing (S-GLO) -----------------------------------------------------

CHAIRED = Q(chaired_by__in=[Review.Chair.CHILD, Review.Chair.CO_CHAIRED])
CHAIRING_AGE = 11  # "over 11" read as 11 or older (S-GLO)


CHAIRED_PARTS = {
    "chaired": Part(
        counted=CHAIRED,
        population=lambda period, f: (
            HELD_HERE & Q(child__date_of_birth__lte=F("born_by"))
        ),
        annotations=lambda period, f: {
            "born_by": date_map(
                "record_date",
                period.days(),
                lambda d: latest_birth_date_for_age(d, CHAIRING_AGE),
            )
        },
    ),
    "chaired_all": Part(counted=CHAIRED, population=lambda period, f: HELD_HERE),
}


def young_person_chaired(period: Period, f: Filters) -> Figure:
    """Reviews held in the period chaired or co-chaired by the young person, over the
    reviews of young people aged 11 or over on the record date."""
    return held_figure("chaired", CHAIRED_PARTS["chaired"], period, f)


def young_person_chaired_count(period: Period, f: Filters) -> Figure:
    """Every review held in the period chaired or co-chaired by the child (any age)."""
    return held_figure("chaired_all", CHAIRED_PARTS["chaired_all"], period, f)


# --- The child's asks honoured (reviews.asks) -------------------------------------------
#
# The same rules as reviews.asks.asks_for, written as SQL so that a year's reviews are
# counted in one query; tests check that both agree review by review.


def _blank(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{field: ""})


def _ask_conditions(today: date) -> list[tuple[Q, Q, Q | Exists]]:
    """Each ask as (asked, answerable, met) on `today`, in asks_for's order, over the
    columns _asks annotates."""
    contacts = ChildContact.objects.filter(review=OuterRef("pk"))
    to_child = Distribution.objects.filter(
        REALLY_SENT, review=OuterRef("pk"), invitee__role="child"
    )
    c = "choices__"
    return [
        # (asked, answerable, met)
        (
            Q(**{f"{c}wants_to_meet_iro_before": True}),
            Q(),
            Exists(contacts.filter(on__lte=OuterRef("record_date"))),
        ),
        (
            Q(**{f"{c}wants_to_speak_alone": True}),
            Q(),
            Exists(contacts.filter(alone="yes")),
        ),
        (
            ~Q(wanted_out=""),
            Q(),
            ~Exists(
                Invitation.objects.filter(
                    review=OuterRef("pk"), invitee__child_does_not_want=True
                )
            ),
        ),
        (
            ~Q(venue_asked=""),
            ~Q(venue=""),
            Q(venue_held__contains=F("venue_asked"))
            | Q(venue_asked__contains=F("venue_held")),
        ),
        (
            Q(**{f"{c}format__in": ["face_to_face", "online"]}),
            ~Q(format=""),
            Q(
                **{
                    f"{c}format": "face_to_face",
                    "format__in": ["face_to_face", "hybrid"],
                }
            )
            | Q(**{f"{c}format": "online", "format__in": ["online", "hybrid"]}),
        ),
        (
            Q(**{f"{c}wants_to_chair__in": ["chair", "co_chair"]}),
            ~Q(chaired_by=""),
            CHAIRED,
        ),
        (
            ~Q(topics_asked="") | ~Q(achievements_asked=""),
            Q(),
            Exists(
                RecordSection.objects.filter(
                    record__review=OuterRef("pk"), key="going_well"
                ).exclude(text="")
            ),
        ),
        (
            Q(**{f"{c}wants_copy_of_record": True}),
            # Known once the child's copy is really sent (D-SENT) or the record's
            # deadline has passed; a copy only made, queued, failing or printed is
            # not sent.
            Exists(to_child) | Q(copy_due__lt=today),
            Exists(to_child),
        ),
        (
            Q(**{f"{c}wants_explanation_after": True}),
            Q(),
            Exists(contacts.filter(on__gt=OuterRef("record_date"))),
        ),
    ]


def _asks(rows: QuerySet[Review], period: Period, f: Filters) -> QuerySet[Review]:
    """Annotate each review with how many asks it had a known answer to, and how many
    were met (an ask not yet answerable is left out, as in asks_for's None)."""
    c = "choices__"
    asks = _ask_conditions(f.today)
    rows = rows.annotate(
        copy_due=date_map(
            "record_date",
            period.days(),
            lambda d: timescales.record_distributed_due(d).date,
        ),
        wanted_out=Trim(f"{c}who_not_to_invite"),
        venue_asked=Lower(Trim(f"{c}venue")),
        venue_held=Lower(Trim("venue")),
        topics_asked=Trim(f"{c}topics_to_discuss"),
        achievements_asked=Trim(f"{c}achievements"),
    )
    for n, (asked, answerable, met) in enumerate(asks):
        rows = rows.annotate(
            **{
                f"ask{n}": _one(asked & answerable),
                f"met{n}": _one(asked & answerable & met),
            }
        )
    total = sum((F(f"ask{n}") for n in range(1, len(asks))), F("ask0"))
    met = sum((F(f"met{n}") for n in range(1, len(asks))), F("met0"))
    return rows.annotate(asks_known=total, asks_met=met)


def _one(condition) -> Case:
    return Case(
        When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()
    )


def asks_rows(period: Period, f: Filters) -> QuerySet[Review]:
    """Reviews held in the period whose Review Choices were captured (not N/A)."""
    rows = held_rows(period, f).filter(
        imported=False, choices__isnull=False, choices__not_applicable_reason=""
    )
    return _asks(rows, period, f).filter(asks_known__gt=0)


@dataclass(frozen=True, eq=False)
class AsksFigure(Figure):
    reviews: int = 0


def asks_honoured(period: Period, f: Filters) -> AsksFigure:
    """The child's asks with a known answer in reviews held in the period, and how many
    were met. The rows are the reviews; their asks are counted, not the reviews."""
    rows = asks_rows(period, f)
    totals = rows.order_by().aggregate(
        n=Sum("asks_met"), d=Sum("asks_known"), reviews=Count("pk")
    )
    flagged = rows.annotate(
        counted=Case(
            When(asks_met=F("asks_known"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    return AsksFigure(
        "asks", totals["n"] or 0, totals["d"] or 0, flagged, reviews=totals["reviews"]
    )
