"""The notifications page names no child the reader no longer sees.

An IRO told "You are now the IRO for <child>" keeps that notification after the child
is allocated to another IRO; its link would now be a 404 and its text names a child
outside their scope. The page shows such a notification without either
(workspace.permissions.notifications_out_of_scope), and it can still be marked read.
"""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from iro.services import (
    duty_cover_set,
    iro_allocate,
    iro_allocation_end,
    iro_new_period_notify,
)

pytestmark = pytest.mark.django_db

NOTIFICATIONS = reverse("workspace:notifications")
WITHHELD = "A message about a child who is no longer in your work"


@pytest.fixture
def moved(world):
    """North's child allocated to IRO A, then to IRO B: A's allocation ended."""
    child = world["north_child"]
    for iro, on in (
        (world["iro_a"], date(2025, 1, 8)),
        (world["iro_b"], date(2025, 6, 2)),
    ):
        iro_allocate(
            child=child, iro=iro, on=on, by=world["manager"], reason="Caseload"
        )
    return child


def test_the_former_iro_sees_no_name_and_no_link(client_as, world, moved):
    html = client_as(world["iro_a"]).get(NOTIFICATIONS).content.decode()
    link = reverse("children:detail", args=[moved.pk])
    assert client_as(world["iro_a"]).get(link).status_code == 404
    assert "Northa" not in html and "Inscope" not in html
    assert f'href="{link}"' not in html
    assert WITHHELD in html
    assert "You have 1 unread notification." in html


def test_the_iro_now_sees_the_name_and_the_link(client_as, world, moved):
    html = client_as(world["iro_b"]).get(NOTIFICATIONS).content.decode()
    assert "You are now the IRO for Northa Inscope" in html
    assert f'href="{reverse("children:detail", args=[moved.pk])}"' in html
    assert WITHHELD not in html


def test_a_withheld_notification_is_still_marked_read(client_as, world, moved):
    iro = world["iro_a"]
    notification = iro.notifications.get()
    client = client_as(iro)
    assert (
        client.post(NOTIFICATIONS, {"notification": notification.pk}).status_code == 302
    )
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "Northa" not in client.get(NOTIFICATIONS).content.decode()


def test_the_farewell_letter_prompt_leads_to_no_404(client_as, world):
    """The IRO is told to send their farewell letter as their allocation ends, which
    takes the child out of their scope: the message is shown without the child's name
    or a link to the child's page, which is now a 404 for them."""
    child = world["north_child"]
    iro = world["iro_a"]
    iro_allocate(child=child, iro=iro, on=date(2025, 1, 8), by=world["manager"])
    iro_allocation_end(child=child, on=date(2025, 6, 2), reason="Went home", by=None)
    assert iro.notifications.filter(text__contains="farewell").exists()
    client = client_as(iro)
    link = reverse("children:detail", args=[child.pk])
    assert client.get(link).status_code == 404
    html = client.get(NOTIFICATIONS).content.decode()
    assert f'href="{link}"' not in html and "Northa" not in html
    assert WITHHELD in html


def test_the_allocation_queue_is_linked_only_for_whoever_opens_it(client_as, world):
    """The Duty IRO on the rota is told a child became looked after, with a link to the
    allocation queue, which only the service manager opens (a 403 for them): they get
    the message without its link; the service manager gets both."""
    today = timezone.localdate()
    duty_cover_set(
        duty_iro=world["duty"], starts_on=today, ends_on=today, by=world["manager"]
    )
    child = world["north_child"]
    iro_new_period_notify(period=child.periods_of_care.get(), by=None)
    queue = reverse("iro:queue")
    duty = client_as(world["duty"])
    assert duty.get(queue).status_code == 403
    html = duty.get(NOTIFICATIONS).content.decode()
    assert f'href="{queue}"' not in html and WITHHELD in html
    manager = client_as(world["manager"])
    assert manager.get(queue).status_code == 200
    html = manager.get(NOTIFICATIONS).content.decode()
    assert f'href="{queue}"' in html and WITHHELD not in html
