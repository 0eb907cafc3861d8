"""Fixtures and figures for the proof harnesses.

`proof_world` is the world of tests/proof/world.py, built once per test module and
shared: every test gets fresh instances and runs in a savepoint rolled back after it
(SharedWorld below; docs/quality.md, "The proof world, built once per module").

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


class SharedWorld:
    """The proof world, written once inside a transaction that every test nests in.

    open() starts a transaction on every database and builds the world in it; each test
    that asks for `proof_world` then runs in a savepoint of its own (pytest-django's
    `db`), rolled back after the test, so no test sees another's changes. close() rolls
    the world back. A test that needs real commits (transactional_db, live_server)
    cannot run inside it: the world is closed before such a test starts
    (pytest_runtest_setup below), and a later test of the module gets a world of its
    own, built in its own transaction. Other tests of the module that use the database
    see the world's rows too.
    """

    current: SharedWorld | None = None

    def __init__(self, blocker):
        self.blocker = blocker
        self.atomics: list = []
        self.world: dict | None = None

    @property
    def is_open(self) -> bool:
        return self.world is not None

    def open(self) -> None:
        from django.db import connections, transaction
        from django.test import override_settings

        with self.blocker.unblock():
            for alias in connections:
                atomic = transaction.atomic(using=alias)
                # As Django's TestCase marks its own: a durable block may nest inside.
                atomic._from_testcase = True
                atomic.__enter__()
                self.atomics.append((alias, atomic))
            # The hasher the tests use (tests/conftest.py), so that passwords check.
            try:
                with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                    self.world = build_proof_world()
            except BaseException:
                self.close()
                raise
        SharedWorld.current = self

    def close(self) -> None:
        from django.db import transaction

        if SharedWorld.current is self:
            SharedWorld.current = None
        self.world = None
        with self.blocker.unblock():
            while self.atomics:
                alias, atomic = self.atomics.pop()
                transaction.set_rollback(True, using=alias)
                atomic.__exit__(None, None, None)

    def fresh(self) -> dict:
        """The world with every model instance read again from the database.

        A test gets instances of its own: what one test changes in memory (a user's
        last_login after force_login, a cached relation) is not seen by the next.
        """
        assert self.world is not None
        by_model: dict = {}
        _instances(self.world, by_model)
        loaded = {
            model: model._default_manager.in_bulk(pks)
            for model, pks in by_model.items()
        }
        return _rebuilt(self.world, loaded)


def _instances(value, by_model: dict) -> None:
    from django.db.models import Model

    if isinstance(value, Model):
        by_model.setdefault(type(value), set()).add(value.pk)
    elif isinstance(value, dict):
        for item in value.values():
            _instances(item, by_model)
    elif isinstance(value, list | tuple):
        for item in value:
            _instances(item, by_model)


def _rebuilt(value, loaded: dict):
    from django.db.models import Model

    if isinstance(value, Model):
        return loaded[type(value)][value.pk]
    if isinstance(value, dict):
        return {key: _rebuilt(item, loaded) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_rebuilt(item, loaded) for item in value)
    return value  # names, keys, frozensets: immutable


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def _shared_proof_world(django_db_setup, django_db_blocker):
    """The proof world of this test module: built once, rolled back after its last test."""
    shared = SharedWorld(django_db_blocker)
    shared.open()
    yield shared
    shared.close()


@pytest.fixture
def proof_world(_shared_proof_world, db):
    """The proof world (tests/proof/world.py), fresh instances for this test."""
    if _shared_proof_world.is_open:
        return _shared_proof_world.fresh()
    return build_proof_world()  # closed for a transactional test: one of its own


def _needs_commits(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Roll the shared world back before a test that commits (its fixtures not yet set up)."""
    if SharedWorld.current is not None and _needs_commits(item):
        SharedWorld.current.close()


def pytest_terminal_summary(terminalreporter):
    lines = summary_lines()
    if lines:
        terminalreporter.section("proof harness figures")
        for line in lines:
            terminalreporter.write_line(line)
