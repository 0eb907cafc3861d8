"""KPI-T1 to KPI-T9 against hand-computed fixtures (docs/rules.md, Measures)."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from children.models import PeriodOfCare, SocialWorkerAllocation
from documents.models import Distribution
from iro.models import IroAllocation
from reporting.queries import Period, timeliness
from reviews.models import Invitee, ProgressReview, Review, ReviewEvent
from tests.factories import IroAllocationFactory, TeamFactory, make_user
from tests.reporting.helpers import FY2024, cancelled, child, f, london, review

pytestmark = pytest.mark.django_db
C = Review.CancelReason


@pytest.fixture
def t1_world():
    """Reviews due in 2024/25, each of its own child (one open review per period)."""
    r = {}
    a = child()
    r["on_time"] = review(a, date(2024, 5, 10), held=date(2024, 5, 9))
    r["on_time_2"] = review(a, date(2024, 11, 9), held=date(2024, 11, 1))
    r["late"] = review(child(), date(2024, 6, 10), held=date(2024, 6, 20))
    r["not_held"] = review(child(), date(2024, 7, 1))  # due, never held: late
    r["left_care"] = cancelled(child(), date(2024, 8, 1), C.CEASED_LOOKED_AFTER)
    r["other"] = cancelled(child(), date(2024, 9, 1), C.OTHER, cancel_note="x")
    r["duplicate"] = cancelled(child(), date(2024, 12, 1), C.DUPLICATE)
    r["transferred"] = cancelled(child(), date(2024, 12, 2), C.TRANSFERRED)
    # An additional review replacing one due 15 October: held 25 September, after its
    # own due date (20 September) but before the one it replaced, so on time.
    b = child()
    r["superseded"] = cancelled(b, date(2024, 10, 15), C.SUPERSEDED)
    r["additional"] = review(
        b,
        date(2024, 9, 20),
        held=date(2024, 9, 25),
        kind=Review.Kind.ADDITIONAL,
        superseded_due_date=date(2024, 10, 15),
    )
    # Its own due date is in the year, the one it replaced is not: not in 2024/25.
    r["additional_next_year"] = review(
        child(),
        date(2025, 3, 20),
        held=date(2025, 3, 21),
        kind=Review.Kind.ADDITIONAL,
        superseded_due_date=date(2025, 4, 10),
    )
    r["held_after_year"] = review(child(), date(2025, 3, 31), held=date(2025, 4, 2))
    r["due_year_before"] = review(child(), date(2024, 3, 28), held=date(2024, 4, 2))
    return r


def test_t1_reviews_due_in_the_year(t1_world):
    """7 reviews count: 3 held on time (one by the due date it replaced), 4 late."""
    figure = timeliness.reviews_in_timescale_due(FY2024, f())
    r = t1_world
    assert set(figure.ids) == {
        r[k].pk
        for k in ["on_time", "on_time_2", "late", "not_held", "other", "additional"]
        + ["held_after_year"]
    }
    assert set(figure.numerator_ids) == {
        r["on_time"].pk,
        r["on_time_2"].pk,
        r["additional"].pk,
    }
    assert (figure.numerator, figure.denominator) == (3, 7)
    assert figure.percent == Decimal("42.9")


def test_t1_leaves_out_reviews_not_yet_due_but_counts_overdue_ones():
    """In the current year: due and not held is late; not yet due is left out."""
    overdue = review(child(), date(2025, 5, 1))
    review(child(), date(2025, 7, 1))  # not due until after today
    figure = timeliness.reviews_in_timescale_due(
        Period.financial_year(2025), f(today=date(2025, 6, 1))
    )
    assert figure.ids == [overdue.pk]
    assert (figure.numerator, figure.denominator, figure.percent) == (0, 1, Decimal(0))


def test_t2_reviews_held_in_the_year(t1_world):
    """Held in 2024/25: 5 on time (the additional one by its replaced date) of 7."""
    figure = timeliness.reviews_in_timescale_held(FY2024, f())
    r = t1_world
    assert set(figure.ids) == {
        r[k].pk
        for k in ["on_time", "on_time_2", "late", "additional"]
        + ["additional_next_year", "due_year_before"]
    }
    # additional_next_year: held 21 March, due (replaced) 10 April: on time.
    assert set(figure.numerator_ids) == {
        r[k].pk for k in ["on_time", "on_time_2", "additional", "additional_next_year"]
    }
    assert figure.percent == Decimal("66.7")


def test_t3_children_with_every_review_on_time(t1_world):
    """Looked after on 31 March 2025 with a review due: 2 of 6 had every one on time."""
    r = t1_world
    gone = r["not_held"].period
    gone.ended_on = date(2025, 2, 1)
    gone.save()
    figure = timeliness.children_all_reviews_on_time(FY2024, f())
    assert set(figure.numerator_ids) == {
        r["on_time"].child_id,
        r["additional"].child_id,
    }
    assert set(figure.ids) == {
        r[k].child_id
        for k in ["on_time", "late", "other", "additional", "held_after_year"]
    }
    assert figure.percent == Decimal("40.0")


def test_t4_first_reviews_within_20_working_days():
    """Looked after Mon 3 June 2024: due Mon 1 July. From Mon 16 December 2024, across
    Christmas, Boxing Day and New Year's Day: due Thu 16 January 2025."""
    on_time = review(
        child(date(2024, 6, 3)), date(2024, 7, 1), held=date(2024, 7, 1), kind="initial"
    )
    late = review(
        child(date(2024, 12, 16)),
        date(2025, 1, 16),
        held=date(2025, 1, 17),
        kind="initial",
    )
    k = child(date(2024, 6, 3))
    cancelled(k, date(2024, 7, 1), C.SUPERSEDED, kind="initial")
    replaced = review(
        k,
        date(2024, 6, 20),
        held=date(2024, 6, 25),
        kind="additional",
        superseded_due_date=date(2024, 7, 1),
    )
    review(
        child(date(2023, 1, 2)), date(2024, 9, 1), held=date(2024, 9, 1)
    )  # not first
    figure = timeliness.first_reviews_on_time(FY2024, f())
    assert set(figure.ids) == {on_time.pk, late.pk, replaced.pk}
    assert set(figure.numerator_ids) == {on_time.pk, replaced.pk}
    assert figure.percent == Decimal("66.7")


def test_t5_iro_allocated_within_5_working_days():
    """Looked after Mon 3 June 2024: an IRO is due by Mon 10 June."""
    iro = make_user(Role.IRO)
    in_time, late, never = (child(date(2024, 6, 3)) for _ in range(3))
    IroAllocationFactory(child=in_time, iro=iro, started_on=date(2024, 6, 10))
    IroAllocationFactory(child=late, iro=iro, started_on=date(2024, 6, 11))
    # Back in care on 3 June with the IRO from before still allocated: on time.
    returning = child(date(2022, 1, 3))
    first = returning.periods_of_care.get()
    first.ended_on = date(2023, 1, 1)
    first.save()
    PeriodOfCare.objects.create(child=returning, started_on=date(2024, 6, 3))
    IroAllocationFactory(child=returning, iro=iro, started_on=date(2022, 1, 5))
    # Not due yet (Mon 31 March 2025: due Mon 7 April) on 2 April.
    child(date(2025, 3, 31))
    # Short breaks: no allocation expected.
    short = child(date(2024, 6, 3))
    short.periods_of_care.update(short_breaks=True)
    figure = timeliness.iro_allocated_in_time(FY2024, f(today=date(2025, 4, 2)))
    periods = {p.child_id: p.pk for p in PeriodOfCare.objects.all()}
    assert set(figure.ids) == {
        periods[in_time.pk],
        periods[late.pk],
        periods[never.pk],
        PeriodOfCare.objects.get(child=returning, started_on=date(2024, 6, 3)).pk,
    }
    assert figure.numerator == 2 and figure.percent == Decimal("50.0")


def test_t6_decisions_within_5_working_days():
    """Held Mon 3 June 2024: decisions due Mon 10 June."""
    held = date(2024, 6, 3)
    ok = review(child(), held, held=held, rd_submitted_on=date(2024, 6, 10))
    review(child(), held, held=held, rd_submitted_on=date(2024, 6, 11))
    review(child(), held, held=held)  # never submitted
    review(child(), held, held=held, imported=True)  # no workflow: left out
    figure = timeliness.decisions_in_time(FY2024, f())
    assert (figure.numerator_ids, figure.denominator) == ([ok.pk], 3)
    assert figure.percent == Decimal("33.3")


def test_t6_record_sent_within_20_working_days_in_london_time():
    """Held Mon 3 June 2024: sent by Mon 1 July. An email that left the outbox at 22:30
    on 1 July (BST) is in time; at 00:30 on 2 July (23:30 on 1 July in UTC) it is not.
    A letter counts on the day it was posted (D-SENT); one made in time but posted on
    2 July is late; a copy queued but never sent, and a letter never posted, are not
    sent, and their reviews count as late once the deadline has passed."""
    from core.models import OutboundEmail

    sender = make_user(Role.BUSINESS_SUPPORT)
    held = date(2024, 6, 3)
    made = london(date(2024, 6, 10), 9)

    def copy(method, *, email_status="", email_sent=None, posted_on=None):
        r = review(child(), held, held=held)
        person = Invitee.objects.create(
            review=r, name="Child", role="child", method=method
        )
        email = None
        if email_status:
            email = OutboundEmail.objects.create(
                key=f"t6:{r.pk}",
                to="child@example.org",
                subject="Record",
                body="A link",
                status=email_status,
                sent_at=email_sent,
            )
        Distribution.objects.create(
            review=r,
            invitee=person,
            version="child",
            record_version=1,
            method=method,
            sent_by=sender,
            sent_at=made,
            email=email,
            posted_on=posted_on,
        )
        return r

    in_time = [
        copy("email", email_status="sent", email_sent=london(date(2024, 7, 1), 22, 30)),
        copy("letter", posted_on=date(2024, 7, 1)),
    ]
    copy("email", email_status="sent", email_sent=london(date(2024, 7, 2), 0, 30))
    copy("letter", posted_on=date(2024, 7, 2))
    copy("email", email_status="queued")
    copy("email", email_status="failed")
    copy("letter")
    review(child(), held, held=held)  # never sent
    figure = timeliness.record_sent_in_time(FY2024, f())
    assert sorted(figure.numerator_ids) == sorted(r.pk for r in in_time)
    assert figure.denominator == 8


def test_t6_care_plan_update_confirmed_within_10_working_days():
    """Held Mon 3 June 2024: care plan updated by Mon 17 June."""
    held = date(2024, 6, 3)
    ok = review(child(), held, held=held)
    ReviewEvent.objects.create(
        review=ok, to_status="closed", action="closed", at=london(date(2024, 6, 17), 16)
    )
    late = review(child(), held, held=held)
    ReviewEvent.objects.create(
        review=late,
        to_status="closed",
        action="closed",
        at=london(date(2024, 6, 18), 9),
    )
    flagged = review(child(), held, held=held)
    ReviewEvent.objects.create(
        review=flagged,
        to_status="closed",
        action="closed",
        note="Care plan update not confirmed: flagged as overdue",
        at=london(date(2024, 6, 5), 9),
    )
    figure = timeliness.care_plan_updated_in_time(FY2024, f())
    assert (figure.numerator_ids, figure.denominator) == ([ok.pk], 3)


def test_t6_notification_within_24_hours():
    """Looked after 3 June 2024: by the end of 4 June without a time; with 10:00, by
    10:00 on 4 June."""
    rows = {}
    for name, at, notified in [
        ("day_ok", None, london(date(2024, 6, 4), 23)),
        ("day_late", None, london(date(2024, 6, 5), 0, 10)),
        ("timed_ok", "10:00", london(date(2024, 6, 4), 10)),
        ("timed_late", "10:00", london(date(2024, 6, 4), 10, 30)),
        ("never", None, None),
    ]:
        period = child(date(2024, 6, 3)).periods_of_care.get()
        period.started_at_time = at
        period.iro_service_notified_at = notified
        period.save()
        rows[name] = period.pk
    figure = timeliness.notified_in_time(FY2024, f())
    assert set(figure.numerator_ids) == {rows["day_ok"], rows["timed_ok"]}
    assert figure.denominator == 5


def test_t7_progress_reviews_by_the_target_date():
    held = date(2024, 6, 3)
    done = []
    for target, done_on in [
        (date(2024, 9, 2), date(2024, 9, 2)),
        (date(2024, 9, 2), date(2024, 9, 3)),
        (date(2024, 9, 2), None),
        (date(2025, 3, 31), None),  # not due yet on 31 March
    ]:
        r = review(child(), held, held=held)
        done.append(
            ProgressReview.objects.create(review=r, target_date=target, done_on=done_on)
        )
    figure = timeliness.progress_reviews_in_time(FY2024, f(today=date(2025, 3, 31)))
    assert set(figure.ids) == {p.pk for p in done[:3]}
    assert figure.numerator_ids == [done[0].pk]


def test_t8_adjourned_and_reconvened_in_time():
    held = date(2024, 6, 3)
    in_time = review(
        child(), held, held=held, adjournment_count=1, reconvene_by=date(2024, 7, 1)
    )
    in_time.completed_date = date(2024, 7, 1)
    in_time.save()
    late = review(
        child(), held, held=held, adjournment_count=1, reconvene_by=date(2024, 7, 1)
    )
    late.completed_date = date(2024, 7, 2)
    late.save()
    review(child(), held, held=held)
    review(child(), held, held=held)
    adjourned = timeliness.adjourned(FY2024, f())
    assert (adjourned.numerator, adjourned.denominator) == (2, 4)
    reconvened = timeliness.reconvened_in_time(FY2024, f())
    assert (reconvened.numerator_ids, reconvened.denominator) == ([in_time.pk], 2)


def test_t9_late_reviews_authorised_by_the_service_manager():
    manager = make_user(Role.IRO_MANAGER)
    authorised = review(
        child(),
        date(2024, 6, 3),
        held=date(2024, 6, 10),
        out_of_timescale_authorised_by=manager,
        out_of_timescale_until=date(2024, 6, 14),
    )
    review(child(), date(2024, 6, 3), held=date(2024, 6, 10))
    review(child(), date(2024, 6, 3), held=date(2024, 6, 3))  # on time: not counted
    figure = timeliness.late_reviews_authorised(FY2024, f())
    assert (figure.numerator_ids, figure.denominator) == ([authorised.pk], 2)


def test_team_and_iro_filters_use_the_allocation_on_the_date():
    """A child who moved from North to South on 1 October: a review held in June counts
    for North, one held in November for South; likewise for the IRO."""
    north, south = TeamFactory(name="N"), TeamFactory(name="S")
    iro_a, iro_b = make_user(Role.IRO), make_user(Role.IRO)
    kid = child(team=south, iro=iro_b)
    worker = make_user(Role.SOCIAL_WORKER)
    SocialWorkerAllocation.objects.create(
        child=kid,
        social_worker=worker,
        team=north,
        started_on=date(2023, 1, 2),
        ended_on=date(2024, 10, 1),
    )
    SocialWorkerAllocation.objects.create(
        child=kid, social_worker=worker, team=south, started_on=date(2024, 10, 1)
    )
    IroAllocation.objects.create(
        child=kid, iro=iro_a, started_on=date(2023, 1, 2), ended_on=date(2024, 10, 1)
    )
    IroAllocation.objects.create(child=kid, iro=iro_b, started_on=date(2024, 10, 1))
    june = review(kid, date(2024, 6, 10), held=date(2024, 6, 3))
    review(kid, date(2024, 12, 3), held=date(2024, 11, 20), status=Review.Status.CLOSED)
    assert timeliness.reviews_in_timescale_held(FY2024, f(team=north.pk)).ids == [
        june.pk
    ]
    assert timeliness.reviews_in_timescale_held(FY2024, f(iro=iro_a.pk)).ids == [
        june.pk
    ]
    assert len(timeliness.reviews_in_timescale_held(FY2024, f(team=south.pk)).ids) == 1
    scoped = f(scope=kid.__class__.objects.exclude(pk=kid.pk))
    assert timeliness.reviews_in_timescale_held(FY2024, scoped).denominator == 0
