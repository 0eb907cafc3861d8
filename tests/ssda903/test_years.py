"""Each collection year's return: its files, columns and the codes that differ."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from children.models import Episode
from ssda903.exporter import ssda903_files
from ssda903.files import DOLO, EPISODES, HEADER, REVIEWS, write_csv
from ssda903.importer import ssda903_import
from ssda903.years import DOLO_COLUMNS, spec_for
from tests.ssda903.test_import import episode, header, review

pytestmark = pytest.mark.django_db

THREE = (HEADER, EPISODES, REVIEWS)


def files_for(year: int, *episodes: dict, extra=None) -> dict[str, bytes]:
    rows = {HEADER: [header()], EPISODES: list(episodes), REVIEWS: [review()]}
    rows |= extra or {}
    return {
        name: write_csv(spec_for(year).files[name], rows[name]).encode()
        for name in rows
    }


def problems(result) -> list[str]:
    return [str(p) for p in result.problems]


def import_year(data, year):
    return ssda903_import(files=data, by=None, today=timezone.localdate(), year=year)


def test_2024_25_has_its_own_placement_codes_and_no_provider_for_t4():
    spec = spec_for(2025)
    assert (spec.label, tuple(spec.files)) == ("2024/25", THREE)
    assert {"H5", "P2", "Z1", "K3"} <= set(spec.place)
    assert not {"Z11", "Z12", "Z13", "Z14"} & set(spec.place)
    # T4 has no provider (rule 178 in 2024/25, 213 from 2025/26).
    first = episode(dec="01/06/2025", rec="X1")
    stay = episode(
        decom="01/06/2025",
        rne="P",
        PLACE="T4",
        PLACE_PROVIDER="",
        URN="",
        dec="05/06/2025",
        rec="X1",
    )
    back = episode(decom="05/06/2025", rne="P")
    assert problems(import_year(files_for(2025, first, stay, back), 2025)) == []
    assert Episode.objects.get(placement="T4").placement_provider == ""


def test_2024_25_refuses_a_provider_for_t4_and_the_codes_of_later_years():
    bad = [
        episode(PLACE="T4", PLACE_PROVIDER="PR1"),
        episode(child="A1", decom="02/05/2025", PLACE="Z11", PLACE_PROVIDER=""),
    ]
    found = problems(import_year(files_for(2025, *bad), 2025))
    assert found[0] == (
        "episodes.csv row 2, PLACE_PROVIDER ('PR1'): Leave PLACE_PROVIDER empty: "
        "PLACE T4 has no provider in 2024/25 (903 rules 178 and 213)"
    )
    assert found[1].startswith(
        "episodes.csv row 3, PLACE ('Z11'): Z11 is not an SSDA903 code for PLACE"
    )


def test_2024_25_codes_the_service_does_not_hold_are_refused_saying_so():
    found = problems(import_year(files_for(2025, episode(PLACE="Z1")), 2025))
    assert found == [
        "episodes.csv row 2, PLACE ('Z1'): PLACE Z1 was withdrawn in 2025/26 and this "
        "service holds only the placement codes in use since then: record the "
        "placement under its 2025/26 code (K3 supported accommodation, or Z11 to Z14) "
        "and import the corrected file"
    ]


def test_2025_26_has_z11_to_z14_and_three_files():
    spec = spec_for(2026)
    assert (spec.label, tuple(spec.files)) == ("2025/26", THREE)
    assert "H5" not in spec.place and "Z11" in spec.place
    data = files_for(2026, episode(PLACE="Z11", PLACE_PROVIDER="", URN=""))
    assert problems(import_year(data, 2026)) == []
    assert set(ssda903_files(year=2026)) == set(THREE)


def test_2026_27_adds_the_dolo_file():
    spec = spec_for(2027)
    assert (spec.label, spec.files[DOLO]) == ("2026/27", DOLO_COLUMNS)
    assert DOLO_COLUMNS == ("CHILD", "DOB", "DOLO_START", "DOLO_END")
    data = files_for(
        2027,
        episode(decom="01/05/2026"),
        extra={
            REVIEWS: [review(day="28/05/2026")],
            DOLO: [
                {
                    "CHILD": "A1",
                    "DOB": "01/06/2015",
                    "DOLO_START": "02/05/2026",
                    "DOLO_END": "",
                }
            ],
        },
    )
    result = import_year(data, 2027)
    assert problems(result) == []
    assert result.rows[DOLO] == 1
    exported = ssda903_files(year=2027)
    assert set(exported) == {*THREE, DOLO}
    assert exported[DOLO].splitlines()[0] == ",".join(DOLO_COLUMNS)


def test_a_dolo_file_is_not_a_file_of_an_earlier_year():
    data = files_for(2026, episode())
    data[DOLO] = b"CHILD,DOB,DOLO_START,DOLO_END\r\n"
    assert problems(import_year(data, 2026)) == [
        "dolo.csv: dolo.csv is not a file of the 2025/26 return"
    ]


def test_a_year_before_2024_25_is_not_supported():
    with pytest.raises(ValueError, match="earliest is 2024/25"):
        spec_for(2024)
    assert spec_for(2030) == spec_for(2027)  # until the year's own table is added
    with pytest.raises(CommandError, match="2025 or later"):
        call_command("export_903", year=2024, output="/tmp/unused", stdout=StringIO())


def test_the_import_command_takes_the_year(tmp_path):
    for name, data in files_for(2025, episode(PLACE="H5")).items():
        (tmp_path / name).write_bytes(data)
    err = StringIO()
    with pytest.raises(CommandError, match="Import refused: 1 problems"):
        call_command(
            "import_903", str(tmp_path), year=2025, stdout=StringIO(), stderr=err
        )
    assert "PLACE H5 was withdrawn in 2025/26" in err.getvalue()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_903", str(tmp_path), year=2026, stdout=StringIO(), stderr=err
        )
    assert "H5 is not an SSDA903 code for PLACE" in err.getvalue()
