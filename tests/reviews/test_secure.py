"""Secure accommodation reviews (T9, W21): their own dates, panel and chair."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from children.models import SecurePlacement
from reviews import services
from reviews.models import SecureReview
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PANEL = [
    {"name": "A Chair", "role": "IRO", "independent": False},
    {"name": "B Member", "role": "Councillor", "independent": False},
    {"name": "C Lay", "role": "Lay member", "independent": True},
]


@pytest.fixture
def placement(world):
    child = world["north_child"]
    return SecurePlacement.objects.create(
        child=child,
        period=child.periods_of_care.get(),
        started_on=date(2025, 1, 31),
        unit="Hill House",
    )


def record(review, chair, **overrides):
    data = dict(
        held_on=date(2025, 2, 27),
        panel=PANEL,
        views="Child wants to go home",
        criteria_still_met=True,
        placement_still_necessary=True,
        other_accommodation_more_suitable=False,
        recommendation="Continue",
        today=date(2025, 3, 1),
    )
    return services.secure_review_record(
        review=review, by=chair, **{**data, **overrides}
    )


def test_first_and_next_secure_review_dates_w21(world, placement):
    review = services.secure_review_plan(placement=placement, by=world["manager"])
    assert review.due_date == date(2025, 2, 28)
    services.secure_review_nominate_chair(
        review=review, by=world["manager"], chair=world["iro_b"]
    )
    _, following = record(review, world["iro_b"])
    assert following.due_date == date(2025, 5, 27)


def test_chair_must_not_be_the_childs_iro_and_is_nominated_by_the_manager(
    world, placement
):
    review = services.secure_review_plan(placement=placement, by=world["manager"])
    with pytest.raises(ValidationError, match="child's own IRO"):
        services.secure_review_nominate_chair(
            review=review, by=world["manager"], chair=world["iro_a"]
        )
    with pytest.raises(ValidationError, match="Only the IRO service manager"):
        services.secure_review_nominate_chair(
            review=review, by=world["iro_b"], chair=world["iro_b"]
        )


def test_panel_needs_three_with_one_independent(world, placement):
    review = services.secure_review_plan(placement=placement, by=world["manager"])
    services.secure_review_nominate_chair(
        review=review, by=world["manager"], chair=world["iro_b"]
    )
    with pytest.raises(ValidationError, match="at least 3"):
        record(review, world["iro_b"], panel=PANEL[:2])
    with pytest.raises(ValidationError, match="independent"):
        record(
            review, world["iro_b"], panel=[{**m, "independent": False} for m in PANEL]
        )
    with pytest.raises(ValidationError, match="nominated chair"):
        record(review, world["iro_a"])


def test_childs_iro_is_told_the_outcome(world, placement):
    review = services.secure_review_plan(placement=placement, by=world["manager"])
    services.secure_review_nominate_chair(
        review=review, by=world["manager"], chair=world["iro_b"]
    )
    record(review, world["iro_b"], criteria_still_met=False)
    note = world["iro_a"].notifications.get(
        text__contains="Secure accommodation review"
    )
    assert "NO LONGER apply" in note.text


def test_chair_sees_the_child_only_while_chairing_and_records_through_the_page(
    world, placement, client_as
):
    review = services.secure_review_plan(placement=placement, by=world["manager"])
    other_iro = make_user(Role.IRO, username="iro_c")
    assert client_as(other_iro).get(review.get_absolute_url()).status_code == 404
    services.secure_review_nominate_chair(
        review=review, by=world["manager"], chair=other_iro
    )
    chair = client_as(other_iro)
    assert chair.get(review.get_absolute_url()).status_code == 200
    url = reverse("reviews:secure_record", args=[review.pk])
    bad = chair.post(url, {"held_on_0": "27", "held_on_1": "2", "held_on_2": "2025"})
    assert bad.status_code == 400
    form = {
        "held_on_0": "27",
        "held_on_1": "2",
        "held_on_2": "2025",
        "views": "Heard",
        "criteria_still_met": "True",
        "placement_still_necessary": "True",
        "other_accommodation_more_suitable": "False",
        "recommendation": "Continue",
    }
    for row, member in enumerate(PANEL, start=1):
        form[f"panel_{row}_name"], form[f"panel_{row}_role"] = (
            member["name"],
            member["role"],
        )
        if member["independent"]:
            form[f"panel_{row}_independent"] = "on"
    saved = chair.post(url, form)
    assert saved.status_code == 302
    review.refresh_from_db()
    assert review.status == SecureReview.Status.HELD and review.panel.count() == 3
    assert client_as(other_iro).get(review.get_absolute_url()).status_code == 404
    # The chair no longer sees the child: sent to My work (the review's page, where
    # it used to send them, is a 404 now), which says the review is recorded.
    assert saved["Location"] == reverse("workspace:home")
    home = chair.get(saved["Location"])
    assert home.status_code == 200
    assert "The review is recorded" in home.content.decode()


def test_manager_plans_from_the_list(world, placement, client_as):
    client = client_as(world["manager"])
    assert "Hill House" in client.get(reverse("reviews:secure_list")).content.decode()
    response = client.post(reverse("reviews:secure_plan", args=[placement.pk]))
    assert response.status_code == 302
    assert placement.reviews.get().due_date == date(2025, 2, 28)
    assert (
        client_as(world["iro_a"]).get(reverse("reviews:secure_list")).status_code == 403
    )


def test_nominating_the_chair_and_holding_the_review_are_tasks_on_my_work(
    world, placement, client_as
):
    """The nomination and the chair's own steps reached nobody's My work."""
    review = services.secure_review_plan(placement=placement, by=world["manager"])
    nominate = reverse("reviews:secure_nominate", args=[review.pk])
    hold = reverse("reviews:secure_record", args=[review.pk])
    home = reverse("workspace:home")
    manager = client_as(world["manager"])
    assert nominate in manager.get(home).content.decode()
    assert nominate not in client_as(world["iro_b"]).get(home).content.decode()
    services.secure_review_nominate_chair(
        review=review, by=world["manager"], chair=world["iro_b"]
    )
    assert nominate not in manager.get(home).content.decode()
    chair = client_as(world["iro_b"])
    body = chair.get(home).content.decode()
    assert hold in body and chair.get(hold).status_code == 200
    assert hold not in client_as(world["iro_a"]).get(home).content.decode()
    record(review, world["iro_b"])
    assert hold not in chair.get(home).content.decode()
