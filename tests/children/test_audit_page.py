"""Who viewed or changed a child's record: every kind of entry, filters, and the export."""

import csv
import io
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from children.records import audit_entries_about
from disputes.services import challenge_raise
from reviews.services import invitee_save, review_plan_next
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(world):
    period = world["north_child"].periods_of_care.get()
    return review_plan_next(period=period, by=None)


def _url(child, **query):
    url = reverse("children:audit", args=[child.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def test_the_page_lists_reviews_documents_and_challenges_as_well_as_the_child(
    world, review, client_as
):
    """Reads and changes of a review, an invitee and a challenge are on the child's page
    (they were missing: only the register's own rows were listed)."""
    child = world["north_child"]
    client_as(world["iro_a"]).get(reverse("reviews:detail", args=[review.pk]))
    invitee_save(
        review=review,
        by=world["sw_north"],
        name="Aunt Bea",
        role="other",
        method="email",
        email="bea@example.org",
    )
    make_user("Team manager", username="tm_n2", team=child.team)
    challenge = challenge_raise(
        child=child,
        by=world["iro_a"],
        category="other",
        description="A concern",
        impact_for_child="Its impact",
        raised_on=timezone.localdate(),
    )
    client_as(world["iro_a"]).get(reverse("disputes:detail", args=[challenge.pk]))
    body = client_as(world["manager"]).get(_url(child)).content.decode()
    for record in ("Review", "Invitee", "Challenge"):
        assert f'<td class="govuk-table__cell">{record}</td>' in body, record
    assert "reviews:detail" in body and "disputes:detail" in body


def test_filters_by_person_kind_and_dates(world, review, client_as):
    child = world["north_child"]
    client_as(world["iro_a"]).get(reverse("reviews:detail", args=[review.pk]))
    client_as(world["sw_north"]).get(child.get_absolute_url())
    manager = client_as(world["manager"])
    today = timezone.localdate()
    mine = manager.get(_url(child, person=world["iro_a"].pk, kind="viewed"))
    assert mine.status_code == 200
    rows = mine.context["rows"]
    assert rows and {who for _, who, _, _ in rows} == {world["iro_a"].get_full_name()}
    assert {what for _, _, what, _ in rows} == {"Viewed"}
    tomorrow = today + timedelta(days=1)
    later = manager.get(
        _url(child, since_0=tomorrow.day, since_1=tomorrow.month, since_2=tomorrow.year)
    )
    assert later.context["rows"] == []
    changed = manager.get(_url(child, kind="changed")).context["rows"]
    assert changed and "Viewed" not in {what for _, _, what, _ in changed}


def test_bad_filters_are_a_400_with_the_message_beside_the_field(world, client_as):
    manager = client_as(world["manager"])
    child = world["north_child"]
    response = manager.get(
        _url(
            child,
            since_0=2,
            since_1=1,
            since_2=2026,
            until_0=1,
            until_1=1,
            until_2=2026,
        )
    )
    assert response.status_code == 400
    assert (
        "The end date must be on or after the start date" in response.content.decode()
    )
    stranger = manager.get(_url(child, person=world["iro_b"].pk))
    assert stranger.status_code == 400
    assert "Choose a person from the list" in stranger.content.decode()


def test_the_export_is_a_spreadsheet_with_formulas_neutralised_and_is_itself_logged(
    world, client_as
):
    child = world["north_child"]
    sw = world["sw_north"]
    sw.first_name = "=HYPERLINK(1)"
    sw.save()
    client_as(sw).get(child.get_absolute_url())
    response = client_as(world["manager"]).get(_url(child, kind="viewed", format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["When", "Who", "Username", "What", "Record", "Details", "From"]
    whos = [row[1] for row in rows[1:]]
    assert f"'=HYPERLINK(1) {sw.last_name}" in whos
    assert not any(cell.startswith("=") for row in rows for cell in row)
    exported = audit_entries_about(child).filter(
        action=LogEntry.Action.ACCESS, actor=world["manager"]
    )
    assert [e.additional_data["what"] for e in exported] == [
        "who viewed or changed, as a spreadsheet"
    ]


def test_only_the_service_manager_opens_it(world, client_as):
    for who in ("iro_a", "sw_north", "tm_north", "bs"):
        assert client_as(world[who]).get(_url(world["north_child"])).status_code == 403


def test_a_decision_left_out_of_someones_copy_is_listed_as_a_change(
    world, review, client_as
):
    """Who a decision is left out for is a many-to-many change, logged with no before
    and after: the page and its spreadsheet list it (they were a 500)."""
    from reviews.models import Decision

    person = invitee_save(
        review=review,
        by=world["sw_north"],
        name="Aunt Bea",
        role="other",
        method="email",
        email="bea@example.org",
    )
    decision = Decision.objects.create(
        review=review,
        what="Move to the new school",
        owner_name="Tom",
        owner_role="sw",
        due_date=timezone.localdate() + timedelta(days=30),
        success_measure="Enrolled",
    )
    decision.withhold_from.add(person)
    manager = client_as(world["manager"])
    page = manager.get(_url(world["north_child"], kind="changed"))
    assert page.status_code == 200
    assert "withhold_from: added Aunt Bea (Someone else)" in page.content.decode()
    spreadsheet = manager.get(_url(world["north_child"], format="csv"))
    assert (
        "withhold_from: added Aunt Bea (Someone else)" in spreadsheet.content.decode()
    )
