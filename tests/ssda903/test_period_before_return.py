"""A period of care that began before the return (D-START-BEFORE): a child looked after
since 2018 whose current placement (RNE P, from 1 June 2020) is the only episode in the
2025/26 file. The validator accepts the return (tests/ssda903/test_validator_round_trip.py
checks it every run, BEFORE_THE_RETURN); here: it imports, marked, exports the same rows,
reviews are counted from the last one held, and the start can be entered."""

from collections import Counter
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from children.models import Child, Episode
from children.services import period_update
from reviews import timescales
from reviews.services.planning import next_due_for_period
from reviews.services.recompute import recompute_due_dates
from ssda903.exporter import ssda903_rows
from ssda903.files import EPISODES, HEADER, REVIEWS
from ssda903.importer import ssda903_import
from ssda903.years import spec_for
from tests.ssda903.test_import import TODAY, episode, files, header, review

pytestmark = pytest.mark.django_db

YEAR = 2026  # 1 April 2025 to 31 March 2026
# The same rows as BEFORE_THE_RETURN in the round trip.
HEADERS = [header(dob="01/06/2012")]
EPISODE_ROWS = [episode(decom="01/06/2020", rne="P")]
REVIEW_ROWS = [
    review(day="10/06/2025", dob="01/06/2012"),
    review(day="05/12/2025", dob="01/06/2012"),
]


def run(reviews=REVIEW_ROWS):
    data = files(HEADERS, EPISODE_ROWS, reviews)
    return ssda903_import(files=data, by=None, today=TODAY, year=YEAR)


def test_a_period_begun_before_the_return_imports_marked_start_not_known():
    result = run()
    assert result.ok, [str(p) for p in result.problems]
    child = Child.objects.get(child_id="A1")
    period = child.periods_of_care.get()
    assert period.started_on == date(2020, 6, 1)
    assert (period.start_known, period.earlier_episodes_not_held) == (False, True)
    only = period.episodes.get()
    assert (only.reason_new, only.started_on) == ("P", date(2020, 6, 1))
    assert not Episode.objects.filter(reason_new="S").exists()
    assert result.counts["periods of care created"] == 1
    assert (
        result.counts[
            "periods begun before the return (start to enter on the child's page)"
        ]
        == 1
    )
    assert run().summary_lines() == []  # a second import changes nothing


def test_the_export_is_the_return_and_invents_no_rne_s_episode():
    assert run().ok
    exported = ssda903_rows(year=YEAR)
    columns = spec_for(YEAR).files

    def rows(name, given):
        return Counter(tuple(r[c] for c in columns[name]) for r in given)

    assert rows(EPISODES, exported[EPISODES]) == rows(EPISODES, EPISODE_ROWS)
    assert rows(HEADER, exported[HEADER]) == rows(HEADER, HEADERS)
    assert rows(REVIEWS, exported[REVIEWS]) == rows(REVIEWS, REVIEW_ROWS)


def test_the_next_review_is_counted_from_the_last_review_held():
    """6 months after 5 December 2025, never 20 working days after 1 June 2020; the
    nightly recomputation keeps it."""
    assert run().ok
    period = Child.objects.get(child_id="A1").periods_of_care.get()
    planned = period.reviews.open().get()
    assert planned.due_date == date(2026, 6, 5)
    assert next_due_for_period(period).date == date(2026, 6, 5)
    recompute_due_dates(TODAY)
    planned.refresh_from_db()
    assert planned.due_date == date(2026, 6, 5)
    assert "6 months after the last review" in planned.due_rule


def test_with_no_review_held_the_next_is_due_6_months_after_the_earliest_episode():
    assert run(reviews=[]).ok
    period = Child.objects.get(child_id="A1").periods_of_care.get()
    planned = period.reviews.open().get()
    assert planned.due_date == date(2020, 12, 1)
    recompute_due_dates(TODAY)
    planned.refresh_from_db()
    assert planned.due_date == date(2020, 12, 1)


@pytest.mark.parametrize(
    ("held", "due", "code"),
    [
        pytest.param((), date(2020, 12, 1), "T6", id="none-held-6-months-after-it"),
        pytest.param(
            (date(2025, 6, 10),), date(2025, 9, 10), "T5", id="one-may-be-the-first"
        ),
        pytest.param(
            (date(2025, 6, 10), date(2025, 12, 5)), date(2026, 6, 5), "T6", id="two"
        ),
    ],
)
def test_the_engine_counts_nothing_from_a_start_not_known(held, due, code):
    found = timescales.next_review_due(date(2020, 6, 1), held, start_known=False)
    assert (found.date, found.code) == (due, code)
    known = timescales.next_review_due(date(2020, 6, 1), (), start_known=True)
    assert known.date == timescales.add_working_days(date(2020, 6, 1), 20)


def test_entering_the_start_keeps_the_episode_and_the_review_count():
    assert run().ok
    period = Child.objects.get(child_id="A1").periods_of_care.get()
    period = period_update(period=period, by=None, started_on=date(2018, 3, 1))
    assert (period.started_on, period.start_known) == (date(2018, 3, 1), True)
    assert period.earlier_episodes_not_held
    only = period.episodes.get()
    assert (only.reason_new, only.started_on) == ("P", date(2020, 6, 1))
    with pytest.raises(ValidationError) as refused:
        period_update(period=period, by=None, started_on=date(2020, 7, 1))
    assert "before the start of the first episode recorded" in str(
        refused.value.message_dict["started_on"]
    )
    assert run().summary_lines() == []  # the start entered here is kept


def test_the_childs_page_says_the_start_is_not_known_and_the_form_corrects_it(
    client_as, world
):
    assert run().ok
    child = Child.objects.get(child_id="A1")
    period = child.periods_of_care.get()
    client = client_as(world["manager"])
    page = client.get(reverse("children:detail", args=[child.pk]))
    assert page.status_code == 200
    assert "the true start is not known" in page.content.decode()
    response = client.post(
        reverse("children:period_edit", args=[period.pk]),
        {"started_on_0": "1", "started_on_1": "3", "started_on_2": "2018"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    period.refresh_from_db()
    assert (period.started_on, period.start_known) == (date(2018, 3, 1), True)
    page = client.get(reverse("children:detail", args=[child.pk]))
    assert "the true start is not known" not in page.content.decode()
    assert "are not recorded here" in page.content.decode()
