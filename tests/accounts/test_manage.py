"""/manage/ for an administrator who is not a superuser (the demo's admin1): the role
groups carry the permissions the admin pages need (accounts.roles)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin1(client_as):
    user = make_user(Role.ADMINISTRATOR, username="admin1", is_staff=True)
    return user, client_as(user)


def test_every_role_has_a_group_and_the_administrators_carries_the_permissions():
    names = set(Group.objects.values_list("name", flat=True))
    assert {role.value for role in Role} <= names
    administrator = Group.objects.get(name=Role.ADMINISTRATOR)
    codenames = set(administrator.permissions.values_list("codename", flat=True))
    assert {
        "change_user",
        "add_user",
        "change_team",
        "delete_accessattempt",
    } <= codenames
    assert not Group.objects.get(name=Role.IRO).permissions.exists()


def test_the_administrator_sees_users_teams_and_sign_in_attempts(admin1):
    user, client = admin1
    assert not user.is_superuser
    page = client.get(reverse("admin:index")).content.decode()
    for heading in ("Users", "Teams", "Two-factor sign-in", "Access attempts"):
        assert heading in page
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200


def test_the_administrator_switches_a_user_off_and_sets_their_roles(admin1):
    _, client = admin1
    worker = make_user(Role.SOCIAL_WORKER, username="sw9")
    url = reverse("admin:accounts_user_changelist")
    iro = Group.objects.get(name=Role.IRO)
    response = client.post(
        reverse("admin:accounts_user_change", args=[worker.pk]),
        {
            "username": "sw9",
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_staff": "",
            "groups": [iro.pk],
            "date_joined_0": "2025-01-06",
            "date_joined_1": "09:00:00",
            "job_title": "",
            "phone": "",
            "fte": "",
            "senior_level": "",
            "team": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    worker.refresh_from_db()
    assert not worker.is_active
    assert set(worker.groups.values_list("name", flat=True)) == {Role.IRO.value}
    assert client.get(url).status_code == 200


def test_an_administrator_cannot_make_a_superuser(admin1):
    _, client = admin1
    worker = make_user(Role.SOCIAL_WORKER, username="sw9")
    page = client.get(reverse("admin:accounts_user_change", args=[worker.pk]))
    assert 'name="is_superuser"' not in page.content.decode()
    assert 'name="is_active"' in page.content.decode()


def test_the_report_of_users_not_signed_in_for_90_days(admin1):
    _, client = admin1
    make_user(Role.IRO, username="recent", last_login=timezone.now())
    make_user(Role.IRO, username="idle", last_login=timezone.now() - timedelta(91))
    make_user(Role.IRO, username="never", last_login=None)
    page = client.get(reverse("admin:accounts_user_changelist") + "?idle=90")
    text = page.content.decode()
    assert ">idle<" in text and ">never<" in text
    assert ">recent<" not in text


def test_the_administrator_unlocks_a_locked_user(admin1):
    _, client = admin1
    attempt = AccessAttempt.objects.create(
        username="iro", ip_address="203.0.113.9", failures_since_start=5
    )
    response = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
