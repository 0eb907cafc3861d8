"""Migration 0020 keeps the invitations already sent (docs/rules.md, D-CAL1, D-CAL2):
each person gets a UID of their own, and their invitations are numbered in the order
they were sent and linked to the email queued for them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("reviews", "0019_later_date_requests"), ("core", "0003_reminders")]
AFTER = [("reviews", "0020_calendar_invitations")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_invitations_are_numbered_and_keep_their_emails(world):
    old = _migrate(BEFORE)
    Review = old.get_model("reviews", "Review")
    Invitee = old.get_model("reviews", "Invitee")
    Invitation = old.get_model("reviews", "Invitation")
    OutboundEmail = old.get_model("core", "OutboundEmail")
    child = world["north_child"]
    review = Review.objects.create(
        child_id=child.pk,
        period_id=child.periods_of_care.get().pk,
        kind="initial",
        due_date=timezone.localdate(),
    )
    when = timezone.now().replace(microsecond=0) + timedelta(days=3)
    people = [
        Invitee.objects.create(review=review, name=n, role="parent", method="email")
        for n in ("Mum", "Dad")
    ]
    for person, shift in ((people[0], 0), (people[0], 1), (people[1], 0)):
        at = when + timedelta(days=shift)
        Invitation.objects.create(
            review=review,
            invitee=person,
            scheduled_for=at,
            method="email",
            sent_by_id=world["bs"].pk,
            sent_at=timezone.now() + timedelta(minutes=shift),
        )
        OutboundEmail.objects.create(
            key=f"invitation:{person.pk}:{timezone.localtime(at):%Y%m%d%H%M}",
            to="someone@example.org",
            subject="Invitation",
            body="",
        )
    try:
        new = _migrate(AFTER)
        Invitee = new.get_model("reviews", "Invitee")
        Invitation = new.get_model("reviews", "Invitation")
        uids = set(Invitee.objects.values_list("calendar_uid", flat=True))
        assert None not in uids and len(uids) == Invitee.objects.count()
        mum = Invitation.objects.filter(invitee_id=people[0].pk).order_by("sent_at")
        assert [i.sequence for i in mum] == [0, 1]
        assert all(i.email_id for i in Invitation.objects.all())
    finally:
        _migrate(_migrate_leaves())


def _migrate_leaves():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
