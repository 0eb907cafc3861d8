"""Validate an SSDA903 export with the DfE's validator (csc-validator-be-903).

Runs under .venv-903 (the validator pins pandas<2 and numpy<1.25), through its
Python API, not its CLI. Usage:

    .venv-903/bin/python scripts/validate_903.py YEAR DIR [--la E10000013]

YEAR is the year the collection ends ("2026": 1 April 2025 to 31 March 2026). DIR
holds header.csv, episodes.csv and reviews.csv (and the year's other files, such as
dolo.csv from 2026/27: every CSV in DIR but companion.csv is given to the validator);
DIR/previous/, when it exists, holds last year's files (rule 706 reads them). Fails (exit 1) on any error in the
review rules (166, 167, 399, 440, 441), 1012, INT08, INT17, or in any rule that ran
and flagged a Header or Episodes row. Rules 231 and 233 raise inside the validator
0.1.17 even on clean data (231: KeyError 'UASC_STATUS', a column missing from its own
Header list), so they are reported as failed-to-run, never as passed; so are 706, 709 and 710 (the
DoLO rules: 709 and 710 read a PLACEMENT column that Episodes does not have).

    .venv-903/bin/python scripts/validate_903.py --serve

reads "YEAR DIR" lines on standard input and answers each with one line of JSON:
{"dones", "skips", "fails", "errors": {rule: rows flagged}, "children": [CHILD ids
in flagged rows], "messages": {rule: message}}. The property test of the import
(tests/ssda903/test_validator_round_trip.py) keeps one such process for a session.
"""

import argparse
import contextlib
import io
import json
import logging
import sys
import warnings
from pathlib import Path

REQUIRED = ["166", "167", "399", "440", "441", "1012", "INT08", "INT17"]
KNOWN_BROKEN = {"231", "233", "706", "709", "710"}
TABLES = ("Header", "Episodes", "Reviews", "DoLo")
NOT_FOR_THE_VALIDATOR = ("companion.csv",)


def csv_files(directory: Path) -> list[str]:
    return [
        str(path)
        for path in sorted(directory.glob("*.csv"))
        if path.name not in NOT_FOR_THE_VALIDATOR
    ]


def run(year: str, directory: Path, la: str):
    from lac_validator.lac_validator import LacValidator
    from lac_validator.report import Report
    from lac_validator.rules.ruleset_utils import get_year_ruleset
    from lac_validator.utils import process_uploaded_files

    uploads = {"This year": csv_files(directory)}
    if (directory / "previous").is_dir():
        uploads["Prev year"] = csv_files(directory / "previous")
    files = process_uploaded_files(uploads)
    registry = get_year_ruleset(year)
    validator = LacValidator(
        metadata={"collectionYear": year, "localAuthority": la},
        files=files,
        registry=registry,
    )
    _rerun_alone(validator, year, la, files, registry)
    return validator, Report(validator.ds_results, registry), registry


# Rule 365 writes the collection end into every empty DEC of the Episodes table the
# rules share (0.1.17 gives each rule a shallow copy), so a later 707 sees every open
# episode ended and flags each open DoLO. 707 is run again on its own, and its own
# answer kept.
RUN_ALONE = ("707",)


def _rerun_alone(validator, year: str, la: str, files, registry) -> None:
    from lac_validator.lac_validator import LacValidator

    for code in RUN_ALONE:
        if code not in registry or code not in validator.dones:
            continue
        alone = LacValidator(
            metadata={"collectionYear": year, "localAuthority": la},
            files=files,
            registry=registry,
            selected_rules=[code],
        )
        for table, frame in validator.ds_results.items():
            column = f"ERR_{code}"
            if hasattr(frame, "columns") and column in frame.columns:
                kept = alone.ds_results[table]
                frame[column] = kept[column] if column in kept.columns else None


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


def flagged_children(validator) -> list[str]:
    """The CHILD of every row any rule flagged, in any table."""
    children: set[str] = set()
    for frame in validator.ds_results.values():
        flags = [c for c in getattr(frame, "columns", []) if c.startswith("ERR_")]
        if not flags or "CHILD" not in frame.columns:
            continue
        hit = frame[flags].fillna(False).astype(bool).any(axis=1)
        children |= {str(child) for child in frame.loc[hit, "CHILD"]}
    return sorted(children)


def answer(year: str, directory: Path, la: str) -> dict:
    """One validation as JSON-ready data (the --serve mode)."""
    with contextlib.redirect_stdout(io.StringIO()):
        validator, report, registry = run(year, directory, la)
    summary = report.error_summary
    errors = {
        str(code): int(n)
        for code, n in zip(summary["Code"], summary["Error Count"], strict=True)
        if n
    }
    return {
        "dones": sorted(validator.dones),
        "skips": sorted(validator.skips),
        "fails": sorted(validator.fails),
        "errors": errors,
        "children": flagged_children(validator),
        "messages": {c: registry[c].message for c in errors if c in registry},
    }


def quick_postcodes() -> None:
    """Merge a file's postcodes with only the rows of the ONS table that have them.

    The validator merges each postcode column with the whole table (millions of rows),
    four times a run: most of a run's time. Merging with the rows whose postcode is in
    the column (found once per set of postcodes, then kept) gives the same rows. Used
    by --serve, which validates many small returns with the same few postcodes.
    """
    from lac_validator import datastore
    from lac_validator.rules.lac2022_23 import rule_392c, rule_392d

    subsets: dict = {}

    def merge_postcodes(df, postcode_field):
        df[postcode_field] = df[postcode_field].str.upper()
        datastore.postcodes.load_postcodes(df[postcode_field].str[0].dropna().unique())
        table = datastore.postcodes.dataframe
        abbr = df[postcode_field].str.replace(" ", "")
        key = (frozenset(abbr.dropna()), len(table))
        if key not in subsets:
            subsets[key] = table[table["pcd_abbr"].isin(key[0])]
        field = f"__{postcode_field}__abbr"
        return abbr.to_frame(field).merge(
            subsets[key], how="left", left_on=field, right_on="pcd_abbr"
        )

    for module in (datastore, rule_392c, rule_392d):
        module.merge_postcodes = merge_postcodes


def serve(la: str) -> int:
    quick_postcodes()
    for line in sys.stdin:
        year, _, directory = line.strip().partition(" ")
        try:
            reply = answer(year, Path(directory), la)
        except Exception as error:  # noqa: BLE001 - reported to the caller, who fails
            reply = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description="Validate an SSDA903 export.")
    parser.add_argument("year", nargs="?")
    parser.add_argument("directory", type=Path, nargs="?")
    parser.add_argument("--la", default="E10000013", help="long-form LA code")
    parser.add_argument(
        "--serve", action="store_true", help="answer YEAR DIR lines with JSON"
    )
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # the validator logs every rule at INFO
    warnings.simplefilter("ignore", FutureWarning)  # pandas 1.5, inside the validator
    if args.serve:
        return serve(args.la)
    if args.year is None or args.directory is None:
        parser.error("give YEAR and DIR, or --serve")

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
            "  rules that failed to run besides the known broken ones "
            f"({', '.join(sorted(KNOWN_BROKEN))}): {', '.join(unexpected)}"
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
