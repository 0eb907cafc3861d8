"""The IRO's letters are tasks (D-LETTERS): the introduction letter for the child's IRO
until it is recorded; the farewell letter for the IRO service, since the IRO whose work
ended no longer sees the child."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from iro.services import iro_allocate, iro_allocation_end, iro_letter_record
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def _home(client) -> str:
    return client.get(reverse("workspace:home")).content.decode()


def test_the_introduction_and_farewell_letters_are_tasks_until_recorded(
    world, client_as
):
    today = timezone.localdate()
    child = ChildFactory(first_name="Lettra", team=world["north_child"].team)
    allocation = iro_allocate(
        child=child,
        iro=world["iro_a"],
        on=today - timedelta(days=1),
        by=world["manager"],
    )
    letters = reverse("iro:letters", args=[allocation.pk])
    iro, manager = client_as(world["iro_a"]), client_as(world["manager"])
    assert "Send your introduction letter" in _home(iro) and letters in _home(iro)
    assert letters not in _home(client_as(world["iro_b"]))
    iro_letter_record(
        allocation=allocation, letter="introduction", on=today, by=world["iro_a"]
    )
    assert letters not in _home(iro)

    iro_allocation_end(child=child, on=today, reason="Left care", by=world["manager"])
    told = Notification.objects.get(user=world["iro_a"], key__startswith="iro-farewell")
    assert "The IRO service sends your farewell letter" in told.text
    assert letters not in _home(iro)
    body = _home(manager)
    assert "Send the farewell letter" in body and letters in body
    assert manager.get(letters).status_code == 200
    iro_letter_record(
        allocation=allocation, letter="farewell", on=today, by=world["manager"]
    )
    assert letters not in _home(manager)
