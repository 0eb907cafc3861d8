"""Reminders and escalations: the right person, at the right moment, exactly once."""

from datetime import date, timedelta
from smtplib import SMTPException

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from accounts.models import Role
from core.models import DigestEntry, Notification, NotificationPreference, OutboundEmail
from core.notifications import send_queued_emails
from reviews.services import review_plan_next, review_schedule
from tests.factories import ChildFactory, make_user
from tests.reviews.conftest import aware
from workspace.reminders import digests_send, reminders_send, weekly_summaries_send

pytestmark = pytest.mark.django_db

# Northa's first review (tests/reviews/conftest.py): looked after Mon 6 Jan 2025, due
# Mon 3 Feb 2025. Unscheduled, its preparation counts back from 3 Feb: the convening
# checklist was due 6 Jan, Review Choices (initial, 15 WD) 13 Jan, the report 29 Jan.
TUESDAY = date(2025, 1, 21)


def keys_for(user, kind=None):
    rows = Notification.objects.filter(user=user)
    if kind:
        rows = rows.filter(key__startswith=f"{kind}:")
    return sorted(rows.values_list("key", flat=True))


class FailingSMTP(BaseEmailBackend):
    """A real email backend whose mail server refuses every message."""

    def send_messages(self, messages):
        raise SMTPException("451 the mail server is unavailable")


def test_overdue_steps_remind_the_social_worker_and_escalate_to_the_team_manager(
    review, world
):
    """The checklist and Review Choices are overdue: the SW is told, the TM too."""
    reminders_send(today=TUESDAY)
    sw, tm = world["sw_north"], world["tm_north"]
    assert keys_for(sw) == [
        f"reminder:review:{review.pk}:checklist:{sw.pk}:overdue:20250106",
        f"reminder:review:{review.pk}:choices:{sw.pk}:overdue:20250113",
    ]
    assert keys_for(tm) == [
        f"escalation:review:{review.pk}:checklist:{tm.pk}:overdue:20250106",
        f"escalation:review:{review.pk}:choices:{tm.pk}:overdue:20250113",
    ]
    # Nothing yet for the IRO: the review is due 3 Feb (5 WD before is 27 Jan).
    assert keys_for(world["iro_a"]) == []
    emails = OutboundEmail.objects.filter(to=sw.email)
    assert emails.count() == 2
    assert all("Northa" not in e.subject + e.body for e in emails)  # ID, not name
    assert all(review.child.child_id in e.subject for e in emails)


def test_a_second_run_sends_nothing_again(review, world):
    """Exactly once: the hourly run finds everything already sent."""
    first = reminders_send(today=TUESDAY)
    before = (Notification.objects.count(), OutboundEmail.objects.count())
    second = reminders_send(today=TUESDAY)
    assert (Notification.objects.count(), OutboundEmail.objects.count()) == before
    assert sum(second.sent.values()) == 0
    assert second.already_sent == sum(first.sent.values())


def test_reminders_at_five_working_days_and_on_the_day_to_the_iro(review, world):
    """The review itself (due Mon 3 Feb): the IRO on Mon 27 Jan and on 3 Feb."""
    iro = world["iro_a"]
    reminders_send(today=date(2025, 1, 24))
    assert keys_for(iro) == []
    reminders_send(today=date(2025, 1, 27))
    reminders_send(today=date(2025, 2, 3))
    assert keys_for(iro, "reminder") == [
        f"reminder:review:{review.pk}:held:{iro.pk}:0wd:20250203",
        f"reminder:review:{review.pk}:held:{iro.pk}:5wd:20250203",
    ]
    texts = Notification.objects.filter(user=iro).values_list("text", flat=True)
    assert not any("late" in text for text in texts)


def test_a_missed_moment_goes_once_at_the_next_run_marked_late(review, world):
    """Downtime over 27-29 Jan: the 5-day reminder goes on the 30th, marked late."""
    iro = world["iro_a"]
    reminders_send(today=date(2025, 1, 30))
    reminders_send(today=date(2025, 1, 31))
    notes = Notification.objects.filter(user=iro)
    assert notes.count() == 1
    assert "(late reminder)" in notes.get().text
    email = OutboundEmail.objects.get(to=iro.email)
    assert "late" in email.subject and "could not send it then" in email.body


def test_overdue_review_escalates_from_the_iro_to_the_service_manager(review, world):
    reminders_send(today=date(2025, 2, 5))
    manager = world["manager"]
    assert f"escalation:review:{review.pk}:held:{manager.pk}:overdue:20250203" in (
        keys_for(manager)
    )


def test_a_rearranged_review_gets_new_messages(review, world):
    """The date a message concerns is in its key: a new date, a new reminder."""
    review_schedule(
        review=review,
        by=world["iro_a"],
        scheduled_for=aware(date(2025, 1, 31)),
        venue="Town hall",
        format="face_to_face",
    )
    reminders_send(today=date(2025, 1, 28))
    sw = world["sw_north"]
    report = [k for k in keys_for(sw) if ":documents:" in k]
    # The report is due 3 WD before Fri 31 Jan: Tue 28 Jan, today (on the day).
    assert report == [f"reminder:review:{review.pk}:documents:{sw.pk}:0wd:20250128"]
    review.refresh_from_db()
    from reviews.services import review_rearrange

    review_rearrange(
        review=review,
        by=world["iro_a"],
        scheduled_for=aware(date(2025, 2, 3)),
        reason="The carer is unwell",
    )
    reminders_send(today=date(2025, 1, 29))
    report = [k for k in keys_for(sw) if ":documents:" in k]
    # Now due Wed 29 Jan (3 WD before Mon 3 Feb): a new reminder for the new date.
    assert f"reminder:review:{review.pk}:documents:{sw.pk}:0wd:20250129" in report
    assert len(report) == 2


def test_nobody_is_forgotten_when_the_child_has_no_social_worker(world, north_team):
    """A child with no SW: the team manager gets the social worker's reminders."""
    child = ChildFactory(team=north_team, social_worker=None, iro=world["iro_a"])
    review = review_plan_next(period=child.periods_of_care.get(), by=None)
    reminders_send(today=TUESDAY)
    assert any(
        f"review:{review.pk}:choices" in key for key in keys_for(world["tm_north"])
    )


def test_iro_allocation_is_reminded_to_the_service_manager(world, north_team):
    """T2: an IRO within 5 WD of becoming looked after (6 Jan 2025: by 13 Jan)."""
    child = ChildFactory(team=north_team, social_worker=world["sw_north"], iro=None)
    period = child.periods_of_care.get()
    reminders_send(today=date(2025, 1, 6))
    assert keys_for(world["manager"]) == [
        f"reminder:allocation:{period.pk}:{world['manager'].pk}:5wd:20250113"
    ]


def test_progress_review_is_reminded_to_the_iro(review, world):
    """T24, also after the review it follows is closed."""
    from reviews.models import ProgressReview, Review

    Review.objects.filter(pk=review.pk).update(
        status="closed", record_date=date(2025, 2, 3)
    )
    progress = ProgressReview.objects.create(
        review=review, target_date=date(2025, 5, 2)
    )
    reminders_send(today=date(2025, 5, 2))
    iro = world["iro_a"]
    assert keys_for(iro) == [f"reminder:progress:{progress.pk}:{iro.pk}:0wd:20250502"]


def test_a_challenge_stage_escalates_to_the_owners_manager_and_the_iro(world):
    """Dispute stage timers use the same mechanism (the challenges' timers)."""
    from disputes.models import Category
    from disputes.services import challenge_raise

    hos = world["hos_north"]
    hos.senior_level = "head_of_service"
    hos.save()
    challenge = challenge_raise(
        child=world["north_child"],
        by=world["iro_a"],
        category=Category.values[0],
        description="No care plan",
        impact_for_child="Drift",
        raised_on=date(2025, 3, 3),
    )
    stage = challenge.current_stage
    assert stage.owner == world["tm_north"]
    reminders_send(today=stage.due_on + timedelta(days=1))
    assert keys_for(world["tm_north"], "reminder") == [
        f"reminder:challenge_stage:{stage.pk}:{world['tm_north'].pk}:overdue:"
        f"{stage.due_on:%Y%m%d}"
    ]
    for person in (hos, world["iro_a"]):
        assert [k for k in keys_for(person) if "challenge_stage" in k] == [
            f"escalation:challenge_stage:{stage.pk}:{person.pk}:overdue:"
            f"{stage.due_on:%Y%m%d}"
        ]


def test_configurable_lead_times(review, world, settings):
    settings.REMINDER_LEAD_WORKING_DAYS = [10, 0]
    reminders_send(today=date(2025, 1, 20))  # 10 WD before 3 Feb
    assert keys_for(world["iro_a"]) == [
        f"reminder:review:{review.pk}:held:{world['iro_a'].pk}:10wd:20250203"
    ]


def test_digest_users_get_one_email_a_day_with_their_reminders(review, world):
    sw = world["sw_north"]
    NotificationPreference.objects.create(user=sw, email="digest")
    reminders_send(today=TUESDAY)
    assert Notification.objects.filter(user=sw).count() == 2  # in-app as usual
    assert not OutboundEmail.objects.filter(to=sw.email).exists()
    assert DigestEntry.objects.filter(user=sw).count() == 2
    from django.utils import timezone

    now = timezone.now()
    assert digests_send(today=TUESDAY, now=now) == 1
    assert digests_send(today=TUESDAY, now=now) == 0  # once a day
    digest = OutboundEmail.objects.get(to=sw.email)
    assert digest.body.count("\n- ") == 2
    assert "Northa" not in digest.body
    # The next day's digest only has what is new since: nothing, so no email.
    assert digests_send(today=TUESDAY + timedelta(days=1), now=timezone.now()) == 0


def test_weekly_summary_once_a_week_for_each_manager(review, world):
    reminders_send(today=TUESDAY)
    assert weekly_summaries_send(today=TUESDAY) >= 2
    assert weekly_summaries_send(today=TUESDAY + timedelta(days=1)) == 0
    tm_summary = Notification.objects.get(
        user=world["tm_north"], key__startswith="weekly:"
    )
    assert "2 overdue tasks" in tm_summary.text


def test_smtp_failure_leaves_the_email_queued_and_it_goes_later(
    review, world, settings
):
    """Nothing is lost: a refused email stays in the outbox and the retry sends it."""
    reminders_send(today=TUESDAY)
    queued = OutboundEmail.objects.count()
    settings.EMAIL_BACKEND = "tests.workspace.test_reminders.FailingSMTP"
    assert send_queued_emails() == 0
    assert OutboundEmail.objects.filter(status="failed").count() == queued
    assert (
        OutboundEmail.objects.get(
            to=world["sw_north"].email, key__contains="choices"
        ).attempts
        == 1
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_queued_emails() == queued
    assert len(mail.outbox) == queued
    assert send_queued_emails() == 0  # sent once only


def test_inactive_and_emailless_people_get_no_email(review, world):
    sw = world["sw_north"]
    sw.email = ""
    sw.save()
    reminders_send(today=TUESDAY)
    assert Notification.objects.filter(user=sw).count() == 2
    # A reminder's key ends with its recipient, threshold and due day (the task's own
    # part before them holds other ids, which may equal the social worker's).
    to_sw = OutboundEmail.objects.filter(key__regex=rf":{sw.pk}:[^:]+:[0-9]{{8}}$")
    assert OutboundEmail.objects.exists() and not to_sw.exists()


def test_business_support_step_goes_to_business_support(review, world):
    """Invitations (T13) belong to business support once the list is confirmed."""
    from reviews.models import Invitee
    from reviews.services import checklist_confirm, checklist_submit

    iro = world["iro_a"]
    review_schedule(
        review=review,
        by=iro,
        scheduled_for=aware(date(2025, 1, 31)),
        venue="Town hall",
        format="face_to_face",
    )
    checklist_submit(review=review, by=world["sw_north"], today=date(2025, 1, 10))
    Invitee.objects.create(
        review=review,
        name="A Carer",
        role="carer",
        method="email",
        email="carer@example.org",
    )
    checklist_confirm(review=review, by=iro, today=date(2025, 1, 13))
    reminders_send(today=date(2025, 1, 17))  # invitations due 10 WD before 31 Jan
    assert [k for k in keys_for(world["bs"]) if ":invitations:" in k]
    assert make_user(Role.BUSINESS_SUPPORT, username="bs2").notifications.count() == 0


def test_q_cluster_retry_is_longer_than_timeout():
    """django-q2: a task must time out before it can be delivered a second time."""
    assert settings.Q_CLUSTER["timeout"] < settings.Q_CLUSTER["retry"]
    assert settings.Q_CLUSTER["catch_up"] is False
    assert settings.Q_CLUSTER.get("orm") == "default" or "redis" in settings.Q_CLUSTER
