"""Importing the 2026/27 DoLO file (DOL-9): each row becomes an order to complete, the
export writes it back the same, and an order imported can be completed on the form."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from children.models import Child, DeprivationOfLibertyOrder
from children.services_liberty import (
    liberty_order_change,
    liberty_order_record,
    liberty_order_remove,
)
from ssda903.exporter import ssda903_rows
from ssda903.files import DOLO, EPISODES, HEADER, REVIEWS, write_csv
from ssda903.importer import ssda903_import
from ssda903.years import DOLO_COLUMNS
from tests.ssda903.test_import import COLUMNS, TODAY, episode, header

pytestmark = pytest.mark.django_db

YEAR = 2027  # 1 April 2026 to 31 March 2027
Order = DeprivationOfLibertyOrder
DOB = "01/06/2012"


def dolo(start, end="", child="A1", dob=DOB):
    return {"CHILD": child, "DOB": dob, "DOLO_START": start, "DOLO_END": end}


def data(*orders, episodes=None):
    rows = {
        HEADER: [header(dob=DOB)],
        EPISODES: episodes or [episode(decom="01/05/2026", PLACE="K2")],
        REVIEWS: [],
    }
    files = {n: write_csv(COLUMNS[n], v).encode() for n, v in rows.items()}
    files[DOLO] = write_csv(DOLO_COLUMNS, list(orders)).encode()
    return files


def run(files):
    return ssda903_import(files=files, by=None, today=TODAY, year=YEAR)


def test_each_row_becomes_an_order_to_complete_and_exports_the_same():
    rows = [dolo("10/05/2026", "20/06/2026"), dolo("01/08/2026")]
    result = run(data(*rows))
    assert result.ok, [str(p) for p in result.problems]
    assert result.counts["deprivation of liberty orders created"] == 2
    orders = list(Order.objects.order_by("started_on"))
    assert [(o.started_on, o.ended_on) for o in orders] == [
        (date(2026, 5, 10), date(2026, 6, 20)),
        (date(2026, 8, 1), None),
    ]
    assert all(o.imported_to_complete for o in orders)
    assert {(o.accommodation, o.court_reference) for o in orders} == {("", "")}
    assert sorted(ssda903_rows(year=YEAR)[DOLO], key=str) == sorted(rows, key=str)
    assert run(data(*rows)).summary_lines() == []  # a second import changes nothing


def test_a_later_file_ends_an_open_order_and_another_end_is_refused():
    assert run(data(dolo("01/08/2026"))).ok
    ended = run(data(dolo("01/08/2026", "01/10/2026")))
    assert ended.ok, [str(p) for p in ended.problems]
    assert ended.counts["deprivation of liberty orders ended"] == 1
    other = run(data(dolo("01/08/2026", "02/10/2026")))
    assert [(p.file, p.row, p.column) for p in other.problems] == [
        (DOLO, 2, "DOLO_END")
    ]
    assert Order.objects.get().ended_on == date(2026, 10, 1)


@pytest.mark.parametrize(
    ("rows", "column"),
    [
        pytest.param(
            [dolo("01/08/2026"), dolo("01/09/2026")], "DOLO_START", id="overlap-705"
        ),
        pytest.param([dolo("01/04/2026")], "DOLO_START", id="before-care"),
        pytest.param([dolo("01/08/2026", "01/07/2026")], "DOLO_END", id="end-702"),
        pytest.param([dolo("31/02/2026")], "DOLO_START", id="not-a-date-700"),
        pytest.param([dolo("01/08/2026", dob="02/06/2012")], "DOB", id="dob"),
    ],
)
def test_a_bad_row_refuses_the_whole_import(rows, column):
    result = run(data(*rows))
    assert column in [p.column for p in result.problems if p.file == DOLO]
    assert not Child.objects.exists()


def test_an_order_removed_here_is_not_brought_back():
    assert run(data(dolo("01/08/2026"))).ok
    liberty_order_remove(order=Order.objects.get(), by=None, reason="Wrong child")
    again = run(data(dolo("01/08/2026")))
    assert again.ok and again.summary_lines() == []
    assert not Order.objects.exists()


def test_a_person_completes_the_order_and_must_give_both(client_as, world):
    assert run(data(dolo("01/08/2026"))).ok
    order = Order.objects.get()
    with pytest.raises(ValidationError) as refused:
        liberty_order_record(
            child=order.child,
            by=None,
            today=TODAY,
            started_on=date(2026, 10, 1),
            accommodation="",
            court_reference="",
        )
    assert set(refused.value.message_dict) == {"accommodation", "court_reference"}
    client = client_as(world["manager"])
    page = client.get(reverse("children:detail", args=[order.child.pk]))
    assert "Imported: to complete" in page.content.decode()
    liberty_order_change(
        order=order,
        by=None,
        today=TODAY,
        accommodation=Order.Accommodation.RELEVANT,
        court_reference="ZW26C00001",
    )
    order.refresh_from_db()
    assert not order.imported_to_complete
    page = client.get(reverse("children:detail", args=[order.child.pk]))
    assert "Imported: to complete" not in page.content.decode()
