"""IRO allocations follow one another and every next step is someone's task (DR-10, C5,
D-LETTERS, D-WORK): random sequences of the real services of IRO allocation on one
child (hypothesis's RuleBasedStateMachine).

One child, looked after from 20 days after a birth a drawn number of days ago. The
service manager allocates the first IRO on a drawn day (before the birth: refused, and
the child waits for an IRO). Each rule calls one real service as the person who does
it: the IRO service manager allocates one of two IROs (sometimes the one already
allocated, or the manager of the child's team who is also an IRO, which is refused) on
a drawn day from the current allocation's start (or the day the child became looked
after) or from today; the social worker's ending of the care ends the current
allocation on a drawn day (sometimes before it started: refused); the service manager
corrects a drawn allocation's start and end by drawn shifts, with a reason (sometimes
none: refused); the IRO records their introduction letter, and the service manager the
farewell letter, on a drawn day; someone opens My work. "The usual" rules do the same
on likely days, and together (a change of IRO, then its date corrected; an end, the
child back with another IRO, then the end corrected), so that the runs reach what
needs several steps. A service may refuse with ValidationError: then nothing changed;
what a rule knows must be refused is refused, and what is done is as asked.

After every step (invariants):
- at most one current (unended) allocation, and the child's IRO is its IRO (nobody
  when there is none);
- every allocation starts on or before it ends, and not before the child's birth;
  sorted by start they never overlap (each starts on or after the one before ended);
- every correction is kept: one row for each allocation whose dates an accepted
  correction changed (at a change of IRO, the allocation it meets moves with it, to the
  same date), each saying what its dates were and are now;
- the letters are those recorded, on the days given (a task goes only when done);
- every next step is a task for its owner on My work, through the selectors and item
  functions My work uses (workspace.views, workspace.my_work; the whole of
  workspace.views._my_work when someone opens it): a looked-after child with no IRO,
  for the service manager to allocate; a current allocation's introduction letter, for
  its IRO, until it is recorded; an ended allocation's farewell letter, for the service
  manager, until it is recorded (D-LETTERS: asked for until 180 days after the end);
  and nobody else has them.

tests/iro/test_allocation_corrections.py keeps what it found: an allocation after the
last one ended was accepted from the child's birth, so that the child had two IROs.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from accounts.models import Role
from core.models import Notification
from iro.models import IroAllocation, IroAllocationCorrection
from iro.permissions import can_allocate_iro
from iro.selectors import allocation_queue
from iro.services import (
    iro_allocate,
    iro_allocation_dates_correct,
    iro_allocation_end,
    iro_letter_record,
)
from reviews.timescales import add_working_days, iro_allocation_due
from tests.factories import ChildFactory, TeamFactory, make_user
from tests.proof.conftest import PROFILE
from workspace import my_work
from workspace.views import _farewells, _introductions, _my_work

pytestmark = pytest.mark.django_db

EXAMPLES = {"ci": 30, "dev": 10}
DAYS = st.integers(min_value=-400, max_value=30)
SHIFT = st.integers(min_value=-60, max_value=60)
PERCENT = st.integers(min_value=0, max_value=100)
# An end, as a percentage of the way from the start to today; below 0, days before the
# start (refused).
END_PERCENT = st.one_of(PERCENT, PERCENT, st.integers(min_value=-30, max_value=-1))
# Before the usual change of IRO, a mistake: a conflicted IRO, or that many days early.
MISTAKES = st.one_of(
    st.none(), st.just("conflicted"), st.integers(min_value=1, max_value=60)
)
REASONS = st.sampled_from(["Typed the wrong week", "Wrong day on the form", "", "  "])
IROS = ["iro_a", "iro_b", "tm_iro"]  # tm_iro manages the child's team: never allocated
TASKS = {"allocate", "introduction", "farewell"}
FIELDS = ("started_on", "ended_on")  # an allocation's dates, as a correction names them
REFUSALS = ["not independent", "before the last one ended", "before birth"]
REFUSALS += ["a change before the current start", "ended before it started"]
REFUSALS += ["corrected to before birth"]
# What the examples reached, so that the test fails if its rules stop reaching them.
REACHED: Counter[str] = Counter()

Dates = dict[int, tuple[date, date | None]]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class AllocationMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.today = timezone.localdate()
        self.corrections = 0
        self.letters: dict[int, tuple] = {}  # recorded: (introduction, farewell) by pk

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @initialize(
        age=st.integers(min_value=60, max_value=900),
        first=st.integers(min_value=-60, max_value=30),
        waits=st.booleans(),
    )
    def a_child_becomes_looked_after(self, age, first, waits):
        team = TeamFactory(name="North")
        self.people = {
            "iro_a": make_user(Role.IRO, username="al_iro_a"),
            "iro_b": make_user(Role.IRO, username="al_iro_b"),
            "tm_iro": make_user(
                Role.IRO, Role.TEAM_MANAGER, username="al_tm_iro", team=team
            ),
            "manager": make_user(Role.IRO_MANAGER, username="al_manager"),
            "sw": make_user(Role.SOCIAL_WORKER, username="al_sw", team=team),
        }
        born = self.today - timedelta(days=age)
        self.child = ChildFactory(
            team=team,
            social_worker=self.people["sw"],
            iro=None,
            date_of_birth=born,
            period__started_on=born + timedelta(days=20),
        )
        self.period = self.child.periods_of_care.get()
        # The first IRO, from the day the child became looked after (20 days after
        # their birth): before the birth is refused, and the child waits for an IRO,
        # or has one from the day they became looked after.
        self.the_manager_allocates("iro_a", True, first)
        if self.current() is None and not waits:
            self.the_manager_allocates("iro_a", True, 0)

    # --- Helpers -----------------------------------------------------------------------

    def attempt(self, call) -> bool:
        """Call a service; a refusal must change nothing. Not in a savepoint of its
        own: that would roll back whatever a service wrote before refusing, and so
        hide it (each service is atomic itself)."""
        before = self.snapshot()
        try:
            call()
        except ValidationError as error:
            REACHED[f"refused: {' '.join(error.messages)[:80]}"] += 1
            assert self.snapshot() == before, "a refused call changed something"
            self.refused = set(getattr(error, "error_dict", {"": None}))
            return False
        self.refused = set()
        return True

    def snapshot(self):
        self.child.refresh_from_db()
        return (
            self.child.iro_id,
            list(
                self.child.iro_allocations.order_by("pk").values_list(
                    "pk",
                    "iro_id",
                    "started_on",
                    "ended_on",
                    "reason",
                    "end_reason",
                    "introduction_letter_sent_on",
                    "farewell_letter_sent_on",
                )
            ),
            IroAllocationCorrection.objects.count(),
            Notification.objects.count(),
        )

    def allocations(self) -> list[IroAllocation]:
        """The child's allocations by start (as the correction finds its neighbours)."""
        return list(self.child.iro_allocations.order_by("started_on", "pk"))

    def current(self) -> IroAllocation | None:
        return self.child.iro_allocations.filter(ended_on__isnull=True).first()

    def last_ended(self) -> IroAllocation | None:
        ended = self.child.iro_allocations.filter(ended_on__isnull=False)
        return ended.order_by("-ended_on", "-pk").first()

    def dates(self) -> Dates:
        return {a.pk: (a.started_on, a.ended_on) for a in self.allocations()}

    def between(self, start: date, percent: int) -> date:
        """A day from `start` to today, `percent` of the way (`start` if it is later)."""
        return start + max(timedelta(0), (self.today - start) * percent // 100)

    def by_pk(self, pk: int):
        return next(person for person in self.people.values() if person.pk == pk)

    # --- Rules -------------------------------------------------------------------------

    @rule(who=st.sampled_from(IROS), from_start=st.booleans(), days=DAYS)
    def the_manager_allocates(self, who, from_start, days):
        current, last = self.current(), self.last_ended()
        since = current.started_on if current else self.period.started_on
        base = since if from_start else self.today
        iro, on = self.people[who], base + timedelta(days=days)
        done = self.attempt(
            lambda: iro_allocate(
                child=self.child,
                iro=iro,
                on=on,
                by=self.people["manager"],
                reason="Caseload",
            )
        )
        if done:
            now = self.current()
            assert (now.iro_id, now.started_on, now.ended_on) == (iro.pk, on, None)
            if current is not None:
                current.refresh_from_db()
                assert (current.ended_on, current.end_reason) == (on, "Caseload")
        self.check_the_allocation(done, who, on, current, last)

    def check_the_allocation(self, done, who, on, current, last):
        """What must have been refused was: an IRO who is not independent, the same
        IRO again, a change before the current IRO started, a new allocation before
        the last one ended (they would overlap), a first one before the birth."""
        refused = {
            "not independent": who == "tm_iro",
            "the same IRO again": current is not None
            and current.iro_id == self.people[who].pk,
            "a change before the current start": current is not None
            and on < current.started_on,
            "before the last one ended": current is None
            and last is not None
            and on < last.ended_on,
            "before birth": on < self.child.date_of_birth,
        }
        for why, must in refused.items():
            assert not (must and done), f"allocated: {why}"
        REACHED["refused: not independent"] += "iro" in self.refused and who == "tm_iro"
        REACHED["refused: before the last one ended"] += (
            not done and refused["before the last one ended"]
        )
        REACHED["refused: before birth"] += not done and refused["before birth"]
        REACHED["refused: a change before the current start"] += (
            not done and refused["a change before the current start"]
        )
        REACHED["change of IRO"] += done and current is not None
        REACHED["allocated again after an end"] += done and bool(last) and not current

    @rule(days=st.integers(min_value=-60, max_value=400))
    def the_allocation_ends(self, days):
        current = self.current()
        if current is None:
            return
        on = current.started_on + timedelta(days=days)
        done = self.attempt(
            lambda: iro_allocation_end(
                child=self.child, on=on, reason="Went home", by=self.people["sw"]
            )
        )
        if days < 0:
            assert not done, "an allocation was ended before it started"
            REACHED["refused: ended before it started"] += 1
        if done:
            current.refresh_from_db()
            assert (current.ended_on, current.end_reason) == (on, "Went home")
        REACHED["ended"] += done

    @rule(percent=PERCENT, mistake=MISTAKES)
    def the_usual_change_of_iro(self, percent, mistake=None):
        """The other IRO, from a day between the current start (or the last end, or
        the day the child became looked after) and today; first, sometimes, a mistake
        (refused): the manager of the child's team who is also an IRO, or a day that
        many days before the current start, the last end or the child's birth."""
        current, last = self.current(), self.last_ended()
        since = (current and current.started_on) or (
            last.ended_on if last else self.period.started_on
        )
        days = (self.between(since, percent) - self.today).days
        if mistake == "conflicted":
            self.the_manager_allocates("tm_iro", False, days)
        elif mistake:
            earliest = since if current or last else self.child.date_of_birth
            early = earliest - timedelta(days=mistake)
            self.the_manager_allocates(
                self.other_iro(), False, (early - self.today).days
            )
        self.the_manager_allocates(self.other_iro(), False, days)

    def other_iro(self) -> str:
        current = self.current()
        return "iro_b" if current and current.iro == self.people["iro_a"] else "iro_a"

    @rule(percent=END_PERCENT)
    def the_usual_end(self, percent):
        """On a day between the start and today; `percent` below 0: that many days
        before the start (refused)."""
        current = self.current()
        if current is not None:
            on = self.between(current.started_on, max(percent, 0))
            days = (on - current.started_on).days if percent >= 0 else percent
            self.the_allocation_ends(days)

    # Together, so that a change of IRO is often corrected, and an end often followed.
    @rule(percent=PERCENT, mistake=MISTAKES, shift=SHIFT, end=st.booleans())
    def the_usual_change_and_its_date_corrected(self, percent, mistake, shift, end):
        self.the_usual_change_of_iro(percent, mistake)
        self.the_usual_correction(1 if end else 0, shift, end)

    @rule(
        percent=END_PERCENT, gap=st.integers(min_value=-30, max_value=30), shift=SHIFT
    )
    def the_usual_end_a_new_iro_and_the_end_corrected(self, percent, gap, shift):
        """The child leaves care and comes back `gap` days later (0: a change of IRO;
        before the end: refused) to another IRO; then the end is corrected."""
        self.the_usual_end(percent)
        ended = self.last_ended()
        if ended is not None and self.current() is None:
            later = ended.ended_on + timedelta(days=gap)
            self.the_manager_allocates(
                self.other_iro(), False, (later - self.today).days
            )
        self.the_usual_correction(1, shift, True)

    @rule(
        which=st.integers(min_value=0, max_value=5),
        start_shift=SHIFT,
        end_shift=SHIFT,
        reason=REASONS,
    )
    def the_manager_corrects_dates(self, which, start_shift, end_shift, reason):
        allocations = self.allocations()
        if not allocations:
            return
        target = allocations[which % len(allocations)]
        started = target.started_on + timedelta(days=start_shift)
        ended = target.ended_on and target.ended_on + timedelta(days=end_shift)
        before, rows = (
            self.dates(),
            set(IroAllocationCorrection.objects.values_list("pk", flat=True)),
        )
        done = self.attempt(
            lambda: iro_allocation_dates_correct(
                allocation=target,
                started_on=started,
                ended_on=ended,
                reason=reason,
                by=self.people["manager"],
            )
        )
        if not reason.strip():
            assert not done, "a correction without a reason was accepted"
        if started < self.child.date_of_birth:
            assert not done, "a start corrected to before the birth"
            REACHED["refused: corrected to before birth"] += 1
        if done:
            assert self.dates()[target.pk] == (started, ended)
            self.check_the_correction(target.pk, allocations, before, rows)

    @rule(back=st.integers(min_value=0, max_value=3), shift=SHIFT, end=st.booleans())
    def the_usual_correction(self, back, shift, end):
        """A recent allocation's start (or end) was wrong (`back` 3: the first's, which
        began near the child's birth), with the reason: at a change of IRO, the
        allocation it meets moves with it."""
        allocations = self.allocations()
        if allocations:
            which = 0 if back == 3 else max(0, len(allocations) - 1 - back)
            end = end and allocations[which].ended_on is not None
            self.the_manager_corrects_dates(
                which, 0 if end else shift, shift if end else 0, "Typed the wrong day"
            )

    def check_the_correction(self, pk, allocations, before: Dates, rows: set):
        """What moved: the allocation and, at a change of IRO, the one it meets; each
        with one new row saying what its dates were and are."""
        after = self.dates()
        moved = {other for other in after if after[other] != before[other]}
        assert moved <= {pk, *self.meeting(pk, allocations, before, after)}, moved
        new = list(IroAllocationCorrection.objects.exclude(pk__in=rows))
        assert sorted(row.allocation_id for row in new) == sorted(moved)
        for row in new:
            was, now = before[row.allocation_id], after[row.allocation_id]
            fields = {
                name
                for name, old, value in zip(FIELDS, was, now, strict=True)
                if old != value
            }
            assert set(row.changes) == fields, row.changes
            for name, (old, value) in row.changes.items():
                index = FIELDS.index(name)
                assert old == _iso(was[index]) != value == _iso(now[index])
        self.corrections += len(new)
        REACHED["corrected"] += bool(new)
        REACHED["neighbour moved"] += len(moved - {pk}) > 0

    @staticmethod
    def meeting(pk, allocations, before: Dates, after: Dates) -> list[int]:
        """The neighbours (by start) that met this allocation at a change of IRO, when
        the date they met on moved: they moved with it, to the same date."""
        index = [a.pk for a in allocations].index(pk)
        (started, ended), (started_now, ended_now) = before[pk], after[pk]
        found = []
        if index > 0 and started_now != started:
            earlier = allocations[index - 1].pk
            if before[earlier][1] == started:
                assert after[earlier][1] == started_now, "the change is one date"
                found.append(earlier)
        if index + 1 < len(allocations) and ended is not None and ended_now != ended:
            later = allocations[index + 1].pk
            if before[later][0] == ended:
                assert after[later][0] == ended_now, "the change is one date"
                found.append(later)
        return found

    @rule(
        which=st.integers(min_value=0, max_value=5),
        farewell=st.booleans(),
        days=st.integers(min_value=-10, max_value=30),
    )
    def a_letter_is_recorded(self, which, farewell, days):
        allocations = self.allocations()
        if not allocations:
            return
        allocation = allocations[-1 - which % len(allocations)]  # the latest first
        on = (allocation.ended_on if farewell else None) or allocation.started_on
        self.record_letter(allocation, farewell, on + timedelta(days=days))

    @rule(days=st.integers(min_value=0, max_value=10))
    def the_usual_letters(self, days):
        """Each letter waiting (My work's tasks) is sent a few days on, by today."""
        for allocation in self.allocations():
            farewell = allocation.needs_farewell_letter
            if farewell or allocation.needs_introduction_letter:
                on = allocation.ended_on if farewell else allocation.started_on
                on = min(on + timedelta(days=days), self.today)
                self.record_letter(allocation, farewell, on)

    def record_letter(self, allocation, farewell: bool, on: date):
        done = self.attempt(
            lambda: iro_letter_record(
                allocation=allocation,
                letter="farewell" if farewell else "introduction",
                on=on,
                # The IRO records their own introduction; the service the farewell.
                by=self.people["manager"]
                if farewell
                else self.by_pk(allocation.iro_id),
            )
        )
        if on > self.today or on < allocation.started_on:
            assert not done, "a letter was recorded as sent on an impossible day"
        if farewell and allocation.ended_on is None:
            assert not done, "a farewell letter for an allocation that goes on"
        if done:
            introduction, goodbye = self.letters.get(allocation.pk, (None, None))
            self.letters[allocation.pk] = (
                (introduction, on) if farewell else (on, goodbye)
            )
        REACHED["farewell recorded" if farewell else "introduction recorded"] += done

    @rule(who=st.sampled_from(["manager", *IROS, "sw"]))
    def someone_opens_my_work(self, who):
        """My work itself (workspace.views._my_work, everything the page lists) has the
        allocation's tasks the state asks for: now and then, as it reads every app."""
        person = self.people[who]
        request = RequestFactory().get("/")
        request.user = person
        groups = _my_work(request, person, self.today)["groups"]
        items = [item for group in groups for item in group.items]
        assert self.tasks_of(items) == self.expected_tasks().get(who, []), who
        REACHED["My work opened"] += 1

    # --- Invariants --------------------------------------------------------------------

    @invariant()
    def one_current_allocation_and_it_is_the_childs_iro(self):
        self.child.refresh_from_db()
        current = [a for a in self.allocations() if a.ended_on is None]
        assert len(current) <= 1, "two current allocations"
        assert self.child.iro_id == (current[0].iro_id if current else None)

    @invariant()
    def allocations_follow_one_another(self):
        allocations = self.allocations()
        for allocation in allocations:
            assert allocation.started_on >= self.child.date_of_birth, "before birth"
            assert allocation.ended_on is None or (
                allocation.started_on <= allocation.ended_on
            ), "ended before it started"
        for earlier, later in pairwise(allocations):
            assert earlier.ended_on is not None, "a later allocation while one goes on"
            assert later.started_on >= earlier.ended_on, (
                f"they overlap: {earlier.started_on}..{earlier.ended_on} and "
                f"{later.started_on}..{later.ended_on}"
            )
        REACHED["three or more"] += len(allocations) >= 3

    @invariant()
    def every_correction_is_kept(self):
        rows = IroAllocationCorrection.objects.filter(allocation__child=self.child)
        assert rows.count() == self.corrections
        for row in rows:
            assert row.changes and set(row.changes) <= set(FIELDS)
            assert all(old != new for old, new in row.changes.values()), row.changes

    @invariant()
    def letters_are_as_recorded(self):
        """A letter task goes only when its letter is recorded, on the day given."""
        for allocation in self.allocations():
            assert (
                allocation.introduction_letter_sent_on,
                allocation.farewell_letter_sent_on,
            ) == self.letters.get(allocation.pk, (None, None))

    @invariant()
    def every_next_step_is_a_task_for_its_owner(self):
        """The allocation's tasks, gathered as My work gathers them: the same selectors
        and item functions, the service's for whoever may allocate (only an IRO can be
        allocated, so only an IRO's introductions are asked for here; the rule
        someone_opens_my_work reads the whole of My work, for anyone)."""
        expected = self.expected_tasks()
        service = my_work.allocation_items(allocation_queue())
        service += my_work.letter_items(_farewells(self.today), farewell=True)
        for name, person in self.people.items():
            items = service if can_allocate_iro(person) else []
            if person.has_role(Role.IRO):
                items = items + my_work.letter_items(
                    _introductions(person), farewell=False
                )
            assert self.tasks_of(items) == expected.get(name, []), name

    def tasks_of(self, items) -> list[tuple]:
        return sorted(
            (item.kind, item.url, item.due)
            for item in items
            if item.child.pk == self.child.pk and item.kind in TASKS
        )

    def expected_tasks(self) -> dict[str, list]:
        """The tasks the state asks for, by owner (D-WORK, D-LETTERS)."""
        tasks: dict[str, list] = {"manager": []}
        allocations = self.allocations()
        current = next((a for a in allocations if a.ended_on is None), None)
        if current is None:
            url = reverse("iro:allocate", args=[self.child.pk])
            due = iro_allocation_due(self.period.started_on).date
            tasks["manager"].append(("allocate", url, due))
            REACHED["waiting for an IRO"] += 1
        elif current.introduction_letter_sent_on is None:
            owner = next(n for n, p in self.people.items() if p.pk == current.iro_id)
            due = add_working_days(current.started_on, my_work.LETTER_WORKING_DAYS)
            url = reverse("iro:letters", args=[current.pk])
            tasks[owner] = [("introduction", url, due)]
            REACHED["introduction to send"] += 1
        asked_since = self.today - timedelta(days=my_work.FAREWELL_ASKED_DAYS)
        for allocation in allocations:
            ended = allocation.ended_on
            if (
                ended
                and ended >= asked_since
                and not allocation.farewell_letter_sent_on
            ):
                due = add_working_days(ended, my_work.LETTER_WORKING_DAYS)
                url = reverse("iro:letters", args=[allocation.pk])
                tasks["manager"].append(("farewell", url, due))
                REACHED["farewell to send"] += 1
        tasks["manager"].sort()
        return tasks


def test_iro_allocations_follow_one_another_and_every_step_is_a_task(db):
    run_state_machine_as_test(
        AllocationMachine,
        settings=settings(
            max_examples=EXAMPLES[PROFILE],
            stateful_step_count=20,
            deadline=None,
            derandomize=PROFILE == "ci",
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    wanted = ["change of IRO", "ended", "corrected", "neighbour moved"]
    wanted += ["allocated again after an end", "waiting for an IRO", "farewell to send"]
    wanted += ["introduction recorded", "farewell recorded", "My work opened"]
    wanted += [f"refused: {why}" for why in REFUSALS]
    missing = [key for key in wanted if not REACHED[key]]
    assert not missing, f"not reached: {missing}; reached: {REACHED}"
