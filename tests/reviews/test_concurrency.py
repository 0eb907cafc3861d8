"""Two people pressing "Send invitations" at the same moment send one batch (PostgreSQL)."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from core.models import OutboundEmail
from reviews import services
from reviews.models import Invitation, Review
from tests.reviews.conftest import aware

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL"
    ),
]


def test_concurrent_double_submit_sends_one_invitation_batch(world, review):
    iro, bs = world["iro_a"], world["bs"]
    services.review_schedule(
        review=review,
        by=iro,
        scheduled_for=aware(date(2025, 1, 30)),
        venue="x",
        format="online",
    )
    services.checklist_submit(
        review=review, by=world["sw_north"], today=date(2025, 1, 8)
    )
    for name in ("Ann", "Ben", "Cal"):
        services.invitee_save(
            review=review,
            by=world["sw_north"],
            name=name,
            role="carer",
            method="email",
            email=f"{name.lower()}@example.org",
        )
    services.checklist_confirm(review=review, by=iro, today=date(2025, 1, 9))
    barrier = threading.Barrier(2)
    errors = []

    def press():
        try:
            barrier.wait()
            services.review_issue_invitations(
                review=Review.objects.get(pk=review.pk),
                by=bs,
                now=aware(date(2025, 1, 10)),
            )
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Invitation.objects.filter(review=review).count() == 3
    assert OutboundEmail.objects.filter(key__startswith="invitation:").count() == 3
    assert review.events.filter(action="invitations_issued").count() == 1
