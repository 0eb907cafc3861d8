"""The notifications page names no child the reader no longer sees.

An IRO told "You are now the IRO for <child>" keeps that notification after the child
is allocated to another IRO; its link would now be a 404 and its text names a child
outside their scope. The page shows such a notification without either
(workspace.permissions.notifications_out_of_scope), and it can still be marked read.
"""

from datetime import date

import pytest
from django.urls import reverse

from iro.services import iro_allocate

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
