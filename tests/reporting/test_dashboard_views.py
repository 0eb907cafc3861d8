"""The dashboards, drill-downs, CSV downloads and annual report as pages: scoped, with
a bounded number of queries whatever the number of children."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from children.records import audit_entries_about
from iro.models import IroAllocation
from reporting.queries import Period
from tests.reporting.helpers import child, review

pytestmark = pytest.mark.django_db
THIS_YEAR = Period.financial_year_of(timezone.localdate())


def _children(world, n: int):
    """n children in North with IRO A, each with a held review and a planned one."""
    held = THIS_YEAR.start
    kids = []
    for _ in range(n):
        kid = child(team=world["north_child"].team, iro=world["iro_a"])
        IroAllocation.objects.create(
            child=kid, iro=world["iro_a"], started_on=date(2023, 1, 2)
        )
        review(kid, held, held=held, participation="PN1", chaired_by="child")
        kids.append(kid)
    return kids


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries)


@pytest.mark.parametrize(
    ("name", "user", "bound"),
    [
        ("dashboard:service", "manager", 75),
        ("dashboard:service", "tm_north", 75),
        ("dashboard:iro", "iro_a", 40),
        ("dashboard:annual_report", "manager", 120),
    ],
)
def test_queries_do_not_grow_with_the_number_of_children(
    world, client_as, django_assert_max_num_queries, name, user, bound
):
    client = client_as(world[user])
    url = reverse(name)
    _children(world, 2)
    small = _count(client, url)
    _children(world, 20)
    with django_assert_max_num_queries(bound):
        large = _count(client, url)
    assert large == small


def test_drilldown_lists_the_rows_behind_the_number(world, client_as):
    _children(world, 3)
    client = client_as(world["manager"])
    page = client.get(reverse("dashboard:service"))
    assert page.status_code == 200
    url = reverse("dashboard:drilldown") + "?measure=participation&show=counted"
    drill = client.get(url)
    assert drill.status_code == 200
    assert drill.content.decode().count("govuk-table__row") == 1 + 3


def test_a_drilldown_and_its_csv_write_an_access_entry_for_each_child_named(
    world, client_as
):
    kids = _children(world, 3)
    client = client_as(world["manager"])
    url = reverse("dashboard:drilldown") + "?measure=participation&show=counted"
    assert client.get(url).status_code == 200
    assert client.get(url + "&format=csv").status_code == 200
    for kid in kids:
        whats = [
            e.additional_data["what"].split(":")[0]
            for e in audit_entries_about(kid).filter(action=LogEntry.Action.ACCESS)
        ]
        assert whats == ["dashboard drill-down", "dashboard download"]


def test_team_manager_sees_only_their_team(world, client_as):
    _children(world, 2)
    south_kid = child(team=world["south_child"].team, first_name="Southkid")
    review(south_kid, THIS_YEAR.start, held=THIS_YEAR.start, participation="PN1")
    response = client_as(world["tm_north"]).get(
        reverse("dashboard:drilldown") + "?measure=participation"
    )
    assert response.status_code == 200
    assert "Southkid" not in response.content.decode()
    manager = client_as(world["manager"]).get(
        reverse("dashboard:drilldown") + "?measure=participation"
    )
    assert "Southkid" in manager.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "start_0=31&start_1=2&start_2=2025",
        "start_0=1&start_1=4&start_2=2025&end_0=1&end_1=1&end_2=2025",
        "start_0=1&start_1=4&start_2=2020&end_0=1&end_1=1&end_2=2025",
        "team=abc",
        "iro=999999",
        "measure=nonsense",
        "start_0=x&start_1=y&start_2=z",
    ],
)
def test_bad_filters_are_a_400_with_the_error_summary(world, client_as, query):
    for name in ("dashboard:service", "dashboard:drilldown", "dashboard:download"):
        if "measure" in query and name != "dashboard:drilldown":
            continue
        response = client_as(world["manager"]).get(f"{reverse(name)}?{query}")
        assert response.status_code == 400, (name, query)
        assert "govuk-error-summary" in response.content.decode()


def test_csv_downloads_are_attachments_not_stored(world, client_as):
    _children(world, 2)
    client = client_as(world["manager"])
    for url in [
        reverse("dashboard:download") + "?table=timeliness",
        reverse("dashboard:download") + "?table=trend-t1",
        reverse("dashboard:download") + "?table=caseloads",
        reverse("dashboard:drilldown") + "?measure=t2&format=csv",
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert "no-store" in response["Cache-Control"]
    rows = client.get(reverse("dashboard:drilldown") + "?measure=t2&format=csv")
    assert rows.content.decode().splitlines()[0].startswith("Child,Child ID")


def test_who_sees_which_dashboard(world, client_as):
    cases = [
        (
            "dashboard:service",
            {
                "manager": 200,
                "tm_north": 200,
                "hos_north": 200,
                "iro_a": 403,
                "sw_north": 403,
                "bs": 403,
            },
        ),
        ("dashboard:iro", {"iro_a": 200, "duty": 200, "manager": 403, "sw_north": 403}),
        (
            "dashboard:annual_report",
            {"manager": 200, "tm_north": 403, "iro_a": 403, "hos_north": 403},
        ),
    ]
    for name, expected in cases:
        for user, status in expected.items():
            assert client_as(world[user]).get(reverse(name)).status_code == status, (
                name,
                user,
            )


def test_an_iro_drilldown_is_their_own_figures(world, client_as):
    _children(world, 2)  # IRO A's
    other = child(
        team=world["north_child"].team, iro=world["iro_b"], first_name="Bchild"
    )
    IroAllocation.objects.create(
        child=other, iro=world["iro_b"], started_on=date(2023, 1, 2)
    )
    review(other, THIS_YEAR.start, held=THIS_YEAR.start, participation="PN1")
    response = client_as(world["iro_a"]).get(
        reverse("dashboard:drilldown")
        + f"?measure=participation&iro={world['iro_b'].pk}"
    )
    assert response.status_code == 200
    assert "Bchild" not in response.content.decode()
    # An IRO has no service dashboard (a 403): "Back to the dashboard" is their own.
    html = response.content.decode()
    assert f'href="{reverse("dashboard:iro")}">Back to the dashboard' in html
    assert (
        client_as(world["iro_a"]).get(reverse("dashboard:service")).status_code == 403
    )


def test_annual_report_page_and_pdf(world, client_as):
    _children(world, 2)
    client = client_as(world["manager"])
    year = THIS_YEAR.start.year
    page = client.get(reverse("dashboard:annual_report") + f"?year={year}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Reviews on time" in text and "Concerns raised" in text
    # The PDF is made in the background (tests/core/test_downloads.py follows it).
    asked = client.post(reverse("dashboard:annual_report_pdf"), {"year": year})
    assert asked.status_code == 302 and "/downloads/" in asked["Location"]
    assert client.get(reverse("dashboard:annual_report_pdf")).status_code == 405
    assert (
        client.get(reverse("dashboard:annual_report") + "?year=1999").status_code == 400
    )


def test_no_csv_cell_starts_like_a_formula(world, client_as):
    """A name typed as =HYPERLINK(...) reaches the spreadsheet as text, not a formula."""
    import csv
    import io

    from children.models import Child

    _children(world, 2)
    Child.objects.update(first_name='=HYPERLINK("https://elsewhere.example")')
    world["iro_a"].first_name = "@SUM(1+1)"
    world["iro_a"].save()
    client = client_as(world["manager"])
    seen = []
    for measure in ["t1", "t2", "t3"]:
        response = client.get(
            reverse("dashboard:drilldown") + f"?measure={measure}&format=csv"
        )
        seen += [
            c for row in csv.reader(io.StringIO(response.content.decode())) for c in row
        ]
    response = client.get(reverse("dashboard:download") + "?table=caseloads")
    seen += [
        c for row in csv.reader(io.StringIO(response.content.decode())) for c in row
    ]
    assert '\'=HYPERLINK("https://elsewhere.example")' in seen or any(
        "'@SUM" in c for c in seen
    )
    assert [c for c in seen if c[:1] in ("=", "+", "@", "\t", "\r")] == []


def test_an_iros_dashboard_lists_only_the_challenges_they_still_see(world, client_as):
    """A challenge the IRO raised about a child since allocated to another IRO is
    theirs no longer (need to know): their dashboard neither names the child nor links
    to the challenge's page, a 404 for them."""
    from disputes.models import Category
    from disputes.services import challenge_raise
    from iro.services import iro_allocate

    moved = world["north_child"]  # IRO A's
    challenge = challenge_raise(
        child=moved,
        by=world["iro_a"],
        category=Category.OTHER,
        description="A concern",
        impact_for_child="Its impact",
        raised_on=timezone.localdate(),
    )
    client = client_as(world["iro_a"])
    url = reverse("dashboard:iro")
    assert challenge.get_absolute_url() in client.get(url).content.decode()
    iro_allocate(child=moved, iro=world["iro_b"], on=timezone.localdate(), by=None)
    html = client.get(url).content.decode()
    assert client.get(challenge.get_absolute_url()).status_code == 404
    assert challenge.get_absolute_url() not in html and "Inscope" not in html
