"""The 2026/27 return with its DoLO file through the DfE's validator (csc-validator-be-903,
in .venv-903: `make validate-903` installs it), with last year's files beside it: the
DoLO rules that can run (700 to 705, 707, 708) run and pass; 706, 709 and 710 fail to
run inside the validator, and the service's own checks (ssda903.dolo_checks) stand for
them (docs/rules.md, DOL-7)."""

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest

from children.models import DeprivationOfLibertyOrder
from children.services import episode_add, period_close
from children.services_liberty import liberty_order_record
from ssda903.dolo_checks import export_checks
from ssda903.exporter import ssda903_write
from tests.factories import ChildFactory, PeriodOfCareFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / ".venv-903" / "bin" / "python"
RAN = {"700", "701", "702", "703", "704", "705", "707", "708"}
CRASH = {"709", "710"}  # they read a PLACEMENT column the Episodes file calls PLACE


def _installed() -> bool:
    return VALIDATOR.exists() and (
        subprocess.run(
            [str(VALIDATOR), "-c", "import lac_validator"], capture_output=True
        ).returncode
        == 0
    )


def _child(child_id: str, looked_after: date, placement: str = "K2"):
    child = ChildFactory(child_id=child_id, date_of_birth=date(2011, 2, 3), period=None)
    episode_add(
        period=PeriodOfCareFactory(child=child, started_on=looked_after),
        by=None,
        started_on=looked_after,
        reason_new="S",
        legal_status="C2",
        category_of_need="N1",
        placement=placement,
        placement_provider="" if placement.startswith("Z") else "PR1",
        home_postcode="SW1A 1AA",
        placement_postcode="SW1A 2AA",
        urn="SC123456" if placement == "K2" else "",
    )
    return child


def _order(child, started_on, ended_on=None):
    liberty_order_record(
        child=child,
        by=None,
        today=date(2026, 12, 1),
        started_on=started_on,
        ended_on=ended_on,
        accommodation=DeprivationOfLibertyOrder.Accommodation.INHERENT,
        court_reference="ZW26C00042",
    )


@pytest.mark.skipif(
    not _installed(), reason=".venv-903 has no validator: make validate-903"
)
def test_the_2026_27_dolo_file_passes_the_validator(tmp_path):
    first = _child("DOL1", date(2025, 10, 1))
    _order(first, date(2026, 1, 5), date(2026, 5, 1))  # from last year, ended in this
    _order(first, date(2026, 5, 1))  # then another, still in force
    second = _child("DOL2", date(2026, 4, 20), placement="Z12")
    _order(second, date(2026, 4, 21), date(2026, 10, 30))
    ssda903_write(year=2027, directory=tmp_path)
    ssda903_write(year=2026, directory=tmp_path / "previous")
    assert len((tmp_path / "dolo.csv").read_text().splitlines()) == 4
    answer = _validate(tmp_path)
    assert set(answer["dones"]) >= RAN, answer
    assert _dolo_errors(answer) == {}, answer["messages"]
    assert set(answer["fails"]) >= CRASH  # a crashed rule is not a pass: our checks
    assert export_checks(2027) == []


@pytest.mark.skipif(
    not _installed(), reason=".venv-903 has no validator: make validate-903"
)
def test_an_order_open_after_care_fails_rule_707_and_our_checks_say_so(tmp_path):
    child = _child("DOL3", date(2025, 10, 1))
    _order(child, date(2026, 5, 1))
    period_close(
        period=child.periods_of_care.get(),
        ended_on=date(2026, 9, 1),
        reason="E11",
        today=date(2026, 12, 1),
    )
    ssda903_write(year=2027, directory=tmp_path)
    assert _dolo_errors(_validate(tmp_path)) == {"707": 1}
    (check,) = export_checks(2027)
    assert check.text.startswith("Child DOL3: The order from 1 May 2026 is still open")


def _validate(directory: Path) -> dict:
    reply = subprocess.run(
        [str(VALIDATOR), str(ROOT / "scripts" / "validate_903.py"), "--serve"],
        input=f"2027 {directory}\n",
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(reply.stdout.splitlines()[-1])


def _dolo_errors(answer: dict) -> dict:
    return {
        c: n for c, n in answer["errors"].items() if c.startswith("70") or c == "710"
    }
