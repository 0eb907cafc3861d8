"""SSDA903 export, the round trip, and the import and export pages."""

import csv
import html
import io
import zipfile
from datetime import date
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from children import codes_903
from children.models import Child
from children.records import audit_entries_about
from ssda903.exporter import ssda903_files, ssda903_rows
from ssda903.files import EPISODES, HEADER, REVIEWS
from ssda903.importer import ssda903_import
from ssda903.sample import sample_files
from tests.ssda903.test_import import episode, files, header, one_child, review

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


def _rows(text: str) -> tuple[list[str], list[tuple]]:
    reader = csv.reader(io.StringIO(text))
    columns = next(reader)
    return columns, sorted(tuple(row) for row in reader)


def test_import_then_export_reproduces_the_rows():
    """The generated return comes back row for row, with exactly the 903 columns."""
    given = sample_files(year=2026)
    result = ssda903_import(
        files={n: t.encode() for n, t in given.items()}, by=None, today=TODAY
    )
    assert result.ok, result.problems
    exported = ssda903_files(year=2026)
    for name in (HEADER, EPISODES, REVIEWS):
        assert _rows(exported[name]) == _rows(given[name]), name
    assert _rows(exported[HEADER])[0] == list(codes_903.HEADER_COLUMNS)
    assert _rows(exported[EPISODES])[0] == list(codes_903.EPISODES_COLUMNS)
    assert _rows(exported[REVIEWS])[0] == list(codes_903.REVIEWS_COLUMNS)


def test_a_short_breaks_child_has_no_reviews_and_no_mother_value():
    """Rule 399 (D-SB): no review rows and MOTHER empty when every episode is V3/V4."""
    data = files(
        [header(), header(child="SB1")],
        [episode(), episode(child="SB1", ls="V3", HOME_POST="", PL_POST="")],
        [review()],
    )
    assert ssda903_import(files=data, by=None, today=TODAY).ok
    rows = ssda903_rows(year=2026)
    short = next(row for row in rows[HEADER] if row["CHILD"] == "SB1")
    assert short["MOTHER"] == ""
    assert [row["CHILD"] for row in rows[REVIEWS]] == ["A1"]


def test_an_episode_that_ended_after_the_year_is_exported_open():
    ended = episode(dec="30/04/2026", rec="E4A", REASON_PLACE_CHANGE="CLOSE")
    data = files([header()], [ended], [review()])
    assert ssda903_import(files=data, by=None, today=TODAY).ok
    (year_2026,) = ssda903_rows(year=2026)[EPISODES]
    # Open at the year end: no DEC, REC or reason for a placement change (rule 233).
    written = ("DEC", "REC", "REASON_PLACE_CHANGE")
    assert tuple(year_2026[c] for c in written) == ("", "", "")
    (year_2027,) = ssda903_rows(year=2027)[EPISODES]
    assert tuple(year_2027[c] for c in written) == ("30/04/2026", "E4A", "CLOSE")
    assert ssda903_rows(year=2027)[REVIEWS] == []  # the review was in 2025-26


def test_export_command_creates_the_directory(tmp_path):
    assert ssda903_import(files=one_child(), by=None, today=TODAY).ok
    output = tmp_path / "new" / "dir"
    call_command("export_903", year=2026, output=str(output), stdout=StringIO())
    assert sorted(p.name for p in output.iterdir()) == [
        "episodes.csv",
        "header.csv",
        "reviews.csv",
    ]
    text = (output / "reviews.csv").read_bytes()
    assert text == b"CHILD,DOB,REVIEW,REVIEW_CODE\r\nA1,01/06/2015,28/05/2025,PN1\r\n"


def _uploads(data: dict[str, bytes]) -> dict:
    fields = {
        "header.csv": "header",
        "episodes.csv": "episodes",
        "reviews.csv": "reviews",
        "companion.csv": "companion",
    }
    return {
        fields[name]: SimpleUploadedFile(name, content, content_type="text/csv")
        for name, content in data.items()
    }


def test_the_manager_uploads_a_return_and_sees_what_changed(client_as, world):
    response = client_as(world["manager"]).post(
        reverse("ssda903:import"), _uploads(one_child())
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Import saved" in html
    assert "children created: 1" in html
    assert "<progress" in html
    assert Child.objects.filter(child_id="A1", details_to_complete=True).exists()
    to_complete = client_as(world["manager"]).get(reverse("children:to_complete"))
    assert "A1" in to_complete.content.decode()


def test_a_malformed_upload_shows_the_problems_and_saves_nothing(client_as, world):
    data = files([header()], [episode(ls="Q9")], [review(child="ZZ9")])
    before = Child.objects.count()
    response = client_as(world["manager"]).post(
        reverse("ssda903:import"), _uploads(data)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Q9 is not an SSDA903 code for LS" in html
    assert "CHILD ZZ9 is not in header.csv" in html
    assert Child.objects.count() == before


def test_the_upload_page_shows_the_problems_the_command_prints(
    client_as, world, tmp_path
):
    data = files(
        [header()],
        [episode(PLACE="H5"), episode(decom="01/06/2025", REASON_PLACE_CHANGE="CARPL")],
        [review()],
    )
    for name, content in data.items():
        (tmp_path / name).write_bytes(content)
    printed = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_903", str(tmp_path), year=2025, stdout=StringIO(), stderr=printed
        )
    lines = printed.getvalue().splitlines()
    response = client_as(world["manager"]).post(
        reverse("ssda903:import"), {"year": "2025"} | _uploads(data)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert len(lines) == 3  # PLACE H5; the reason on an open episode; DEC and REC
    for problem in ssda903_import(files=data, by=None, today=TODAY, year=2025).problems:
        assert str(problem) in lines
        assert html.escape(problem.message) in page


def test_an_upload_that_is_not_a_csv_is_refused(client_as, world):
    uploads = _uploads(one_child())
    uploads["header"] = SimpleUploadedFile("header.pdf", b"%PDF-1.4")
    response = client_as(world["manager"]).post(reverse("ssda903:import"), uploads)
    assert response.status_code == 400
    assert "The header file must be a CSV file" in response.content.decode()


@pytest.mark.parametrize("who", ["iro_a", "sw_north", "bs", "admin"])
def test_only_the_service_manager_imports_and_exports(client_as, world, who):
    client = client_as(world[who])
    assert client.get(reverse("ssda903:import")).status_code == 403
    assert client.get(reverse("ssda903:export")).status_code == 403


def test_the_manager_downloads_a_zip_of_the_three_files(client_as, world):
    assert ssda903_import(files=one_child(), by=None, today=TODAY).ok
    response = client_as(world["manager"]).get(
        reverse("ssda903:export"), {"year": "2026"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["episodes.csv", "header.csv", "reviews.csv"]
    assert b"A1,01/06/2015,28/05/2025,PN1" in archive.read("reviews.csv")


def test_the_download_writes_an_access_entry_for_each_child_in_the_return(
    client_as, world
):
    """The return carries every child's case data out of the service: each child's
    "who viewed or changed" trail says who downloaded it, and when."""
    assert ssda903_import(files=one_child(), by=None, today=TODAY).ok
    exported = Child.objects.get(child_id="A1")
    response = client_as(world["manager"]).get(
        reverse("ssda903:export"), {"year": "2026"}
    )
    assert response.status_code == 200
    entries = audit_entries_about(exported).filter(action=LogEntry.Action.ACCESS)
    assert [(e.actor, e.additional_data["what"]) for e in entries] == [
        (world["manager"], "SSDA903 return 2026")
    ]
    assert not audit_entries_about(world["north_child"]).filter(
        action=LogEntry.Action.ACCESS
    ), "a child with no episode in the year is not in the return"


def test_the_export_page_refuses_a_year_not_yet_started(client_as, world):
    response = client_as(world["manager"]).get(
        reverse("ssda903:export"), {"year": "2100"}
    )
    assert response.status_code == 400
    assert "or earlier" in response.content.decode()


def test_the_files_come_in_child_order_from_two_queries(django_assert_num_queries):
    """Header, episodes and reviews by CHILD then date, however many children."""
    data = files(
        [header(child="B2"), header()],
        [
            episode(child="B2"),
            episode(decom="01/09/2025", rne="P", ls="C2"),
            episode(dec="01/09/2025", rec="X1"),
        ],
        [review(child="B2"), review(day="01/11/2025", code="PN4"), review()],
    )
    assert ssda903_import(files=data, by=None, today=TODAY).ok, "import"
    with django_assert_num_queries(2):
        exported = ssda903_files(year=2026)
    rows = ssda903_rows(year=2026)
    assert [row["CHILD"] for row in rows[HEADER]] == ["A1", "B2"]
    assert [(row["CHILD"], row["DECOM"]) for row in rows[EPISODES]] == [
        ("A1", "01/05/2025"),
        ("A1", "01/09/2025"),
        ("B2", "01/05/2025"),
    ]
    assert [(row["CHILD"], row["REVIEW"]) for row in rows[REVIEWS]] == [
        ("A1", "28/05/2025"),
        ("A1", "01/11/2025"),
        ("B2", "28/05/2025"),
    ]
    for name in (HEADER, EPISODES, REVIEWS):
        reader = csv.DictReader(io.StringIO(exported[name]))
        assert list(reader) == rows[name], name
