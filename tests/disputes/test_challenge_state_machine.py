"""A challenge never gets stuck, lost or out of step with its facts (D1-D8, D-END,
D-DRP, T28): random sequences of the real services on one challenge (hypothesis's
RuleBasedStateMachine).

One child in care, in the North team, with their IRO, social worker, team manager,
head of service, assistant director and director (and a team manager and head of
service of another team, who never answer for this child). Each rule calls one real
service as someone who might try it, sometimes the wrong person and sometimes on an
implausible day. First (@initialize, so that hypothesis's swarm testing never leaves
an example without one) the IRO raises the challenge at informal resolution or a
formal stage, skipping the earlier ones with a reason, on a drawn day, and if that is
refused raises it again as they would put it right. Then someone responds
(only the current stage's owner may); the IRO escalates to a higher stage on a drawn
day (before the stage began or in the future is refused, D-END; skipping a stage
needs a reason; the owner chosen must be one who may answer it), extends the time
with a reason, refers to Cafcass, and closes with an outcome (Cafcass's needs a
referral); a response is corrected (by whoever gave it, while the challenge is open);
anyone comments. A service may refuse with ValidationError: then nothing changed.
The machine knows which calls the rules allow: a call it expects refused must be
refused, and one it expects accepted must be accepted.

After every step (invariants):
- the status is one of the statuses, the one the actions accepted lead to
  (Challenge.ACTION_RESULT), and agrees with the facts: while open, the current stage
  row exists, is not skipped, has the challenge's number and has not ended; it is
  RESPONDED exactly when the current stage has a response; CLOSED exactly when the
  closing day and the outcome are set, and then the last stage ended that day;
- the stage rows are 0 to the current stage, one each; every stage before the current
  one that was not skipped has ended, and the next one started the day it ended; every
  stage started on or before it ended, and ended no later than today; the first
  started the day the challenge was raised; a skipped stage has a reason and no owner;
  each stage is answered by whom disputes.stage_owners names for the child's team;
- the level is formal exactly when the stage is after informal resolution, and the
  formal clock started the day the first formal stage did;
- each stage is due when disputes.timers.stage_deadline says from its start (and the
  formal start); an extension is later than that, has a reason and is the one given;
- every action accepted left its ChallengeEvent (one SKIP for each stage skipped, on
  that stage), and nothing else did;
- every correction accepted is kept, with the text before it, and the response reads
  as last corrected;
- no dead ends: while open, the IRO may always close it; a closed challenge allows no
  action; the challenge is on the right person's My work
  (disputes.selectors.open_challenges_for): the current stage's owner while it waits
  for their response, with the stage's due date (as extended), the IRO while it is
  open, and nobody else, nor anyone once it is closed.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
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

from accounts.models import Role, User
from core.models import Notification
from disputes import selectors, services, timers
from disputes.models import (
    LAST_STAGE,
    CafcassReferral,
    Category,
    Challenge,
    ChallengeEvent,
    ChallengeResponseCorrection,
    ChallengeStage,
)
from tests.factories import ChildFactory, TeamFactory, make_user
from tests.proof.conftest import PROFILE

pytestmark = pytest.mark.django_db

EXAMPLES = {"ci": 30, "dev": 10}
Action = Challenge.Action
Status = Challenge.Status
CAFCASS = Challenge.Outcome.NOT_RESOLVED_CAFCASS

# Who answers each stage for a North child (disputes.stage_owners' defaults).
OWNER_OF = {0: "tm", 1: "tm", 2: "hos", 3: "ad", 4: "director"}
PEOPLE = ("iro", "tm", "tm_south", "sw", "hos", "hos_south", "ad", "director")
WHO = st.sampled_from(PEOPLE)
RESPONSES = ["We will hold a permanence meeting.", "A new plan by Friday."]
TEXT = st.sampled_from([*RESPONSES, "  "])
SKIP_REASON = "The head of service must decide this"
REASON = st.sampled_from([SKIP_REASON, SKIP_REASON, "", " "])
# The day a stage ends: from its start, before it (refused, D-END) to weeks after; or
# from today, a day or two ago to a day or more ahead (refused, D-END).
FROM_START = st.tuples(st.just("start"), st.integers(min_value=-3, max_value=40))
DAY = st.one_of(
    FROM_START,
    FROM_START,
    FROM_START,
    st.tuples(st.just("today"), st.integers(min_value=-2, max_value=3)),
)
STAGE_FIELDS = [
    f.attname for f in ChallengeStage._meta.concrete_fields if f.name != "id"
]
# What the examples reached, so that the test fails if its rules stop reaching them.
REACHED: Counter[str] = Counter()


class ChallengeMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.today = timezone.localdate()
        self.challenge: Challenge | None = None
        self.at_stage = -1  # the stage the accepted actions lead to (-1: not raised)
        self.status = None  # what the accepted actions lead to
        self.events: Counter[str] = Counter()  # the events the accepted calls write
        self.skips: list[int] = []  # the stages skipped, in order
        self.corrections: list[tuple] = []  # (stage pk, before, after)
        self.extended: dict[int, object] = {}  # stage number: extended to
        self.referred = False
        self.closing: tuple | None = None  # (outcome, closed on)
        self.read_now: tuple | None = None  # what the invariants read after a step
        self.desks_seen: object = None  # the state whose My work was last read

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @initialize(
        stage=st.sampled_from([0, 0, 1, 1, 2, 3, 4]),  # mostly low: room to climb
        # A day ahead (refused), or in the last four months, or before the child
        # was born (refused, DR-9).
        days_ago=st.one_of(
            *[st.integers(min_value=0, max_value=120)] * 3,
            st.sampled_from([-2, -1, 365 * 30]),
        ),
        reason=REASON,
    )
    def the_iro_raises_a_challenge_about_a_child(self, stage, days_ago, reason):
        """The world, then the raise as drawn; if refused, as the IRO puts it right."""
        self.a_child_and_the_people_who_answer_for_their_team()
        if not self.the_iro_raises_a_challenge(stage, days_ago, reason):
            days_ago = days_ago if 0 <= days_ago <= 120 else 0
            assert self.the_iro_raises_a_challenge(stage, days_ago, SKIP_REASON)

    def a_child_and_the_people_who_answer_for_their_team(self):
        north, south = TeamFactory(name="North"), TeamFactory(name="South")
        levels = User.SeniorLevel
        self.people = {
            "iro": make_user(Role.IRO, username="c_iro"),
            "tm": make_user(Role.TEAM_MANAGER, username="c_tm", team=north),
            "tm_south": make_user(Role.TEAM_MANAGER, username="c_tm_s", team=south),
            "sw": make_user(Role.SOCIAL_WORKER, username="c_sw", team=north),
        }
        for key, level, team in (
            ("hos", levels.HEAD_OF_SERVICE, north),
            ("hos_south", levels.HEAD_OF_SERVICE, south),
            ("ad", levels.ASSISTANT_DIRECTOR, north),
            ("director", levels.DIRECTOR, None),
        ):
            person = make_user(
                Role.SENIOR_MANAGER, username=f"c_{key}", senior_level=level
            )
            if team is not None:
                person.overseen_teams.add(team)
            self.people[key] = person
        self.child = ChildFactory(
            team=north, social_worker=self.people["sw"], iro=self.people["iro"]
        )

    # --- Helpers -----------------------------------------------------------------------

    def attempt(self, call, expected: bool) -> bool:
        """Call a service; a refusal must change nothing, and be what the rules say.

        No savepoint of the test's own around the call: one would roll a refused call
        back whatever the service did, and the check would prove nothing. Each service
        is atomic itself.
        """
        before = self.snapshot()
        self.read_now = None
        try:
            call()
        except ValidationError as error:
            message = " ".join(error.messages)
            for key, person in self.people.items():
                message = message.replace(str(person), key)
            REACHED[f"refused: {message[:60]}"] += 1
            REACHED["refused once closed"] += self.status == Status.CLOSED
            assert self.snapshot() == before, "a refused call changed something"
            assert not expected, f"an allowed call was refused: {error.messages}"
            return False
        assert expected, "a call the rules refuse was accepted"
        return True

    def snapshot(self):
        return (
            list(
                Challenge.objects.order_by("pk").values_list(
                    "pk",
                    "status",
                    "stage",
                    "level",
                    "formal_started_on",
                    "closed_on",
                    "outcome",
                    "outcome_impact",
                )
            ),
            list(ChallengeStage.objects.order_by("pk").values_list(*STAGE_FIELDS)),
            ChallengeEvent.objects.count(),
            ChallengeResponseCorrection.objects.count(),
            CafcassReferral.objects.count(),
            Notification.objects.count(),
        )

    def fresh(self) -> tuple[Challenge, ChallengeStage]:
        """The challenge as it is now, and its current stage (the last, once closed)."""
        assert self.challenge is not None
        self.challenge.refresh_from_db()
        stage = self.challenge.current_stage
        assert stage is not None, "the challenge has no current stage"
        return self.challenge, stage

    def day_of(self, stage: ChallengeStage, day: tuple[str, int]):
        base, shift = day
        return (stage.started_on if base == "start" else self.today) + timedelta(shift)

    def key_of(self, user: User) -> str:
        return next(key for key, person in self.people.items() if person == user)

    def stages(self) -> list[ChallengeStage]:
        assert self.challenge is not None
        return list(self.challenge.stages.order_by("number"))

    # --- Rules -------------------------------------------------------------------------

    def the_iro_raises_a_challenge(self, stage, days_ago, reason) -> bool:
        """The raise, in the initialize step (see the_iro_raises_a_challenge_about_a_child)."""
        raised_on = self.today - timedelta(days=days_ago)
        expected = self.child.date_of_birth <= raised_on <= self.today and (
            stage == 0 or bool(reason.strip())
        )
        made = []
        done = self.attempt(
            lambda: made.append(
                services.challenge_raise(
                    child=self.child,
                    by=self.people["iro"],
                    category=Category.PERMANENCE_DRIFT,
                    description="No permanence plan at the second review.",
                    impact_for_child="Drift: they do not know where they will grow up.",
                    raised_on=raised_on,
                    stage=stage,
                    skip_reason=reason,
                )
            ),
            expected,
        )
        if done:
            self.challenge = made[0]
            self.at_stage = stage
            self.status = Status.AWAITING_RESPONSE
            self.events[Action.RAISE] += 1
            self.events[Action.SKIP] += stage
            self.skips += range(stage)
            REACHED["raised at a formal stage"] += stage > 0
            REACHED["reached stage 4"] += stage == LAST_STAGE
            REACHED["skipped"] += stage > 0
        return done

    @rule(who=WHO, text=TEXT)
    def someone_responds(self, who, text):
        challenge, stage = self.fresh()
        expected = (
            challenge.status == Status.AWAITING_RESPONSE
            and stage.owner == self.people[who]
            and bool(text.strip())
        )
        done = self.attempt(
            lambda: services.challenge_respond(
                challenge=challenge, by=self.people[who], response=text
            ),
            expected,
        )
        if done:
            self.status = Status.RESPONDED
            self.events[Action.RESPOND] += 1
            REACHED["responded"] += 1

    @rule(
        jump=st.sampled_from([1, 1, 1, 2, 3, 0, -1]),
        day=DAY,
        reason=REASON,
        owner=st.none() | WHO,
    )
    def the_iro_escalates(self, jump, day, reason, owner):
        challenge, stage = self.fresh()
        to_stage = challenge.stage + jump
        on = self.day_of(stage, day)
        expected = (
            challenge.is_open
            and challenge.stage < to_stage <= LAST_STAGE
            and owner in (None, OWNER_OF.get(to_stage))
            and (jump == 1 or bool(reason.strip()))
            and stage.started_on <= on <= self.today
        )
        done = self.attempt(
            lambda: services.challenge_escalate(
                challenge=challenge,
                by=self.people["iro"],
                to_stage=to_stage,
                on=on,
                owner=None if owner is None else self.people[owner],
                reason=reason,
            ),
            expected,
        )
        if done:
            self.status = Status.AWAITING_RESPONSE
            self.events[Action.ESCALATE] += 1
            self.at_stage = to_stage
            self.events[Action.SKIP] += jump - 1
            self.skips += range(challenge.stage + 1, to_stage)
            REACHED["escalated to a formal stage"] += 1
            REACHED["skipped"] += jump > 1
            REACHED["reached stage 4"] += to_stage == LAST_STAGE

    @rule(days=st.integers(min_value=-3, max_value=20), reason=REASON)
    def the_iro_extends(self, days, reason):
        challenge, stage = self.fresh()
        extend_to = stage.effective_due_on + timedelta(days=days)
        expected = (
            challenge.status == Status.AWAITING_RESPONSE
            and bool(reason.strip())
            and days > 0
        )
        done = self.attempt(
            lambda: services.challenge_extend(
                challenge=challenge,
                by=self.people["iro"],
                extend_to=extend_to,
                reason=reason,
            ),
            expected,
        )
        if done:
            self.status = Status.AWAITING_RESPONSE
            self.events[Action.EXTEND] += 1
            self.extended[stage.number] = extend_to
            REACHED["extended"] += 1

    @rule(
        outcome=st.sampled_from([*Challenge.Outcome.values, CAFCASS, CAFCASS]),
        impact=st.sampled_from(["The plan now names a permanent home.", " "]),
        day=DAY,
        refer_first=st.booleans(),
    )
    def the_iro_closes(self, outcome, impact, day, refer_first=False):
        if refer_first and outcome == CAFCASS:
            self.the_iro_refers_to_cafcass(0, "The plan is still not agreed")
        challenge, stage = self.fresh()
        on = self.day_of(stage, day)
        expected = (
            challenge.is_open
            and (outcome != CAFCASS or self.referred)
            and bool(impact.strip())
            and stage.started_on <= on <= self.today
        )
        done = self.attempt(
            lambda: services.challenge_resolve(
                challenge=challenge,
                by=self.people["iro"],
                outcome=outcome,
                outcome_impact=impact,
                on=on,
            ),
            expected,
        )
        if done:
            self.status = Status.CLOSED
            self.events[Action.RESOLVE] += 1
            self.closing = (outcome, on)
            REACHED["closed"] += 1
            REACHED["closed with cafcass"] += outcome == CAFCASS
            self.once_closed_everything_plausible_is_refused(days=0)

    # A blank reason, not one of spaces: the service refuses an empty reason by
    # full_clean() only (the form strips the spaces first).
    @rule(
        days_ago=st.integers(min_value=-2, max_value=30),
        reason=st.sampled_from(["The plan is still not agreed", ""]),
    )
    def the_iro_refers_to_cafcass(self, days_ago, reason):
        challenge, _ = self.fresh()
        expected = days_ago >= 0 and bool(reason)
        done = self.attempt(
            lambda: services.cafcass_referral_record(
                challenge=challenge,
                by=self.people["iro"],
                referred_on=self.today - timedelta(days=days_ago),
                reason=reason,
            ),
            expected,
        )
        self.referred |= done
        self.events[Action.CAFCASS] += done

    @rule(
        which=st.integers(min_value=0, max_value=4), who=WHO, text=TEXT, reason=REASON
    )
    def someone_corrects_a_response(self, which, who, text, reason):
        challenge, _ = self.fresh()
        answered = [s for s in self.stages() if not s.skipped]
        stage = answered[which % len(answered)]
        by = self.people[who]
        expected = (
            challenge.is_open
            and stage.responded_at is not None
            and by.pk in {stage.owner_id, stage.responded_by_id}
            and bool(text.strip())
            and bool(reason.strip())
        )
        made = []
        done = self.attempt(
            lambda: made.append(
                services.challenge_response_correct(
                    stage=stage, by=by, response=text, reason=reason
                )
            ),
            expected,
        )
        if not done:
            return
        assert (made[0] is None) == (text == stage.response), "a no-change correction"
        if made[0] is not None:
            self.corrections.append((stage.pk, stage.response, text))
            self.events[Action.CORRECT_RESPONSE] += 1
            REACHED["corrected"] += 1

    @rule(who=WHO, note=st.sampled_from(["Spoke to the carer today.", "  "]))
    def someone_comments(self, who, note):
        challenge, _ = self.fresh()
        done = self.attempt(
            lambda: services.challenge_comment(
                challenge=challenge, by=self.people[who], note=note
            ),
            bool(note.strip()),
        )
        self.events[Action.COMMENT] += done

    # The usual ways, so that challenges climb the stages more often than they close.

    @rule(
        days=st.integers(min_value=0, max_value=30),
        more_time=st.booleans(),
        put_right=st.sampled_from([True, True, False]),
        skip=st.booleans(),
        slip=st.booleans(),
    )
    def the_usual_way_a_stage_runs(self, days, more_time, put_right, skip, slip):
        """The IRO may give more time; the owner answers, may put their answer right;
        the IRO escalates to the next stage, or skips one with a reason. On a slip the
        IRO first leaves out a reason, or names themselves to answer: refused."""
        _, stage = self.fresh()
        if more_time:
            if slip:
                self.the_iro_extends(days % 7 + 1, " ")
            self.the_iro_extends(days % 7 + 1, "The head of service is on leave")
        self.someone_responds(self.key_of(stage.owner), RESPONSES[0])
        if put_right:
            held = [s.number for s in self.stages() if not s.skipped]
            owner = self.key_of(stage.owner)
            self.someone_corrects_a_response(
                held.index(stage.number), owner, RESPONSES[1], "The date was wrong"
            )
        ends = min(stage.started_on + timedelta(days), self.today)
        on = ("today", (ends - self.today).days)
        jump = 2 if skip and stage.number + 2 <= LAST_STAGE else 1
        if slip:
            self.the_iro_escalates(jump, on, SKIP_REASON, "iro")
            if jump > 1:
                self.the_iro_escalates(jump, on, "", None)
        self.the_iro_escalates(jump, on, SKIP_REASON if jump > 1 else "", None)

    # Three times, so that the stages run more often than the other rules, and one
    # runs even when hypothesis's swarm testing turns some rules off for an example.
    @rule(
        days=st.integers(min_value=0, max_value=30),
        more_time=st.booleans(),
        put_right=st.sampled_from([True, True, False]),
        skip=st.booleans(),
        slip=st.booleans(),
    )
    def the_usual_way_again(self, days, more_time, put_right, skip, slip):
        self.the_usual_way_a_stage_runs(days, more_time, put_right, skip, slip)

    @rule(
        days=st.integers(min_value=0, max_value=30),
        more_time=st.booleans(),
        put_right=st.sampled_from([True, True, False]),
        skip=st.booleans(),
        slip=st.booleans(),
    )
    def the_usual_way_once_more(self, days, more_time, put_right, skip, slip):
        self.the_usual_way_a_stage_runs(days, more_time, put_right, skip, slip)

    # Cafcass is the last resort: in the formal process, when the council has not put
    # it right.
    @precondition(lambda self: self.at_stage >= 1)
    @rule(days=st.integers(min_value=0, max_value=10))
    def the_usual_way_the_iro_refers_to_cafcass_and_closes(self, days):
        """The IRO may first try to close it as referred before referring (refused)."""
        _, stage = self.fresh()
        on = min(stage.started_on + timedelta(days=days), self.today)
        day = ("today", (on - self.today).days)
        if days % 2:
            self.the_iro_closes(CAFCASS, "Cafcass will look at the plan.", day)
        self.the_iro_refers_to_cafcass(0, "The plan is still not agreed")
        self.the_iro_closes(CAFCASS, "Cafcass will look at the plan.", day)

    @precondition(lambda self: self.status == Status.CLOSED)
    @rule(days=st.integers(min_value=0, max_value=10))
    def once_closed_everything_plausible_is_refused(self, days):
        """Each action as the right person would take it, on a plausible day: refused."""
        _, stage = self.fresh()
        owner = self.key_of(stage.owner)
        self.someone_responds(owner, RESPONSES[1])
        held = [s for s in self.stages() if not s.skipped]
        self.someone_corrects_a_response(
            len(held) - 1, owner, RESPONSES[1], "The date was wrong"
        )
        self.the_iro_escalates(1, ("start", 0), SKIP_REASON, None)
        self.the_iro_extends(days + 1, "The head of service is on leave this week")
        self.the_iro_closes(Challenge.Outcome.RESOLVED, "Better.", ("start", 0))
        REACHED["closed refused every action"] += 1

    # --- Invariants --------------------------------------------------------------------

    def read(self) -> tuple[Challenge, ChallengeStage, list[ChallengeStage]]:
        """The challenge, its current stage and all its stages, read once after a step."""
        if self.read_now is None:
            challenge, stage = self.fresh()
            self.read_now = (challenge, stage, self.stages())
        return self.read_now

    @invariant()
    def the_status_agrees_with_the_facts(self):
        challenge, stage, _ = self.read()
        assert Challenge.objects.count() == 1, "a refused raise left a challenge"
        assert challenge.status in Status.values
        assert challenge.status == self.status, "not the status the actions lead to"
        assert challenge.stage == self.at_stage, "not the stage escalated to"
        assert stage.number == challenge.stage and not stage.skipped
        if challenge.is_open:
            assert stage.ended_on is None, "the current stage of an open one has ended"
            assert (challenge.status == Status.RESPONDED) == (
                stage.responded_at is not None
            ), "responded, or not, whatever the current stage says"
        closed = challenge.closed_on is not None and challenge.outcome != ""
        assert (challenge.status == Status.CLOSED) == closed
        if closed:
            assert (challenge.outcome, challenge.closed_on) == self.closing
            assert challenge.outcome_impact.strip()
            assert stage.ended_on == challenge.closed_on
        else:
            assert self.closing is None and not challenge.outcome_impact

    @invariant()
    def the_stages_follow_one_another(self):
        now = self.read()
        challenge, _, stages = now
        assert [s.number for s in stages] == list(range(challenge.stage + 1))
        assert [s.number for s in stages if s.skipped] == self.skips
        for stage in stages:
            if stage.skipped:
                assert stage.skip_reason.strip() and stage.owner_id is None
                assert stage.started_on is None and stage.due_on is None
                assert stage.response == "" and stage.responded_at is None
                continue
            assert stage.owner == self.people[OWNER_OF[stage.number]], stage.number
            if stage.ended_on is not None:
                assert stage.started_on <= stage.ended_on <= self.today
            if stage.responded_at is None:
                assert stage.response == "" and stage.responded_by_id is None
            else:
                assert stage.response.strip()
                assert stage.responded_by_id == stage.owner_id
        held = [s for s in stages if not s.skipped]
        assert held[0].started_on == challenge.raised_on
        assert held[-1].number == challenge.stage
        for earlier, later in zip(held, held[1:], strict=False):
            assert earlier.ended_on is not None, "an earlier stage never ended"
            assert later.started_on == earlier.ended_on, "a gap between the stages"

    @invariant()
    def the_level_follows_the_stage(self):
        now = self.read()
        challenge, _, stages = now
        assert challenge.level in Challenge.Level.values
        formal = challenge.level == Challenge.Level.FORMAL
        assert formal == (challenge.stage > 0)
        first_formal = [s for s in stages if not s.skipped and s.number > 0]
        assert challenge.formal_started_on == (
            first_formal[0].started_on if first_formal else None
        ), "the formal clock started on another day than the first formal stage"

    @invariant()
    def each_stage_is_due_when_the_timers_say(self):
        now = self.read()
        challenge, _, stages = now
        for stage in stages:
            if stage.skipped:
                continue
            deadline = timers.stage_deadline(
                stage.number,
                stage.started_on,
                formal_started_on=challenge.formal_started_on if stage.number else None,
            )
            assert stage.due_on == deadline.date, stage.number
            assert stage.due_rule == timers.explain_date(deadline)
            assert stage.extended_to == self.extended.get(stage.number)
            if stage.extended_to is None:
                assert stage.extension_reason == ""
            else:
                assert stage.extended_to > stage.due_on
                assert stage.extension_reason.strip()

    @invariant()
    def every_accepted_action_is_in_the_history(self):
        assert self.challenge is not None
        events = self.challenge.events.all()
        assert events.count() == ChallengeEvent.objects.count()
        written = Counter(events.values_list("action", flat=True))
        assert written == self.events, (written, self.events)
        skipped = events.filter(action=Action.SKIP).order_by("pk")
        assert list(skipped.values_list("stage", flat=True)) == self.skips

    @invariant()
    def every_correction_is_kept(self):
        now = self.read()
        kept = ChallengeResponseCorrection.objects.filter(
            stage__challenge=self.challenge
        ).order_by("pk")
        assert list(kept.values_list("stage", "before", "after")) == self.corrections
        last = {pk: after for pk, _, after in self.corrections}
        for stage in now[2]:
            if stage.pk in last:
                assert stage.response == last[stage.pk], "a correction was lost"

    @invariant()
    def no_dead_ends_the_next_step_is_on_someones_my_work(self):
        now = self.read()
        challenge, stage, _ = now
        if challenge.is_open:
            assert challenge.can(Action.RESOLVE), "an open challenge cannot be closed"
        else:
            assert not any(challenge.can(action) for action in Action.values)
        # The IRO and the stage's owner after every step; everyone else whenever the
        # challenge's status, stage or dates have changed (their desks are slow to read).
        state = (challenge.status, challenge.stage, stage.effective_due_on)
        everyone = state != self.desks_seen
        self.desks_seen = state
        for key, person in self.people.items():
            if not everyone and person not in (self.people["iro"], stage.owner):
                continue
            rows = {row.pk: row for row in selectors.open_challenges_for(person)}
            waits_for_them = (
                challenge.status == Status.AWAITING_RESPONSE and stage.owner == person
            )
            expected = challenge.is_open and (key == "iro" or waits_for_them)
            assert (challenge.pk in rows) == expected, f"My work of {key}"
            if challenge.pk in rows:
                row = rows[challenge.pk]
                assert row.current_due_on == stage.effective_due_on
                assert row.current_owner_id == stage.owner_id


def test_a_challenge_never_gets_stuck_or_out_of_step(db):
    run_state_machine_as_test(
        ChallengeMachine,
        settings=settings(
            max_examples=EXAMPLES[PROFILE],
            stateful_step_count=20,
            deadline=None,
            derandomize=PROFILE == "ci",
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    wanted = [
        "raised at a formal stage",
        "responded",
        "escalated to a formal stage",
        "skipped",
        "reached stage 4",
        "extended",
        "corrected",
        "closed",
        "closed with cafcass",
        "refused once closed",
        "closed refused every action",
    ]
    # A stage whose due date is the end of the formal 20 working days is reached only
    # on some days of the week (the draws are fixed in ci, today is not); the cap has
    # its own test, tests/disputes/test_services.py::
    # test_a_late_stage_is_capped_by_twenty_working_days_in_all.
    missed = [name for name in wanted if not REACHED[name]]
    assert not missed, f"not reached: {missed}; {REACHED}"
