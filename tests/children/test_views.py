import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils.html import escape

from children.models import Child

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "user_key", ["iro_b", "sw_south", "duty", "admin", "hos_north"]
)
def test_out_of_scope_child_page_is_404_without_the_name(world, client_as, user_key):
    """Another team's child 'does not exist' for this user; the 404 never shows the name."""
    child = world["north_child"] if user_key != "hos_north" else world["south_child"]
    response = client_as(world[user_key]).get(
        reverse("children:detail", args=[child.pk])
    )
    assert response.status_code == 404
    assert child.last_name not in response.content.decode()


def test_in_scope_child_page_shows_the_child_and_logs_the_access(world, client_as):
    child = world["north_child"]
    response = client_as(world["sw_north"]).get(child.get_absolute_url())
    assert response.status_code == 200
    assert "Northa Inscope" in response.content.decode()
    access = LogEntry.objects.get(
        action=LogEntry.Action.ACCESS, object_pk=str(child.pk)
    )
    assert access.actor == world["sw_north"]


def test_child_list_shows_only_children_in_scope(world, client_as):
    body = client_as(world["sw_north"]).get(reverse("children:list")).content.decode()
    assert "Northa Inscope" in body
    assert "Outofscope" not in body


def test_search_finds_only_children_in_scope(world, client_as):
    client = client_as(world["sw_north"])
    body = client.post(reverse("workspace:search"), {"q": "Southa"}).content.decode()
    assert "Outofscope" not in body
    body = client.post(reverse("workspace:search"), {"q": "Northa"}).content.decode()
    assert "Inscope" in body


def test_empty_search_is_a_400_with_the_error_summary(world, client_as):
    response = client_as(world["sw_north"]).post(reverse("workspace:search"), {"q": ""})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def _edit_data(child, **overrides):
    data = {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "preferred_name": "",
        "date_of_birth_0": "1",
        "date_of_birth_1": "6",
        "date_of_birth_2": "2015",
        "sex": "F",
        "version": str(child.version),
    }
    data.update(overrides)
    return data


def test_change_to_a_child_is_audited_with_its_author(world, client_as):
    child = world["north_child"]
    response = client_as(world["sw_north"]).post(
        reverse("children:edit", args=[child.pk]),
        _edit_data(child, preferred_name="Nor"),
    )
    assert response.status_code == 302
    entry = LogEntry.objects.filter(
        action=LogEntry.Action.UPDATE, object_pk=str(child.pk)
    ).latest("timestamp")
    assert entry.actor == world["sw_north"]
    assert entry.changes_dict["preferred_name"] == ["", "Nor"]


def test_impossible_date_gets_the_govuk_message_and_a_400(world, client_as):
    child = world["north_child"]
    response = client_as(world["sw_north"]).post(
        reverse("children:edit", args=[child.pk]),
        _edit_data(
            child, date_of_birth_0="31", date_of_birth_1="2", preferred_name="Kept"
        ),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Date of birth must be a real date" in body
    assert "out of range" not in body
    assert 'value="Kept"' in body, "what was typed is kept"
    assert "<title>Error:" in body
    child.refresh_from_db()
    assert child.preferred_name == ""


def test_second_editor_gets_the_conflict_page_with_their_input(world, client_as):
    child = world["north_child"]
    stale = _edit_data(child, preferred_name="Second")
    client_as(world["tm_north"]).post(
        reverse("children:edit", args=[child.pk]),
        _edit_data(child, preferred_name="First"),
    )
    response = client_as(world["sw_north"]).post(
        reverse("children:edit", args=[child.pk]), stale
    )
    assert response.status_code == 409
    assert "Second" in response.content.decode()
    assert Child.objects.get(pk=child.pk).preferred_name == "First"


def test_audit_history_page_for_service_manager_only(world, client_as):
    child = world["north_child"]
    client_as(world["sw_north"]).get(child.get_absolute_url())
    url = reverse("children:audit", args=[child.pk])
    body = client_as(world["manager"]).get(url).content.decode()
    assert "Who viewed or changed" in body
    # Escaped as the page writes it: a generated name may hold an apostrophe.
    assert escape(world["sw_north"].get_full_name()) in body
    assert client_as(world["tm_north"]).get(url).status_code == 403
