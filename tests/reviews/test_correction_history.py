"""The review page's Corrections table says what changed as people say it (C2): it
showed the stored values, "Held on: 2025-01-30 to 2025-01-28" and "Chaired by: iro to
co_chaired"."""

import re
from datetime import date

import pytest
from django.urls import reverse

from reviews.services import corrections
from tests.reviews.test_transitions import TODAY, _held

pytestmark = pytest.mark.django_db


def test_the_corrections_table_shows_dates_and_codes_as_words(world, review, client_as):
    review = _held(world, review)
    corrections.held_facts_correct(
        review=review,
        by=world["iro_a"],
        today=TODAY,
        reason="Typed the wrong day",
        held_on=date(2025, 1, 28),
        participation="PN2",
        chaired_by="co_chaired",
        next_review_date=date(2025, 4, 28),
    )
    page = client_as(world["iro_a"]).get(reverse("reviews:detail", args=[review.pk]))
    table = re.search(
        r"<h2[^>]*>Corrections</h2>(.*?)</table>", page.content.decode(), re.S
    ).group(1)
    for line in (
        "Date held: 30 January 2025 to 28 January 2025",
        "Record date: 30 January 2025 to 28 January 2025",
        "Next review date: 29 April 2025 to 28 April 2025",
        "Participation: PN1: the child attended and spoke for themselves to PN2:",
        "Chaired by: The IRO to Co-chaired by the child and the IRO",
        "Typed the wrong day",
    ):
        assert line in table
    assert "2025-01-28" not in table and "co_chaired" not in table
