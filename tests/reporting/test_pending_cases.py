"""Every measure counts what is still waiting (docs/reporting.md, "Not yet judgeable").

For each measure, a world on Wednesday 4 December 2024 with three rows: one done in
time, one still waiting with its deadline passed (late: in the denominator, not the
numerator), and one still waiting with its deadline to come (not yet judgeable: left
out). The figures come from the real query functions; no stored status or colour is
trusted in place of the dates and the facts.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.conf import settings

from accounts.models import Role
from core.models import Notification
from disputes.models import Category, Challenge
from documents.models import Distribution
from iro.models import IroAllocation
from reporting.queries import MEASURES, Period, service
from reviews import timescales
from reviews.asks import asks_for
from reviews.models import (
    Invitee,
    ProgressReview,
    Review,
    ReviewChoices,
    ReviewEvent,
)
from tests.factories import make_user
from tests.reporting.helpers import FY2024, child, f, london, review
from workspace.reminders import weekly_summaries_send

pytestmark = pytest.mark.django_db
S = Review.Status

TODAY = date(2024, 12, 4)  # a Wednesday in the middle of 2024/25
LONG_AGO = date(2024, 10, 1)  # every deadline counted from it has passed by TODAY
YESTERDAY = date(2024, 12, 3)  # every deadline counted from it is still to come
COMING = date(2024, 12, 20)  # a due date not reached yet


@dataclass
class World:
    """The primary keys of the rows the figure is over (reviews, children, periods of
    care or progress reviews, as the measure counts)."""

    done: int  # done in time: counted
    late: int  # still waiting, deadline passed: in the denominator only
    waiting: int  # still waiting, deadline to come: left out


def _period(kid) -> int:
    return kid.periods_of_care.get().pk


def _copy(r: Review, *, posted_on=None) -> Distribution:
    """A copy of the record for the child: a letter, posted or waiting to be posted."""
    person = Invitee.objects.create(
        review=r, name="Child", role="child", method="letter"
    )
    return Distribution.objects.create(
        review=r,
        invitee=person,
        version="child",
        record_version=1,
        method="letter",
        sent_by=make_user(Role.BUSINESS_SUPPORT),
        sent_at=london(r.record_date + timedelta(days=1), 9),
        posted_on=posted_on,
    )


def reviews_due() -> World:
    """Due long ago and held then; due long ago, never held; due on 20 December."""
    done = review(child(), LONG_AGO, held=LONG_AGO)
    late = review(child(), LONG_AGO)
    waiting = review(child(), COMING)
    return World(done.pk, late.pk, waiting.pk)


def children_due() -> World:
    w = reviews_due()
    return World(
        *(Review.objects.get(pk=pk).child_id for pk in (w.done, w.late, w.waiting))
    )


def first_reviews() -> World:
    """Looked after on 2 September (first review due 30 September) and on 25 November
    (due 23 December)."""
    early, recent = date(2024, 9, 2), date(2024, 11, 25)
    due = {d: timescales.first_review_due(d).date for d in (early, recent)}
    done = review(child(early), due[early], held=due[early], kind="initial")
    late = review(child(early), due[early], kind="initial")
    waiting = review(child(recent), due[recent], kind="initial")
    return World(done.pk, late.pk, waiting.pk)


def iro_allocation() -> World:
    """Looked after long ago (an IRO due 8 October), one allocated the next day and
    one never; looked after yesterday (due 10 December), none yet: KPI-T5."""
    done, late, waiting = child(LONG_AGO), child(LONG_AGO), child(YESTERDAY)
    IroAllocation.objects.create(
        child=done, iro=make_user(Role.IRO), started_on=LONG_AGO + timedelta(days=1)
    )
    return World(_period(done), _period(late), _period(waiting))


def decisions() -> World:
    done = review(
        child(),
        LONG_AGO,
        held=LONG_AGO,
        status=S.RD_SUBMITTED,
        rd_submitted_on=LONG_AGO + timedelta(days=2),
    )
    late = review(child(), LONG_AGO, held=LONG_AGO, status=S.HELD)
    waiting = review(child(), YESTERDAY, held=YESTERDAY, status=S.HELD)
    return World(done.pk, late.pk, waiting.pk)


def record_sent() -> World:
    """The late one's letter was made but never posted: not sent (D-SENT)."""
    done = review(child(), LONG_AGO, held=LONG_AGO, status=S.DISTRIBUTED)
    _copy(done, posted_on=LONG_AGO + timedelta(days=5))
    late = review(child(), LONG_AGO, held=LONG_AGO, status=S.DISTRIBUTED)
    _copy(late)
    waiting = review(child(), YESTERDAY, held=YESTERDAY, status=S.RD_AUTHORISED)
    return World(done.pk, late.pk, waiting.pk)


def care_plan() -> World:
    done = review(child(), LONG_AGO, held=LONG_AGO, status=S.CLOSED)
    ReviewEvent.objects.create(
        review=done,
        from_status=S.DISTRIBUTED,
        to_status=S.CLOSED,
        action="closed",
        at=london(LONG_AGO + timedelta(days=3), 15),
    )
    late = review(child(), LONG_AGO, held=LONG_AGO, status=S.DISTRIBUTED)
    waiting = review(child(), YESTERDAY, held=YESTERDAY, status=S.HELD)
    return World(done.pk, late.pk, waiting.pk)


def notified() -> World:
    """The IRO service told the same day; never told, long ago; never told of a child
    looked after yesterday (the end of today is the deadline)."""
    done, late, waiting = child(LONG_AGO), child(LONG_AGO), child(YESTERDAY)
    done.periods_of_care.update(iro_service_notified_at=london(LONG_AGO, 15))
    return World(_period(done), _period(late), _period(waiting))


def progress_reviews() -> World:
    held = date(2024, 6, 3)
    rows = [
        ProgressReview.objects.create(
            review=review(child(), held, held=held),
            target_date=target,
            done_on=done_on,
        )
        for target, done_on in [
            (LONG_AGO, LONG_AGO),
            (LONG_AGO, None),
            (COMING, None),
        ]
    ]
    return World(*(p.pk for p in rows))


def _adjourned(on: date, **fields) -> Review:
    """A review adjourned at its meeting on `on` (T22: reconvene within 20 WD)."""
    return review(
        child(),
        on,
        scheduled_for=london(on, 10),
        adjournment_count=1,
        adjourned_reason="The child was unwell",
        reconvene_by=timescales.adjourned_review_due(on).date,
        **fields,
    )


def reconvened() -> World:
    """Adjourned long ago (reconvene by 29 October): completed in time, and still not
    held; adjourned yesterday (reconvene by 2 January), not held yet."""
    done = _adjourned(LONG_AGO, held=LONG_AGO)
    done.completed_date = LONG_AGO + timedelta(days=14)  # the reconvened meeting
    done.save()
    late = _adjourned(LONG_AGO, status=S.ADJOURNED)
    waiting = _adjourned(YESTERDAY, status=S.ADJOURNED)
    return World(done.pk, late.pk, waiting.pk)


def late_authorised() -> World:
    """Three reviews not held: two due long ago, one with a later date authorised in
    advance (counted); one due on 20 December, authorised too, not late yet."""
    manager = make_user(Role.IRO_MANAGER)
    authorised = {
        "out_of_timescale_authorised_by": manager,
        "out_of_timescale_until": date(2025, 1, 10),
    }
    done = review(child(), LONG_AGO, **authorised)
    late = review(child(), LONG_AGO)
    waiting = review(child(), COMING, **authorised)
    return World(done.pk, late.pk, waiting.pk)


def _wants_copy(r: Review) -> Review:
    ReviewChoices.objects.create(
        review=r,
        captured_on=r.record_date - timedelta(days=10),
        captured_by=make_user(Role.SOCIAL_WORKER),
        wants_copy_of_record=True,
    )
    return r


def asks() -> World:
    """The child asked for a copy of the record: sent; not sent 20 working days on,
    though the review says "decisions authorised" (known, not met); not sent the day
    after the review (not known yet)."""
    done = _wants_copy(review(child(), LONG_AGO, held=LONG_AGO, status=S.DISTRIBUTED))
    _copy(done, posted_on=LONG_AGO + timedelta(days=5))
    late = _wants_copy(review(child(), LONG_AGO, held=LONG_AGO, status=S.RD_AUTHORISED))
    waiting = _wants_copy(
        review(child(), YESTERDAY, held=YESTERDAY, status=S.RD_AUTHORISED)
    )
    return World(done.pk, late.pk, waiting.pk)


@pytest.mark.parametrize(
    ("key", "build"),
    [
        pytest.param("t1", reviews_due, id="t1-reviews-due"),
        pytest.param("t3", children_due, id="t3-children"),
        pytest.param("t4", first_reviews, id="t4-first-reviews"),
        pytest.param("t5", iro_allocation, id="t5-iro-allocated"),
        pytest.param("t6_rd", decisions, id="t6a-decisions"),
        pytest.param("t6_record", record_sent, id="t6b-record-sent"),
        pytest.param("t6_plan", care_plan, id="t6c-care-plan"),
        pytest.param("t6_notify", notified, id="t6d-iro-service-told"),
        pytest.param("t7", progress_reviews, id="t7-progress-reviews"),
        pytest.param("t8_reconvened", reconvened, id="t8b-reconvened"),
        pytest.param("t9", late_authorised, id="t9-late-authorised"),
        pytest.param("asks", asks, id="asks-copy-of-the-record"),
    ],
)
def test_a_case_waiting_past_its_deadline_is_in_the_denominator(key, build):
    """The late case is counted as not done; the one not due yet is left out."""
    world = build()
    figure = MEASURES[key].figure(FY2024, f(today=TODAY))
    assert (figure.numerator, figure.denominator) == (1, 2)
    assert figure.ids == sorted([world.done, world.late])
    assert figure.numerator_ids == [world.done]


def test_the_childs_asks_on_the_review_page_agree_with_the_figure():
    """reviews.asks judges the copy of the record by the same facts and dates."""
    world = asks()
    answers = {
        pk: [a.met for a in asks_for(Review.objects.get(pk=pk), today=TODAY)]
        for pk in (world.done, world.late, world.waiting)
    }
    assert answers == {world.done: [True], world.late: [False], world.waiting: [None]}


def _closed(r: Review, on: date, note: str = "") -> Review:
    """The `closed` event the IRO's closing writes (reviews.services.record)."""
    ReviewEvent.objects.create(
        review=r,
        from_status=S.DISTRIBUTED,
        to_status=S.CLOSED,
        action="closed",
        note=note,
        at=london(on, 15),
    )
    return r


def test_t6c_judges_closing_by_its_event_not_the_stored_status():
    """KPI-T6c on Wednesday 4 December, of five reviews: closed yesterday with the care
    plan confirmed, its stored status not yet written ("distributed"): counted, though
    its deadline is still to come; held long ago and still waiting to be closed: late;
    held yesterday and waiting: not judgeable yet; held yesterday, its stored status
    "closed" but no closing ever written: not judgeable yet either (the status alone
    proves nothing); closed yesterday with the update not confirmed: judged, not
    counted."""
    not_written = _closed(
        review(child(), YESTERDAY, held=YESTERDAY, status=S.DISTRIBUTED), YESTERDAY
    )
    late = review(child(), LONG_AGO, held=LONG_AGO, status=S.DISTRIBUTED)
    review(child(), YESTERDAY, held=YESTERDAY, status=S.HELD)
    review(child(), YESTERDAY, held=YESTERDAY, status=S.CLOSED)  # no event
    flagged = _closed(
        review(child(), YESTERDAY, held=YESTERDAY, status=S.CLOSED),
        YESTERDAY,
        note="Care plan update not confirmed: flagged as overdue",
    )
    figure = MEASURES["t6_plan"].figure(FY2024, f(today=TODAY))
    assert figure.ids == sorted([not_written.pk, late.pk, flagged.pk])
    assert figure.numerator_ids == [not_written.pk]


HELD_BASED = [
    "t2",
    "t8_adjourned",
    "participation",
    "views_conveyed",
    "attendance",
    "no_participation",
    "chaired",
    "chaired_all",
    "contacts",
]


@pytest.mark.parametrize("key", HELD_BASED)
def test_a_review_waiting_past_its_due_date_is_not_in_the_measures_of_reviews_held(key):
    """These measures are of reviews held (their population has no deadline of its
    own); a review overdue and not held is late in KPI-T1, KPI-T3, KPI-T4 and KPI-T9
    instead."""
    kid = child(date_of_birth=date(2010, 1, 1))
    held = review(kid, LONG_AGO, held=LONG_AGO, participation="PN1", chaired_by="child")
    overdue = review(child(date_of_birth=date(2010, 1, 1)), LONG_AGO)
    figure = MEASURES[key].figure(FY2024, f(today=TODAY))
    rows_are = {"contacts": lambda r: r.child_id}.get(key, lambda r: r.pk)
    assert rows_are(overdue) not in figure.ids
    assert figure.ids == [rows_are(held)]
    assert MEASURES["t1"].figure(FY2024, f(today=TODAY)).ids == sorted(
        [held.pk, overdue.pk]
    )


def test_iros_not_yet_observed_this_year_count_as_not_observed():
    """Observation is due once a year (S-DUD): the figure is a count so far, so every
    active IRO is in it from the year's first day, observed or not yet."""
    make_user(Role.IRO)
    figure = MEASURES["observed"].figure(FY2024, f(today=TODAY))
    assert (figure.numerator, figure.denominator) == (0, 1)


# --- Formal challenges resolved within 20 working days (IROH 6.2) -----------------------


def _formal(started_on: date, *, closed_on=None) -> Challenge:
    return Challenge.objects.create(
        child=child(),
        category=Category.values[0],
        description="The placement plan is not happening",
        impact_for_child="Uncertainty",
        raised_by=make_user(Role.IRO),
        raised_on=started_on,
        level=Challenge.Level.FORMAL,
        stage=1,
        formal_started_on=started_on,
        status=Challenge.Status.CLOSED if closed_on else "awaiting_response",
        outcome=Challenge.Outcome.RESOLVED if closed_on else "",
        outcome_impact="Plan in place" if closed_on else "",
        closed_on=closed_on,
    )


def test_formal_challenges_still_open_past_20_working_days_count_as_not_within():
    """Formal since long ago: closed in 6 days (within), still open (late); formal
    since yesterday, open, its 20 working days still running (left out)."""
    _formal(LONG_AGO, closed_on=LONG_AGO + timedelta(days=6))
    _formal(LONG_AGO)
    _formal(YESTERDAY)
    within = service.disputes(FY2024, f(today=TODAY))["formal_within_20"]
    assert (within.within, within.out_of, within.waiting) == (1, 2, 1)
    assert within.percent == 50


def test_a_past_year_counts_the_challenges_open_at_its_end_past_their_deadline():
    """Formal on Fri 16 February 2024 (20 working days end Fri 15 March) and closed on
    20 May: at the end of 2023/24 it was waiting past its deadline. Formal on Fri 1
    March (Good Friday and Easter Monday not counted: the deadline is 2 April), closed
    on 20 May: its time was still running when the year ended."""
    late_at_year_end = _formal(date(2024, 2, 16), closed_on=date(2024, 5, 20))
    running_at_year_end = _formal(date(2024, 3, 1), closed_on=date(2024, 5, 20))
    assert timescales.drp_formal_process_due(
        late_at_year_end.formal_started_on
    ).date == date(2024, 3, 15)
    assert timescales.drp_formal_process_due(
        running_at_year_end.formal_started_on
    ).date > date(2024, 3, 31)
    within = service.disputes(Period.financial_year(2023), f(today=TODAY))[
        "formal_within_20"
    ]
    assert (within.within, within.out_of, within.waiting) == (0, 1, 1)
    # In 2024/25 both were closed, late: the year they closed in counts them too.
    this_year = service.disputes(FY2024, f(today=TODAY))["formal_within_20"]
    assert (this_year.within, this_year.out_of, this_year.waiting) == (0, 2, 0)


# --- The managers' weekly summary --------------------------------------------------------


def test_the_weekly_summary_counts_overdue_reviews_by_their_due_dates(world):
    """Open reviews whose stored colour the nightly recompute never wrote (a review
    planned today has none), and one whose stored colour is out of date: the summary
    works each colour out from the due date."""
    team = world["north_child"].team
    amber_until = timescales.add_working_days(TODAY, settings.RAG_AMBER_WORKING_DAYS)
    for due, stored in [
        (LONG_AGO, ""),  # overdue, never coloured
        (YESTERDAY, "green"),  # overdue since today, still green in the table
        (TODAY + timedelta(days=2), ""),  # due within the amber days
        (amber_until + timedelta(days=30), ""),  # on track
    ]:
        review(child(team=team), due, rag=stored)  # one open review per child
    assert weekly_summaries_send(today=TODAY) >= 1
    summary = Notification.objects.get(user=world["manager"], key__startswith="weekly:")
    assert summary.text.startswith(
        f"Week of Wed 4 Dec 2024: 2 reviews overdue, 1 due within "
        f"{settings.RAG_AMBER_WORKING_DAYS} working days, 1 on track;"
    )
