"""My work an IRO with many children can live in (D-WORK): every task with its real date,
grouped by child, overdue first, then due this week, then later; counts at the top;
filters by when, kind of task and child."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from reviews.services import review_plan_next
from reviews.worklist import my_tasks
from tests.factories import ChildFactory, PeriodOfCareFactory
from workspace import my_work

pytestmark = pytest.mark.django_db


@given(
    today=st.dates(date(2000, 1, 1), date(2100, 1, 1)),
    offset=st.integers(-400, 400),
)
def test_every_date_is_in_exactly_one_band(today, offset):
    due = today + timedelta(days=offset)
    band = my_work.when(due, today)
    assert band == (
        my_work.OVERDUE
        if offset < 0
        else my_work.THIS_WEEK
        if offset < my_work.WEEK_DAYS
        else my_work.LATER
    )


@pytest.fixture
def caseload(world):
    """The IRO's children: one whose review is long overdue, one new to care."""
    today = timezone.localdate()
    late = world["north_child"]
    review_plan_next(period=late.periods_of_care.get(), by=None)
    new = ChildFactory(
        first_name="Newa",
        team=late.team,
        social_worker=world["sw_north"],
        iro=world["iro_a"],
        period=None,
    )
    PeriodOfCareFactory(child=new, started_on=today - timedelta(days=2))
    review_plan_next(period=new.periods_of_care.get(), by=None)
    return late, new


def _body(client, **params):
    response = client.get(reverse("workspace:home"), params)
    return response, response.content.decode()


def _cards(body: str) -> str:
    """The task cards, after the filters (whose lists name every child)."""
    start = body.find('class="govuk-summary-card"')
    return body[start : body.find("<h2", start)] if start >= 0 else ""


def test_tasks_are_grouped_by_child_overdue_first_with_real_dates(
    world, client_as, caseload
):
    late, new = caseload
    _, body = _body(client_as(world["iro_a"]))
    assert "Before the review" not in body
    # One card per child, the child with overdue work first.
    assert body.count('class="govuk-summary-card"') == 2
    cards = _cards(body)
    assert cards.index(escape(late.full_name)) < cards.index(escape(new.full_name))
    assert "Overdue" in body
    today = timezone.localdate()
    counts = my_work.counts(
        my_work.review_items(my_tasks(world["iro_a"], today)), today
    )
    assert counts["overdue"] >= 1 and counts["all"] > counts["overdue"]
    assert f"<strong>{counts['overdue']}</strong> overdue" in body
    assert f"<strong>{counts['all']}</strong> in all" in body


def test_the_filters_narrow_the_list_and_a_bad_one_is_a_clear_400(
    world, client_as, caseload
):
    late, new = caseload
    iro = client_as(world["iro_a"])
    _, overdue = _body(iro, when="overdue")
    assert escape(late.full_name) in _cards(overdue)
    assert escape(new.full_name) not in _cards(overdue)
    _, later = _body(iro, when="later")
    assert escape(late.full_name) not in _cards(later)
    _, one_child = _body(iro, child=str(new.pk))
    assert one_child.count('class="govuk-summary-card"') == 1
    _, by_kind = _body(iro, kind="schedule")
    assert "Set the date, time and place" in by_kind
    assert "Review Choices with the child" not in _cards(by_kind)
    response, bad = _body(iro, when="someday", child="999999")
    assert response.status_code == 400
    assert "There is a problem" in bad and "Choose when the tasks are due" in bad
    assert "Choose a child you have tasks for" in bad


def test_a_social_worker_has_the_same_page_for_their_tasks(world, client_as, caseload):
    _, body = _body(client_as(world["sw_north"]))
    assert "Review Choices with the child" in body
    assert body.count('class="govuk-summary-card"') == 2
