"""The dashboard's SQL floor (bench/sql/dashboard.sql) computes what the page shows.

A year of varied records, drawn from a fixed seed so that every rule of every measure
has rows on both sides of it (distributions in and out of time, Review Choices with
every ask, closed and reopened challenges, IROs with adults on their caseload, team
changes during the year...), which neither seed_scale nor seed_demo has all of. The
floor's figures must equal reporting.dashboard.service_dashboard's, as the service
manager sees them (every child), mid-year and after the year ended. PostgreSQL only:
the floor is PostgreSQL SQL.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from bench.bench_scale import (
    dashboard_disagreements,
    dashboard_floor,
    dashboard_floor_params,
)
from children.models import SocialWorkerAllocation
from core.models import OutboundEmail
from disputes.models import (
    CafcassReferral,
    CaseAudit,
    Category,
    Challenge,
    PracticeAcknowledgement,
    PracticeObservation,
)
from documents.models import Distribution
from iro.models import IroAllocation
from reporting.queries import Period
from reviews.models import (
    ChildContact,
    FeedbackResponse,
    Invitation,
    Invitee,
    ProgressReview,
    RecordSection,
    Review,
    ReviewChoices,
    ReviewEvent,
    ReviewRecord,
)
from tests.factories import ChildFactory, TeamFactory, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the floor is PostgreSQL SQL (set DATABASE_URL to PostgreSQL)",
    ),
]

YEAR = Period.financial_year(2024)
S = Review.Status
HELD_STATUSES = [S.HELD, S.RD_SUBMITTED, S.RECORD_WRITTEN, S.DISTRIBUTED, S.CLOSED]
CANCEL_REASONS = list(Review.CancelReason.values)


def day_between(rng, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def maybe(rng, value, p=0.5):
    return value if rng.random() < p else None


def build_world(rng: random.Random) -> None:
    teams = [TeamFactory(name=n) for n in ("North", "South", "East")]
    iros = [
        make_user(
            Role.IRO,
            fte=rng.choice([None, Decimal("0.50"), Decimal("1.00")]),
            is_active=n != 3,
        )
        for n in range(5)
    ]
    staff = make_user(Role.IRO_MANAGER)
    for _ in range(90):
        started_on = day_between(rng, date(2023, 5, 1), date(2025, 3, 31))
        kid = ChildFactory(
            date_of_birth=day_between(rng, date(2005, 6, 1), date(2022, 1, 1)),
            team=rng.choice(teams + [None]),
            iro=rng.choice(iros + [None]),
            period__started_on=started_on,
            period__short_breaks=rng.random() < 0.1,
            period__started_at_time=maybe(rng, time(rng.randrange(24), 30, 15)),
            period__ended_on=maybe(rng, started_on + timedelta(days=300), 0.2),
            period__iro_service_notified_at=maybe(
                rng, at(started_on, 9) + timedelta(hours=rng.randrange(60)), 0.8
            ),
        )
        period = kid.periods_of_care.get()
        allocations = rng.randrange(3)
        for k in range(allocations):  # one open allocation at most
            allocated = started_on + timedelta(days=rng.randrange(-20, 25))
            ended = allocated + timedelta(days=rng.randrange(200))
            IroAllocation.objects.create(
                child=kid,
                iro=rng.choice(iros),
                started_on=allocated,
                ended_on=maybe(rng, ended, 0.3) if k == allocations - 1 else ended,
            )
        moved = day_between(rng, YEAR.start, YEAR.end)
        if rng.random() < 0.6:
            SocialWorkerAllocation.objects.create(
                child=kid,
                social_worker=staff,
                team=rng.choice(teams),
                started_on=started_on,
                ended_on=moved,
            )
            SocialWorkerAllocation.objects.create(
                child=kid, social_worker=staff, team=rng.choice(teams), started_on=moved
            )
        build_reviews(rng, kid, period, staff)
        build_service(rng, kid, iros, teams, staff)


def build_reviews(rng, kid, period, staff) -> None:
    open_used = False
    for k in range(rng.randrange(1, 5)):
        due = day_between(
            rng, YEAR.start - timedelta(days=40), YEAR.end + timedelta(30)
        )
        roll = rng.random()
        if roll < 0.6:
            status = rng.choice(HELD_STATUSES)
        elif roll < 0.8:
            status = S.CANCELLED
        elif not open_used:
            status, open_used = S.PLANNED, True
        else:
            continue
        held = due + timedelta(days=rng.randrange(-10, 12))
        record_date = held if status in HELD_STATUSES else maybe(rng, held, 0.2)
        kind = "initial" if k == 0 else rng.choice(["subsequent", "additional"])
        adjourned = rng.random() < 0.15
        review = Review.objects.create(
            child=kid,
            period=period,
            kind=kind,
            status=status,
            due_date=due,
            superseded_due_date=maybe(rng, due + timedelta(days=9), 0.3)
            if kind == "additional"
            else None,
            record_date=record_date,
            completed_date=maybe(rng, held + timedelta(days=rng.randrange(30))),
            cancel_reason=rng.choice(CANCEL_REASONS) if status == S.CANCELLED else "",
            imported=rng.random() < 0.1,
            participation=rng.choice(list(Review.Participation.values) + [""]),
            chaired_by=rng.choice(list(Review.Chair.values) + [""]),
            venue=rng.choice(["", "Youth club", "  the youth club, High St ", "Home"]),
            format=rng.choice(["", "face_to_face", "online", "hybrid"]),
            rd_submitted_on=maybe(rng, held + timedelta(days=rng.randrange(12))),
            adjournment_count=1 if adjourned else 0,
            reconvene_by=held + timedelta(days=20) if adjourned else None,
            out_of_timescale_authorised_by=maybe(rng, staff, 0.3),
        )
        if record_date is not None:
            build_after_review(rng, review, kid, staff)


def build_after_review(rng, review, kid, staff) -> None:
    held = review.record_date
    people = [
        Invitee.objects.create(
            review=review,
            name=f"{role} {kid.last_name}",
            role=role,
            method="letter",
            child_does_not_want=rng.random() < 0.2,
        )
        for role in rng.sample(["child", "parent", "carer"], rng.randrange(1, 4))
    ]
    for person in people:
        if rng.random() < 0.4:
            Invitation.objects.create(
                review=review,
                invitee=person,
                scheduled_for=at(held, 10),
                method="letter",
                sent_by=staff,
            )
        if rng.random() < 0.5:
            made = held + timedelta(days=rng.randrange(40))
            # A copy is sent when its letter is posted or its email leaves the
            # outbox (D-SENT); some are still waiting, or failing.
            letter = rng.random() < 0.5
            email = None
            if not letter:
                email = OutboundEmail.objects.create(
                    key=f"floor:{review.pk}:{person.pk}",
                    to="someone@example.org",
                    subject="Record",
                    body="A link",
                    status=rng.choice(["sent", "sent", "queued", "failed"]),
                )
                if email.status == "sent":
                    email.sent_at = at(made + timedelta(days=rng.randrange(5)), 9)
                    email.save()
            Distribution.objects.create(
                review=review,
                invitee=person,
                version="child",
                record_version=1,
                method="letter" if letter else "email",
                sent_by=staff,
                sent_at=at(made, rng.randrange(24)),
                email=email,
                posted_on=made + timedelta(days=rng.randrange(4))
                if letter and rng.random() < 0.7
                else None,
            )
    if rng.random() < 0.7:
        ReviewEvent.objects.create(
            review=review,
            to_status=S.CLOSED,
            action="closed",
            at=at(held + timedelta(days=rng.randrange(25)), rng.randrange(24)),
            note=rng.choice(["", "", "reopened"]),
        )
    if rng.random() < 0.6:
        ReviewChoices.objects.create(
            review=review,
            captured_on=held - timedelta(days=20),
            captured_by=staff,
            not_applicable_reason=rng.choice(["", "", "", "Too young"]),
            wants_to_meet_iro_before=rng.choice([True, False, None]),
            wants_to_speak_alone=rng.choice([True, False, None]),
            who_not_to_invite=rng.choice(["", "  ", "Dad"]),
            venue=rng.choice(["", "youth club", "School", " "]),
            format=rng.choice(["", "face_to_face", "online", "either"]),
            topics_to_discuss=rng.choice(["", " ", "Football"]),
            achievements=rng.choice(["", "Swimming badge"]),
            wants_to_chair=rng.choice(["", "no", "chair", "co_chair"]),
            wants_explanation_after=rng.choice([True, False, None]),
            wants_copy_of_record=rng.choice([True, False, None]),
        )
    for _ in range(rng.randrange(3)):
        ChildContact.objects.create(
            child=kid,
            review=review,
            iro=staff,
            on=held + timedelta(days=rng.randrange(-15, 15)),
            how=rng.choice(ChildContact.How.values),
            alone=rng.choice(["", "yes", "no"]),
        )
    if rng.random() < 0.5:
        record = ReviewRecord.objects.create(
            review=review, author=staff, band="8_to_12"
        )
        RecordSection.objects.create(
            record=record, key="going_well", text=rng.choice(["", "You scored a goal."])
        )
    for _ in range(rng.randrange(3)):
        FeedbackResponse.objects.create(
            review=review,
            respondent_role=rng.choice(["child", "parent", "carer"]),
            satisfied=rng.choice([True, False, None]),
        )
    if rng.random() < 0.4:
        target = held + timedelta(days=rng.randrange(60, 120))
        ProgressReview.objects.create(
            review=review,
            target_date=target,
            done_on=maybe(rng, target + timedelta(days=rng.randrange(-20, 10))),
        )


def build_service(rng, kid, iros, teams, staff) -> None:
    for _ in range(rng.randrange(3)):
        ChildContact.objects.create(
            child=kid,
            iro=staff,
            on=day_between(rng, YEAR.start - timedelta(30), YEAR.end + timedelta(30)),
            how=rng.choice(ChildContact.How.values),
        )
    if rng.random() < 0.5:
        raised = day_between(rng, YEAR.start - timedelta(days=90), YEAR.end)
        formal = rng.random() < 0.5
        closed = maybe(rng, raised + timedelta(days=rng.randrange(60)), 0.7)
        challenge = Challenge.objects.create(
            child=kid,
            category=rng.choice(Category.values),
            description="A concern",
            impact_for_child="Some",
            team_at_time=rng.choice(teams + [None]),
            raised_by=rng.choice(iros),
            raised_on=raised,
            level="formal" if formal else "informal",
            stage=rng.randrange(1, 5) if formal else 0,
            formal_started_on=raised + timedelta(days=rng.randrange(10))
            if formal
            else None,
            status="closed" if closed else "awaiting_response",
            outcome=rng.choice(Challenge.Outcome.values) if closed else "",
            outcome_impact="Better" if closed else "",
            closed_on=closed,
        )
        if rng.random() < 0.3:
            CafcassReferral.objects.create(
                challenge=challenge,
                referred_on=raised + timedelta(days=30),
                reason="Not resolved",
                recorded_by=staff,
            )
    if rng.random() < 0.3:
        PracticeAcknowledgement.objects.create(
            child=kid,
            kind=rng.choice(PracticeAcknowledgement.Kind.values),
            worker=staff,
            team=rng.choice(teams + [None]),
            description="Good work",
            impact_for_child="Some",
            recorded_on=day_between(rng, YEAR.start, YEAR.end),
            recorded_by=staff,
        )
    if rng.random() < 0.3:
        CaseAudit.objects.create(
            child=kid,
            iro=rng.choice(iros),
            audited_on=day_between(rng, YEAR.start, YEAR.end),
            grade=rng.choice(list(CaseAudit.Grade.values) + [""]),
            findings="Findings",
            recorded_by=staff,
        )
    if rng.random() < 0.1:
        PracticeObservation.objects.create(
            iro=rng.choice(iros),
            observed_on=day_between(rng, YEAR.start, YEAR.end),
            findings="Findings",
            recorded_by=staff,
        )


@pytest.mark.parametrize(
    "today", [date(2024, 11, 23), date(2025, 6, 2)], ids=["mid-year", "after"]
)
def test_the_floor_computes_every_figure_the_dashboard_shows(today):
    build_world(random.Random(10))
    floor = dashboard_floor(dashboard_floor_params(YEAR, today))

    assert dashboard_disagreements(YEAR, today, floor) == []
    # The world reaches every measure, so the agreement is not over zeros.
    empty = [key for key, (_n, d) in floor["measures"].items() if not d]
    assert empty == []


def test_a_wrong_floor_figure_is_reported():
    build_world(random.Random(10))
    today = date(2025, 6, 2)
    floor = dashboard_floor(dashboard_floor_params(YEAR, today))
    floor["measures"]["t6_record"][0] += 1
    floor["caseloads"][0]["post18"] += 1

    found = dashboard_disagreements(YEAR, today, floor)

    assert len(found) == 2
    assert found[0].startswith("t6_record: ")
    assert found[1].startswith("caseloads: ")
