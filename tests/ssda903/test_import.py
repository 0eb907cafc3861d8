"""SSDA903 import: all or nothing, idempotent, a row-level report, updates in place."""

from datetime import date
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from accounts.models import Role
from children import codes_903
from children.models import Child, Episode, PeriodOfCare
from reviews.models import Review
from ssda903.files import COMPANION, EPISODES, HEADER, REVIEWS, write_csv
from ssda903.importer import ssda903_import
from ssda903.sample import sample_files
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
COLUMNS = {
    HEADER: codes_903.HEADER_COLUMNS,
    EPISODES: codes_903.EPISODES_COLUMNS,
    REVIEWS: codes_903.REVIEWS_COLUMNS,
    COMPANION: ("CHILD", "FIRST_NAME", "LAST_NAME", "TEAM", "SOCIAL_WORKER", "IRO"),
}


def header(child="A1", sex="F", dob="01/06/2015", mother="0", **extra):
    return {
        "CHILD": child,
        "SEX": sex,
        "DOB": dob,
        "ETHNIC": "WBRI",
        "UPN": "A123456789012",
        "MOTHER": mother,
        "MC_DOB": "",
    } | extra


def episode(child="A1", decom="01/05/2025", rne="S", ls="C2", dec="", rec="", **extra):
    return {
        "CHILD": child,
        "DECOM": decom,
        "RNE": rne,
        "LS": ls,
        "CIN": "N1",
        "PLACE": "U4",
        "PLACE_PROVIDER": "PR1",
        "DEC": dec,
        "REC": rec,
        "REASON_PLACE_CHANGE": "",
        "HOME_POST": "GL1 2EH",
        "PL_POST": "GL50 1PY",
        "URN": "SC123456",
    } | extra


def review(child="A1", day="28/05/2025", code="PN1", dob="01/06/2015"):
    return {"CHILD": child, "DOB": dob, "REVIEW": day, "REVIEW_CODE": code}


def files(headers=(), episodes=(), reviews=(), companion=None) -> dict[str, bytes]:
    rows = {HEADER: headers, EPISODES: episodes, REVIEWS: reviews}
    if companion is not None:
        rows[COMPANION] = companion
    return {
        name: write_csv(COLUMNS[name], list(values)).encode()
        for name, values in rows.items()
    }


def one_child(**changes) -> dict[str, bytes]:
    return files([header()], [episode()], [review()], **changes)


def run(data, *, by=None, dry_run=False):
    return ssda903_import(files=data, by=by, today=TODAY, dry_run=dry_run)


def counts():
    return (
        Child.objects.count(),
        PeriodOfCare.objects.count(),
        Episode.objects.count(),
        Review.objects.count(),
        LogEntry.objects.count(),
    )


def test_import_creates_the_child_period_episode_and_imported_review():
    """The review is imported closed with its record date and code; the next is planned."""
    result = run(one_child())
    assert result.ok, result.problems
    child = Child.objects.get(child_id="A1")
    assert child.details_to_complete
    assert (child.first_name, child.last_name) == ("Child", "A1")
    period = child.periods_of_care.get()
    assert period.started_on == date(2025, 5, 1)
    imported = Review.objects.get(imported=True)
    assert imported.status == Review.Status.CLOSED
    assert imported.record_date == date(2025, 5, 28)
    assert imported.participation == "PN1"
    planned = period.reviews.open().get()
    assert planned.status == Review.Status.PLANNED
    assert planned.due_date > imported.record_date
    assert LogEntry.objects.get_for_object(child).exists()


def test_importing_the_same_files_again_changes_nothing():
    """Idempotent: no row and no audit entry is added by a second import."""
    data = {name: text.encode() for name, text in sample_files(year=2026).items()}
    assert run(data).ok
    before = counts()
    again = run(data)
    assert again.ok
    assert again.summary_lines() == []
    assert counts() == before


def test_a_dry_run_reports_what_would_change_and_saves_nothing():
    before = counts()
    result = run(one_child(), dry_run=True)
    assert result.ok
    assert result.counts["children created"] == 1
    assert counts() == before


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            files([header()], [episode(decom="31/02/2025")], [review()]),
            (EPISODES, 2, "DECOM", "31/02/2025"),
            id="bad-date",
        ),
        pytest.param(
            files([header()], [episode(ls="Q9")], [review()]),
            (EPISODES, 2, "LS", "Q9"),
            id="unknown-code",
        ),
        pytest.param(
            files([header()], [episode()], [review(code="PN9")]),
            (REVIEWS, 2, "REVIEW_CODE", "PN9"),
            id="unknown-participation-code",
        ),
        pytest.param(
            files([header()], [episode()], [review(), review(child="ZZ9")]),
            (REVIEWS, 3, "CHILD", "ZZ9"),
            id="review-for-an-unknown-child",
        ),
        pytest.param(
            files([header()], [episode()], [review(day="10/05/2025", code="PN0")]),
            (REVIEWS, 2, "REVIEW_CODE", "PN0"),
            id="pn0-for-a-ten-year-old-rule-440",
        ),
        pytest.param(
            files([header()], [episode()], [review(dob="02/06/2015")]),
            (REVIEWS, 2, "DOB", "02/06/2015"),
            id="dob-differs-from-header-int17",
        ),
        pytest.param(
            files([header()], [episode()], [review(day="01/04/2025")]),
            (REVIEWS, 2, "REVIEW", ""),
            id="review-outside-any-period",
        ),
        pytest.param(
            files([header()], [episode(ls="V3")], [review()]),
            (REVIEWS, 2, "REVIEW", ""),
            id="review-for-a-short-breaks-child-rule-399",
        ),
        pytest.param(
            files([header(sex="M", mother="1")], [episode()], []),
            (HEADER, 2, "MOTHER", ""),
            id="a-boy-recorded-as-a-mother",
        ),
    ],
)
def test_a_malformed_file_is_refused_with_a_report_and_nothing_saved(data, expected):
    """Every problem names its file, row, column and value; the database is unchanged."""
    before = counts()
    result = run(data)
    assert not result.ok
    found = [(p.file, p.row, p.column, p.value) for p in result.problems]
    assert expected in found
    assert all(p.message for p in result.problems)
    assert counts() == before


def test_a_missing_column_is_reported_on_the_heading_row():
    data = one_child()
    data[EPISODES] = data[EPISODES].replace(b",URN", b"", 1)
    result = run(data)
    assert (EPISODES, 1, "URN") in [(p.file, p.row, p.column) for p in result.problems]
    assert Child.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused():
    data = one_child()
    data[HEADER] = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n".encode("utf-16")
    assert [p.message for p in run(data).problems] == [
        "The file must be a CSV file saved as UTF-8"
    ]


def test_one_bad_child_stops_the_whole_import():
    """All or nothing: a good child in the same files is not saved either."""
    data = files(
        [header(), header(child="B2")],
        [
            episode(),
            episode(child="B2", decom="01/06/2025", dec="01/05/2025", rec="E4A"),
        ],
        [],
    )
    result = run(data)
    assert not result.ok
    assert Child.objects.count() == 0


def test_a_later_years_file_updates_the_records_in_place(world):
    """The open episode ends, a review is added, the open review is cancelled."""
    manager = world["manager"]
    assert run(one_child(), by=manager).ok
    child = Child.objects.get(child_id="A1")
    later = files(
        [header(UPN="UN1")],
        [episode(dec="30/04/2026", rec="E4A")],
        [review(day="15/11/2025", code="PN2")],
    )
    result = run(later, by=manager)
    assert result.ok, result.problems
    child.refresh_from_db()
    assert child.upn == "UN1"
    period = child.periods_of_care.get()
    assert (period.ended_on, period.reason_ended) == (date(2026, 4, 30), "E4A")
    assert period.episodes.get().ended_on == date(2026, 4, 30)
    assert list(
        period.reviews.held().order_by("record_date").values_list("participation")
    ) == [("PN1",), ("PN2",)]
    assert not period.reviews.open().exists()
    assert result.counts["periods of care ended"] == 1


def test_a_later_years_file_adds_the_next_episode_and_moves_the_planned_review():
    assert run(one_child()).ok
    planned = Review.objects.get(status=Review.Status.PLANNED)
    later = files(
        [header()],
        [
            episode(dec="01/09/2025", rec="X1"),
            episode(decom="01/09/2025", rne="L", ls="C1"),
        ],
        [review(), review(day="20/08/2025", code="PN3")],
    )
    result = run(later)
    assert result.ok, result.problems
    assert result.counts["episodes created"] == 1
    first, second = Episode.objects.order_by("started_on")
    assert (first.ended_on, first.reason_ended) == (date(2025, 9, 1), "X1")
    assert second.legal_status == "C1" and second.ended_on is None
    planned.refresh_from_db()
    assert planned.status == Review.Status.PLANNED
    assert planned.due_date > date(2025, 8, 20)


def test_the_companion_file_names_the_child_and_allocates_workers(world):
    team = TeamFactory(name="North")
    make_user(Role.SOCIAL_WORKER, username="sw9", team=team)
    companion = [
        {
            "CHILD": "A1",
            "FIRST_NAME": "Amira",
            "LAST_NAME": "Khan",
            "TEAM": "north",
            "SOCIAL_WORKER": "sw9",
            "IRO": "iro_a",
        }
    ]
    result = run(one_child(companion=companion), by=world["manager"])
    assert result.ok, result.problems
    child = Child.objects.get(child_id="A1")
    assert (child.first_name, child.last_name) == ("Amira", "Khan")
    assert not child.details_to_complete
    assert child.social_worker.username == "sw9" and child.team == team
    assert child.iro == world["iro_a"]
    assert run(one_child(companion=companion), by=world["manager"]).counts == {}


def test_the_companion_file_refuses_an_unknown_iro(world):
    companion = [
        {
            "CHILD": "A1",
            "FIRST_NAME": "A",
            "LAST_NAME": "B",
            "TEAM": "",
            "SOCIAL_WORKER": "",
            "IRO": "nobody",
        }
    ]
    result = run(one_child(companion=companion))
    assert [(p.file, p.row, p.column, p.value) for p in result.problems] == [
        (COMPANION, 2, "IRO", "nobody")
    ]
    assert not Child.objects.filter(child_id="A1").exists()


def test_the_command_prints_the_report_and_fails(tmp_path):
    for name, data in files([header()], [episode(decom="2025-05-01")], []).items():
        (tmp_path / name).write_bytes(data)
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was saved"):
        call_command("import_903", str(tmp_path), stderr=err, stdout=StringIO())
    assert "episodes.csv row 2, DECOM ('2025-05-01')" in err.getvalue()
    assert Child.objects.count() == 0


def test_the_command_imports_and_shows_progress(tmp_path):
    for name, text in sample_files(year=2026, children=5).items():
        (tmp_path / name).write_text(text)
    out = StringIO()
    call_command("import_903", str(tmp_path), stdout=out)
    assert "Progress: 5 of 5 children" in out.getvalue()
    assert "Import saved." in out.getvalue()
    assert Child.objects.count() == 5


def test_a_changed_code_updates_the_imported_review_and_leaves_one_run_here():
    """An imported review follows the file; a review run here is the record (D-SOR)."""
    assert run(one_child()).ok
    imported = Review.objects.get(imported=True)
    changed = files([header()], [episode()], [review(code="PN3")])
    result = run(changed)
    assert result.ok, result.problems
    assert result.counts["reviews updated"] == 1
    imported.refresh_from_db()
    assert imported.participation == "PN3"
    assert imported.version == 2
    assert imported.events.filter(action="import_updated").exists()

    Review.objects.filter(pk=imported.pk).update(imported=False)
    result = run(files([header()], [episode()], [review(code="PN5")]))
    assert result.ok, result.problems
    assert result.counts["reviews updated"] == 0
    imported.refresh_from_db()
    assert imported.participation == "PN3"


def test_a_review_outside_every_period_of_care_is_refused():
    result = run(files([header()], [episode()], [review(day="01/04/2025")]))
    assert not result.ok
    assert any("not within any" in p.message for p in result.problems)
    assert not Review.objects.exists()


def test_a_review_in_a_short_breaks_period_is_refused():
    assert run(files([header()], [episode()], [])).ok
    PeriodOfCare.objects.update(short_breaks=True)
    result = run(files([header()], [episode()], [review()]))
    assert not result.ok
    assert any("short breaks" in p.message for p in result.problems)
    assert not Review.objects.filter(imported=True).exists()


def test_a_child_id_that_a_spreadsheet_would_run_is_refused():
    """The return must round-trip unchanged, so such a CHILD is refused, not altered."""
    for bad in ["=1+2", "+1", "-1", "@A1"]:
        data = files([header(child=bad)], [episode(child=bad)], [review(child=bad)])
        result = run(data)
        assert not result.ok
        assert any("cannot start with" in str(p) for p in result.problems), bad
    assert Child.objects.count() == 0


def test_a_reason_for_a_move_made_after_a_change_of_legal_status_only_is_imported():
    """RNE L, ended X1 with the reason the next episode's move (RNE T) made: the
    validator accepts it (rules 225, 226, 233), and so does the import."""
    data = files(
        [header()],
        [
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
        [review()],
    )
    result = run(data)
    assert result.ok, [str(p) for p in result.problems]
    reasons = Episode.objects.order_by("started_on").values_list(
        "reason_new", "reason_ended", "reason_place_change"
    )
    assert list(reasons) == [("S", "X1", ""), ("L", "X1", "CARPL"), ("T", "", "")]
    assert run(data).counts == {}


def test_a_reason_for_the_placement_change_on_an_open_episode_is_refused():
    data = files([header()], [episode(REASON_PLACE_CHANGE="CARPL")], [review()])
    result = run(data)
    assert [str(p) for p in result.problems] == [
        "episodes.csv row 2, REASON_PLACE_CHANGE ('CARPL'): Only give "
        "REASON_PLACE_CHANGE on an episode that has ended (DEC): 903 rule 233"
    ]


def test_the_history_a_valid_return_holds_is_within_the_plausible_dates():
    """An old period of care, a review years late, a young person past 18 under
    section 20 in a children's home (rules 351, 352, 359): the validator accepts
    them, and so do the plausible-date rules (DR-1 to DR-3)."""
    data = files(
        [
            header(child="OLD", dob="01/01/2008"),
            header(
                child="ADULT", dob="01/01/2006", sex="M", mother="", UPN="X801200001002"
            ),
        ],
        [
            episode(child="OLD", decom="02/01/2008"),
            episode(
                child="ADULT",
                decom="01/06/2022",
                ls="V2",
                PLACE="K2",
                PLACE_PROVIDER="PR4",
            ),
        ],
        [
            review(child="OLD", day="28/05/2025", dob="01/01/2008"),
            review(child="ADULT", day="30/05/2025", dob="01/01/2006"),
        ],
    )
    result = run(data)
    assert result.ok, [str(p) for p in result.problems]
    old = Review.objects.get(child__child_id="OLD", imported=True)
    assert old.due_date < date(2008, 3, 1) < old.record_date  # years late, kept
    assert PeriodOfCare.objects.get(child__child_id="OLD").started_on == date(
        2008, 1, 2
    )
