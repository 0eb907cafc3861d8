"""The pages of a child's deprivation of liberty orders: record, correct, remove; the
child's page, the review's pages and My work (docs/rules.md, DOL-1 to DOL-6)."""

from datetime import date, datetime, time, timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from children.models import DeprivationOfLibertyOrder
from children.services import period_close
from children.services_liberty import liberty_order_record
from reviews import services

pytestmark = pytest.mark.django_db
Order = DeprivationOfLibertyOrder


def _dates(name: str, day: date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def _form(started_on: date, **more) -> dict:
    return {
        **_dates("started_on", started_on),
        "accommodation": "relevant",
        "court_reference": "ZW25C00123",
        **more,
    }


def _order(child, started_on=date(2025, 3, 1), **fields):
    return liberty_order_record(
        child=child,
        by=None,
        today=timezone.localdate(),
        started_on=started_on,
        accommodation=Order.Accommodation.INHERENT,
        court_reference="ZW25C00999",
        **fields,
    )


def test_the_social_worker_records_an_order_and_the_child_page_shows_it(world, client):
    child = world["north_child"]
    client.force_login(world["sw_north"])
    url = reverse("children:liberty_add", args=[child.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(date(2025, 3, 1)))
    assert response.status_code == 302
    order = child.liberty_orders.get()
    assert (order.recorded_by, order.court_reference) == (
        world["sw_north"],
        "ZW25C00123",
    )
    page = client.get(child.get_absolute_url()).content.decode()
    assert "Deprivation of liberty orders" in page
    assert "ZW25C00123" in page
    assert reverse("children:liberty_edit", args=[order.pk]) in page


def test_an_overlapping_order_is_a_400_beside_the_field(world, client):
    child = world["north_child"]
    _order(child)
    client.force_login(world["sw_north"])
    response = client.post(
        reverse("children:liberty_add", args=[child.pk]), _form(date(2025, 4, 1))
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "already has a deprivation of liberty order from 1 March 2025" in body
    assert child.liberty_orders.count() == 1


def test_only_those_who_edit_the_childs_records_may_change_orders(world, client):
    child = world["north_child"]
    order = _order(child)
    client.force_login(world["iro_a"])  # the child's IRO reads, but does not edit
    for name, args in (
        ("children:liberty_add", [child.pk]),
        ("children:liberty_edit", [order.pk]),
        ("children:liberty_remove", [order.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403
    client.force_login(world["sw_south"])  # not in scope: it does not exist for them
    assert (
        client.get(reverse("children:liberty_edit", args=[order.pk])).status_code == 404
    )


def test_an_order_is_ended_then_removed_with_a_reason(world, client):
    child = world["north_child"]
    order = _order(child)
    client.force_login(world["sw_north"])
    edit = reverse("children:liberty_edit", args=[order.pk])
    data = _form(date(2025, 3, 1), **_dates("ended_on", date(2025, 6, 1)))
    assert client.post(edit, data).status_code == 302
    order.refresh_from_db()
    assert order.ended_on == date(2025, 6, 1)
    remove = reverse("children:liberty_remove", args=[order.pk])
    assert client.post(remove, {"reason": ""}).status_code == 400
    assert client.post(remove, {"reason": "The wrong child"}).status_code == 302
    assert not child.liberty_orders.exists()
    assert Order.everything.get(pk=order.pk).removed_reason == "The wrong child"
    assert LogEntry.objects.get_for_object(order).count() == 3  # made, ended, removed


def test_an_order_open_after_care_is_flagged_and_on_my_work(world, client):
    child = world["north_child"]
    order = _order(child)
    period_close(
        period=child.periods_of_care.get(),
        ended_on=date(2025, 9, 1),
        reason="E11",
        today=timezone.localdate(),
    )
    client.force_login(world["sw_north"])
    page = client.get(child.get_absolute_url()).content.decode()
    assert "the child stopped being looked after on 1 September 2025" in page
    home = client.get(reverse("workspace:home")).content.decode()
    assert "Record the end of the deprivation of liberty order" in home
    assert reverse("children:liberty_edit", args=[order.pk]) in home
    client.force_login(world["tm_north"])  # the task is the social worker's
    home = client.get(reverse("workspace:home")).content.decode()
    assert "Record the end of the deprivation of liberty order" not in home


def test_the_review_and_its_meeting_ask_the_iro_to_consider_the_order(world, client):
    child = world["north_child"]
    period = child.periods_of_care.get()
    period.started_on = timezone.localdate() - timedelta(days=7)
    period.save()
    review = services.review_plan_next(period=period, by=None)
    day = timezone.localdate() + timedelta(days=10)
    review = services.review_schedule(
        review=review,
        by=world["iro_a"],
        scheduled_for=timezone.make_aware(datetime.combine(day, time(16))),
        venue="Youth club",
        format="face_to_face",
    )
    client.force_login(world["iro_a"])
    detail = reverse("reviews:detail", args=[review.pk])
    meeting = reverse("reviews:meeting", args=[review.pk])
    assert "Is the order still needed" not in client.get(detail).content.decode()
    _order(child, started_on=period.started_on + timedelta(days=1))
    for url in (detail, meeting):
        body = client.get(url).content.decode()
        assert "Deprivation of liberty" in body
        assert "Is the order still needed" in body
        assert "no date recorded" in body  # when the court next reviews it
        assert "views on the restrictions" in body
