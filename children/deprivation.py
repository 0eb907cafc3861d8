"""Deprivation of liberty orders: the checks on their dates and on the child's placement
while one is in force (docs/rules.md, DOL-1 to DOL-8).

A pure module (the standard library and the 903 code lists only): the services, the
child's page and the SSDA903 export give it plain values and show what it says. The
SSDA903 validator (csc-validator-be-903 0.1.17) states rules 705 to 710 for the DoLO
table; 706, 709 and 710 cannot run there (706 needs last year's file; 709 and 710 read a
`PLACEMENT` column the Episodes file calls `PLACE`), so the service checks them itself,
here, as the validator's source states them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from children import codes_903

# 903 rule 709: during an order every placement is one of these.
EXPECTED_PLACEMENTS = frozenset(
    {codes_903.Placement.K2, codes_903.Placement.Z12, codes_903.Placement.Z13}
)
# 903 rule 710: and never one of these (a secure children's home, with parents, a young
# offender institution, supported accommodation).
REFUSED_PLACEMENTS = frozenset(
    {
        codes_903.Placement.K1,
        codes_903.Placement.P1,
        codes_903.Placement.R5,
        codes_903.Placement.K3,
    }
)


def long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True)
class Span:
    """Something with a start and an optional end: an order, an episode, a period."""

    started_on: date
    ended_on: date | None = None
    code: str = ""  # an episode's PLACE; an order's key, for messages

    def overlaps(self, other: Span) -> bool:
        """DOL-2 (903 rule 705): two orders overlap unless one ends on or before the
        day the other starts; an open order runs on."""
        return (other.ended_on is None or self.started_on < other.ended_on) and (
            self.ended_on is None or other.started_on < self.ended_on
        )

    def touches(self, episode: Span) -> bool:
        """903 rules 709 and 710: an episode overlaps an order when the order starts
        on or before the episode ends (or the episode is open) and ends on or after it
        starts (or is still open)."""
        return (episode.ended_on is None or self.started_on <= episode.ended_on) and (
            self.ended_on is None or self.ended_on >= episode.started_on
        )


def overlapping(order: Span, others: Iterable[Span]) -> Span | None:
    """DOL-2: the first of the child's other orders this one overlaps."""
    return next((other for other in others if order.overlaps(other)), None)


def overlap_message(other: Span) -> str:
    until = f"to {long_date(other.ended_on)}" if other.ended_on else "and still open"
    return (
        "The child already has a deprivation of liberty order from "
        f"{long_date(other.started_on)} {until}: orders for the same child must not "
        "overlap (an order may start on the day the last one ended)"
    )


def period_for(order: Span, periods: Sequence[Span]) -> Span | None:
    """DOL-3 (903 rule 707): the period of care the order started in."""
    for period in periods:
        if period.started_on <= order.started_on and (
            period.ended_on is None or order.started_on <= period.ended_on
        ):
            return period
    return None


def placement_problems(order: Span, episodes: Iterable[Span]) -> list[str]:
    """DOL-5 (903 rules 709 and 710): each episode during the order whose placement is
    not what the rules expect, said so that the social worker can check it."""
    found = []
    for episode in episodes:
        if not order.touches(episode):
            continue
        since = f"the placement from {long_date(episode.started_on)} ({episode.code})"
        if episode.code in REFUSED_PLACEMENTS:
            found.append(
                f"During the order, {since} is a secure children's home, a placement "
                "with parents, a young offender institution or supported accommodation: "
                "the SSDA903 return refuses this (rule 710)"
            )
        elif episode.code not in EXPECTED_PLACEMENTS:
            found.append(
                f"During the order, {since} is expected to be a children's home (K2) or "
                "another placement (Z12 or Z13) (SSDA903 rule 709)"
            )
    return found


def open_after_care(order: Span, period: Span | None) -> bool:
    """DOL-4: the order is still open though the period of care it started in ended."""
    return order.ended_on is None and period is not None and period.ended_on is not None


def ends_after_care(order: Span, period: Span | None) -> bool:
    """DOL-3 (903 rule 707): the order ended after the period of care ended."""
    return (
        order.ended_on is not None
        and period is not None
        and period.ended_on is not None
        and order.ended_on > period.ended_on
    )


def carried_over_problems(
    last_year: Iterable[tuple[str, date, date | None]],
    this_year: Iterable[tuple[str, date, date | None]],
) -> list[str]:
    """DOL-7 (903 rule 706): every order open at the end of last year's return is in
    this year's, with the same start. Rows are (CHILD, DOLO_START, DOLO_END)."""
    starts = {(child, start) for child, start, _ in this_year}
    return [
        f"Child {child}: the order from {long_date(start)} was open in last year's "
        "return but this year's has no order with that start (SSDA903 rule 706)"
        for child, start, end in last_year
        if end is None and (child, start) not in starts
    ]
