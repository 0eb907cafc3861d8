"""The child's identifiers (docs/rules.md, ID-NHS, ID-UPN, ID-ABS, ID-DUP): checked beside
their fields, held and shown, searched for, exported, and the register's check before a
child is added, which says who a match is only to those who may see them."""

import csv
import html
import io
import json
import re
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from children.models import Child
from children.records import child_record_json
from tests.factories import ChildFactory
from tests.ssda903.test_import import episode, files, header, review, run

pytestmark = pytest.mark.django_db

NHS = "9434765919"  # the NHS Data Dictionary's example
OTHER_NHS = "4010232137"
UPN = "H801200001001"  # the DfE guidance's example


def _d(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def error_beside(body: str, field: str) -> str | None:
    """The first error message shown beside the field, as text."""
    match = re.search(
        rf'id="id_{field}_1_error"[^>]*>\s*<span[^>]*>Error:</span>\s*(.*?)\s*</span>',
        body,
        re.S,
    )
    return html.unescape(match[1]) if match else None


def _edit_data(child, **overrides):
    data = {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "preferred_name": "",
        **_d("date_of_birth", child.date_of_birth),
        "sex": "F",
        "version": str(child.version),
    }
    return data | overrides


def _edit(client, child, **overrides):
    return client.post(
        reverse("children:edit", args=[child.pk]), _edit_data(child, **overrides)
    )


def _new_child(world, **overrides):
    on = timezone.localdate() - timedelta(days=1)
    return {
        "child_id": "NEW1",
        "first_name": "Nina",
        "last_name": "Newcomer",
        "sex": "F",
        "ethnicity": "WBRI",
        **_d("date_of_birth", date(2016, 4, 4)),
        **_d("looked_after_on", on),
        "legal_status": "V2",
        "category_of_need": "N4",
        "placement": "U6",
        "placement_provider": "PR1",
        "team": world["north_child"].team.pk,
        "social_worker": world["sw_north"].pk,
    } | overrides


# --- Checked beside the field, held without spaces, shown 3-3-4, with history --------


def test_a_bad_nhs_number_is_refused_beside_its_field(world, client_as):
    child = world["north_child"]
    response = _edit(client_as(world["sw_north"]), child, nhs_number="943 476 5918")
    body = response.content.decode()
    assert response.status_code == 400
    assert error_beside(body, "nhs_number") == (
        "Enter a valid NHS number: the last digit is a check digit; "
        "check it against the child's health record"
    )
    assert "There is a problem" in body
    assert 'value="943 476 5918"' in body, "what was typed is kept"
    child.refresh_from_db()
    assert child.nhs_number is None


def test_nhs_number_is_held_without_spaces_shown_3_3_4_with_history(world, client_as):
    child = world["north_child"]
    client = client_as(world["sw_north"])
    response = _edit(client, child, nhs_number="943-476 5919", upn="h801200001001")
    assert response.status_code == 302, error_beside(
        response.content.decode(), "nhs_number"
    )
    child.refresh_from_db()
    assert child.nhs_number == NHS
    assert child.upn == UPN
    entry = LogEntry.objects.filter(
        action=LogEntry.Action.UPDATE, object_pk=str(child.pk)
    ).latest("timestamp")
    assert entry.actor == world["sw_north"]
    assert entry.changes_dict["nhs_number"] == ["None", NHS]
    body = client.get(child.get_absolute_url()).content.decode()
    assert "943 476 5919" in body
    assert UPN in body
    form = client.get(reverse("children:edit", args=[child.pk])).content.decode()
    assert 'value="943 476 5919"' in form


def test_the_nhs_number_is_not_shown_to_business_support(world, client_as):
    child = world["north_child"]
    Child.objects.filter(pk=child.pk).update(nhs_number=NHS)
    body = client_as(world["bs"]).get(child.get_absolute_url()).content.decode()
    assert "943 476 5919" not in body and NHS not in body


@pytest.mark.parametrize(
    ("upn", "says"),
    [
        ("Z801200001001", "Enter a valid UPN: the first letter is a check letter"),
        ("H80120000100", "Enter a UPN of 13 characters"),
        ("UN6", "Enter a UPN of 13 characters"),  # the 903 takes UN1 to UN5 (rule 168)
    ],
)
def test_a_bad_upn_is_refused_beside_its_field(world, client_as, upn, says):
    response = _edit(client_as(world["sw_north"]), world["north_child"], upn=upn)
    assert response.status_code == 400
    assert error_beside(response.content.decode(), "upn").startswith(says)


def test_the_former_upn_is_checked_and_must_differ(world, client_as):
    client = client_as(world["sw_north"])
    child = world["north_child"]
    response = _edit(client, child, upn=UPN, former_upn="Z801200001001")
    assert error_beside(response.content.decode(), "former_upn").startswith(
        "Enter a valid former UPN"
    )
    response = _edit(client, child, upn=UPN, former_upn=UPN)
    assert error_beside(response.content.decode(), "former_upn") == (
        "The former UPN must be different from the UPN"
    )
    assert _edit(client, child, upn=UPN, former_upn="G80120000101A").status_code == 302
    child.refresh_from_db()
    assert child.former_upn == "G80120000101A"


def test_a_reason_is_given_only_for_an_identifier_that_is_absent(world, client_as):
    client = client_as(world["sw_north"])
    child = world["north_child"]
    response = _edit(
        client,
        child,
        nhs_number=NHS,
        nhs_number_absent_reason="not_yet_known",
        upn=UPN,
        upn_absent_reason="not_relevant",
    )
    body = response.content.decode()
    assert error_beside(body, "nhs_number_absent_reason") == (
        "Give a reason only when there is no NHS number"
    )
    assert error_beside(body, "upn_absent_reason") == (
        "Give a reason only when there is no UPN"
    )
    response = _edit(
        client,
        child,
        nhs_number_absent_reason="detrimental",
        upn="UN4",
        upn_absent_reason="undue_delay",
    )
    assert response.status_code == 302
    body = client.get(child.get_absolute_url()).content.decode()
    assert (
        "Not recorded: including it would be more detrimental to the child than not"
        in body
    )
    assert "Not recorded (903 code UN4): it cannot be found without undue delay" in body


def test_the_database_refuses_what_the_checks_refuse(world):
    child = world["north_child"]
    Child.objects.filter(pk=child.pk).update(nhs_number=NHS)
    other = world["south_child"]
    with transaction.atomic(), pytest.raises(IntegrityError):
        Child.objects.filter(pk=other.pk).update(nhs_number=NHS)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Child.objects.filter(pk=child.pk).update(
            nhs_number_absent_reason="not_relevant"
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        Child.objects.filter(pk=other.pk).update(
            upn=UPN, upn_absent_reason="not_relevant"
        )


def test_a_upn_with_the_wrong_check_letter_is_refused_by_the_import():
    data = files(
        [header(UPN="Z801200001001")], [episode()], [review()]
    )  # the validator's rule 168 takes it; the check letter does not
    result = run(data)
    problems = [(p.column, p.message) for p in result.problems]
    assert any(
        column == "UPN" and "the first letter is a check letter" in message
        for column, message in problems
    ), problems
    assert not Child.objects.filter(child_id="A1").exists()


# --- Search ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", [NHS, "943 476 5919", "943-476-5919", " 943 4765919 "]
)
def test_a_search_by_nhs_number_finds_the_child_in_scope(world, client_as, typed):
    Child.objects.filter(pk=world["north_child"].pk).update(nhs_number=NHS)
    Child.objects.filter(pk=world["south_child"].pk).update(nhs_number=OTHER_NHS)
    client = client_as(world["sw_north"])
    body = client.post(reverse("workspace:search"), {"q": typed}).content.decode()
    assert "Northa" in body
    body = client.post(
        reverse("workspace:search"), {"q": "401 023 2137"}
    ).content.decode()
    assert "Southa" not in body and "Outofscope" not in body
    assert "No child you can see matches that search" in body


# --- Exports ---------------------------------------------------------------------------


def test_the_subject_access_export_carries_the_identifiers(world):
    child = world["north_child"]
    Child.objects.filter(pk=child.pk).update(
        nhs_number=NHS, upn="UN4", upn_absent_reason="not_yet_known"
    )
    child.refresh_from_db()
    export = json.loads(child_record_json(child))
    assert export["child"]["nhs_number"] == "943 476 5919"
    assert export["child"]["upn"] == "UN4"
    (row,) = export["records"]["children.child"]
    assert row["fields"]["nhs_number"] == NHS
    assert row["fields"]["upn_absent_reason"] == "not_yet_known"


def test_the_dashboard_download_carries_the_nhs_number(world, client_as):
    from reporting.dashboard import Cell, Table, as_csv_rows

    child = world["north_child"]
    Child.objects.filter(pk=child.pk).update(nhs_number=NHS)
    table = Table(
        "rows-x",
        "Children",
        ("Child", "Child ID", "Counted"),
        (
            (
                Cell("Northa Inscope", child_pk=child.pk),
                Cell(child.child_id),
                Cell("Yes"),
            ),
            (
                Cell("Southa", child_pk=world["south_child"].pk),
                Cell(world["south_child"].child_id),
                Cell("No"),
            ),
        ),
    )
    rows = list(
        csv.reader(io.StringIO("\n".join(",".join(r) for r in as_csv_rows(table))))
    )
    assert rows[0] == ["Child", "Child ID", "NHS number", "Counted"]
    assert rows[1][2] == "943 476 5919"
    assert rows[2][2] == ""
    figures = Table("t", "Figures", ("Team", "Total"), ((Cell("North"), Cell("3")),))
    assert as_csv_rows(figures) == [["Team", "Total"], ["North", "3"]]


# --- The register's check before a child is added (ID-DUP) ---------------------------


def _checks_on(child) -> list[str]:
    return [
        (entry.additional_data or {}).get("what", "")
        for entry in LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, object_pk=str(child.pk)
        ).order_by("pk")
    ]


def _twin_of(child, **fields):
    """Another child with the same name and date of birth as the one to be added."""
    Child.objects.filter(pk=child.pk).update(
        first_name="NINA",
        last_name="newcomer",
        date_of_birth=date(2016, 4, 4),
        **fields,
    )
    child.refresh_from_db()
    return child


def _confirmation(body: str) -> dict:
    digest = re.search(r'name="checked_against" value="([0-9a-f]+)"', body)
    assert digest, "the page asks to confirm against the matches it found"
    return {"checked_against": digest[1], "different_child": "on"}


def test_a_match_in_scope_is_shown_and_confirmed_as_a_different_child(world, client_as):
    twin = _twin_of(world["north_child"])
    client = client_as(world["sw_north"])
    response = client.post(reverse("children:create"), _new_child(world))
    body = response.content.decode()
    assert response.status_code == 400
    assert not Child.objects.filter(child_id="NEW1").exists()
    assert "This child may already be recorded" in body
    assert f'href="{twin.get_absolute_url()}"' in body
    assert twin.child_id in body
    assert error_beside(body, "different_child") == (
        "Confirm this is a different child, or open the child already recorded"
    )
    assert _checks_on(twin) == [
        "shown as possibly the same child as one being added "
        "(the same name and date of birth)"
    ]
    # A box ticked against other matches (or none shown) is not a confirmation.
    stale = {"checked_against": "0" * 64, "different_child": "on"}
    response = client.post(reverse("children:create"), _new_child(world) | stale)
    assert response.status_code == 400
    response = client.post(
        reverse("children:create"), _new_child(world) | _confirmation(body)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Child.objects.filter(child_id="NEW1").exists()


def test_a_match_outside_scope_is_only_said_to_exist_and_the_check_recorded(
    world, client_as
):
    twin = _twin_of(world["south_child"])
    client = client_as(world["sw_north"])
    response = client.post(reverse("children:create"), _new_child(world))
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        "A child with these details may already be known: ask the IRO service manager"
        in body
    )
    _nothing_of(twin, body)
    assert error_beside(body, "different_child") == (
        "Ask the IRO service manager, then confirm this is a different child"
    )
    assert _checks_on(twin) == [
        "checked as possibly the same child as one being added (the same name and "
        "date of birth); not shown: outside the user's scope"
    ]
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(twin.pk))
    assert entry.actor == world["sw_north"]
    assert entry.additional_data["child"] == twin.pk  # on the child's own trail
    response = client.post(
        reverse("children:create"), _new_child(world) | _confirmation(body)
    )
    assert response.status_code == 302


def _nothing_of(other: Child, body: str) -> None:
    """Nothing of a child outside the user's scope is in the page: no name, no link, no
    id (the twin's name is in another case from the user's own typing, to tell them apart)."""
    assert other.first_name not in body  # "NINA": the user typed "Nina"
    assert other.last_name not in body  # "newcomer"
    assert other.child_id not in body
    assert f"/{other.pk}/" not in body  # no link, nor any address naming its id


def test_the_same_nhs_number_stops_the_child_being_added(world, client_as):
    client = client_as(world["sw_north"])
    mine = world["north_child"]
    Child.objects.filter(pk=mine.pk).update(nhs_number=NHS)
    response = client.post(
        reverse("children:create"), _new_child(world, nhs_number=NHS)
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert error_beside(body, "nhs_number").startswith(
        "A child with this NHS number is already recorded"
    )
    assert f'href="{mine.get_absolute_url()}"' in body
    assert "the same NHS number" in body
    assert 'name="different_child"' not in body, "no one can confirm it away"


def test_the_same_nhs_number_outside_scope_says_nothing_of_the_child(world, client_as):
    theirs = world["south_child"]
    Child.objects.filter(pk=theirs.pk).update(nhs_number=NHS)
    theirs.refresh_from_db()
    response = client_as(world["sw_north"]).post(
        reverse("children:create"), _new_child(world, nhs_number="943 476 5919")
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert error_beside(body, "nhs_number") == (
        "A child with these details may already be known: ask the IRO service manager"
    )
    _nothing_of(theirs, body)
    assert "Southa" not in body and "Outofscope" not in body
    assert _checks_on(theirs) == [
        "checked as possibly the same child as one being added (the same NHS "
        "number); not shown: outside the user's scope"
    ]
    assert not Child.objects.filter(child_id="NEW1").exists()


def test_the_service_manager_sees_every_match(world, client_as):
    twin = _twin_of(world["south_child"])
    body = (
        client_as(world["manager"])
        .post(reverse("children:create"), _new_child(world, team="", social_worker=""))
        .content.decode()
    )
    assert f'href="{twin.get_absolute_url()}"' in body
    assert "may already be known" not in body


def test_no_match_adds_the_child_at_once(world, client_as):
    ChildFactory(
        first_name="Nina", last_name="Newcomer", date_of_birth=date(2016, 4, 5)
    )
    response = client_as(world["sw_north"]).post(
        reverse("children:create"), _new_child(world, nhs_number=NHS)
    )
    assert response.status_code == 302
    assert Child.objects.get(child_id="NEW1").nhs_number == NHS
    accesses = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    assert not any(
        "possibly" in (e.additional_data or {}).get("what", "") for e in accesses
    )


def test_a_change_to_an_nhs_number_another_child_has_is_refused(world, client_as):
    theirs = world["south_child"]
    Child.objects.filter(pk=theirs.pk).update(nhs_number=NHS)
    mine = world["north_child"]
    response = _edit(client_as(world["sw_north"]), mine, nhs_number=NHS)
    body = response.content.decode()
    assert response.status_code == 400
    assert error_beside(body, "nhs_number").startswith(
        "A child with this NHS number is already recorded"
    )
    assert "Southa" not in body and theirs.child_id not in body
    assert _checks_on(theirs) == [
        "checked as possibly the same child as one being changed (the same NHS "
        "number); not shown: outside the user's scope"
    ]
    mine.refresh_from_db()
    assert mine.nhs_number is None
