"""No dead ends: random sequences of the real review services on one child (a stateful
property test, hypothesis's RuleBasedStateMachine).

One child in one period of care, started a drawn number of days ago, born a drawn
number of days before it (under 4 at some reviews, so PN0 is needed there). Each rule
calls one real service (no mocks) as the person who does it: schedule, rearrange,
authorise a later date, the convening list and invitations, meet the child, start,
add a meeting, adjourn, undo the adjournment, reconvene, hold (participation and the
next review date), decisions saved, submitted, returned, authorised or disputed (which
opens an informal challenge), the record saved and finalised, distributed, closed,
cancelled with a reason, an additional review requested, and the period of care
ended. The rules: "go on" takes one of the steps of a review's state (FORWARD_STEPS,
its usual step listed twice; the rule itself twice, so that going on is likelier than
ending), "end or replace" cancels, brings forward or ends the period (ENDINGS), and
"any step on any review" calls any of them whatever the review's state. Each example's
first review is first taken along the usual way to a drawn state (HEAD_STARTS), so
that its steps reach past the meeting. A service may refuse with ValidationError: then
nothing changed (the period and its reviews, their events, the audit log,
notifications and emails: snapshot), each service call checked on its own and with no
savepoint of the test's own around it. Any other exception is a failure.

After every step (invariants):
- while the period of care is open it has exactly one open review (at most one always:
  the one-open-review rule), and none once it has ended;
- every review has a due date; a date it is scheduled for is not before the period of
  care; every meeting is held between the start of the period and today; a review held
  has its record date on or after the period's start, on or before its last meeting,
  today or earlier, and its next review date after it;
- the review's events tell its story: the first is "planned", each status change
  starts from the status before it, is a move ALLOWED_TRANSITIONS lists and the move
  its action names (a "started" from scheduled or invitations issued, a "reconvened"
  or an "adjournment_undone" from adjourned, and so on); the last one's to_status is
  the review's status now.
And a way forward (once an example, at a drawn step, and at its end): every review
not closed or cancelled is taken to closed through the services, by the person who
does each step, in a savepoint rolled back after; a review not yet held is held on the
way.

Each example runs in a transaction rolled back at its end (ReviewMachine.__init__ and
teardown). The PDFs of the record are stored as fixed bytes (WeasyPrint is not run: see
the test). Examples: 25 and 20 steps in CI (HYPOTHESIS_PROFILE=ci, derandomized), 8
otherwise. docs/quality.md, "No dead ends".
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.models import Role
from children.models import PeriodOfCare
from core.models import Notification, OutboundEmail
from disputes import services as disputes
from disputes.models import ChallengeEvent
from documents import services as documents
from reviews import services, timescales
from reviews.models import Review, ReviewEvent
from reviews.services import register
from tests.factories import ChildFactory, TeamFactory, make_user
from tests.proof.conftest import PROFILE
from tests.proof.figures import record

pytestmark = pytest.mark.django_db

S = Review.Status
EXAMPLES = {"ci": 25, "dev": 8}
POST_HELD = (
    S.HELD,
    S.RD_SUBMITTED,
    S.RD_AUTHORISED,
    S.RD_DISPUTED,
    S.RECORD_WRITTEN,
    S.DISTRIBUTED,
)
# The statuses a step's action may start from (what the services allow).
ACTION_FROM = {
    "scheduled": {S.PLANNED},
    "invitations_issued": {S.SCHEDULED},
    "started": {S.SCHEDULED, S.INVITATIONS_ISSUED},
    "adjourned": {S.IN_PROGRESS},
    "adjournment_undone": {S.ADJOURNED},
    "reconvened": {S.ADJOURNED},
    "held": {S.IN_PROGRESS},
    "decisions_submitted": {S.HELD},
    "decisions_returned": {S.RD_SUBMITTED},
    "decisions_authorised": {S.RD_SUBMITTED, S.RD_DISPUTED},
    "decisions_disputed": {S.RD_SUBMITTED},
    "record_finalised": {S.RD_AUTHORISED, S.RD_DISPUTED},
    "record_distributed": {S.RECORD_WRITTEN},
    "closed": {S.DISTRIBUTED},
    "cancelled": set(Review.OPEN_STATUSES),
    "superseded": set(Review.REPLACEABLE_STATUSES),
}
# What the machine did in this run (the figures: test-results/proof-review_state_machine.*).
CALLS: Counter = Counter()
REACHED: Counter = Counter()
REFUSALS: Counter = Counter()
REASONS = st.sampled_from(["The carer was taken ill", "Papers late", "", "  "])
# Where an example's first review starts, taken there by the way forward (FORWARD).
HEAD_STARTS = [S.PLANNED, S.SCHEDULED, S.IN_PROGRESS, S.ADJOURNED, S.HELD]
HEAD_STARTS += [S.RD_SUBMITTED, S.RD_DISPUTED, S.RECORD_WRITTEN, S.DISTRIBUTED]


def aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def snapshot(period: PeriodOfCare) -> tuple:
    """What a refused service must leave as it was: the period of care and its reviews
    (every field, so also updated_at: any save), the audit log (every create, update and
    delete of the case data it tracks: meetings, decisions, invitees, the record, its
    documents and distributions, challenges ...), and what it does not track: the
    reviews' and challenges' events, notifications and emails."""
    return (
        list(PeriodOfCare.objects.filter(pk=period.pk).values()),
        list(period.reviews.order_by("pk").values()),
        LogEntry.objects.count(),
        ReviewEvent.objects.count(),
        ChallengeEvent.objects.count(),
        Notification.objects.count(),
        OutboundEmail.objects.count(),
    )


class ReviewMachine(RuleBasedStateMachine):
    """One child, one period of care, the real services (see the module's docstring)."""

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.today = timezone.localdate()
        self.period: PeriodOfCare | None = None
        self.forward_checked = False
        self.statuses: set[str] | None = None

    def teardown(self):
        try:
            if self.period is not None and sys.exc_info()[0] is None:
                self.a_way_forward_exists()
                CALLS["ways forward checked"] += 1
        finally:
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

    # --- The world -------------------------------------------------------------------

    @initialize(
        days_in_care=st.integers(min_value=0, max_value=500),
        days_old=st.integers(min_value=30, max_value=6000),
        head_start=st.sampled_from(HEAD_STARTS),
    )
    def a_child_comes_into_care(self, days_in_care, days_old, head_start):
        started = self.today - timedelta(days=days_in_care)
        team = TeamFactory(name="North")
        self.people = {
            "iro": make_user(Role.IRO, username="m_iro"),
            "manager": make_user(Role.IRO_MANAGER, username="m_manager"),
            "sw": make_user(Role.SOCIAL_WORKER, username="m_sw", team=team),
            "tm": make_user(Role.TEAM_MANAGER, username="m_tm", team=team),
            "bs": make_user(Role.BUSINESS_SUPPORT, username="m_bs"),
        }
        self.child = ChildFactory(
            team=team,
            social_worker=self.people["sw"],
            iro=self.people["iro"],
            date_of_birth=started - timedelta(days=days_old),
            period__started_on=started,
        )
        self.period = self.child.periods_of_care.get()
        first = services.review_plan_next(period=self.period, by=None)
        self.take_to(first, head_start)

    def take_to(self, review: Review, status: str) -> None:
        """The review taken along the way forward until it is `status` (or stops);
        adjourned and disputed are a step off it."""
        off_the_way = {
            S.ADJOURNED: (S.IN_PROGRESS, self.adjourned),
            S.RD_DISPUTED: (S.RD_SUBMITTED, self.disputed),
        }
        status, then = off_the_way.get(status, (status, None))
        try:
            self.take_to_closed(review, until=status)
        except WaitsForItsDay:
            return
        review.refresh_from_db()
        if then is not None and review.status == status:
            then(review)

    def adjourned(self, review):
        services.review_adjourn(review=review, by=self.people["iro"], reason="Papers")

    def disputed(self, review):
        disputes.decisions_dispute(
            review=review, by=self.people["tm"], today=self.today, disagreement="No"
        )

    def reviews(self, *statuses) -> list[Review]:
        found = self.period.reviews.order_by("pk")
        return list(found.filter(status__in=statuses) if statuses else found)

    def has(self, *statuses) -> bool:
        """For the preconditions, which hypothesis asks of every rule at every step:
        the statuses are read once a step (attempt() forgets them)."""
        if self.period is None:
            return False
        if self.statuses is None:
            self.statuses = set(self.period.reviews.values_list("status", flat=True))
        return not self.statuses.isdisjoint(statuses)

    def a_day(self, data, *anchors: date | None) -> date:
        """A day near one that matters (today, the due date, the period's start ...)."""
        days = [d for d in (self.today, self.period.started_on, *anchors) if d]
        return data.draw(st.sampled_from(days)) + timedelta(
            days=data.draw(st.sampled_from([0, 0, -1, 1, -7, 7]))
        )

    def attempt(self, *calls) -> bool:
        """Call services in turn until one refuses (ValidationError): a refusal must
        change nothing. Each call is checked on its own, from what was before it, and
        not in a savepoint of the test's own: that would roll back whatever a service
        wrote before refusing, and so hide it (each service is atomic itself)."""
        return all(self.attempt_one(call) for call in calls)

    def attempt_one(self, call) -> bool:
        before = snapshot(self.period)
        self.statuses = None
        try:
            call()
        except ValidationError as error:
            assert snapshot(self.period) == before, "a refused service changed things"
            CALLS["refused"] += 1
            REFUSALS[" ".join(error.messages)[:60]] += 1
            return False
        CALLS["done"] += 1
        return True

    # --- Steps: each takes the review it acts on, in whatever state --------------------

    def step_schedule(self, data, review):
        day = self.a_day(data, review.due_date, review.out_of_timescale_until)
        self.attempt(
            lambda: services.review_schedule(
                review=review,
                by=self.people["iro"],
                scheduled_for=aware(day),
                venue="The child's home",
                format="face_to_face",
            )
        )

    def step_rearrange(self, data, review):
        day = self.a_day(data, review.due_date)
        reason = data.draw(REASONS)
        self.attempt(
            lambda: services.review_rearrange(
                review=review,
                by=self.people["iro"],
                scheduled_for=aware(day, 14),
                reason=reason,
            )
        )

    def step_authorise_later_date(self, data, review):
        until = review.due_date + timedelta(days=data.draw(st.sampled_from([1, 20])))
        reason = data.draw(REASONS)
        self.attempt(
            lambda: services.review_authorise_out_of_timescale(
                review=review, by=self.people["manager"], until=until, reason=reason
            )
        )

    def a_carer_if_none(self, review) -> list:
        """The call that adds a carer to invite, if the review has no invitee yet."""
        if review.invitees.exists():
            return []
        return [
            lambda: services.invitee_save(
                review=review,
                by=self.people["sw"],
                name="Carol Carer",
                role="carer",
                method="email",
                email="carol@example.org",
            )
        ]

    def step_invitations(self, data, review):
        self.attempt(
            *self.a_carer_if_none(review),
            lambda: services.checklist_submit(
                review=review, by=self.people["sw"], today=self.today
            ),
            lambda: services.checklist_confirm(
                review=review, by=self.people["iro"], today=self.today
            ),
            lambda: services.review_issue_invitations(
                review=review, by=self.people["bs"], now=timezone.now()
            ),
        )

    def step_start(self, data, review):
        scheduled = self.scheduled_day(review)
        held_on = data.draw(st.sampled_from([scheduled, scheduled, self.today]))
        held_on = held_on or self.today  # any_step_on_any_review: maybe not scheduled
        seen = data.draw(st.sampled_from([True, True, False]))
        sw_present = data.draw(st.sampled_from([True, True, False]))
        absent_reason = data.draw(REASONS)

        def met():
            services.child_contact_record(
                child=self.child,
                review=review,
                by=self.people["iro"],
                on=self.period.started_on,
                how="visit",
                alone="yes",
            )

        self.attempt(
            *([met] if seen else []),
            lambda: services.review_start(
                review=review,
                by=self.people["iro"],
                held_on=held_on,
                social_worker_present=sw_present,
                social_worker_absent_reason=absent_reason,
            ),
        )

    def step_add_meeting(self, data, review):
        held_on = self.a_day(data, self.scheduled_day(review))
        reason = data.draw(REASONS)
        self.attempt(
            lambda: services.review_add_meeting(
                review=review, by=self.people["iro"], held_on=held_on, reason=reason
            )
        )

    def step_adjourn(self, data, review):
        reason = data.draw(REASONS)
        self.attempt(
            lambda: services.review_adjourn(
                review=review, by=self.people["iro"], reason=reason
            )
        )

    def step_undo_adjournment(self, data, review):
        reason = data.draw(REASONS)
        self.attempt(
            lambda: services.review_undo_adjournment(
                review=review, by=self.people["iro"], reason=reason
            )
        )

    def step_reconvene(self, data, review):
        held_on = self.a_day(data, review.reconvene_by, self.scheduled_day(review))
        self.attempt(
            lambda: services.review_reconvene(
                review=review, by=self.people["iro"], held_on=held_on
            )
        )

    def step_hold(self, data, review):
        record_date = self.scheduled_day(review) or self.today
        if review.meetings.exists():
            record_date = services.transitions.record_date_for(review)
        next_due = self.next_due_after(record_date)
        next_date = self.a_day(data, record_date + timedelta(days=1), next_due)
        pn0 = timescales.participation_pn0_required(
            self.child.date_of_birth, record_date
        )
        right, wrong = ("PN0", "PN1") if pn0 else ("PN1", "PN0")
        participation = data.draw(st.sampled_from([right, right, "PN7", wrong]))
        ratified = data.draw(st.sampled_from([True, False, None]))
        self.attempt(
            lambda: services.review_hold(
                review=review,
                by=self.people["iro"],
                participation=participation,
                chaired_by="iro",
                next_review_date=next_date,
                permanence_plan_ratified=ratified,
                today=self.today,
            )
        )

    def next_due_after(self, record_date: date) -> date:
        """The engine's due date of the review after one held on record_date."""
        held = services.reviews_held_dates(self.period)
        return timescales.next_review_due(
            self.period.started_on, sorted([*held, record_date])
        ).date

    def step_decisions(self, data, review):
        add = data.draw(st.booleans())
        none = data.draw(st.booleans())
        due = self.a_day(data, review.record_date)

        def decision():
            services.decision_save(
                review=review,
                by=self.people["iro"],
                what="Weekly family time continues",
                child_wording="You will keep seeing your family every week",
                owner_name="Sam Social",
                owner_role="sw",
                due_date=due,
                success_measure="Family time takes place",
            )

        self.attempt(
            *([decision] if add else []),
            lambda: services.review_submit_decisions(
                review=review,
                by=self.people["iro"],
                today=self.today,
                no_new_decisions=none,
            ),
        )

    def step_team_manager(self, data, review):
        answer = data.draw(st.sampled_from(["authorise", "return", "dispute"]))
        words = data.draw(REASONS)
        tm = self.people["tm"]
        calls = {
            "authorise": lambda: services.review_authorise_decisions(
                review=review, by=tm, today=self.today, comments=words
            ),
            "return": lambda: services.review_return_decisions(
                review=review, by=tm, comments=words
            ),
            "dispute": lambda: disputes.decisions_dispute(
                review=review, by=tm, today=self.today, disagreement=words
            ),
        }
        self.attempt(calls[answer])

    def step_record(self, data, review):
        text = data.draw(st.sampled_from(["", "You are doing well at school."]))
        finalise = data.draw(st.booleans())

        def write():
            services.record_save(
                review=review,
                by=self.people["iro"],
                band="8_to_12",
                translation_language="",
                sections={"going_well": text},
                withheld={},
            )

        def issue():
            services.record_finalise(
                review=review, by=self.people["iro"], today=self.today
            )

        self.attempt(write, *([issue] if finalise else []))

    def step_distribute(self, data, review):
        self.attempt(
            *self.a_carer_if_none(review),
            lambda: documents.review_distribute(
                review=review,
                by=self.people["bs"],
                now=timezone.now(),
                recipients=list(review.invitees.all()),
            ),
        )

    def step_close(self, data, review):
        updated = data.draw(st.booleans())
        self.attempt(
            lambda: services.review_close(
                review=review, by=self.people["iro"], care_plan_updated=updated
            )
        )

    def step_cancel(self, data, review):
        who = data.draw(st.sampled_from(["iro", "manager", "sw"]))
        reason = data.draw(st.sampled_from([*Review.CancelReason.values, "bored"]))
        note = data.draw(REASONS)
        self.attempt(
            lambda: services.review_cancel(
                review=review,
                by=self.people[who],
                reason=reason,
                note=note,
                today=self.today,
            )
        )

    def step_additional(self, data, review):
        due_by = self.a_day(data, review.due_date)
        reason = data.draw(REASONS)
        self.attempt(
            lambda: services.review_request_additional(
                review=review,
                by=self.people["iro"],
                due_by=due_by,
                reason=reason,
                today=self.today,
            )
        )

    def scheduled_day(self, review) -> date | None:
        review.refresh_from_db()
        if review.scheduled_for is None:
            return None
        return timezone.localtime(review.scheduled_for).date()

    def step_leave_care(self, data, review):
        """The child ceases to be looked after (reviews.services.register.period_end)."""
        days_ago = data.draw(st.sampled_from([0, 1, 30]))
        ended_on = max(self.today - timedelta(days=days_ago), self.period.started_on)
        self.attempt(
            lambda: register.period_end(
                period=self.period,
                ended_on=ended_on,
                reason="E4A",
                by=self.people["manager"],
                today=self.today,
            )
        )
        self.period.refresh_from_db()

    # --- Rules: a step on a review in a state it is for --------------------------------

    def on_one(self, data, steps: dict) -> None:
        """A review in one of the states `steps` names, and one of that state's steps."""
        review = data.draw(st.sampled_from(self.reviews(*steps)))
        step = data.draw(st.sampled_from(steps[review.status]))
        step(self, data, review)

    @precondition(lambda self: self.has(*FORWARD_STEPS))
    @rule(data=st.data())
    def go_on(self, data):
        """The next step of a review under way (its usual step twice as likely)."""
        self.on_one(data, FORWARD_STEPS)

    @precondition(lambda self: self.has(*FORWARD_STEPS))
    @rule(data=st.data())
    def go_on_again(self, data):
        """As go_on: listed twice, so that going on is likelier than ending."""
        self.on_one(data, FORWARD_STEPS)

    @precondition(lambda self: self.has(*Review.OPEN_STATUSES))
    @rule(data=st.data())
    def end_or_replace(self, data):
        """Cancel with a reason, bring forward (an additional review), or leave care."""
        self.on_one(data, ENDINGS)

    @precondition(lambda self: self.period is not None)
    @rule(data=st.data())
    def any_step_on_any_review(self, data):
        """Whatever the review's state: the service does it or refuses it."""
        step = data.draw(st.sampled_from(EVERY_STEP))
        step(self, data, data.draw(st.sampled_from(self.reviews())))

    # --- Invariants ------------------------------------------------------------------

    def history(self) -> list[Review]:
        return list(
            self.period.reviews.order_by("pk").prefetch_related("events", "meetings")
        )

    @invariant()
    def one_open_review_while_in_care(self):
        if self.period is None:
            return
        self.period.refresh_from_db()
        open_reviews = self.reviews(*Review.OPEN_STATUSES)
        expected = 0 if self.period.ended_on else 1
        assert len(open_reviews) == expected, (
            f"{len(open_reviews)} open reviews, period ended {self.period.ended_on}: "
            f"{[(r.pk, r.status, r.cancel_reason) for r in self.reviews()]}"
        )

    @invariant()
    def dates_are_consistent(self):
        if self.period is None:
            return
        started = self.period.started_on
        for review in self.history():
            assert review.due_date is not None
            if review.scheduled_for is not None:
                assert timezone.localtime(review.scheduled_for).date() >= started
            for meeting in review.meetings.all():
                assert started <= meeting.held_on <= self.today, meeting.held_on
            if review.record_date is not None:
                assert (
                    started <= review.record_date <= review.completed_date <= self.today
                ), (review.record_date, review.completed_date)
                assert review.next_review_date > review.record_date

    @invariant()
    def every_status_change_wrote_its_event(self):
        if self.period is None:
            return
        for review in self.history():
            REACHED[review.status] += 1
            events = list(review.events.all())  # by time (ReviewEvent.Meta)
            assert events and events[0].action == "planned", review.pk
            status = events[0].to_status
            for event in events[1:]:
                if event.to_status == event.from_status:
                    assert event.to_status == status, event
                    continue
                assert event.from_status == status, (event, status)
                assert event.to_status in Review.ALLOWED_TRANSITIONS[status], event
                allowed_from = ACTION_FROM.get(event.action)
                if allowed_from is not None:
                    assert status in allowed_from, (event.action, status)
                status = event.to_status
            assert status == review.status, (review.pk, status, review.status)

    # --- A way forward ---------------------------------------------------------------

    @precondition(lambda self: self.period is not None and not self.forward_checked)
    @rule()
    def a_way_forward_from_here(self):
        """Once in an example, at a random step (and always at its end, teardown)."""
        self.forward_checked = True
        self.a_way_forward_exists()
        CALLS["ways forward checked"] += 1

    def a_way_forward_exists(self):
        """Every review not closed or cancelled reaches closed, in a savepoint undone
        after (a review scheduled for tomorrow, the day after the last one was held,
        waits for its day)."""
        with transaction.atomic():
            for review in self.reviews(*Review.OPEN_STATUSES, *POST_HELD):
                try:
                    self.take_to_closed(review)
                except WaitsForItsDay:
                    continue
                review.refresh_from_db()
                assert review.status == S.CLOSED, review.status
            transaction.set_rollback(True)

    def take_to_closed(self, review: Review, until: str = S.CLOSED) -> None:
        """The ordinary way forward from each state, by the person who does it."""
        iro, today = self.people["iro"], self.today
        for _ in range(len(S)):
            review.refresh_from_db()
            step = FORWARD.get(review.status)
            if step is None or review.status == until:
                return
            step(self, review, iro, today)


class WaitsForItsDay(Exception):
    """A review that can be held only from tomorrow: not a dead end."""


def _forward_planned(machine, review, iro, today):
    period = machine.period
    last = period.reviews.held().order_by("-record_date").first()
    earliest = last.record_date + timedelta(days=1) if last else period.started_on
    earliest = max(earliest, period.started_on)
    latest = max(review.due_date, review.out_of_timescale_until or review.due_date)
    day = max(earliest, min(latest, today))
    if day > latest:  # past its due date: the service manager authorises a later day
        services.review_authorise_out_of_timescale(
            review=review, by=machine.people["manager"], until=day, reason="Forward"
        )
    services.review_schedule(
        review=review, by=iro, scheduled_for=aware(day), venue="Home", format="online"
    )


def _forward_scheduled(machine, review, iro, today):
    day = machine.scheduled_day(review)
    if day > today:
        try:  # held today instead, if the review may be held today
            services.review_rearrange(
                review=review, by=iro, scheduled_for=aware(today), reason="Held today"
            )
        except ValidationError:
            raise WaitsForItsDay from None  # the last review was held today
        day = today
    services.review_start(
        review=review,
        by=iro,
        held_on=day,
        social_worker_present=True,
        child_not_seen_reason="Spoke to the carer",
    )


def _forward_in_progress(machine, review, iro, today):
    record_date = services.transitions.record_date_for(review)
    pn0 = timescales.participation_pn0_required(
        machine.child.date_of_birth, record_date
    )
    services.review_hold(
        review=review,
        by=iro,
        participation="PN0" if pn0 else "PN1",
        chaired_by="iro",
        next_review_date=record_date + timedelta(days=1),
        permanence_plan_ratified=True,
        today=today,
    )


def _forward_adjourned(machine, review, iro, today):
    services.review_reconvene(review=review, by=iro, held_on=today)


def _forward_held(machine, review, iro, today):
    services.review_submit_decisions(
        review=review,
        by=iro,
        today=today,
        no_new_decisions=not review.decisions.exists(),
    )


def _forward_submitted(machine, review, iro, today):
    services.review_authorise_decisions(
        review=review, by=machine.people["tm"], today=today
    )


def _forward_authorised(machine, review, iro, today):
    services.record_save(
        review=review,
        by=iro,
        band="8_to_12",
        translation_language="",
        sections={"going_well": "You are doing well."},
        withheld={},
    )
    services.record_finalise(review=review, by=iro, today=today)


def _forward_written(machine, review, iro, today):
    machine.step_distribute(None, review)  # draws nothing: adds a carer if needed
    review.refresh_from_db()
    assert review.status == S.DISTRIBUTED, "the record could not be distributed"


def _forward_distributed(machine, review, iro, today):
    services.review_close(review=review, by=iro, care_plan_updated=True)


M = ReviewMachine
# The steps of a review in each state, its usual next step listed twice.
FORWARD_STEPS = {
    S.PLANNED: [M.step_schedule, M.step_schedule, M.step_authorise_later_date],
    S.SCHEDULED: [M.step_start, M.step_start, M.step_invitations, M.step_rearrange],
    S.INVITATIONS_ISSUED: [M.step_start, M.step_start, M.step_rearrange],
    S.IN_PROGRESS: [M.step_hold, M.step_hold, M.step_adjourn, M.step_add_meeting],
    S.ADJOURNED: [M.step_reconvene, M.step_undo_adjournment],
    S.HELD: [M.step_decisions, M.step_decisions, M.step_record],
    S.RD_SUBMITTED: [M.step_team_manager, M.step_record],
    S.RD_AUTHORISED: [M.step_record],
    S.RD_DISPUTED: [M.step_record, M.step_team_manager],
    S.RECORD_WRITTEN: [M.step_distribute],
    S.DISTRIBUTED: [M.step_close],
}
ENDINGS = {
    status: [M.step_cancel, M.step_cancel, M.step_leave_care]
    + ([M.step_additional] if status in Review.REPLACEABLE_STATUSES else [])
    for status in Review.OPEN_STATUSES
}
EVERY_STEP = sorted(
    {step for steps in [*FORWARD_STEPS.values(), *ENDINGS.values()] for step in steps},
    key=lambda step: step.__name__,
)


FORWARD = {
    S.PLANNED: _forward_planned,
    S.SCHEDULED: _forward_scheduled,
    S.INVITATIONS_ISSUED: _forward_scheduled,
    S.IN_PROGRESS: _forward_in_progress,
    S.ADJOURNED: _forward_adjourned,
    S.HELD: _forward_held,
    S.RD_SUBMITTED: _forward_submitted,
    S.RD_AUTHORISED: _forward_authorised,
    S.RD_DISPUTED: _forward_authorised,
    S.RECORD_WRITTEN: _forward_written,
    S.DISTRIBUTED: _forward_distributed,
}


def test_from_every_reachable_state_the_review_can_still_be_closed(db, monkeypatch):
    # The record's PDFs are made, stored and logged by the real services; only
    # WeasyPrint's drawing of them (about 0.4 s each, half this test's time) gives
    # fixed bytes here. What the PDFs hold is tests/documents' and tests/reporting's.
    monkeypatch.setattr(documents, "html_to_pdf", lambda html: b"%PDF-1.7\n%%EOF\n")
    run_state_machine_as_test(
        ReviewMachine,
        settings=settings(
            max_examples=EXAMPLES[PROFILE],
            stateful_step_count=20,
            deadline=None,
            derandomize=PROFILE == "ci",
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    reached = {status: REACHED[status] for status in S.values}
    record(
        "review_state_machine",
        profile=PROFILE,
        examples=EXAMPLES[PROFILE],
        calls=dict(CALLS),
        statuses_reached=reached,
        refusals=dict(REFUSALS.most_common()),
        summary=(
            f"{EXAMPLES[PROFILE]} examples (profile {PROFILE}): {CALLS['done']} service "
            f"calls done, {CALLS['refused']} refused, {CALLS['ways forward checked']} "
            f"ways forward to closed; statuses reached "
            + ", ".join(f"{k} {v}" for k, v in reached.items())
        ),
    )
    if PROFILE == "ci":  # the machine goes past the meeting, not only round the start
        deep = (S.IN_PROGRESS, S.ADJOURNED, S.HELD, S.RECORD_WRITTEN, S.CLOSED)
        assert all(reached[status] for status in deep), reached
