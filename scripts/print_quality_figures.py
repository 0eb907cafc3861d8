#!/usr/bin/env python3
"""Print the proof harnesses' figures from test-results/proof-*.json.

The harnesses (tests/proof/, tests/browser/test_axe.py) write one file per harness and
database (and per pytest-xdist worker, when a run is split over two processes: each
file then counts that worker's share, and a last section adds them up); CI runs this after the test runs so that the figures are in its log:
pages walked, roles, requests, forms fuzzed and examples per form, axe pages checked
and violations. Exit status 1 if there are no figures at all (the harnesses did not run).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "test-results"
ORDER = [
    "url_walk",
    "csrf",
    "get_changes_nothing",
    "bad_input",
    "axe",
    "nu_html_checker_empty",
    "nu_html_checker_filled_error",
]
# Counts that are not a worker's share of the work, so are not added up: the size of a
# catalogue each worker has whole, a setting, or fields two workers may both have seen.
NOT_ADDED = {
    "hostile_fields",
    "max_examples_per_form",
    "fields_seen_escaped",
    "typed_values_seen_escaped",
    "rows_made_hostile",
    "roles",
}


def _details(harness: str, figures: dict) -> list[str]:
    if harness == "bad_input":
        return [
            f"    {form}: {count} examples, statuses {figures['statuses'].get(form, {})}"
            for form, count in figures.get("examples", {}).items()
        ]
    if harness == "axe":
        lines = [
            f"    {page}: {'; '.join(found)}"
            for page, found in figures.get("violations_by_page", {}).items()
        ]
        lines += [
            f"    skipped {page}: {why}"
            for page, why in figures.get("skipped", {}).items()
        ]
        lines += [
            f"    no error state for {page}: {why}"
            for page, why in figures.get("error_states_not_reached", {}).items()
        ]
        return lines
    return []


def _totals(loaded: list[tuple[str, str, dict]]) -> list[str]:
    """One line per harness and database split over workers: its counts added up."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for harness, database, figures in loaded:
        base = database.partition(".")[0]
        groups.setdefault((harness, base), []).append(figures)
    lines = []
    for (harness, base), parts in groups.items():
        if len(parts) < 2:
            continue
        sums: dict[str, int] = {}
        for figures in parts:
            for key, value in figures.items():
                if key in NOT_ADDED or isinstance(value, bool):
                    continue
                if isinstance(value, int):
                    sums[key] = sums.get(key, 0) + value
        counts = ", ".join(f"{key} {value}" for key, value in sorted(sums.items()))
        lines.append(f"  [{base}] {harness}, {len(parts)} workers together: {counts}")
    return lines


def main() -> int:
    files = sorted(RESULTS.glob("proof-*.json"))
    if not files:
        print(f"No proof harness figures in {RESULTS}: did the tests run?")
        return 1
    loaded = []
    for path in files:
        harness, _, database = path.stem.removeprefix("proof-").partition(".")
        loaded.append((harness, database, json.loads(path.read_text())))
    loaded.sort(
        key=lambda item: (
            ORDER.index(item[0]) if item[0] in ORDER else len(ORDER),
            item[1],
        )
    )
    print("Proof harness figures")
    for harness, database, figures in loaded:
        print(f"  [{database}] {harness}: {figures.get('summary', '(no summary)')}")
        for line in _details(harness, figures):
            print(line)
    totals = _totals(loaded)
    if totals:
        print("Totals over the workers of a split run")
        print("\n".join(totals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
