"""IRO allocation (T1, T2): notification, queue, independence, history, letters."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from children.services import pathway_update
from core.models import Notification
from iro.models import IroAllocation
from iro.selectors import allocation_queue, iro_caseloads, suggested_iros
from iro.services import duty_cover_set, iro_allocate, iro_allocation_end
from reviews.services.register import child_register
from tests.factories import make_user

pytestmark = pytest.mark.django_db

EPISODE = {
    "legal_status": "C1",
    "category_of_need": "N1",
    "placement": "U6",
    "placement_provider": "PR1",
}


def new_child(child_id="Q1", on=date(2025, 1, 6), **details):
    return child_register(
        child_id=child_id,
        first_name="Quinn",
        last_name=f"Queue{child_id}",
        date_of_birth=date(2014, 5, 5),
        looked_after_on=on,
        by=None,
        first_episode=EPISODE,
        details=details,
    )


def test_a_new_period_notifies_the_iro_service_and_queues_the_child(world):
    """W1: looked after Mon 6 Jan 2025, allocate an IRO by Mon 13 Jan 2025 (T1, T2)."""
    duty_cover_set(
        duty_iro=world["duty"],
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        by=world["manager"],
    )
    child = new_child()
    period = child.periods_of_care.get()
    assert period.iro_service_notified_at is not None
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"manager", "duty"}
    assert "Monday 13 January 2025" in Notification.objects.first().text
    entry = next(e for e in allocation_queue() if e.child == child)
    assert entry.allocation.date == date(2025, 1, 13)


def test_notifying_twice_sends_nothing_new(world):
    from iro.services import iro_new_period_notify

    child = new_child()
    iro_new_period_notify(period=child.periods_of_care.get(), by=None)
    assert Notification.objects.filter(user=world["manager"]).count() == 1


@pytest.mark.parametrize("who", ["sw", "tm", "pa"])
def test_independence_rule_blocks_sw_tm_and_pa(world, north_team, who):
    """CPPCR reg. 46: never the child's SW, that SW's manager, or their PA."""
    child = world["north_child"]
    conflicted = {
        "sw": make_user(Role.IRO, Role.SOCIAL_WORKER, username="x", team=north_team),
        "tm": make_user(Role.IRO, Role.TEAM_MANAGER, username="y", team=north_team),
        "pa": make_user(Role.IRO, username="z"),
    }[who]
    if who == "sw":
        child.social_worker = conflicted
        child.save()
    if who == "pa":
        pathway_update(child=child, by=None, personal_adviser=conflicted)
    with pytest.raises(ValidationError) as error:
        iro_allocate(child=child, iro=conflicted, on=date(2025, 2, 1), by=None)
    assert "cannot be this child's IRO" in error.value.message_dict["iro"][0]


def test_change_of_iro_keeps_history_reason_and_prompts_letters(world):
    child = world["north_child"]
    first = iro_allocate(child=child, iro=world["iro_a"], on=date(2025, 1, 8), by=None)
    second = iro_allocate(
        child=child,
        iro=world["iro_b"],
        on=date(2025, 6, 2),
        by=world["manager"],
        reason="Caseload balancing",
        child_told_on=date(2025, 6, 3),
    )
    first.refresh_from_db()
    assert (first.ended_on, first.end_reason) == (
        date(2025, 6, 2),
        "Caseload balancing",
    )
    assert first.needs_farewell_letter
    assert second.needs_introduction_letter
    assert second.child_told_on == date(2025, 6, 3)
    child.refresh_from_db()
    assert child.iro == world["iro_b"]


def test_sibling_and_previous_iro_are_suggested(world):
    older = new_child("S1", sibling_group="FAM7")
    iro_allocate(child=older, iro=world["iro_a"], on=date(2025, 1, 7), by=None)
    younger = new_child("S2", sibling_group="FAM7")
    assert [s.iro for s in suggested_iros(younger)] == [world["iro_a"]]
    iro_allocate(child=younger, iro=world["iro_b"], on=date(2025, 1, 7), by=None)
    iro_allocation_end(child=younger, on=date(2025, 3, 1), reason="Left care", by=None)
    younger.refresh_from_db()
    whys = {s.iro: s.why for s in suggested_iros(younger)}
    assert "previous IRO" in whys[world["iro_b"]]


def test_caseload_counts_per_full_time_equivalent(world):
    world["iro_a"].fte = Decimal("0.5")
    world["iro_a"].save()
    loads = {load.iro: load for load in iro_caseloads()}
    # north_child has iro_a (factory children have an open period)
    assert loads[world["iro_a"]].children == 1
    assert loads[world["iro_a"]].per_fte == Decimal("2.0")
    assert loads[world["iro_a"]].band == "below"


def test_queue_page_is_for_the_service_manager_only(world, client_as):
    child = new_child()
    body = client_as(world["manager"]).get(reverse("iro:queue")).content.decode()
    assert child.full_name in body
    assert "Monday 13 January 2025" in body
    assert client_as(world["iro_a"]).get(reverse("iro:queue")).status_code == 403


def test_allocate_page_allocates_and_redirects(world, client_as):
    child = new_child()
    response = client_as(world["manager"]).post(
        reverse("iro:allocate", args=[child.pk]),
        {
            "iro": world["iro_a"].pk,
            "on_0": "8",
            "on_1": "1",
            "on_2": "2025",
            "reason": "",
        },
    )
    assert response.status_code == 302
    assert IroAllocation.objects.get(child=child).iro == world["iro_a"]


def test_allocate_page_shows_the_independence_error_with_400(
    world, client_as, north_team
):
    sw_iro = make_user(Role.IRO, Role.SOCIAL_WORKER, username="dual", team=north_team)
    child = world["north_child"]
    child.social_worker = sw_iro
    child.save()
    response = client_as(world["manager"]).post(
        reverse("iro:allocate", args=[child.pk]),
        {"iro": sw_iro.pk, "on_0": "8", "on_1": "1", "on_2": "2025", "reason": "x"},
    )
    assert response.status_code == 400
    assert "is the child&#x27;s social worker" in response.content.decode()


def test_duty_cover_page_sets_cover(world, client_as):
    today = timezone.localdate()
    end = today + timedelta(days=4)
    response = client_as(world["manager"]).post(
        reverse("iro:cover"),
        {
            "duty_iro": world["duty"].pk,
            "covered_iro": world["iro_a"].pk,
            "starts_on_0": today.day,
            "starts_on_1": today.month,
            "starts_on_2": today.year,
            "ends_on_0": end.day,
            "ends_on_1": end.month,
            "ends_on_2": end.year,
        },
    )
    assert response.status_code == 302
    from children.permissions import children_visible_to

    assert world["north_child"] in children_visible_to(world["duty"])


def test_review_diary_lists_scheduled_reviews_by_day(world, client_as):
    from reviews.models import Review

    child = new_child()
    review = Review.objects.get(child=child)
    when = timezone.now().replace(hour=10, minute=0)
    Review.objects.filter(pk=review.pk).update(status="scheduled", scheduled_for=when)
    body = client_as(world["bs"]).get(reverse("reviews:diary")).content.decode()
    assert child.full_name in body
    assert client_as(world["sw_north"]).get(reverse("reviews:diary")).status_code == 403


def test_letter_is_recorded_by_the_iro(world, client_as):
    child = world["north_child"]
    allocation = iro_allocate(
        child=child, iro=world["iro_a"], on=date(2025, 1, 8), by=None
    )
    response = client_as(world["iro_a"]).post(
        reverse("iro:letters", args=[allocation.pk]),
        {"letter": "introduction", "on_0": "9", "on_1": "1", "on_2": "2025"},
    )
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.introduction_letter_sent_on == date(2025, 1, 9)


def test_the_duty_iro_diary_shows_only_the_duty_iros_scope(world, client_as):
    """Need to know: business support and the manager see every review; the Duty IRO
    only the children they may see (their own and those they cover)."""
    from children.permissions import children_visible_to
    from reviews.models import Review

    child = new_child()
    child.iro = world["iro_a"]
    child.save()
    review = Review.objects.get(child=child)
    when = timezone.now().replace(hour=10, minute=0)
    Review.objects.filter(pk=review.pk).update(status="scheduled", scheduled_for=when)
    assert child not in children_visible_to(world["duty"])
    body = client_as(world["duty"]).get(reverse("reviews:diary")).content.decode()
    assert child.full_name not in body
    for who in ["bs", "manager"]:
        body = client_as(world[who]).get(reverse("reviews:diary")).content.decode()
        assert child.full_name in body, who
