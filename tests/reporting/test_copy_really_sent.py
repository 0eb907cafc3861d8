"""The child's ask for a copy of the record counts only a copy really sent (D-SENT).

A copy of the record for the child exists once a distribution row is made; it is sent
only when its email has left the outbox or business support has confirmed the day its
letter was posted. The ask's answer on the review page (reviews.asks.asks_for) and the
annual figure (`asks`, reporting.queries.participation) are both checked, on Wednesday
4 December 2024, for a review held long ago (the record's 20 working days have passed)
and one held yesterday (they have not).
"""

from datetime import date, timedelta

import pytest

from accounts.models import Role
from core.models import OutboundEmail
from documents.delivery import REALLY_SENT
from documents.models import Distribution
from reporting.queries import MEASURES
from reviews.asks import COPY_REALLY_SENT, asks_for
from reviews.models import Invitee, Review, ReviewChoices
from tests.factories import make_user
from tests.reporting.helpers import FY2024, child, f, london, review

pytestmark = pytest.mark.django_db
S = Review.Status

TODAY = date(2024, 12, 4)
LONG_AGO = date(2024, 10, 1)  # the record was due by 29 October
YESTERDAY = date(2024, 12, 3)  # the record is due by 2 January


def _held_asking_for_a_copy(on: date) -> Review:
    r = review(child(), on, held=on, status=S.DISTRIBUTED)
    ReviewChoices.objects.create(
        review=r,
        captured_on=on - timedelta(days=10),
        captured_by=make_user(Role.SOCIAL_WORKER),
        wants_copy_of_record=True,
    )
    return r


def _childs_copy(r: Review, method: str, **fields) -> Distribution:
    person = Invitee.objects.create(
        review=r,
        name="Child",
        role="child",
        method=method,
        email="child@example.org" if method == "email" else "",
    )
    return Distribution.objects.create(
        review=r,
        invitee=person,
        version="child",
        record_version=1,
        method=method,
        sent_by=make_user(Role.BUSINESS_SUPPORT),
        sent_at=london(r.record_date + timedelta(days=1), 9),
        **fields,
    )


def _emailed(r: Review, status: str) -> Distribution:
    sent = status == OutboundEmail.Status.SENT
    email = OutboundEmail.objects.create(
        key=f"record-test:{r.pk}",
        to="child@example.org",
        subject="The record of a review you were part of",
        body="Your copy",
        status=status,
        attempts=0 if status == OutboundEmail.Status.QUEUED else 1,
        last_error="421 try later" if status == OutboundEmail.Status.FAILED else "",
        sent_at=london(r.record_date + timedelta(days=1), 9, 5) if sent else None,
    )
    return _childs_copy(r, "email", email=email)


def _letter(r: Review, *, printed: bool, posted: bool) -> Distribution:
    made = r.record_date + timedelta(days=1)
    return _childs_copy(
        r,
        "letter",
        printed_at=london(made, 10) if printed else None,
        printed_by=make_user(Role.BUSINESS_SUPPORT) if printed else None,
        posted_on=made + timedelta(days=1) if posted else None,
    )


COPIES = {
    "email queued": (lambda r: _emailed(r, OutboundEmail.Status.QUEUED), False),
    "email failed": (lambda r: _emailed(r, OutboundEmail.Status.FAILED), False),
    "email made, none queued": (lambda r: _childs_copy(r, "email"), False),
    "letter to print": (lambda r: _letter(r, printed=False, posted=False), False),
    "letter printed, not posted": (
        lambda r: _letter(r, printed=True, posted=False),
        False,
    ),
    "email sent": (lambda r: _emailed(r, OutboundEmail.Status.SENT), True),
    "letter posted": (lambda r: _letter(r, printed=True, posted=True), True),
}


def _copy_answer(r: Review) -> bool | None:
    (answer,) = [
        a.met
        for a in asks_for(Review.objects.get(pk=r.pk), today=TODAY)
        if a.key == "copy"
    ]
    return answer


@pytest.mark.parametrize(("copy", "really_sent"), COPIES.values(), ids=COPIES)
def test_only_a_copy_really_sent_meets_the_childs_ask(copy, really_sent):
    """After the deadline: sent is met, anything else is not met (in the figure's
    denominator, not its numerator). Before it: sent is met, anything else is not
    known yet (left out)."""
    past = _held_asking_for_a_copy(LONG_AGO)
    copy(past)
    running = _held_asking_for_a_copy(YESTERDAY)
    copy(running)
    assert _copy_answer(past) is really_sent
    assert _copy_answer(running) is (True if really_sent else None)
    figure = MEASURES["asks"].figure(FY2024, f(today=TODAY))
    counted = [past.pk, running.pk] if really_sent else [past.pk]
    assert figure.ids == sorted(counted)
    assert (figure.numerator, figure.denominator) == (
        len(counted) if really_sent else 0,
        len(counted),
    )


def test_a_copy_sent_to_someone_else_is_not_the_childs():
    """A parent's posted letter does not answer the child's ask."""
    past = _held_asking_for_a_copy(LONG_AGO)
    parent = Invitee.objects.create(
        review=past, name="Parent", role="parent", method="letter"
    )
    Distribution.objects.create(
        review=past,
        invitee=parent,
        version="parent",
        record_version=1,
        method="letter",
        sent_by=make_user(Role.BUSINESS_SUPPORT),
        posted_on=LONG_AGO + timedelta(days=3),
    )
    assert _copy_answer(past) is False
    assert MEASURES["asks"].figure(FY2024, f(today=TODAY)).numerator == 0


def test_the_review_page_and_the_delivery_log_read_the_same_facts():
    """reviews.asks cannot import documents (a higher layer): its copy of the rule is
    the same condition as documents.delivery.REALLY_SENT."""
    assert COPY_REALLY_SENT == REALLY_SENT
