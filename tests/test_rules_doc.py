"""docs/rules.md defines every rule code the project uses, and nothing cites anything else.

The rule codes are read from the first column of the tables in docs/rules.md. Their
shapes (a prefix and a hyphen, such as KPI-T1 or D-SB; letters and a number, such as
T4, R2 or PN0; an SSDA903 validator "rule 399") are taken from that column too, so
the scan looks only for codes of the families the document defines, and never for
UTF-8, SHA-256 or PDF/UA-1. SSDA903 data codes (the values of the TextChoices code
lists, e.g. the placement T0 or the legal status V3) share those shapes and are not
rules, so they are left out.
"""

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "docs" / "rules.md"

SKIP_DIRS = {".git", "node_modules", "__pycache__", "test-results", ".mypy_cache"}
SKIP_PATHS = {Path("static/vendor")}
CODE_SUFFIXES = {".py", ".html", ".txt", ".md", ".sql", ".js"}
TEXT_SUFFIXES = CODE_SUFFIXES | {
    ".toml",
    ".cfg",
    ".ini",
    ".yml",
    ".yaml",
    ".sh",
    ".css",
    ".example",
}
TEXT_NAMES = {"Makefile", "run", ".gitignore"}
# Not rule codes, though shaped like them: values the tests feed in to be refused.
NOT_RULE_CODES = {
    "PN9": "an unknown participation code the SSDA903 import must refuse",
}

NUMBERED = re.compile(r"^([A-Z]{1,3})\d{1,2}[a-z]?$")
PREFIXED = re.compile(r"^([A-Z]{1,5})-[A-Z0-9]+[a-z]?$")
VALIDATOR = re.compile(r"^rule (\d{3,4}|INT\d{2})$")
RULE_NUMBER = r"(?:\d{3,4}|INT\d{2})"
VALIDATOR_IN_TEXT = re.compile(
    rf"\b[Rr]ules?\s+({RULE_NUMBER}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|/){RULE_NUMBER})*)\b"
)


def project_files(suffixes: set[str]) -> list[Path]:
    """Every text file of the project with one of `suffixes` (or a known name)."""
    found = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        parts = relative.parts
        if any(p in SKIP_DIRS or p.startswith(".venv") for p in parts):
            continue
        if any(p.endswith(".egg-info") for p in parts):
            continue
        if any(relative.is_relative_to(skip) for skip in SKIP_PATHS):
            continue
        if not path.is_file() or path.name == "package-lock.json":
            continue
        if path.suffix in suffixes or path.name in TEXT_NAMES:
            found.append(path)
    return sorted(found)


def read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None


def shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def defined_codes(text: str) -> set[str]:
    """The first column of every table row in the document, the header rows aside."""
    codes = set()
    for line in text.splitlines():
        if not line.startswith("| ") or line.startswith("|---"):
            continue
        first = line.split("|")[1].strip()
        if first not in {"Code", "—", "-", ""}:
            codes.add(first)
    return codes


def scanner(codes: set[str]) -> re.Pattern[str]:
    """A pattern for codes of the families the document defines."""
    prefixed = sorted({m[1] for c in codes if (m := PREFIXED.match(c))})
    numbered = sorted({m[1] for c in codes if (m := NUMBERED.match(c))}, key=len)
    alternatives = []
    if prefixed:
        alternatives.append(rf"(?:{'|'.join(prefixed)})-[A-Z0-9]+[a-z]?")
    if numbered:
        alternatives.append(rf"(?:{'|'.join(reversed(numbered))})\d{{1,2}}[a-z]?")
    # Not inside a word, and not the tail of a prefixed code (the T1 of KPI-T1).
    return re.compile(rf"(?<![\w/])(?<![A-Za-z]-)(?:{'|'.join(alternatives)})(?![\w-])")


@cache
def data_codes() -> frozenset[str]:
    """Every value of a TextChoices class in the project: data, not rules."""
    values = set()
    for path in project_files({".py"}):
        source = read(path)
        if source is None or "TextChoices" not in source:
            continue
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.ClassDef):
                continue
            if not any("TextChoices" in ast.unparse(base) for base in node.bases):
                continue
            for item in node.body:
                if isinstance(item, ast.Assign) and isinstance(item.value, ast.Tuple):
                    first = item.value.elts[0]
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        values.add(first.value)
    return frozenset(values)


def undefined_codes(document: str, files: list[Path]) -> list[str]:
    """Each use of a code the document does not define, as "path:line: code"."""
    codes = defined_codes(document)
    pattern = scanner(codes)
    rule_numbers = {m[1] for c in codes if (m := VALIDATOR.match(c))}
    known = codes | data_codes() | set(NOT_RULE_CODES)
    problems = []
    for path in files:
        text = read(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            where = f"{shown(path)}:{number}"
            for match in pattern.finditer(line):
                if match[0] not in known:
                    problems.append(f"{where}: {match[0]}")
            for match in VALIDATOR_IN_TEXT.finditer(line):
                for rule in re.findall(RULE_NUMBER, match[1]):
                    if rule not in rule_numbers:
                        problems.append(f"{where}: SSDA903 rule {rule}")
    return problems


def code_files() -> list[Path]:
    this = Path(__file__).resolve()
    return [p for p in project_files(CODE_SUFFIXES) if p not in {RULES, this}]


def test_the_document_defines_the_codes_of_each_family():
    codes = defined_codes(RULES.read_text(encoding="utf-8"))
    for code in ("T4", "R2", "P1", "PN0", "KPI-T1", "D-SB", "G-HELD", "rule 399"):
        assert code in codes, code


def test_every_rule_code_used_is_defined_in_docs_rules_md():
    problems = undefined_codes(RULES.read_text(encoding="utf-8"), code_files())
    assert not problems, "Rule codes not defined in docs/rules.md:\n" + "\n".join(
        problems
    )


def test_an_undefined_code_is_found(tmp_path):
    """The check can fail: a scratch file using T99, KPI-T99 and rule 999 is caught."""
    path = tmp_path / "scratch.py"
    path.write_text(
        '"""Due by T99 (KPI-T99, 903 rule 999); T4 and UTF-8 are fine."""\n'
    )
    found = undefined_codes(RULES.read_text(encoding="utf-8"), [path])
    problems = [p.split(": ", 1)[1] for p in found]
    assert problems == ["T99", "KPI-T99", "SSDA903 rule 999"]


# Built in pieces so that this file does not cite what it looks for.
SPEC = "domain" + ".md"
ISSUE = re.compile(r"\b[Ii]ssues?\s*§?\s*#?\s*\d+")


def test_nothing_cites_the_specification_or_an_issue_number():
    problems = []
    for path in project_files(TEXT_SUFFIXES):
        text = read(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            where = f"{shown(path)}:{number}"
            if SPEC in line:
                problems.append(f"{where}: cites {SPEC}")
            if match := ISSUE.search(line):
                problems.append(f"{where}: cites {match[0]!r}")
    assert not problems, "Cite docs/rules.md or the regulation instead:\n" + "\n".join(
        problems
    )
