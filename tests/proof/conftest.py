"""Fixtures and figures for the proof harnesses.

The harnesses record what they did (pages walked, requests, forms fuzzed, ...) with
tests.proof.figures.record, which writes test-results/proof-<harness>.json; the summary
lines are printed at the end of the run, and CI prints the files
(scripts/print_quality_figures.py).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.proof.figures import summary_lines
from tests.proof.world import OUT_OF_SCOPE_NAME, build_proof_world

__all__ = ["OUT_OF_SCOPE_NAME", "PROFILE", "FORM_EXAMPLES"]

# Hypothesis profiles for the bad-input fuzzer. They are applied to the fuzzer's own
# tests only (not loaded globally), so other property tests keep their own settings.
FORM_EXAMPLES = {"ci": 25, "dev": 8}
settings.register_profile(
    "ci",
    settings.get_profile("ci"),
    max_examples=FORM_EXAMPLES["ci"],
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "dev",
    settings.get_profile("default"),
    max_examples=FORM_EXAMPLES["dev"],
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
if PROFILE not in FORM_EXAMPLES:
    raise pytest.UsageError(
        f"HYPOTHESIS_PROFILE must be one of {sorted(FORM_EXAMPLES)}"
    )


@pytest.fixture
def proof_world(db):
    """One user per role, a child they can all see, and a child only the all-seeing can."""
    return build_proof_world()


def pytest_terminal_summary(terminalreporter):
    lines = summary_lines()
    if lines:
        terminalreporter.section("proof harness figures")
        for line in lines:
            terminalreporter.write_line(line)
