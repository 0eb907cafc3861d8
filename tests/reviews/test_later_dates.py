"""An IRO told a date needs the service manager's authorisation asks for it (T23a): the
request is a task on the manager's My work, the answer reaches the IRO, and an
authorised date can then be set."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from reviews import services
from reviews.services import later_dates
from tests.reviews.conftest import aware

pytestmark = pytest.mark.django_db


def _ask(review, by, days=10, reason="The child is in hospital until then"):
    return later_dates.later_date_ask(
        review=review,
        by=by,
        until=review.due_date + timedelta(days=days),
        reason=reason,
    )


def test_the_iro_asks_the_manager_answers_and_the_date_can_then_be_set(
    world, review, client_as
):
    late_day = review.due_date + timedelta(days=10)
    with pytest.raises(ValidationError) as refused:
        services.review_schedule(
            review=review,
            by=world["iro_a"],
            scheduled_for=aware(late_day),
            venue="School",
            format="face_to_face",
        )
    assert "scheduled_for" in refused.value.message_dict
    iro = client_as(world["iro_a"])
    detail = iro.get(review.get_absolute_url()).content.decode()
    ask_url = reverse("reviews:later_date_ask", args=[review.pk])
    assert ask_url in detail
    bad = iro.post(ask_url, {"reason": ""})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    asked = iro.post(
        ask_url,
        {
            "until_0": str(late_day.day),
            "until_1": str(late_day.month),
            "until_2": str(late_day.year),
            "reason": "The child is in hospital until then",
        },
    )
    assert asked.status_code == 302
    assert Notification.objects.filter(
        user=world["manager"], text__contains="asks for"
    ).exists()
    # A task on the manager's My work, until answered.
    manager = client_as(world["manager"])
    decide_url = reverse("reviews:later_date_decide", args=[review.pk])
    assert decide_url in manager.get(reverse("workspace:home")).content.decode()
    assert decide_url not in iro.get(reverse("workspace:home")).content.decode()
    assert client_as(world["iro_a"]).post(decide_url).status_code == 403
    answered = manager.post(
        decide_url, {"decision": "authorise", "answer": "Agreed: hospital stay"}
    )
    assert answered.status_code == 302
    review.refresh_from_db()
    assert review.out_of_timescale_until == late_day
    assert Notification.objects.filter(
        user=world["iro_a"], text__contains="authorised"
    ).exists()
    assert decide_url not in manager.get(reverse("workspace:home")).content.decode()
    services.review_schedule(
        review=review,
        by=world["iro_a"],
        scheduled_for=aware(late_day),
        venue="School",
        format="face_to_face",
    )


def test_a_refusal_is_answered_with_its_reason_and_the_iro_may_ask_again(world, review):
    _ask(review, world["iro_a"])
    with pytest.raises(ValidationError, match="already waiting"):
        _ask(review, world["iro_a"])
    request = later_dates.later_date_decide(
        review=review,
        by=world["manager"],
        authorise=False,
        answer="Hold it at the hospital",
        now=timezone.now(),
    )
    review.refresh_from_db()
    assert request.outcome == "refused" and review.out_of_timescale_until is None
    assert Notification.objects.filter(
        user=world["iro_a"], text__contains="Hold it at the hospital"
    ).exists()
    assert later_dates.can_ask(review)
    _ask(review, world["iro_a"], days=5)


def test_a_request_needs_a_date_after_the_due_date_and_a_reason(world, review):
    for days, field in ((0, "until"), (-30, "until"), (365 * 5, "until")):
        with pytest.raises(ValidationError) as refused:
            _ask(review, world["iro_a"], days=days)
        assert field in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _ask(review, world["iro_a"], reason=" ")
    assert "reason" in refused.value.message_dict
    _ask(review, world["iro_a"])
    with pytest.raises(ValidationError, match="Only the IRO service manager"):
        later_dates.later_date_decide(
            review=review,
            by=world["iro_a"],
            authorise=False,
            answer="No",
            now=timezone.now(),
        )
