"""A child waiting for an IRO is a task on the service manager's My work, from the day
they become looked after until an IRO is allocated (T2)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from iro.services import iro_allocate
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_the_manager_sees_each_child_waiting_for_an_iro_until_one_is_allocated(
    world, client_as
):
    """My work used to be empty for the manager while children waited for an IRO."""
    waiting = ChildFactory(first_name="Waita", team=world["north_child"].team)
    manager = client_as(world["manager"])
    body = manager.get(reverse("workspace:home")).content.decode()
    assert "Children waiting for an IRO" in body
    assert escape(waiting.full_name) in body
    assert reverse("iro:allocate", args=[waiting.pk]) in body
    assert "1 child waiting, 1 past the date to allocate by" in body  # since 2025
    assert manager.get(reverse("iro:allocate", args=[waiting.pk])).status_code == 200

    iro_allocate(
        child=waiting, iro=world["iro_a"], on=timezone.localdate(), by=world["manager"]
    )
    body = manager.get(reverse("workspace:home")).content.decode()
    assert "Children waiting for an IRO" not in body


def test_nobody_else_is_given_the_allocation_task(world, client_as):
    ChildFactory(first_name="Waita", team=world["north_child"].team)
    for who in ("iro_a", "duty", "sw_north", "tm_north", "bs"):
        body = client_as(world[who]).get(reverse("workspace:home")).content.decode()
        assert "Children waiting for an IRO" not in body, who


def _event(world):
    from datetime import timedelta

    from children.models import SignificantEvent

    child = world["north_child"]
    day = timezone.localdate()
    return SignificantEvent.objects.create(
        child=child,
        period=child.periods_of_care.get(),
        kind=SignificantEvent.Kind.values[0],
        occurred_on=day,
        description="A change the IRO needs to know about",
        recorded_by=world["sw_north"],
        iro_notified_on=day,
        decision_due=day + timedelta(days=5),
    )


def _decide(world, event):
    from reviews.services.events import significant_event_decide

    significant_event_decide(
        event=event,
        decision="no_action",
        reason="Nothing changes for the plan",
        child_consulted=True,
        parents_consulted=False,
        by=world["iro_a"],
        today=timezone.localdate(),
    )


def test_a_significant_event_is_a_task_for_the_childs_iro_until_decided(
    world, client_as
):
    """The decision used to reach the IRO only as a notification."""

    event = _event(world)
    iro = client_as(world["iro_a"])
    body = iro.get(reverse("workspace:home")).content.decode()
    assert "Significant events to decide" in body
    assert reverse("children:event", args=[event.pk]) in body
    assert iro.get(reverse("children:event", args=[event.pk])).status_code == 200
    for who in ("iro_b", "sw_north", "bs"):
        other = client_as(world[who]).get(reverse("workspace:home")).content.decode()
        assert "Significant events to decide" not in other, who

    _decide(world, event)
    body = iro.get(reverse("workspace:home")).content.decode()
    assert "Significant events to decide" not in body


def test_an_event_is_corrected_until_the_iro_decides(world, client_as):
    """A significant event recorded wrongly could not be put right (C1)."""
    from datetime import timedelta

    from auditlog.models import LogEntry

    from reviews.services.events import significant_event_decide

    event = _event(world)
    edit = reverse("children:event_edit", args=[event.pk])
    sw = client_as(world["sw_north"])
    assert edit in sw.get(reverse("children:event", args=[event.pk])).content.decode()
    day = timezone.localdate() - timedelta(days=1)
    bad = sw.post(
        edit,
        {
            "kind": event.kind,
            "description": "x",
            "occurred_on_0": "1",
            "occurred_on_1": "1",
            "occurred_on_2": "2100",
        },
    )
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    good = sw.post(
        edit,
        {
            "kind": event.kind,
            "description": "The placement ended yesterday, not today",
            "occurred_on_0": str(day.day),
            "occurred_on_1": str(day.month),
            "occurred_on_2": str(day.year),
        },
    )
    assert good.status_code == 302
    event.refresh_from_db()
    assert event.occurred_on == day and "yesterday" in event.description
    assert LogEntry.objects.filter(
        object_pk=str(event.pk), action=LogEntry.Action.UPDATE
    ).exists()
    assert client_as(world["bs"]).get(edit).status_code in (403, 404)
    significant_event_decide(
        event=event,
        decision="no_action",
        reason="Nothing changes",
        child_consulted=True,
        parents_consulted=False,
        by=world["iro_a"],
        today=timezone.localdate(),
    )
    assert (
        edit not in sw.get(reverse("children:event", args=[event.pk])).content.decode()
    )
    again = sw.post(
        edit,
        {
            "kind": event.kind,
            "description": "Changed after the decision",
            "occurred_on_0": str(day.day),
            "occurred_on_1": str(day.month),
            "occurred_on_2": str(day.year),
        },
    )
    assert again.status_code == 400 and "has decided" in again.content.decode()


def test_an_event_recorded_by_mistake_is_withdrawn_with_a_reason(world, client_as):
    """An event recorded for the wrong child could be corrected but never taken back:
    the IRO's decision stayed due (C1)."""
    from children.models import SignificantEvent
    from core.models import Notification

    event = _event(world)
    withdraw = reverse("children:event_withdraw", args=[event.pk])
    sw = client_as(world["sw_north"])
    assert (
        withdraw in sw.get(reverse("children:event", args=[event.pk])).content.decode()
    )
    empty = sw.post(withdraw, {"reason": ""})
    assert empty.status_code == 400
    assert "Enter why the event is withdrawn" in empty.content.decode()
    assert (
        sw.post(withdraw, {"reason": "Recorded for the wrong child"}).status_code == 302
    )

    kept = SignificantEvent.everything.get(pk=event.pk)
    assert (
        kept.removed_by == world["sw_north"] and "wrong child" in kept.withdrawn_reason
    )
    assert not SignificantEvent.objects.filter(pk=event.pk).exists()
    iro = client_as(world["iro_a"])
    assert (
        "Significant events to decide"
        not in iro.get(reverse("workspace:home")).content.decode()
    )
    told = Notification.objects.get(user=world["iro_a"], text__contains="withdrawn")
    assert iro.get(told.url).status_code == 200  # the child's page, not the gone event
    assert iro.get(reverse("children:event", args=[event.pk])).status_code == 404


def test_a_decided_event_is_not_withdrawn(world):
    from django.core.exceptions import ValidationError

    from reviews.services.events import (
        significant_event_withdraw,
    )

    event = _event(world)
    _decide(world, event)
    with pytest.raises(ValidationError, match="has decided"):
        significant_event_withdraw(
            event=event, by=world["sw_north"], today=timezone.localdate(), reason="x"
        )
