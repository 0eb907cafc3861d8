"""The figures each proof harness reports, kept in memory and written to test-results/.

Every update rewrites the harness's JSON file, so the file always holds this run's
figures (never a previous run's) even when only some of the tests ran. CI prints them
with scripts/print_quality_figures.py.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / "test-results"

FIGURES: dict[str, dict] = defaultdict(dict)


def record(harness: str, **figures) -> None:
    """Set figures for a harness and write test-results/proof-<harness>.<database>.json.

    The database (sqlite or postgresql) is in the name because CI runs the suite on
    both, one run after the other; so is the pytest-xdist worker (gw0, gw1) when the
    run is split over processes, each of which walks its share of the pages.
    """
    from django.db import connection

    FIGURES[harness].update(figures, database=connection.vendor)
    RESULTS.mkdir(exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    where = f"{connection.vendor}.{worker}" if worker else connection.vendor
    path = RESULTS / f"proof-{harness}.{where}.json"
    path.write_text(
        json.dumps(FIGURES[harness], indent=2, sort_keys=True, default=str) + "\n"
    )


def summary_lines() -> list[str]:
    return [
        f"{harness}: {figures['summary']}"
        for harness, figures in sorted(FIGURES.items())
        if figures.get("summary")
    ]
