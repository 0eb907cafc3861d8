from datetime import date

import pytest
from django.urls import reverse

from reviews import services
from reviews.worklist import my_tasks, preparation_base, review_steps
from tests.reviews.conftest import aware

pytestmark = pytest.mark.django_db


def steps(review, user, today=date(2025, 1, 8)):
    return {step.key: step for step in review_steps(review, user, today)}


def test_preparation_counts_back_from_the_practical_latest_due_date_until_scheduled(
    world, review
):
    """Due Monday 3 February 2025 (W1/W16): initial Review Choices visit by Monday 13 January."""
    assert preparation_base(review) == date(2025, 2, 3)
    assert steps(review, world["sw_north"])["choices"].due.date == date(2025, 1, 13)


def test_preparation_moves_with_the_scheduled_date_and_when_rearranged(world, review):
    services.review_schedule(
        review=review,
        by=world["iro_a"],
        scheduled_for=aware(date(2025, 1, 30)),
        venue="x",
        format="online",
    )
    review.refresh_from_db()
    report = steps(review, world["sw_north"])["documents"].due.date
    assert report == date(2025, 1, 27)  # 3 working days before Thursday 30 January
    services.review_rearrange(
        review=review,
        by=world["iro_a"],
        scheduled_for=aware(date(2025, 2, 3)),
        reason="Carer ill",
    )
    review.refresh_from_db()
    assert steps(review, world["sw_north"])["documents"].due.date == date(2025, 1, 29)


def test_steps_are_offered_to_their_owner_only(world, review):
    as_sw = steps(review, world["sw_north"])
    as_iro = steps(review, world["iro_a"])
    assert as_sw["choices"].url and not as_iro["choices"].url
    assert as_iro["schedule"].url and not as_sw["schedule"].url


def test_my_work_lists_tasks_overdue_first(world, review):
    tasks = my_tasks(world["sw_north"], date(2025, 1, 20))
    assert [t.step.key for t in tasks][:2] == [
        "checklist",
        "choices",
    ]  # 6 and 13 January
    assert tasks[0].step.is_overdue(date(2025, 1, 20))
    assert my_tasks(world["sw_south"], date(2025, 1, 20)) == []


def test_my_work_page_shows_the_tasks(world, review, client_as):
    body = client_as(world["sw_north"]).get(reverse("workspace:home")).content.decode()
    assert "Review Choices with the child" in body


def test_stale_schedule_form_gets_the_conflict_page_keeping_the_input(
    world, review, client_as
):
    client = client_as(world["iro_a"])
    url = reverse("reviews:schedule", args=[review.pk])
    stale_version = review.version
    services.review_schedule(
        review=review,
        by=world["iro_a"],
        scheduled_for=aware(date(2025, 1, 30)),
        venue="Library",
        format="online",
    )
    response = client.post(
        url,
        {
            "version": stale_version,
            "on_0": "31",
            "on_1": "1",
            "on_2": "2025",
            "at": "11:00",
            "venue": "Typed venue",
            "format": "online",
            "reason": "Clash",
        },
    )
    assert response.status_code == 409
    assert "Typed venue" in response.content.decode()
    review.refresh_from_db()
    assert review.venue == "Library"


def test_child_page_shows_the_next_review_with_its_explanation(
    world, review, client_as
):
    body = (
        client_as(world["sw_north"])
        .get(world["north_child"].get_absolute_url())
        .content.decode()
    )
    assert "Monday 3 February 2025" in body
    assert "regulation 33(1)" in body


def test_iro_logs_a_visit_between_reviews_and_the_child_page_shows_it(
    world, review, client_as
):
    child = world["north_child"]
    url = reverse("reviews:child_visit", args=[child.pk])
    assert client_as(world["sw_north"]).get(url).status_code == 403
    assert client_as(world["iro_b"]).get(url).status_code == 404
    response = client_as(world["iro_a"]).post(
        url,
        {
            "on_0": "14",
            "on_1": "2",
            "on_2": "2025",
            "how": "visit",
            "where": "Foster home",
            "alone": "yes",
        },
    )
    assert response.status_code == 302
    body = client_as(world["manager"]).get(child.get_absolute_url()).content.decode()
    assert "Visit on Friday 14 February 2025, Foster home, spoken to alone" in body


def test_progress_review_records_each_decision(world, review, client_as):
    from tests.reviews.test_transitions import _held

    review = _held(world, review)
    decision = services.decision_save(
        review=review,
        by=world["iro_a"],
        what="CAMHS referral",
        owner_name="Tom",
        owner_role="sw",
        due_date=date(2025, 3, 1),
        success_measure="Seen",
    )
    url = reverse("reviews:progress", args=[review.pk])
    client = client_as(world["iro_a"])
    assert "Target date Sunday 16 March 2025" in client.get(url).content.decode()
    bad = client.post(
        url, {"done_on_0": "1", "done_on_1": "1", "done_on_2": "2025", "summary": ""}
    )
    assert bad.status_code == 400
    response = client.post(
        url,
        {
            "done_on_0": "14",
            "done_on_1": "3",
            "done_on_2": "2025",
            "summary": "On track",
            f"status_{decision.pk}": "achieved",
            f"comment_{decision.pk}": "Seen 10 March",
        },
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "achieved"
    assert decision.updates.get().comment == "Seen 10 March"
