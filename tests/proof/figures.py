"""The figures each proof harness reports, kept in memory and written to test-results/.

Every update rewrites the harness's JSON file, so the file always holds this run's
figures (never a previous run's) even when only some of the tests ran. CI prints them
with scripts/print_quality_figures.py.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / "test-results"

FIGURES: dict[str, dict] = defaultdict(dict)


def record(harness: str, **figures) -> None:
    """Set figures for a harness and write test-results/proof-<harness>.<database>.json.

    The database (sqlite or postgresql) is in the name because CI runs the suite on
    both, one run after the other.
    """
    from django.db import connection

    FIGURES[harness].update(figures, database=connection.vendor)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"proof-{harness}.{connection.vendor}.json"
    path.write_text(
        json.dumps(FIGURES[harness], indent=2, sort_keys=True, default=str) + "\n"
    )


def summary_lines() -> list[str]:
    return [
        f"{harness}: {figures['summary']}"
        for harness, figures in sorted(FIGURES.items())
        if figures.get("summary")
    ]
