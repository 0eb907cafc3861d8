"""Pages: list filters, the child's page, create and edit forms."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from children.models import Child, Episode
from reviews.models import Review
from reviews.services.register import child_register

pytestmark = pytest.mark.django_db


def _d(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def _register(world, child_id, legal_status="C2", on=None):
    on = on or timezone.localdate() - timedelta(days=3)
    child = child_register(
        child_id=child_id,
        first_name="Filter",
        last_name=f"Kid{child_id}",
        date_of_birth=date(2014, 1, 1),
        looked_after_on=on,
        by=None,
        first_episode={
            "legal_status": legal_status,
            "category_of_need": "N1",
            "placement": "U6",
            "placement_provider": "PR1",
        },
    )
    Child.objects.filter(pk=child.pk).update(team=world["north_child"].team)
    return child


def test_list_filters_by_legal_status_and_due_within(world, client_as):
    c1 = _register(world, "L1", "C1")
    c2 = _register(world, "L2", "V2")
    client = client_as(world["sw_north"])
    body = client.get(reverse("children:list"), {"legal_status": "C1"}).content.decode()
    assert c1.last_name in body and c2.last_name not in body
    body = client.get(reverse("children:list"), {"due_within": "60"}).content.decode()
    assert c1.last_name in body and c2.last_name in body
    assert "Inscope" not in body  # the factory child has no review planned


def test_list_filters_overdue(world, client_as):
    late = _register(world, "O1", on=date(2024, 1, 8))
    body = (
        client_as(world["manager"])
        .get(reverse("children:list"), {"overdue": "on"})
        .content.decode()
    )
    assert late.last_name in body
    assert "Overdue" in body


def test_list_filter_rejects_bad_input_with_400(world, client_as):
    response = client_as(world["manager"]).get(
        reverse("children:list"), {"due_within": "soon"}
    )
    assert response.status_code == 400


def test_child_page_shows_status_placement_and_explained_due_date(world, client_as):
    child = _register(world, "P1")
    body = client_as(world["sw_north"]).get(child.get_absolute_url()).content.decode()
    review = Review.objects.get(child=child)
    assert "C2: full care order" in body
    assert "U6: foster placement" in body
    assert review.due_rule in body.replace("&#x27;", "'")
    assert "Practical latest date" in body
    assert "Timeline" in body


def test_business_support_does_not_see_case_details(world, client_as):
    child = _register(world, "B1")
    body = client_as(world["bs"]).get(child.get_absolute_url()).content.decode()
    assert "Significant events" not in body
    assert "does not want shared" not in body


def test_create_child_plans_the_first_review_and_queues(world, client_as):
    on = timezone.localdate() - timedelta(days=1)
    data = {
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
    }
    response = client_as(world["sw_north"]).post(reverse("children:create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    child = Child.objects.get(child_id="NEW1")
    assert child.social_worker == world["sw_north"]
    assert Review.objects.filter(child=child, status="planned").exists()


def test_create_child_with_errors_is_400_and_saves_nothing(world, client_as):
    data = {
        "child_id": "NEW2",
        "first_name": "Kept",
        "last_name": "",
        "sex": "F",
        **_d("date_of_birth", date(2016, 4, 4)),
        "looked_after_on_0": "31",
        "looked_after_on_1": "2",
        "looked_after_on_2": "2025",
        "legal_status": "ZZ",
        "category_of_need": "N4",
        "placement": "U6",
    }
    response = client_as(world["sw_north"]).post(reverse("children:create"), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Date the child became looked after must be a real date" in body
    assert "Enter the child&#x27;s last name" in body
    assert 'value="Kept"' in body
    assert not Child.objects.filter(child_id="NEW2").exists()


def test_episode_add_page_refuses_an_overlap_with_400(world, client_as):
    child = _register(world, "E1", on=date(2025, 1, 6))
    data = {
        **_d("started_on", date(2025, 1, 2)),
        "reason_new": "P",
        "legal_status": "C2",
        "category_of_need": "N1",
        "placement": "K2",
        "placement_provider": "PR4",
    }
    response = client_as(world["sw_north"]).post(
        reverse("children:episode_add", args=[child.pk]), data
    )
    assert response.status_code == 400
    assert "after the start of the current episode" in response.content.decode()
    assert Episode.objects.filter(period__child=child).count() == 1


def test_episode_pages_are_404_out_of_scope(world, client_as):
    child = _register(world, "X1")
    episode = Episode.objects.get(period__child=child)
    client = client_as(world["sw_south"])
    assert (
        client.get(reverse("children:episode_edit", args=[episode.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("children:episode_add", args=[child.pk])).status_code == 404
    )


def test_a_child_id_that_a_spreadsheet_would_run_is_refused_beside_the_field(
    world, client_as
):
    """The SSDA903 return must round-trip, so =, +, -, @ cannot start a child ID."""
    on = timezone.localdate() - timedelta(days=3)
    data = {
        "child_id": "=1+2",
        "first_name": "New",
        "last_name": "Child",
        "sex": "F",
        **_d("date_of_birth", date(2016, 4, 4)),
        **_d("looked_after_on", on),
        "legal_status": "V2",
        "category_of_need": "N4",
        "placement": "U6",
        "placement_provider": "PR1",
        "team": world["north_child"].team.pk,
        "social_worker": world["sw_north"].pk,
    }
    response = client_as(world["sw_north"]).post(reverse("children:create"), data)
    assert response.status_code == 400
    assert "cannot start with =, +, -, @" in response.content.decode()
    assert not Child.objects.filter(child_id="=1+2").exists()
