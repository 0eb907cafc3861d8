"""A review corrected after its year's SSDA903 return was exported flags that return
to be exported again (C2): on the export page and on the service manager's My work."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from children.services import episode_add
from reviews.services import corrections, review_plan_next
from ssda903.resubmit import stale_return
from tests.reviews.test_transitions import TODAY, _held

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(world):
    """Northa's first review, planned (looked after on 6 January 2025, with the
    episode that puts her in the return)."""
    period = world["north_child"].periods_of_care.get()
    episode_add(
        period=period,
        by=None,
        started_on=period.started_on,
        reason_new="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
    )
    return review_plan_next(period=period, by=None)


def _correct(review, by, **changes):
    facts = {
        "held_on": review.meetings.get().held_on,
        "participation": review.participation,
        "chaired_by": review.chaired_by,
        "next_review_date": review.next_review_date,
        "reason": "Wrong day typed",
    }
    return corrections.held_facts_correct(
        review=review, by=by, **{"today": TODAY, **facts, **changes}
    )


def test_a_correction_after_the_export_flags_that_years_return(
    world, review, client_as
):
    review = _held(world, review)  # held 30 January 2025: the year ending March 2025
    manager = client_as(world["manager"])
    _correct(review, world["iro_a"], chaired_by="co_chaired")  # before any export
    assert stale_return(2025) is None
    exported = manager.get(reverse("ssda903:export"), {"year": "2025"})
    assert exported["Content-Type"] == "application/zip"
    assert stale_return(2025) is None
    # Who chaired is not in the return: correcting it flags nothing.
    _correct(review, world["iro_a"], chaired_by="iro")
    assert stale_return(2025) is None
    _correct(review, world["iro_a"], held_on=date(2025, 1, 29))
    stale = stale_return(2025)
    assert stale is not None and [c.review for c in stale.corrections] == [review]
    assert stale_return(2026) is None
    page = manager.get(reverse("ssda903:export")).content.decode()
    assert "corrected since" in page and world["north_child"].child_id in page
    home = manager.get(reverse("workspace:home")).content.decode()
    assert "SSDA903 returns to export again" in home
    # Exported again: the flag is gone.
    manager.get(reverse("ssda903:export"), {"year": "2025"})
    assert stale_return(2025) is None
    assert (
        "SSDA903 returns to export again"
        not in manager.get(reverse("workspace:home")).content.decode()
    )


def test_a_correction_moving_a_review_into_another_year_flags_both(world, review):
    review = _held(world, review)
    for year in (2024, 2025, 2026):
        LogEntry.objects.log_create(
            world["north_child"],
            force_log=True,
            action=LogEntry.Action.ACCESS,
            changes=None,
            additional_data={"what": f"SSDA903 return {year}"},
        )
    # Held on 30 January 2025 (the year ending March 2025), in truth on 1 April 2025
    # (the next year): the review leaves one return and joins the other.
    _correct(
        review,
        world["iro_a"],
        today=date(2025, 6, 1),
        held_on=date(2025, 4, 1),
        next_review_date=date(2025, 6, 30),
    )
    assert stale_return(2025) is not None and stale_return(2026) is not None
    assert stale_return(2024) is None
