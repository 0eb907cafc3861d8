"""The notifications page (unread count, mark as read, email preference) and the
background-work page (health, retry: POST, CSRF, audited)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django_q.models import OrmQ, Task

from core.models import JobAction, NotificationPreference, OutboundEmail
from core.notifications import notify
from workspace.reminders import reminders_send

pytestmark = pytest.mark.django_db

NOTIFICATIONS = reverse("workspace:notifications")
JOBS = reverse("workspace:jobs")


def test_unread_count_in_the_header_and_the_page(client_as, review, world):
    reminders_send(today=date(2025, 1, 21))
    page = client_as(world["sw_north"]).get(NOTIFICATIONS)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'app-unread-count">2<' in html
    assert "You have 2 unread notifications" in html
    assert "Review Choices with the child: Northa Inscope" in html


def test_mark_one_and_all_as_read(client_as, world):
    sw = world["sw_north"]
    first = notify(sw, "One", key="t:1")
    notify(sw, "Two", key="t:2")
    client = client_as(sw)
    assert client.post(NOTIFICATIONS, {"notification": first.pk}).status_code == 302
    assert sw.notifications.filter(read_at__isnull=True).count() == 1
    assert client.post(NOTIFICATIONS, {"notification": "all"}).status_code == 302
    assert sw.notifications.filter(read_at__isnull=True).count() == 0
    assert "app-unread-count" not in client.get(NOTIFICATIONS).content.decode()


def test_nobody_marks_another_persons_notification(client_as, world):
    theirs = notify(world["sw_south"], "Not yours", key="t:3")
    response = client_as(world["sw_north"]).post(
        NOTIFICATIONS, {"notification": theirs.pk}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert "Not yours" not in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("bad", ["", "abc", "99999999999999999999", "١٢", "-1"])
def test_bad_mark_read_input_is_a_400(client_as, world, bad):
    response = client_as(world["sw_north"]).post(NOTIFICATIONS, {"notification": bad})
    assert response.status_code == 400


def test_choose_a_daily_digest(client_as, world):
    client = client_as(world["iro_a"])
    url = reverse("workspace:notification_preferences")
    assert client.get(url).status_code == 200
    assert not NotificationPreference.objects.exists()  # a GET writes nothing
    assert client.post(url, {"email": "weekly"}).status_code == 400
    assert client.post(url, {"email": "digest"}).status_code == 302
    assert NotificationPreference.objects.get(user=world["iro_a"]).email == "digest"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 200),
        ("admin", 200),
        ("iro_a", 403),
        ("sw_north", 403),
        ("tm_north", 403),
        ("bs", 403),
        ("hos_north", 403),
    ],
)
def test_background_work_page_is_for_the_service_manager_and_admins(
    client_as, world, who, status
):
    assert client_as(world[who]).get(JOBS).status_code == status
    assert client_as(world[who]).post(JOBS, {"retry": "emails"}).status_code in (
        302 if status == 200 else 403,
    )


def test_background_work_shows_schedules_queue_and_failures(client_as, world):
    from django.core.management import call_command

    call_command("setup_schedules")
    OutboundEmail.objects.create(
        key="x:1",
        to="a@example.org",
        subject="S",
        body="B",
        status="failed",
        attempts=3,
        last_error="451 unavailable",
    )
    html = client_as(world["manager"]).get(JOBS).content.decode()
    assert "Send reminders" in html and "Not run yet" in html
    assert "451 unavailable" in html
    assert (
        'Failed, will be tried again</dt><dd class="govuk-summary-list__value">1'
        in html
    )


def test_retry_an_email_is_audited(client_as, world):
    email = OutboundEmail.objects.create(
        key="x:2", to="b@example.org", subject="S", body="B", status="failed"
    )
    response = client_as(world["manager"]).post(JOBS, {"retry": f"email:{email.pk}"})
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == "queued"
    action = JobAction.objects.get()
    assert action.by == world["manager"] and action.target.startswith(
        f"email {email.pk}"
    )


def test_retry_a_failed_task_queues_it_again_and_is_audited(
    client_as, world, django_capture_on_commit_callbacks
):
    Task.objects.create(
        id="a" * 32,
        name="alpha-bravo",
        func="core.tasks.send_queued_emails",
        args=(),
        kwargs={},
        started="2025-01-01T00:00Z",
        stopped="2025-01-01T00:01Z",
        success=False,
        result="boom",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world["admin"]).post(JOBS, {"retry": "task:" + "a" * 32})
    assert response.status_code == 302
    assert OrmQ.objects.count() == 1
    assert not Task.objects.filter(success=False).exists()
    assert JobAction.objects.get().action == JobAction.Action.RETRY_TASK


@pytest.mark.parametrize("bad", ["", "email:x", "task:nope", "email:999", "rm -rf"])
def test_bad_retry_input_is_a_400_with_the_error_summary(client_as, world, bad):
    response = client_as(world["manager"]).post(JOBS, {"retry": bad})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not JobAction.objects.exists()


def test_retry_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["manager"])
    assert client.post(JOBS, {"retry": "emails"}).status_code == 403
    assert not JobAction.objects.exists()


def test_user_is_told_a_refused_invitation_email_will_be_sent(
    client_as, review, world, settings, django_capture_on_commit_callbacks
):
    """SMTP outage: the invitation stays queued, the page says it will go; then it goes."""
    from django.core import mail

    from core.notifications import send_queued_emails
    from reviews.services import (
        checklist_confirm,
        checklist_submit,
        invitee_save,
        review_schedule,
    )
    from tests.reviews.conftest import aware

    iro, sw = world["iro_a"], world["sw_north"]
    review_schedule(
        review=review,
        by=iro,
        scheduled_for=aware(date(2025, 1, 31)),
        venue="Town hall",
        format="face_to_face",
    )
    invitee_save(
        review=review,
        by=sw,
        name="Mum Inscope",
        role="parent",
        method="email",
        email="mum@example.org",
        consultation_type="none",
    )
    checklist_submit(review=review, by=sw, today=date(2025, 1, 10))
    checklist_confirm(review=review, by=iro, today=date(2025, 1, 13))
    bs = client_as(world["bs"])
    page = reverse("reviews:invitations", args=[review.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert bs.post(page).status_code == 302
    settings.EMAIL_BACKEND = "tests.workspace.test_reminders.FailingSMTP"
    assert send_queued_emails() == 0
    email = OutboundEmail.objects.get(key__startswith="invitation:")
    assert (email.status, email.attempts) == ("failed", 1)
    html = bs.get(page).content.decode()
    assert (
        "1 email is waiting to be sent (the mail server has not accepted it yet)"
        in html
    )
    assert "will be sent automatically" in html
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_queued_emails() == 1
    assert [m.to for m in mail.outbox] == [["mum@example.org"]]
    assert "app-emails-waiting" not in bs.get(page).content.decode()
