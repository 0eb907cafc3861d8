"""The dashboard's tables as built for the page (reporting.dashboard)."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.test.html import parse_html

from accounts.models import Role
from reporting import dashboard
from reporting.dashboard import Cell, Table
from tests.factories import IroAllocationFactory, TeamFactory, make_user
from tests.reporting.helpers import FY2024, child, f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("team", [False, True], ids=["service", "one-team"])
def test_each_caseload_links_to_its_iros_children(team):
    """The link built once for every IRO is link() with that IRO."""
    kids_team = TeamFactory()
    filters = f(team=kids_team.pk) if team else f()
    iros = [make_user(Role.IRO, username=f"iro{n}") for n in range(3)]
    for iro in iros:
        IroAllocationFactory(
            child=child(team=kids_team), iro=iro, started_on=date(2023, 1, 2)
        )
    table = dashboard.caseloads_table(FY2024, filters)
    by_name = {row[0].text: row[1].href for row in table.rows}
    for iro in iros:
        expected = dashboard.link(
            "dashboard:drilldown",
            FY2024,
            dashboard.Filters(filters.team, iro.pk, filters.scope, filters.today),
            measure="caseload",
        )
        assert by_name[str(iro)] == expected


def test_table_rows_escape_every_value_and_name_the_column():
    table = Table(
        "t",
        "Caption",
        ("Team", "Children"),
        ((Cell("<b>A & B</b>"), Cell("3", "/x?a=1&b=<2>", True)),),
    )
    html = render_to_string("reporting/dashboard/_table.html", {"table": table})
    assert "<b>" not in html and "&lt;b&gt;A &amp; B&lt;/b&gt;" in html
    row = parse_html(html.split("<tbody")[1].split(">", 1)[1].split("</tbody>")[0])
    assert row == parse_html(
        '<tr class="govuk-table__row">'
        '<th scope="row" class="govuk-table__header">&lt;b&gt;A &amp; B&lt;/b&gt;</th>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">'
        '<a class="govuk-link" href="/x?a=1&amp;b=&lt;2&gt;">3<span '
        'class="govuk-visually-hidden">: &lt;b&gt;A &amp; B&lt;/b&gt;, Children</span>'
        "</a></td></tr>"
    )
