"""No function in the apps is longer than MAX_LINES lines (docs/quality.md).

A function is measured from its `def` line to its last line, docstring and comments
included. The apps' migrations and tests are left out, and so is bench (benchmarks
and the national-scale seed, which no app imports).
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# The project's own apps, from settings (bench aside): a new app is measured too.
APPS = [
    app
    for app in settings.INSTALLED_APPS
    if "." not in app and app != "bench" and (ROOT / app / "apps.py").exists()
]
MAX_LINES = 60

# Functions allowed to be longer, each with its reason. Keep this list short: an entry
# whose function has gone or has come under the limit fails the test.
ALLOWED = {
    # One table of (asked, answerable, met) conditions, one entry per ask in
    # reviews.asks.asks_for's order; split up, the order would be harder to check.
    "reporting/queries/participation.py::_ask_conditions",
}


def _functions(tree: ast.AST, prefix: str = ""):
    """Yield (qualified name, node) for every function, methods and nested ones too."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{prefix}{node.name}"
            if not isinstance(node, ast.ClassDef):
                yield name, node
            yield from _functions(node, f"{name}.")
        else:
            yield from _functions(node, prefix)


def _lengths() -> dict[str, int]:
    lengths = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if {"migrations", "tests"} & set(relative.parts):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for name, node in _functions(tree):
                length = node.end_lineno - node.lineno + 1
                lengths[f"{relative.as_posix()}::{name}"] = length
    return lengths


def test_no_function_is_longer_than_the_limit():
    too_long = {
        name: length
        for name, length in _lengths().items()
        if length > MAX_LINES and name not in ALLOWED
    }
    assert not too_long, (
        f"Functions over {MAX_LINES} lines (split them into named helpers, or add "
        f"one to ALLOWED with its reason): {too_long}"
    )


def test_every_allowed_function_is_still_long():
    lengths = _lengths()
    stale = {name for name in ALLOWED if lengths.get(name, 0) <= MAX_LINES}
    assert not stale, f"Take these off ALLOWED: gone or now short enough: {stale}"
