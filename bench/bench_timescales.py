"""Benchmark next_review_due against a naive day-by-day version.

Run: python -m bench.bench_timescales [--children 120000] [--seed 2025] [--runs 5]

Both versions get the same deterministic histories; every child's date and track
must agree. The naive version loops day by day over a per-year holiday dict and adds
months with a fresh relativedelta (R1, R2 and R4 of docs/rules.md, written the slow way).
"""

import argparse
import platform
import random
import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays
from dateutil.relativedelta import relativedelta

from reviews.timescales import add_working_days, next_review_due

FIRST_START, LAST_START = date(2015, 1, 1), date(2026, 12, 31)
HORIZON = date(2026, 12, 31)  # no review is recorded after this day


@dataclass(frozen=True, slots=True)
class History:
    looked_after_on: date
    reviews_held: tuple[date, ...]
    authority_to_place_on: date | None = None
    placed_for_adoption_on: date | None = None
    placement_ended_on: date | None = None


def _reviews(rng: random.Random, start: date, count: int) -> list[date]:
    """Review dates near the statutory rhythm: some early, some late."""
    reviews, day = [], start
    for number in range(count):
        if number == 0:
            day += timedelta(days=rng.randint(7, 32))
        elif number == 1:
            day += timedelta(days=rng.randint(60, 98))
        else:
            day += timedelta(days=rng.randint(100, 190))
        if day > HORIZON:
            break
        reviews.append(day)
    return reviews


def generate(children: int, seed: int) -> list[History]:
    """Return `children` deterministic periods of care starting 2015-2026."""
    rng = random.Random(seed)
    span = (LAST_START - FIRST_START).days
    histories = []
    for _ in range(children):
        start = FIRST_START + timedelta(days=rng.randrange(span + 1))
        reviews = _reviews(rng, start, rng.randint(0, 20))
        authority = placed = ended = None
        draw = rng.random()
        if draw < 0.03:  # ~3% authorised, half of them (~1.5%) placed
            authority = start + timedelta(days=rng.randint(60, 900))
            if draw < 0.015:
                placed = authority + timedelta(days=rng.randint(20, 400))
                if draw < 0.003:  # about 1 placement in 5 disrupted
                    ended = placed + timedelta(days=rng.randint(7, 300))
        histories.append(History(start, tuple(reviews), authority, placed, ended))
    return histories


# Naive version: day by day, plus the track precedence (docs/rules.md, P1-P4).


@cache
def _eng(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def naive_is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in _eng(d.year)


def naive_add_working_days(event: date, n: int) -> date:
    d, k = event, 0
    while k < n:
        d += timedelta(days=1)
        if naive_is_working_day(d):
            k += 1
    return d


def naive_add_months(d: date, m: int) -> date:
    return d + relativedelta(months=m)


def naive_cla_track_due(start: date, held: tuple[date, ...]) -> date:
    if not held:
        return naive_add_working_days(start, 20)
    return naive_add_months(max(held), 3 if len(held) == 1 else 6)


def naive_next_review_due(h: History) -> tuple[date, str]:
    if h.placed_for_adoption_on is not None and h.placement_ended_on is None:
        since = [r for r in h.reviews_held if r >= h.placed_for_adoption_on]
        if not since:
            return h.placed_for_adoption_on + timedelta(days=28), "adoption_placed"
        months = 3 if len(since) == 1 else 6
        return naive_add_months(max(since), months), "adoption_placed"
    cla = naive_cla_track_due(h.looked_after_on, h.reviews_held)
    if h.authority_to_place_on is None or h.placed_for_adoption_on is not None:
        return cla, "cla"
    since = [r for r in h.reviews_held if r >= h.authority_to_place_on]
    if since:
        authorised = naive_add_months(max(since), 6)
    else:
        authorised = naive_add_months(h.authority_to_place_on, 3)
    return (authorised, "adoption_authorised") if authorised <= cla else (cla, "cla")


def run_engine(histories: list[History]) -> list[tuple[date, str]]:
    results = []
    for h in histories:
        due = next_review_due(
            h.looked_after_on,
            h.reviews_held,
            authority_to_place_on=h.authority_to_place_on,
            placed_for_adoption_on=h.placed_for_adoption_on,
            placement_ended_on=h.placement_ended_on,
        )
        results.append((due.date, due.track))
    return results


def run_naive(histories: list[History]) -> list[tuple[date, str]]:
    return [naive_next_review_due(h) for h in histories]


def ratio(slow: list[float], fast: list[float]) -> float:
    return statistics.median(slow) / statistics.median(fast)


def first_reviews(histories: list[History]) -> list[date]:
    return [add_working_days(h.looked_after_on, 20) for h in histories]


def naive_first_reviews(histories: list[History]) -> list[date]:
    return [naive_add_working_days(h.looked_after_on, 20) for h in histories]


def timed(function, histories: list[History]) -> tuple[float, list[tuple[date, str]]]:
    started = time.perf_counter()
    results = function(histories)
    return time.perf_counter() - started, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=120_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive-runs", type=int, default=3)
    args = parser.parse_args()

    histories = generate(args.children, args.seed)
    reviews = sum(len(h.reviews_held) for h in histories)
    authorised = sum(h.authority_to_place_on is not None for h in histories)
    placed = sum(h.placed_for_adoption_on is not None for h in histories)
    disrupted = sum(h.placement_ended_on is not None for h in histories)
    print(f"Python {platform.python_version()} on {platform.machine()}, one process")
    print(
        f"{len(histories):,} children, {reviews:,} reviews held; {authorised:,} "
        f"authorised, {placed:,} placed for adoption, {disrupted:,} disrupted"
    )

    cold, engine = timed(run_engine, histories)  # builds the index and caches
    warm = [timed(run_engine, histories)[0] for _ in range(args.runs)]
    naive_times, naive = [], []
    for _ in range(args.naive_runs):
        elapsed, naive = timed(run_naive, histories)
        naive_times.append(elapsed)

    mismatches = sum(a != b for a, b in zip(engine, naive, strict=True))
    per_child = statistics.median(warm) / len(histories) * 1e6
    print(f"engine, first run (cold index and caches): {cold:.3f} s")
    print(
        f"engine, median of {args.runs} runs: {statistics.median(warm):.3f} s "
        f"(min {min(warm):.3f} s, {per_child:.2f} us per child)"
    )
    print(
        f"naive day-by-day, median of {args.naive_runs} runs: "
        f"{statistics.median(naive_times):.3f} s (all children, no extrapolation)"
    )
    print(f"speed-up (naive median / engine median): {ratio(naive_times, warm):.1f}x")
    print(
        f"speed-up against the engine's cold run: {statistics.median(naive_times) / cold:.1f}x"
    )
    print(f"agreement: {len(histories) - mismatches:,} of {len(histories):,} children")
    if mismatches:
        raise SystemExit(f"{mismatches} children differ between engine and naive")

    fast = [timed(first_reviews, histories) for _ in range(args.runs)]
    slow = [timed(naive_first_reviews, histories) for _ in range(args.naive_runs)]
    if fast[0][1] != slow[0][1]:
        raise SystemExit("first-review dates differ between engine and naive")
    fast_times, slow_times = [t for t, _ in fast], [t for t, _ in slow]
    print(
        f"20 working days on from every start date: index "
        f"{statistics.median(fast_times):.3f} s, day-by-day "
        f"{statistics.median(slow_times):.3f} s ({ratio(slow_times, fast_times):.1f}x)"
    )


if __name__ == "__main__":
    main()
