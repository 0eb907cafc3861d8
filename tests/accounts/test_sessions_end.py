"""A user switched off is out at once (D-SSO7): every live session signed in as them is
deleted when the administrator saves the change, not at their next request."""

import pytest
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.admin import UserAdmin
from accounts.models import Role, User
from accounts.sessions import end_sessions_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(reverse("workspace:home")).status_code == 200
    return client


def test_switching_a_user_off_in_the_admin_ends_each_of_their_sessions_at_once():
    leaver = make_user(Role.SOCIAL_WORKER, username="leaver")
    stayer = make_user(Role.SOCIAL_WORKER, username="stayer")
    laptop, phone, other = signed_in(leaver), signed_in(leaver), signed_in(stayer)
    assert Session.objects.count() == 3

    admin_user = make_user(Role.ADMINISTRATOR, username="admin_s", is_staff=True)
    request = RequestFactory().post("/manage/")
    request.user = admin_user
    model_admin = UserAdmin(User, admin.site)
    form_class = model_admin.get_form(request, leaver, change=True)
    form = form_class(instance=leaver)
    leaver.is_active = False
    form.changed_data = ["is_active"]
    model_admin.save_model(request, leaver, form, change=True)

    assert Session.objects.count() == 1  # the stayer's
    for client in (laptop, phone):
        response = client.get(reverse("workspace:home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert other.get(reverse("workspace:home")).status_code == 200


def test_ending_one_users_sessions_leaves_everyone_elses():
    user = make_user(Role.IRO, username="still_here")
    signed_in(user)
    assert end_sessions_of(make_user(Role.IRO, username="someone_else")) == 0
    assert Session.objects.count() == 1
