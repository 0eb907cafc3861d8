"""Plausible dates (docs/rules.md, DR-1 to DR-10): every date field of every form, 1800 to 2200.

For every POST form in the URL table with a date field (read from the page, as
tests/proof/test_bad_input.py does), hypothesis posts real dates from 1800 to 2200,
weighted towards the edges of the ranges (today, 25 years ago, 2 years ahead, the
child's birth and period of care, each a day either side) and the 400 days either side
of today: one date field at a time, the other fields as a valid submission has them
(an empty field filled: a word, the first choice, today), or every date field at once. For each submission:
- never a 500 (the test client raises the view's exception); the answer is the form's
  success status, 400, or another the table names (409 for a stale version);
- a refused submission saved nothing;
- after a success, no date outside the widest range (25 years ago to 2 years ahead;
  today for a date that has happened) was saved in any date column.
The number of examples per form comes from the hypothesis profile (HYPOTHESIS_PROFILE;
tests/proof/conftest.py).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core import dates as ranges
from tests.proof import walk
from tests.proof.conftest import PROFILE
from tests.proof.figures import record
from tests.proof.html_forms import Choice, DateParts, Text, post_form_fields
from tests.proof.test_bad_input import (
    FORM_ROUTES,
    _as_posted,
    _client,
    _submitter,
    post_data,
)
from tests.proof.url_table import Form

pytestmark = pytest.mark.django_db

EXAMPLES_PER_FORM = {"ci": 25, "dev": 5}
EARLIEST, LATEST = date(1800, 1, 1), date(2200, 12, 31)
# Date fields that record what has happened: never saved in the future (DR-1 to DR-9).
HAPPENED = frozenset(
    {
        "date_of_birth",
        "mother_child_dob",
        "looked_after_on",
        "held_on",
        "agreed_with_child_on",
        "raised_on",
        "referred_on",
        "observed_on",
        "audited_on",
        "captured_on",
        "received_on",
        "shared_on",
        "done_on",
        "social_worker_dialogue_on",
        "assessment_completed_on",
        "pathway_plan_on",
        "move_ratified_at_review_on",
        "child_told_on",
        "authority_to_place_on",
        "placed_for_adoption_on",
        "adoption_placement_ended_on",
        "adoption_order_on",
        "order_made_on",
    }
)
# IRO involvement after 18 runs to the 25th birthday (DR-10): up to 7 years ahead.
FURTHER = {"until": 7}


# What an empty field is filled with, so that most submissions are refused, if at all,
# for their dates: a text field gets a word (or this), a choice its first code, a date today.
# Named here: what the first choice or today would refuse (an IRO covering themselves, a
# child born today with a child of their own).
FILL = {
    "at": "10:00",
    "child_id": "DATES1",
    "upn": "",
    "home_postcode": "",
    "placement_postcode": "",
    "urn": "",
    "covered_iro": "",
    "mother_child_dob": "",
}
YEARS_OLD = {"date_of_birth": 10}


def _empty(value) -> bool:
    if isinstance(value, tuple):
        return all(part in (None, "") for part in value)
    return value in (None, "")


def filled(kinds: dict, valid: dict, today: date) -> dict:
    """The valid values, with every empty field given a plausible value."""
    values = dict(valid)
    for name, kind in kinds.items():
        if not _empty(values.get(name)):
            continue
        if name in FILL:
            values[name] = FILL[name]
        elif isinstance(kind, Text):
            values[name] = "A note"
        elif isinstance(kind, Choice) and not kind.multiple:
            codes = [code for code in kind.codes if code]
            values[name] = codes[0] if codes else ""
        elif isinstance(kind, DateParts):
            values[name] = ranges.years_before(today, YEARS_OLD.get(name, 0))
    return values


def _date_forms():
    for route in FORM_ROUTES:
        page = walk.PAGES[route.key]
        if page.known_bug:
            continue
        yield pytest.param(route, id=str(route))


def widest(name: str, today: date) -> tuple[date, date]:
    """The widest range any date of this name may be saved in."""
    earliest = ranges.years_before(today, ranges.OLDEST_AGE_YEARS)
    if name in HAPPENED:
        return earliest, today
    return earliest, ranges.years_after(
        today, FURTHER.get(name, ranges.FURTHEST_AHEAD_YEARS)
    )


def edges(today: date, child) -> list[date]:
    """The edges of the ranges, and a day either side of each."""
    period = child.periods_of_care.order_by("-started_on").first()
    centres = [
        today,
        ranges.years_before(today, ranges.OLDEST_AGE_YEARS),
        ranges.years_after(today, ranges.FURTHEST_AHEAD_YEARS),
        child.date_of_birth,
        date(1900, 1, 1),
        date(2100, 12, 31),
    ]
    if period is not None:
        centres.append(period.started_on)
    return sorted({c + timedelta(days=d) for c in centres for d in (-1, 0, 1)})


def a_date(today: date, child) -> st.SearchStrategy[date]:
    return st.one_of(
        st.dates(min_value=EARLIEST, max_value=LATEST),
        st.sampled_from(edges(today, child)),
        st.dates(
            min_value=today - timedelta(days=400), max_value=today + timedelta(days=400)
        ),
    )


def _date_columns():
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        names = [
            f.name
            for f in meta.concrete_fields
            if isinstance(f, models.DateField)
            and not isinstance(f, models.DateTimeField)
        ]
        if names:
            yield model, names


DATE_COLUMNS = list(_date_columns())


def rows_holding(days: set[date]) -> dict[str, int]:
    """How many rows of each model hold one of these dates in a date column."""
    found = {}
    for model, names in DATE_COLUMNS:
        query = Q()
        for name in names:
            query |= Q(**{f"{name}__in": days})
        found[model._meta.label_lower] = model._default_manager.filter(query).count()
    return found


SUMMARY_LINK = re.compile(r'<a href="#[^"]*">\s*([^<]+?)\s*</a>')


def refusals(html: str) -> list[str]:
    """The messages in the error summary."""
    start = html.find("govuk-error-summary__list")
    if start < 0:
        return []
    end = html.find("</ul>", start)
    return SUMMARY_LINK.findall(html[start:end])


EXAMPLES: dict[str, int] = {}
STATUSES: dict[str, Counter] = {}


@pytest.mark.parametrize("route", list(_date_forms()))
def test_every_date_field_takes_1800_to_2200_without_a_500_or_an_impossible_save(
    route, proof_world
):
    page = walk.page_for(route)
    form = page.form or Form()
    role = _submitter(page)
    users = proof_world["users"]
    child = proof_world["in_child"]
    url = walk.url_for(route, page, child)
    subject = walk.OBJECTS[page.of](child) if page.of else None
    submitter = users[role] if role in users else users[walk.Role.IRO]
    allowed = frozenset(form.writes) | frozenset(page.get_writes)
    kinds, values = post_form_fields(walk.body(_client(role, users).get(url)), url)
    date_names = sorted(
        name for name, kind in kinds.items() if isinstance(kind, DateParts)
    )
    if not date_names:
        pytest.skip("no date field")
    ok = {form.ok, 400, *form.also}
    if "version" in kinds:
        ok.add(409)
    today = timezone.localdate()
    count = 0
    statuses: Counter = Counter()
    reasons: Counter = Counter()

    every = st.fixed_dictionaries({n: a_date(today, child) for n in date_names})
    one = st.sampled_from(date_names).flatmap(
        lambda n: a_date(today, child).map(lambda d: {n: d})
    )

    @hypothesis_settings(
        hypothesis_settings.get_profile(PROFILE),
        max_examples=EXAMPLES_PER_FORM[PROFILE],
    )
    @given(chosen=st.one_of(one, every))
    def check(chosen):
        nonlocal count
        count += 1
        with transaction.atomic():
            client = _client(role, users)
            if page.get_writes:
                client.get(url)
            if subject is not None:
                subject.refresh_from_db()
            valid = filled(
                kinds,
                {**values, **(form.valid(subject, submitter) if form.valid else {})},
                today,
            )
            submission = {n: _as_posted(valid.get(n)) for n in kinds}
            submission.update({n: _as_posted(d) for n, d in chosen.items()})
            outside = {
                d
                for n, d in chosen.items()
                if not widest(n, today)[0] <= d <= widest(n, today)[1]
            }
            before = walk.snapshot(allowed)
            held_before = rows_holding(outside) if outside else {}
            response = client.post(url, post_data(kinds, submission))
            status = response.status_code
            statuses[status] += 1
            if status == 400:
                reasons.update(refusals(walk.body(response)))
            assert status in ok, f"{status} for {chosen!r}"
            if status != form.ok:
                assert walk.changes(before, walk.snapshot(allowed)) == []
            elif outside:
                gained = {
                    label: n
                    for label, n in rows_holding(outside).items()
                    if n > held_before[label]
                }
                assert gained == {}, f"saved {sorted(outside)} from {chosen!r}"
            transaction.set_rollback(True)

    check()
    EXAMPLES[route.key] = count
    STATUSES[route.key] = statuses
    record(
        "dates",
        profile=PROFILE,
        max_examples_per_form=EXAMPLES_PER_FORM[PROFILE],
        forms_fuzzed=len(EXAMPLES),
        examples=dict(sorted(EXAMPLES.items())),
        statuses={k: dict(sorted(v.items())) for k, v in sorted(STATUSES.items())},
        summary=(
            f"{len(EXAMPLES)} forms with dates fuzzed from 1800 to 2200, "
            f"{EXAMPLES_PER_FORM[PROFILE]} examples per form (profile {PROFILE})"
        ),
    )
    print(
        f"dates: {route.key}: {count} examples {dict(statuses)}, fields {date_names}; "
        f"refused for {reasons.most_common(3)}"
    )


def test_the_widest_ranges_hold_the_documented_ones():
    today = date(2026, 6, 15)
    assert widest("date_of_birth", today) == (date(2001, 6, 15), today)
    assert widest("due_date", today) == (date(2001, 6, 15), date(2028, 6, 15))
    assert ranges.date_of_birth(today=today).earliest == date(2001, 6, 15)
