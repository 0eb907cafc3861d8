"""Participation (PN codes, D-PN), young people chairing, the child's asks honoured."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from reporting.queries import participation as pn
from reporting.queries.batch import held_figures
from reviews.asks import asks_for
from reviews.models import ChildContact, Review, ReviewChoices
from tests.factories import make_user
from tests.reporting.helpers import FY2024, child, f, review

pytestmark = pytest.mark.django_db
HELD = date(2024, 6, 3)


@pytest.fixture
def coded():
    """One review held with each code, PN1 twice; PN0 is left out of every rate."""
    for code in ["PN0", "PN1", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"]:
        review(child(), HELD, held=HELD, participation=code)


@pytest.mark.parametrize(
    ("function", "numerator", "percent"),
    [
        pytest.param(pn.participation, 7, "87.5", id="headline-PN1-PN6"),
        pytest.param(pn.views_conveyed, 6, "75.0", id="views-conveyed-not-PN4"),
        pytest.param(pn.physical_attendance, 5, "62.5", id="attendance-PN1-PN4"),
        pytest.param(pn.no_participation, 1, "12.5", id="none-PN7"),
    ],
)
def test_participation_over_pn1_to_pn7(coded, function, numerator, percent):
    figure = function(FY2024, f())
    assert (figure.numerator, figure.denominator) == (numerator, 8)
    assert figure.percent == Decimal(percent)


def test_participation_breakdown_shows_pn0_apart(coded):
    breakdown = pn.participation_breakdown(FY2024, f())
    assert breakdown.counts["PN0"] == 1 and breakdown.counts["PN1"] == 2
    assert breakdown.counted == 8
    rows = {code: share for code, _n, share in breakdown.rows()}
    assert rows["PN0"] is None and rows["PN1"] == Decimal("25.0")


def test_breakdown_counted_with_the_other_measures_agrees(coded):
    """The dashboard counts each code in its one grouped query (CODE_PARTS): the same
    breakdown as the breakdown's own query, a review with no code included."""
    review(child(), HELD, held=HELD, participation="")
    batched = held_figures(list(pn.CODE_PARTS), FY2024, f())
    from_batch = pn.breakdown_of_figures(batched)
    alone = pn.participation_breakdown(FY2024, f())
    assert from_batch == alone
    assert from_batch.counts[""] == 1 and from_batch.counts["PN1"] == 2


def test_young_people_chairing_aged_11_or_over():
    """A 29 February birthday is 11 on 28 February 2023 (D-LEAP); a child a day short
    of 11 co-chairing counts in the total but not in the rate."""
    leap = review(
        child(date_of_birth=date(2012, 2, 29)),
        date(2023, 3, 1),
        held=date(2023, 2, 28),
        chaired_by="child",
    )
    young = review(
        child(date_of_birth=date(2012, 3, 1)),
        date(2023, 3, 1),
        held=date(2023, 2, 28),
        chaired_by="co_chaired",
    )
    iro_chaired = review(
        child(date_of_birth=date(2008, 1, 1)),
        date(2022, 6, 1),
        held=date(2022, 6, 1),
        chaired_by="iro",
    )
    co = review(
        child(date_of_birth=date(2008, 1, 1)),
        date(2022, 7, 1),
        held=date(2022, 7, 1),
        chaired_by="co_chaired",
    )
    year = FY2024.year_before().year_before()  # 2022/23
    rate = pn.young_person_chaired(year, f())
    assert set(rate.ids) == {leap.pk, iro_chaired.pk, co.pk}
    assert set(rate.numerator_ids) == {leap.pk, co.pk}
    assert rate.percent == Decimal("66.7")
    every = pn.young_person_chaired_count(year, f())
    assert set(every.numerator_ids) == {leap.pk, young.pk, co.pk}
    assert every.percent == Decimal("75.0")


def _choices(review_, by, **fields):
    return ReviewChoices.objects.create(
        review=review_, captured_on=date(2024, 5, 1), captured_by=by, **fields
    )


def test_asks_honoured_agrees_with_reviews_asks():
    """Review 1: met before (yes), alone (no), venue (yes), format (no), chair (yes);
    review 2: copy (not known yet), explained afterwards (yes); review 3: N/A.
    4 of 6 asks with an answer were met."""
    sw, iro = make_user(Role.SOCIAL_WORKER), make_user(Role.IRO)
    one = review(
        child(),
        HELD,
        held=HELD,
        venue="The Youth Club, High Street",
        format="face_to_face",
        chaired_by="co_chaired",
    )
    _choices(
        one,
        sw,
        wants_to_meet_iro_before=True,
        wants_to_speak_alone=True,
        venue="youth club",
        format="online",
        wants_to_chair="chair",
    )
    ChildContact.objects.create(
        child=one.child,
        review=one,
        iro=iro,
        on=date(2024, 5, 20),
        how="visit",
        alone="no",
    )
    two = review(child(), HELD, held=HELD, status=Review.Status.HELD)
    _choices(two, sw, wants_copy_of_record=True, wants_explanation_after=True)
    ChildContact.objects.create(
        child=two.child, review=two, iro=iro, on=date(2024, 6, 10), how="phone"
    )
    three = review(child(), HELD, held=HELD)
    _choices(three, sw, not_applicable_reason="Too young", wants_to_speak_alone=True)
    # 20 June: the record's deadline (T19, 1 July) has not passed, so the copy the
    # child asked for is not known yet.
    on = date(2024, 6, 20)
    figure = pn.asks_honoured(FY2024, f(today=on))
    assert (figure.numerator, figure.denominator) == (4, 6)
    assert figure.percent == Decimal("66.7") and figure.reviews == 2
    assert set(figure.ids) == {one.pk, two.pk} and figure.numerator_ids == [two.pk]
    # The same answers as the review's own page (reviews.asks).
    for r in (one, two, three):
        asks = asks_for(Review.objects.get(pk=r.pk), today=on)
        row = pn.asks_rows(FY2024, f(today=on)).filter(pk=r.pk).first()
        known = [a for a in asks if a.met is not None]
        assert (row.asks_known if row else 0) == len(known)
        assert (row.asks_met if row else 0) == sum(1 for a in known if a.met)
