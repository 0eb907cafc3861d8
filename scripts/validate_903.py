"""Validate an SSDA903 export with the DfE's validator (csc-validator-be-903).

Runs under .venv-903 (the validator pins pandas<2 and numpy<1.25), through its
Python API, not its CLI. Usage:

    .venv-903/bin/python scripts/validate_903.py YEAR DIR [--la E10000013]

YEAR is the year the collection ends ("2026": 1 April 2025 to 31 March 2026). DIR
holds header.csv, episodes.csv and reviews.csv. Fails (exit 1) on any error in the
review rules (166, 167, 399, 440, 441), 1012, INT08, INT17, or in any rule that ran
and flagged a Header or Episodes row. Rules 231 and 233 raise inside the validator
0.1.17 even on clean data (231: KeyError 'UASC_STATUS', a column missing from its own
Header list), so they are reported as failed-to-run, never as passed.
"""

import argparse
import contextlib
import io
import logging
import sys
import warnings
from pathlib import Path

REQUIRED = ["166", "167", "399", "440", "441", "1012", "INT08", "INT17"]
KNOWN_BROKEN = {"231", "233"}
TABLES = ("Header", "Episodes", "Reviews")
FILES = ("header.csv", "episodes.csv", "reviews.csv")


def run(year: str, directory: Path, la: str):
    from lac_validator.lac_validator import LacValidator
    from lac_validator.report import Report
    from lac_validator.rules.ruleset_utils import get_year_ruleset
    from lac_validator.utils import process_uploaded_files

    files = process_uploaded_files(
        {"This year": [str(directory / name) for name in FILES]}
    )
    registry = get_year_ruleset(year)
    validator = LacValidator(
        metadata={"collectionYear": year, "localAuthority": la},
        files=files,
        registry=registry,
    )
    return validator, Report(validator.ds_results, registry), registry


def errors_by_rule_and_table(validator) -> dict[str, dict[str, int]]:
    """Count each rule's flagged rows in each of our tables."""
    counts: dict[str, dict[str, int]] = {}
    for table in TABLES:
        frame = validator.ds_results.get(table)
        if frame is None:
            continue
        for column in frame.columns:
            if column.startswith("ERR_"):
                flagged = int(frame[column].fillna(False).astype(bool).sum())
                if flagged:
                    counts.setdefault(column[4:], {})[table] = flagged
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description="Validate an SSDA903 export.")
    parser.add_argument("year")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--la", default="E10000013", help="long-form LA code")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # the validator logs every rule at INFO
    warnings.simplefilter("ignore", FutureWarning)  # pandas 1.5, inside the validator

    with contextlib.redirect_stdout(io.StringIO()):  # it prints its file list
        validator, report, registry = run(args.year, args.directory, args.la)
    summary = report.error_summary
    by_rule = dict(zip(summary["Code"], summary["Error Count"], strict=True))
    tables = errors_by_rule_and_table(validator)
    dones, skips, fails = (
        set(validator.dones),
        set(validator.skips),
        set(validator.fails),
    )
    # With only Header, Episodes and Reviews supplied, every rule that ran reads
    # those tables: all of them are held to zero errors.
    checked = sorted((set(REQUIRED) | dones) - KNOWN_BROKEN)
    failing = {code: int(by_rule.get(code, 0)) for code in checked}
    failing = {code: n for code, n in failing.items() if n}
    not_run = [code for code in REQUIRED if code not in dones]

    print(f"== SSDA903 validation of {args.directory} (collection year {args.year})")
    print(
        f"rules: {len(registry)} in the {args.year} ruleset; {len(dones)} ran, "
        f"{len(skips)} skipped (tables not supplied), {len(fails)} failed to run "
        f"({', '.join(sorted(fails)) or 'none'})"
    )
    for code in REQUIRED:
        state = "ran" if code in dones else "did not run"
        print(f"  rule {code}: {int(by_rule.get(code, 0))} errors ({state})")
    other = {c: n for c, n in by_rule.items() if n and c not in REQUIRED}
    if other:
        print("  other rules with errors (any table):")
        for code, n in sorted(other.items()):
            where = ", ".join(f"{t} {k}" for t, k in tables.get(code, {}).items())
            print(f"    {code}: {int(n)} ({where})")
    unexpected = sorted(fails - KNOWN_BROKEN)
    if unexpected:
        print(
            f"  rules that failed to run besides 231 and 233: {', '.join(unexpected)}"
        )
    if failing or not_run:
        if not_run:
            print(f"FAIL: required rules did not run: {', '.join(not_run)}")
        for code, n in sorted(failing.items()):
            message = registry[code].message if code in registry else ""
            print(f"FAIL: rule {code}: {n} errors. {message}")
        return 1
    print(
        f"OK: zero errors in all {len(checked)} rules that ran "
        "(the review rules, 1012, INT08, INT17 and every Header and Episodes rule)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
