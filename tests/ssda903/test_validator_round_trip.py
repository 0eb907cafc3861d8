"""The DfE's validator is the oracle: every return it accepts imports, and exports again
row for row, and the export passes it too.

Hypothesis draws whole returns (tests/ssda903/strategies.py) for each collection year
of ssda903/years.py. The validator (csc-validator-be-903 in .venv-903, made by `make
validate-903`; scripts/validate_903.py --serve, one process for the session) checks
each: the children it flags are dropped and the rest checked again, and a return with
any error left, or no child left, is not used (hypothesis.assume). The rest is imported
with ssda903_import, exported with ssda903_rows for the same year, and the export must
be the same rows as the input (as multisets, file by file, on every column: the service
holds them all) and pass the validator. The rules that ran, were skipped (their tables
not supplied) and crashed inside the validator (231 and 233 in 0.1.17; 706, 709 and 710
for the DoLO table) are written to test-results/ssda903-validator-rules.json and
printed: a crashed rule is reported as not run, never as a pass.

Examples: SSDA903_EXAMPLES (default 12, with the CI profile's fixed seed); `make
validate-903` runs 50 (`SSDA903_EXAMPLES=500 make validate-903` for more). Without
.venv-903 the test is skipped, saying how to make it (`make venv-903`).
"""

import json
import os
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, assume, example, given, settings

from ssda903.exporter import ssda903_files, ssda903_rows
from ssda903.files import write_csv
from ssda903.importer import ssda903_import
from ssda903.years import YEARS, spec_for
from tests.ssda903.strategies import returns
from tests.ssda903.test_import import episode, header, review

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / ".venv-903" / "bin" / "python"
SCRIPT = ROOT / "scripts" / "validate_903.py"
RESULTS = ROOT / "test-results" / "ssda903-validator-rules.json"
# Rules that raise inside the validator 0.1.17 on any data (scripts/validate_903.py).
KNOWN_BROKEN = {"231", "233", "706", "709", "710"}
EXAMPLES = int(os.environ.get("SSDA903_EXAMPLES", "12"))

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not VALIDATOR.exists(),
        reason="the DfE's validator is not installed: run `make venv-903` to make "
        ".venv-903",
    ),
]


class Validator:
    """One validator process, answering a directory at a time."""

    def __init__(self):
        self.process = subprocess.Popen(
            [str(VALIDATOR), str(SCRIPT), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.ran: Counter = Counter()
        self.crashed: Counter = Counter()
        self.skipped: set[str] = set()
        self.flagging: Counter = Counter()  # rules that flagged a drawn child
        self.children: Counter = Counter()
        self.seconds: Counter = Counter()

    def check(self, year: int, directory: Path) -> dict:
        assert self.process.stdin and self.process.stdout
        began = time.perf_counter()
        self.process.stdin.write(f"{year} {directory}\n")
        self.process.stdin.flush()
        reply = json.loads(self.process.stdout.readline())
        self.seconds["validator"] += time.perf_counter() - began
        assert "error" not in reply, reply["error"]
        self.ran.update(reply["dones"])
        self.crashed.update(reply["fails"])
        self.skipped |= set(reply["skips"])
        return reply

    def close(self):
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def validator():
    running = Validator()
    yield running
    running.close()


def write(directory: Path, year: int, rows: dict[str, list[dict]]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, columns in spec_for(year).files.items():
        (directory / name).write_text(
            write_csv(columns, rows.get(name, [])), encoding="utf-8", newline=""
        )


def valid_part(validator, year, rows, directory) -> dict[str, list[dict]]:
    """The return without the children the validator flags; {} if errors remain."""
    reply = validator.check(year, directory)
    validator.children["drawn"] += len(rows["header.csv"])
    validator.flagging.update(reply["errors"])
    if reply["errors"]:
        flagged = set(reply["children"])
        validator.children["dropped"] += len(flagged)
        rows = {
            n: [r for r in rs if r["CHILD"] not in flagged] for n, rs in rows.items()
        }
        write(directory, year, rows)
        if not rows["header.csv"] or validator.check(year, directory)["errors"]:
            return {}
    return rows


def multisets(year: int, rows: dict[str, list[dict]]) -> dict[str, Counter]:
    return {
        name: Counter(tuple(row[c] for c in columns) for row in rows.get(name, []))
        for name, columns in spec_for(year).files.items()
    }


# Returns every run checks first, whatever the examples drawn: the move after a change
# of legal status only (RNE L, ended X1 with the reason the RNE T move made), an
# adoption (E1, A6 after a foster placement, E11) with a temporary stay (T2 and back),
# and a period of care begun before the return (below).
L_THEN_T = {
    "header.csv": [header()],
    "episodes.csv": [
        episode(decom="01/05/2025", dec="01/06/2025", rec="X1"),
        episode(
            decom="01/06/2025",
            rne="L",
            ls="C1",
            dec="01/07/2025",
            rec="X1",
            REASON_PLACE_CHANGE="CARPL",
        ),
        episode(decom="01/07/2025", rne="T", ls="C1", PLACE="K2"),
    ],
    "reviews.csv": [review()],
}
ADOPTED = {
    "header.csv": [header(dob="01/06/2021", sex="M", mother="")],
    "episodes.csv": [
        episode(decom="01/05/2024", ls="E1", dec="01/06/2024", rec="X1"),
        episode(
            decom="01/06/2024",
            rne="P",
            ls="E1",
            PLACE="T2",
            PLACE_PROVIDER="",
            URN="",
            dec="10/06/2024",
            rec="X1",
        ),
        episode(
            decom="10/06/2024",
            rne="P",
            ls="E1",
            dec="01/09/2024",
            rec="X1",
            REASON_PLACE_CHANGE="PLACE",
        ),
        episode(
            decom="01/09/2024",
            rne="P",
            ls="E1",
            PLACE="A6",
            dec="01/03/2025",
            rec="E11",
        ),
    ],
    "reviews.csv": [
        review(day="28/05/2024", code="PN0", dob="01/06/2021"),
        review(day="20/11/2024", code="PN0", dob="01/06/2021"),
    ],
}


# A child looked after since 2018 whose current placement (RNE P, from 1 June 2020) is
# the only episode in the 2025/26 file: its period began before the return
# (D-START-BEFORE; tests/ssda903/test_period_before_return.py imports the same rows).
BEFORE_THE_RETURN = {
    "header.csv": [header(dob="01/06/2012")],
    "episodes.csv": [episode(decom="01/06/2020", rne="P")],
    "reviews.csv": [
        review(day="10/06/2025", dob="01/06/2012"),
        review(day="05/12/2025", dob="01/06/2012"),
    ],
}
# A deprivation of liberty order in 2026/27 (DOL-9): imported as an order to complete,
# exported the same (tests/ssda903/test_dolo_import.py).
DOLO_IN_THE_YEAR = {
    "header.csv": [header(dob="01/06/2012")],
    "episodes.csv": [episode(decom="01/05/2026", PLACE="K2")],
    "reviews.csv": [review(day="28/05/2026", dob="01/06/2012")],
    "dolo.csv": [
        {
            "CHILD": "A1",
            "DOB": "01/06/2012",
            "DOLO_START": "10/05/2026",
            "DOLO_END": "20/06/2026",
        }
    ],
}
FIXED = (L_THEN_T, ADOPTED, BEFORE_THE_RETURN, DOLO_IN_THE_YEAR)


def drawn_codes(rows: dict[str, list[dict]], codes: Counter) -> None:
    """Count the codes of the returns used (what the examples covered)."""
    episodes = rows["episodes.csv"]
    for row in episodes:
        for column in ("RNE", "LS", "PLACE", "REC", "REASON_PLACE_CHANGE"):
            if row[column]:
                codes[f"{column} {row[column]}"] += 1
    for before, after in zip(episodes, episodes[1:], strict=False):
        if (
            before["RNE"] == "L"
            and before["REASON_PLACE_CHANGE"]
            and after["RNE"] != "S"
        ):
            codes[f"RNE L ended X1 with a reason, then RNE {after['RNE']}"] += 1
    codes["reviews"] += len(rows["reviews.csv"])
    first: dict[str, str] = {}
    for row in episodes:
        first.setdefault(row["CHILD"], row["RNE"])
    codes["periods begun before the return (first episode not RNE S)"] += sum(
        rne != "S" for rne in first.values()
    )


def test_every_return_the_validator_accepts_imports_and_exports_the_same(validator):
    used: Counter = Counter()
    codes: Counter = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=os.environ.get("HYPOTHESIS_PROFILE") == "ci",
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
        ],
    )
    @given(returns())
    @example((2026, L_THEN_T))
    @example((2025, ADOPTED))
    @example((2026, BEFORE_THE_RETURN))
    @example((2027, DOLO_IN_THE_YEAR))
    def round_trip(drawn):
        year, rows = drawn
        with tempfile.TemporaryDirectory(prefix="h903-") as tmp:
            given_dir, exported_dir = Path(tmp, "given"), Path(tmp, "exported")
            write(given_dir, year, rows)
            rows = valid_part(validator, year, rows, given_dir)
            assume(rows)
            files = {
                name: (given_dir / name).read_bytes() for name in spec_for(year).files
            }
            began = time.perf_counter()
            with transaction.atomic():
                result = ssda903_import(
                    files=files, by=None, today=timezone.localdate(), year=year
                )
                assert result.ok, [str(p) for p in result.problems]
                exported = ssda903_rows(year=year)
                texts = ssda903_files(year=year)
                transaction.set_rollback(True)
            validator.seconds["import and export"] += time.perf_counter() - began
            assert multisets(year, exported) == multisets(year, rows)
            exported_dir.mkdir()
            for name, text in texts.items():
                (exported_dir / name).write_text(text, encoding="utf-8", newline="")
            reply = validator.check(year, exported_dir)
            assert reply["errors"] == {}, reply["messages"]
            used[year] += 1
            used["fixed"] += any(drawn[1] is fixed for fixed in FIXED)
            drawn_codes(rows, codes)

    round_trip()
    fixed = used.pop("fixed", 0)
    unexpected = set(validator.crashed) - KNOWN_BROKEN
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "returns used, by year": dict(sorted(used.items())),
                "rules that ran": sorted(validator.ran),
                "rules that crashed (not run)": sorted(validator.crashed),
                "rules skipped (tables not supplied)": sorted(
                    validator.skipped - set(validator.ran)
                ),
                "children drawn and dropped": dict(validator.children),
                "rules that flagged drawn children (rows)": dict(
                    validator.flagging.most_common()
                ),
                "codes in the returns used (rows)": dict(sorted(codes.items())),
            },
            indent=1,
        )
    )
    print(
        f"\nSSDA903 round trip: {sum(used.values())} returns used "
        f"({', '.join(f'{YEARS[y].label}: {n}' for y, n in sorted(used.items()))}); "
        f"{validator.children['dropped']} of {validator.children['drawn']} children "
        f"drawn were dropped by the validator; {len(validator.ran)} rules ran; "
        f"seconds: {dict(validator.seconds)}; crashed, so not run: "
        f"{', '.join(sorted(validator.crashed)) or 'none'}"
    )
    assert not unexpected, f"rules crashed inside the validator: {sorted(unexpected)}"
    assert sum(used.values()) > 0, "no generated return was valid"
    assert fixed == len(FIXED), (
        "the validator refused a return the test gives every run"
    )
