"""The SSDA903 DoLO file from 2026/27 and the checks the export makes on it
(docs/rules.md, DOL-7, DOL-8)."""

import csv
import io
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from children.models import DeprivationOfLibertyOrder
from children.services import episode_add
from children.services_liberty import (
    liberty_order_change,
    liberty_order_record,
    liberty_order_remove,
)
from core.audit import record_access_each
from ssda903.dolo_checks import export_checks
from ssda903.exporter import ssda903_files, ssda903_rows
from ssda903.files import DOLO
from ssda903.years import DOLO_COLUMNS
from tests.factories import ChildFactory, PeriodOfCareFactory, make_user

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
D = date
Order = DeprivationOfLibertyOrder
LOOKED_AFTER = D(2025, 1, 6)


def _child(child_id, *, placement="K2", looked_after=LOOKED_AFTER):
    child = ChildFactory(child_id=child_id, date_of_birth=D(2012, 5, 1), period=None)
    period = PeriodOfCareFactory(child=child, started_on=looked_after)
    episode_add(
        period=period,
        by=None,
        started_on=looked_after,
        reason_new="S",
        legal_status="C2",
        category_of_need="N1",
        placement=placement,
        placement_provider="" if placement.startswith("Z") else "PR1",
    )
    return child


def _order(child, started_on, ended_on=None, *, today=TODAY):
    return liberty_order_record(
        child=child,
        by=None,
        today=today,
        started_on=started_on,
        ended_on=ended_on,
        accommodation=Order.Accommodation.RELEVANT,
        court_reference="ZW25C00123",
    )


def _row(child, start, end=""):
    return {"CHILD": child, "DOB": "01/05/2012", "DOLO_START": start, "DOLO_END": end}


def test_only_the_returns_from_2026_27_have_the_dolo_file():
    _order(_child("A1"), D(2025, 5, 1))
    assert DOLO not in ssda903_files(year=2026)
    reader = csv.reader(io.StringIO(ssda903_files(year=2027)[DOLO]))
    assert tuple(next(reader)) == DOLO_COLUMNS
    assert list(reader) == [["A1", "01/05/2012", "01/05/2025", ""]]


def test_the_dolo_rows_of_the_year():
    """DOL-8: the orders in force in the year, not removed; one that ended after the
    year is shown open (903 rule 704)."""
    child = _child("A1")
    _order(child, D(2026, 2, 1), D(2026, 3, 31))  # ended before 1 April 2026
    _order(child, D(2026, 3, 31), D(2026, 4, 1))  # ended on the year's first day
    _order(child, D(2026, 6, 1))  # open
    other = _child("B1", looked_after=D(2026, 4, 10))
    removed = _order(other, D(2026, 4, 11), D(2026, 4, 19))
    liberty_order_remove(order=removed, by=make_user(Role.SOCIAL_WORKER), reason="Oops")
    _order(other, D(2026, 4, 20), D(2026, 11, 1), today=TODAY)
    _order(other, D(2027, 1, 10), D(2027, 5, 1), today=D(2027, 6, 1))  # ends after
    assert ssda903_rows(year=2027)[DOLO] == [
        _row("A1", "31/03/2026", "01/04/2026"),
        _row("A1", "01/06/2026"),
        _row("B1", "20/04/2026", "01/11/2026"),
        _row("B1", "10/01/2027"),  # open at the year end
    ]
    # The next year holds the order still open, and the one that ended in it.
    assert ssda903_rows(year=2028)[DOLO] == [
        _row("A1", "01/06/2026"),
        _row("B1", "10/01/2027", "01/05/2027"),
    ]


def test_the_export_command_writes_dolo_csv_and_warns(tmp_path):
    child = _child("A1", placement="U4")
    _order(child, D(2026, 5, 1), D(2026, 6, 1))
    err = StringIO()
    call_command(
        "export_903", year=2027, output=str(tmp_path), stdout=StringIO(), stderr=err
    )
    assert (tmp_path / DOLO).read_text().splitlines()[
        1
    ] == "A1,01/05/2012,01/05/2026,01/06/2026"
    assert "Check: Child A1: During the order" in err.getvalue()
    assert "rule 709" in err.getvalue()


def test_export_checks_name_the_rules_the_validator_cannot_run():
    """DOL-7: 709 and 710 (placements), 707 (after care) and an order left out."""
    _order(_child("A1", placement="U4"), D(2026, 5, 1), D(2026, 6, 1))
    _order(_child("B1", placement="K1"), D(2026, 5, 1))
    _order(_child("C1", placement="Z12"), D(2026, 5, 1))
    texts = [check.text for check in export_checks(2027)]
    assert len(texts) == 2
    assert texts[0].startswith("Child A1: During the order") and "709" in texts[0]
    assert texts[1].startswith("Child B1: During the order") and "710" in texts[1]
    assert export_checks(2026) == []


def test_rule_706_against_last_years_return_as_it_was_exported():
    """DOL-7 (903 rule 706): an order open at the end of last year's return, removed
    or with its start corrected since, is named; with no export, nothing is."""
    child = _child("A1")
    later = D(2027, 6, 1)
    order = _order(child, D(2027, 2, 1), today=later)  # open at the end of 2026/27
    assert export_checks(2028) == []  # not yet exported: as the service holds it
    record_access_each([child], what="SSDA903 return 2027")
    liberty_order_change(order=order, by=None, today=later, started_on=D(2027, 2, 2))
    (check,) = export_checks(2028)
    assert check.child is None
    assert (
        "Child A1: the order from 1 February 2027 was open in last year's" in check.text
    )
    assert "rule 706" in check.text


def test_the_export_page_lists_the_checks(client):
    child = _child("A1", placement="K1")
    _order(child, D(2026, 5, 1))
    manager = make_user(Role.IRO_MANAGER)
    client.force_login(manager)
    response = client.get(reverse("ssda903:export"))
    assert response.status_code == 200
    assert "Child A1: During the order" in response.content.decode()
