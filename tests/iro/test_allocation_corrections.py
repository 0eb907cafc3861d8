"""An allocation's dates: an end before the start is refused beside the field, and
the IRO service manager corrects a wrongly entered start or end with a reason (C5)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from iro.models import IroAllocation, IroAllocationCorrection
from iro.services import iro_allocate, iro_allocation_dates_correct, iro_allocation_end
from reviews.services.register import period_end

pytestmark = pytest.mark.django_db


def _allocated(w, on=date(2025, 3, 3)):
    child = w["north_child"]
    return child, iro_allocate(child=child, iro=w["iro_a"], on=on, by=w["manager"])


def test_an_end_before_the_start_is_refused_not_moved_up_to_it(world):
    """It used to be moved silently to the allocation's start."""
    child, allocation = _allocated(world)
    with pytest.raises(ValidationError) as refused:
        iro_allocation_end(
            child=child, on=date(2025, 3, 1), reason="Went home", by=world["manager"]
        )
    message = refused.value.message_dict["on"][0]
    assert message.startswith("Date the allocation ended must be on or after the date ")
    assert "(3 March 2025)" in message
    assert "the IRO service manager corrects it" in message
    allocation.refresh_from_db()
    assert allocation.ended_on is None


def test_ending_the_period_before_the_allocation_started_is_refused_beside_its_date(
    world,
):
    child, allocation = _allocated(world)
    period = child.periods_of_care.get()
    with pytest.raises(ValidationError) as refused:
        period_end(
            period=period,
            ended_on=date(2025, 2, 28),
            reason="E11",
            by=world["sw_north"],
            today=timezone.localdate(),
        )
    assert refused.value.message_dict["ended_on"][0].startswith(
        "Date the child ceased to be looked after must be on or after the date"
    )
    period.refresh_from_db()
    assert period.ended_on is None  # nothing of the ending was kept


def test_the_page_says_so_beside_the_date(world, client_as):
    child, allocation = _allocated(world)
    response = client_as(world["sw_north"]).post(
        reverse("children:period_end", args=[child.pk]),
        {
            "ended_on_0": "28",
            "ended_on_1": "2",
            "ended_on_2": "2025",
            "reason": "E11",
        },
    )
    assert response.status_code == 400
    assert "must be on or after the date" in response.content.decode()


def test_the_manager_corrects_a_start_and_the_history_keeps_it(world):
    child, allocation = _allocated(world)
    correction = iro_allocation_dates_correct(
        allocation=allocation,
        started_on=date(2025, 2, 24),
        ended_on=None,
        reason="Typed the wrong week",
        by=world["manager"],
    )
    allocation.refresh_from_db()
    assert allocation.started_on == date(2025, 2, 24)
    assert correction.changes == {"started_on": ["2025-03-03", "2025-02-24"]}
    assert correction.lines() == ["Start: 3 March 2025 to 24 February 2025"]
    # Now the period may end on 28 February.
    iro_allocation_end(child=child, on=date(2025, 2, 28), reason="Home", by=None)


def test_a_change_of_iro_is_one_date_and_both_allocations_move(world):
    child, first = _allocated(world)
    second = iro_allocate(
        child=child,
        iro=world["iro_b"],
        on=date(2025, 6, 2),
        by=world["manager"],
        reason="Caseload",
    )
    iro_allocation_dates_correct(
        allocation=second,
        started_on=date(2025, 5, 26),
        ended_on=None,
        reason="The change was a week earlier",
        by=world["manager"],
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.ended_on == second.started_on == date(2025, 5, 26)
    assert IroAllocationCorrection.objects.count() == 2
    with pytest.raises(ValidationError) as refused:
        iro_allocation_dates_correct(
            allocation=second,
            started_on=date(2025, 3, 1),  # before the first IRO started
            ended_on=None,
            reason="Wrong",
            by=world["manager"],
        )
    assert "(3 March 2025)" in refused.value.message_dict["started_on"][0]


@pytest.mark.parametrize(
    ("ended_on", "field", "message"),
    [
        pytest.param(
            date(2025, 3, 1),
            "ended_on",
            "must be on or after the start date",
            id="end-before-start",
        ),
        pytest.param(
            None, "ended_on", "Enter the date the allocation ended", id="no-end"
        ),
    ],
)
def test_a_wrong_end_is_refused_beside_it(world, ended_on, field, message):
    child, allocation = _allocated(world)
    iro_allocation_end(child=child, on=date(2025, 4, 1), reason="Home", by=None)
    with pytest.raises(ValidationError) as refused:
        iro_allocation_dates_correct(
            allocation=allocation,
            started_on=date(2025, 3, 3),
            ended_on=ended_on,
            reason="Wrong",
            by=world["manager"],
        )
    assert message in refused.value.message_dict[field][0]
    allocation.refresh_from_db()
    assert allocation.ended_on == date(2025, 4, 1)


def test_the_correction_page_is_the_managers(world, client_as):
    child, allocation = _allocated(world)
    url = reverse("iro:allocation_correct", args=[allocation.pk])
    assert client_as(world["iro_a"]).get(url).status_code == 403
    manager = client_as(world["manager"])
    assert url in manager.get(reverse("iro:allocate", args=[child.pk])).content.decode()
    empty = manager.post(url, {})
    assert empty.status_code == 400
    far = timezone.localdate() + timedelta(days=365 * 50)
    refused = manager.post(
        url,
        {
            "started_on_0": far.day,
            "started_on_1": far.month,
            "started_on_2": far.year,
            "reason": "Typo",
        },
    )
    assert refused.status_code == 400
    done = manager.post(
        url,
        {
            "started_on_0": "24",
            "started_on_1": "2",
            "started_on_2": "2025",
            "reason": "Typo",
        },
    )
    assert done.status_code == 302
    assert IroAllocation.objects.get(pk=allocation.pk).started_on == date(2025, 2, 24)


def test_a_new_allocation_after_an_end_starts_on_or_after_that_end(world):
    """Found by tests/iro/test_allocation_state_machine.py: once the allocation had
    ended, the next one was accepted from the child's birth, so that the child had two
    IROs at once (and correcting the first then failed with an AttributeError)."""
    child, first = _allocated(world)
    iro_allocation_end(child=child, on=date(2025, 6, 2), reason="Home", by=None)
    for before_the_end in (date(2025, 6, 1), date(2025, 2, 1)):
        with pytest.raises(ValidationError) as refused:
            iro_allocate(
                child=child, iro=world["iro_b"], on=before_the_end, by=world["manager"]
            )
        message = refused.value.message_dict["on"][0]
        assert message.startswith("Date allocated must be on or after the date ")
        assert "allocation ended (2 June 2025)" in message
    assert list(child.iro_allocations.all()) == [first]
    second = iro_allocate(
        child=child, iro=world["iro_b"], on=date(2025, 6, 2), by=world["manager"]
    )
    first.refresh_from_db()
    assert second.started_on == first.ended_on == date(2025, 6, 2)
