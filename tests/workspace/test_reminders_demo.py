"""The issue's "done when", in the demo: move a task's due date into tomorrow, run the
reminder schedule, and exactly one notification and one email go to the right person.

docs/deployment.md ("Reminders: trying it in the demo") gives the same steps by hand.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from core.models import Notification, OutboundEmail
from core.notifications import send_queued_emails
from reviews import timescales
from reviews.models import Review
from reviews.services import (
    checklist_confirm,
    checklist_submit,
    invitee_save,
    review_authorise_out_of_timescale,
    review_choices_save,
    review_issue_invitations,
    review_rearrange,
    review_schedule,
)
from workspace.reminders import reminders_send

pytestmark = pytest.mark.django_db


def a_working_day_before_a_working_day() -> date:
    """Today or the latest day before it that is a working day followed by one: never
    a future day, which the services refuse for what happened (a Friday's run used to
    pick Monday, and the Review Choices conversation "on Monday" was refused)."""
    day = timezone.localdate()
    while not (
        timescales.is_working_day(day)
        and timescales.is_working_day(day + timedelta(days=1))
    ):
        day -= timedelta(days=1)
    return day


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def test_moving_the_report_due_date_into_tomorrow_sends_one_reminder_to_sw1():
    call_command("seed_demo", "--force", verbosity=0)
    today = a_working_day_before_a_working_day()
    tomorrow = today + timedelta(days=1)
    # The SW's report is due 3 working days before the meeting (T15).
    meeting = timescales.add_working_days(tomorrow, 3)
    sw1, iro1, bs1 = (User.objects.get(username=n) for n in ("sw1", "iro1", "bs1"))
    manager = User.objects.get(username="manager")
    review = (
        Review.objects.filter(
            status="planned", child__social_worker=sw1, child__iro=iro1
        )
        .order_by("due_date")
        .last()
    )
    assert review is not None, "the demo has a planned review of sw1's and iro1's"
    # The demo's reviews are all overdue (no history is seeded): the service manager
    # authorises a later date. Then everything before the meeting is done except the
    # report: a review with invitations issued.
    review_authorise_out_of_timescale(
        review=review,
        by=manager,
        until=meeting + timedelta(days=40),
        reason="The child was in hospital",
    )
    review_schedule(
        review=review,
        by=iro1,
        scheduled_for=at(meeting + timedelta(days=28)),
        venue="Family centre",
        format="face_to_face",
    )
    review_choices_save(review=review, by=sw1, captured_on=today)
    invitee_save(
        review=review,
        by=sw1,
        name="A Carer",
        role="carer",
        method="letter",
        postal_address="1 Demo Road",
        consultation_type="none",
    )
    checklist_submit(review=review, by=sw1, today=today)
    checklist_confirm(review=review, by=iro1, today=today)
    review_issue_invitations(review=review, by=bs1, now=timezone.now())
    reminders_send(today=today)  # whatever the demo's other tasks call for
    while send_queued_emails():  # 100 at a time, as the worker does
        pass
    notifications, emails = Notification.objects.count(), len(mail.outbox)

    # The IRO rearranges the meeting: the report is now due tomorrow.
    review_rearrange(
        review=review, by=iro1, scheduled_for=at(meeting), reason="The carer is away"
    )
    reminders_send(today=today)
    send_queued_emails()

    new = Notification.objects.order_by("pk")[notifications:]
    assert [(n.user, n.text.split(":")[0]) for n in new] == [(sw1, "Reminder")]
    assert "Share the report and care plan" in new[0].text
    assert f"due {tomorrow:%a} {tomorrow.day} {tomorrow:%b %Y}" in new[0].text
    assert len(mail.outbox) == emails + 1
    assert mail.outbox[-1].to == [sw1.email]
    assert review.child.child_id in mail.outbox[-1].subject
    assert OutboundEmail.objects.filter(to=sw1.email, key=new[0].key).count() == 1
    # Running the schedule again sends nothing more.
    reminders_send(today=today)
    assert Notification.objects.count() == notifications + 1
