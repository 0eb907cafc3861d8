"""A whole country's looked-after children, for benchmarks only.

`python manage.py seed_scale --children N` calls `seed()` below. Everything is made up
and deterministic: one `random.Random(seed)` drives every choice, in one fixed order,
and "today" is an argument, so the same seed and today give the same rows.

How it is fast:
- the rows are written as PostgreSQL COPY text by one writer thread with its own
  connection (psycopg 3 `cursor.copy`), while the main thread generates the next
  chunk, so Python and PostgreSQL work at the same time on a 2-core machine;
- primary keys are assigned here, so no row is read back;
- the writer's session sets `session_replication_role = replica` when it may (a
  superuser), which skips the foreign-key triggers during the load; CHECK, NOT NULL
  and UNIQUE constraints still apply, and `check_integrity()` looks for orphans after;
- due dates come from the real engine (`reviews.timescales.next_review_due`), so the
  nightly recompute finds the same dates the app would have planned.

The population: 150 social-work teams and an IRO service of 1,800 IROs; children
looked after for up to about ten years (about two in three still looked after), a
review at the statutory rhythm (first, second, then six-monthly, adoption tracks for
a few), mostly on time, a few late and some open reviews overdue; decisions (R&D),
consultations, IRO contacts and progress reviews for the reviews of the last two
years; challenges raised from about 4% of those reviews; audit entries (creates,
updates and page views).
"""

from __future__ import annotations

import math
import queue
import random
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import models

from core.identifiers import upn_check_letter
from reviews import timescales

CHILD_ID_PREFIX = "SCL"  # every seeded child's 903 CHILD id starts with this
USERNAME_PREFIX = "scale_"  # and every seeded user's username
PASSWORD = "scale-bench-password"  # noqa: S105 - documented, fictional bench users only

TEAMS = 150
IROS = 1_800
SOCIAL_WORKERS_PER_TEAM = 10
MANAGERS = 10
SENIOR_MANAGERS = 20
BUSINESS_SUPPORT = 30
DUTY_IROS = 20  # the first IROs also hold the Duty IRO role

HISTORY_YEARS = 11.5  # the oldest period of care starts this long ago
RECENT_DAYS = 730  # reviews held since then carry decisions, consultations...
SHARE_OPEN = 0.68  # children still looked after (81,770 of about 120,000)
SHARE_SECOND_PERIOD = 0.12
SHARE_OVERDUE = 0.15  # open periods left with their review past its due date (about 6% of open reviews)
SHARE_LATE = 0.04  # held reviews held after their due date
SHARE_ADOPTION = 0.03
CHALLENGE_RATE = 0.04


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Amelia Olivia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow "
    "Florence Emily Ella Poppy Evie Elsie Charlotte Noah Muhammad Oliver George Leo "
    "Arthur Oscar Theodore Freddie Archie Henry Alfie Jack Finley Thomas Charlie "
    "Jacob Lucas Isaac Teddy Aisha Zara Maryam Fatima Yusuf Ibrahim Kai Ezra Nia Remi"
)
LAST_NAMES = _words(
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts "
    "Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris "
    "Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee "
    "King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price "
    "Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins "
    "Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams "
    "Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt "
    "Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler "
    "Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Okafor Nowak Kowalski"
)
REGIONS = (
    "North East",
    "North West",
    "Yorkshire",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)
LEGAL_STATUS = (("C2", 55), ("C1", 15), ("V2", 18), ("E1", 5), ("J1", 3), ("L2", 4))
PLACEMENTS = (
    ("U4", 25),
    ("U6", 25),
    ("U1", 8),
    ("U2", 8),
    ("K2", 10),
    ("R1", 3),
    ("P1", 7),
    ("K3", 6),
    ("Z11", 2),
    ("S1", 2),
    ("R3", 1),
    ("T4", 1),
    ("U5", 2),
)
NO_PROVIDER = {"T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"}
PROVIDERS = ("PR1", "PR4", "PR5", "PR2", "PR0")
CIN = ("N1",) * 6 + ("N2", "N3", "N4", "N4", "N5", "N5", "N6", "N7", "N8")
RNE_LATER = ("P", "P", "P", "L", "T", "B", "U")
PLACE_CHANGE = ("CARPL", "CARPL", "CREQB", "CREQO", "CHILD", "LAREQ", "STAND", "OTHER")
PERIOD_END = ("E4A", "E4A", "E13", "E41", "E45", "E46", "E48", "E5", "E17", "E8", "E3")
ETHNIC = (
    ("WBRI", 64),
    ("WOTH", 6),
    ("MWBC", 3),
    ("MOTH", 4),
    ("MWAS", 2),
    ("AOTH", 3),
    ("APKN", 2),
    ("BAFR", 4),
    ("BCRB", 2),
    ("OOTH", 4),
    ("NOBT", 1),
)
PARTICIPATION = (
    ("PN1", 45),
    ("PN2", 6),
    ("PN3", 3),
    ("PN4", 4),
    ("PN5", 8),
    ("PN6", 22),
    ("PN7", 12),
)
OPEN_STATUS = (
    ("planned", 50),
    ("scheduled", 30),
    ("invitations_issued", 15),
    ("in_progress", 3),
    ("adjourned", 2),
)
RECENT_STATUS = (
    "held",
    "rd_submitted",
    "rd_authorised",
    "record_written",
    "distributed",
)
DECISION_OWNERS = (
    ("sw", "Social worker"),
    ("carer", "Foster carer"),
    ("tm", "Team manager"),
    ("health", "Health visitor"),
    ("teacher", "Designated teacher"),
    ("iro", "IRO"),
)
DECISION_TEXT = (
    "Arrange weekly family time with mum, supervised at the family centre",
    "Complete the life-story work with the child before the next review",
    "Refer to CAMHS for an assessment of the child's anxiety",
    "Update the personal education plan with the designated teacher",
    "Book the annual health assessment and the dental check",
    "Progress the special guardianship assessment of the aunt",
    "Find a mentor for the child's football club",
    "Review contact with brothers and sisters in the next month",
)
CHALLENGE_CATEGORY = (
    "social_work_practice",
    "social_work_practice",
    "permanence_drift",
    "placement_post16_planning",
    "child_safety",
    "school",
    "other",
)
OUTCOMES = ("resolved", "resolved", "resolved", "partially_resolved", "withdrawn")


def weighted(pairs) -> tuple[list, list[int]]:
    """Return (values, cumulative weights) for rng.choices."""
    values, cum, total = [], [], 0
    for value, weight in pairs:
        total += weight
        values.append(value)
        cum.append(total)
    return values, cum


# --- COPY text ---------------------------------------------------------------------

N = "\\N"


def _text(value) -> str:
    """A COPY text field: tab, newline and backslash escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def _default_text(field: models.Field, now: str) -> str | None:
    """The COPY text of a NOT NULL field's default, or None for a nullable field."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.null:
        return None
    if not field.has_default():
        if isinstance(field, (models.CharField, models.TextField)) and field.blank:
            return ""
        raise ValueError(f"{field.model.__name__}.{field.name} needs a value")
    value = field.get_default()
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value)
    if isinstance(value, datetime):
        return now
    return _text(str(value))


@dataclass
class Table:
    """One table's COPY: the columns this module fills, then the NOT NULL defaults."""

    model: type[models.Model]
    columns: tuple[str, ...]
    now: str
    name: str = ""
    suffix: str = ""
    all_columns: tuple[str, ...] = ()
    rows: list[str] = field(default_factory=list)
    count: int = 0

    def __post_init__(self):
        meta = self.model._meta
        self.name = meta.db_table
        given = set(self.columns)
        extra_cols, extra_vals = [], []
        for f in meta.concrete_fields:
            if f.column in given:
                continue
            text = _default_text(f, self.now)
            if text is not None:
                extra_cols.append(f.column)
                extra_vals.append(text)
        unknown = given - {f.column for f in meta.concrete_fields}
        if unknown:
            raise ValueError(f"{self.name}: no columns {sorted(unknown)}")
        self.all_columns = tuple(self.columns) + tuple(extra_cols)
        self.suffix = ("\t" + "\t".join(extra_vals) if extra_vals else "") + "\n"

    def add(self, *values: str) -> None:
        self.rows.append("\t".join(values) + self.suffix)
        self.count += 1


class Writer:
    """Sends COPY chunks to PostgreSQL from a thread while the caller generates more."""

    CHUNK_ROWS = 20_000

    def __init__(self, connect: Callable[[], object]):
        self.connect = connect
        self.queue: queue.Queue = queue.Queue(maxsize=6)
        self.error: BaseException | None = None
        self.fast = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute("SET synchronous_commit = off")
                try:
                    cur.execute("SET session_replication_role = replica")
                    self.fast = True
                except Exception:  # not a superuser: keep the FK triggers
                    conn.rollback()
            while True:
                item = self.queue.get()
                if item is None:
                    break
                if self.error is not None:
                    continue
                name, columns, data = item
                try:
                    with conn.cursor() as cur:
                        cols = ", ".join(f'"{c}"' for c in columns)
                        sql = f"COPY {name} ({cols}) FROM STDIN"
                        with cur.copy(sql) as copy:
                            copy.write(data)
                    conn.commit()
                except BaseException as exc:  # reported by flush()/close()
                    self.error = exc
        finally:
            conn.close()

    def send(self, table: Table, *, force: bool = False) -> None:
        if self.error is not None:
            raise RuntimeError(f"COPY into {table.name} failed") from self.error
        if table.rows and (force or len(table.rows) >= self.CHUNK_ROWS):
            data = "".join(table.rows).encode()
            table.rows.clear()
            self.queue.put((table.name, table.all_columns, data))

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise RuntimeError("COPY failed") from self.error


# --- The population ----------------------------------------------------------------


@dataclass
class Staff:
    teams: list[int]
    iro_team: int
    iros: list[int]
    social_workers: dict[int, list[int]]  # team id -> user ids
    team_managers: dict[int, int]  # team id -> user id
    managers: list[int]
    business_support: list[int]


class Dates:
    """Cached text of dates: the same few thousand days recur millions of times."""

    def __init__(self):
        self.cache: dict[date, str] = {}

    def __call__(self, d: date | None) -> str:
        if d is None:
            return N
        text = self.cache.get(d)
        if text is None:
            text = self.cache[d] = d.isoformat()
        return text


def weekday_on_or_before(d: date) -> date:
    wd = d.weekday()
    return d - timedelta(days=wd - 4) if wd > 4 else d


@dataclass
class Counts:
    children: int = 0
    periods: int = 0
    episodes: int = 0
    reviews: int = 0
    open_reviews: int = 0
    overdue: int = 0
    decisions: int = 0
    consultations: int = 0
    challenges: int = 0
    audit: int = 0
    extra: dict = field(default_factory=dict)


class Population:
    """Generates every child's history and writes it through the Writer."""

    def __init__(self, *, rng, today, staff, writer, content_types, now):
        self.rng = rng
        self.today = today
        self.staff = staff
        self.writer = writer
        self.ct = content_types
        self.d = Dates()
        self.now_text = now
        self.recent_since = today - timedelta(days=RECENT_DAYS)
        self.amber_until = timescales.add_working_days(today, 5)
        self.counts = Counts()
        self.ids: dict[str, int] = {}
        self._legal = weighted(LEGAL_STATUS)
        self._place = weighted(PLACEMENTS)
        self._ethnic = weighted(ETHNIC)
        self._pn = weighted(PARTICIPATION)
        self._open = weighted(OPEN_STATUS)
        self.tables = self._tables(now)

    def _tables(self, now: str) -> dict[str, Table]:
        from auditlog.models import LogEntry

        from children.models import Child, Episode, PeriodOfCare, SocialWorkerAllocation
        from disputes.models import Challenge, ChallengeEvent, ChallengeStage
        from iro.models import IroAllocation
        from reviews.models import (
            ChildContact,
            Consultation,
            ConveningChecklist,
            Decision,
            ProgressReview,
            Review,
            ReviewChoices,
            ReviewEvent,
        )

        def t(model, cols):
            return Table(model, tuple(cols.split()), now)

        return {
            "child": t(
                Child,
                "id child_id first_name last_name date_of_birth sex ethnicity upn "
                "team_id social_worker_id iro_id contact_preferences",
            ),
            "period": t(
                PeriodOfCare,
                "id child_id started_on ended_on reason_ended authority_to_place_on "
                "authority_to_place_type placed_for_adoption_on",
            ),
            "episode": t(
                Episode,
                "id period_id started_on reason_new legal_status category_of_need "
                "placement placement_provider ended_on reason_ended "
                "reason_place_change home_postcode placement_postcode",
            ),
            "swa": t(
                SocialWorkerAllocation,
                "id child_id social_worker_id team_id started_on ended_on",
            ),
            "iroa": t(
                IroAllocation,
                "id child_id iro_id started_on ended_on reason end_reason "
                "child_told_on introduction_letter_sent_on",
            ),
            "review": t(
                Review,
                "id child_id period_id kind status due_date due_track due_rule rag "
                "scheduled_for record_date completed_date participation chaired_by "
                "next_review_date social_worker_present rd_submitted_on "
                "rd_decided_by_id rd_decided_on adjournment_count adjourned_reason "
                "reconvene_by cancel_reason format venue",
            ),
            "event": t(
                ReviewEvent, "id review_id from_status to_status action by_id at"
            ),
            "decision": t(
                Decision,
                "id review_id kind what owner_name owner_role due_date "
                "success_measure status",
            ),
            "consultation": t(
                Consultation,
                "id review_id respondent_role respondent_name channel received_on "
                "going_well going_less_well needs_to_happen share_with_social_worker",
            ),
            "contact": t(ChildContact, "id child_id review_id iro_id on how alone"),
            "progress": t(
                ProgressReview, "id review_id target_date done_on done_by_id summary"
            ),
            "choices": t(
                ReviewChoices, "id review_id captured_on captured_by_id wants_to_chair"
            ),
            "checklist": t(
                ConveningChecklist,
                "id review_id submitted_by_id submitted_on confirmed_by_id confirmed_on",
            ),
            "challenge": t(
                Challenge,
                "id child_id review_id category description impact_for_child "
                "team_at_time_id social_worker_at_time_id raised_by_id raised_on "
                "level stage formal_started_on status outcome outcome_impact "
                "closed_on sub_reasons",
            ),
            "stage": t(
                ChallengeStage,
                "id challenge_id number owner_id started_on due_on due_rule "
                "response responded_by_id responded_at ended_on",
            ),
            "cevent": t(ChallengeEvent, "id challenge_id action stage by_id at note"),
            "log": t(
                LogEntry,
                "id content_type_id object_pk object_id object_repr action changes "
                "changes_text timestamp actor_id",
            ),
        }

    def next_id(self, key: str) -> int:
        value = self.ids.get(key, 0) + 1
        self.ids[key] = value
        return value

    def flush(self, *, force: bool = False) -> None:
        for table in self.tables.values():
            self.writer.send(table, force=force)

    # -- one child ---------------------------------------------------------------

    def child(self, number: int) -> None:
        rng, today, d = self.rng, self.today, self.d
        staff = self.staff
        child_pk = number
        is_open = rng.random() < SHARE_OPEN
        # Years since the (last) period of care started: skewed towards long care.
        if is_open:
            years = HISTORY_YEARS * rng.random() ** (1 / 3)
        else:
            years = HISTORY_YEARS * math.sqrt(rng.random())
        years = max(years, 0.02)
        start = today - timedelta(days=int(years * 365.25))
        # The child was at most 17 when their care started and is under 18 if open.
        age_at_start_max = 17.5 - (years if is_open else 0.0)
        age_at_start = rng.uniform(0.0, max(age_at_start_max, 0.05))
        dob = start - timedelta(days=int(age_at_start * 365.25) + 1)
        end = None
        if not is_open:
            length = max(30, int((today - start).days * rng.uniform(0.25, 0.97)))
            end = start + timedelta(days=length)
            end = min(end, today - timedelta(days=1), dob + timedelta(days=6573))
            end = max(end, start)
        team = staff.teams[(number * 7919 + rng.randrange(40)) % len(staff.teams)]
        social_worker = rng.choice(staff.social_workers[team])
        iro = staff.iros[rng.randrange(len(staff.iros))]
        sex = "F" if rng.random() < 0.44 else "M"
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        ethnicity = rng.choices(self._ethnic[0], cum_weights=self._ethnic[1])[0]
        digits = f"{rng.randrange(10**10, 10**11)}{rng.randrange(10)}"
        upn = upn_check_letter(digits) + digits  # ID-UPN
        self.tables["child"].add(
            str(child_pk),
            f"{CHILD_ID_PREFIX}{child_pk:07d}",
            first,
            last,
            d(dob),
            sex,
            ethnicity,
            upn,
            str(team),
            str(social_worker) if is_open else N,
            str(iro) if is_open else N,
            "[]",
        )
        self.counts.children += 1
        self._log("child", child_pk, f"{first} {last}", start, social_worker)

        periods = []
        earlier_end = start - timedelta(days=rng.randint(60, 900))
        if rng.random() < SHARE_SECOND_PERIOD and earlier_end > max(
            dob + timedelta(days=30), today - timedelta(days=int(HISTORY_YEARS * 365))
        ):
            earlier_start = earlier_end - timedelta(days=rng.randint(30, 700))
            earlier_start = max(earlier_start, dob + timedelta(days=1))
            if earlier_start < earlier_end:
                periods.append((earlier_start, earlier_end))
        periods.append((start, end))
        for p_start, p_end in periods:
            self._period(child_pk, p_start, p_end, dob, team, social_worker, iro)
        self._allocations(child_pk, periods[0][0], end, team, social_worker, iro)
        # Someone looked at the child's page, twice, recently.
        for _ in range(2):
            when = today - timedelta(days=rng.randint(0, 400))
            self._log("child", child_pk, f"{first} {last}", when, iro, action=3)

    def _allocations(self, child_pk, first_start, end, team, social_worker, iro):
        rng, d, staff = self.rng, self.d, self.staff
        # Earlier social workers and IROs, then the current ones.
        changes = rng.choice((0, 0, 1, 1, 2))
        span = ((end or self.today) - first_start).days
        starts = sorted(
            first_start + timedelta(days=rng.randint(1, max(span, 2)))
            for _ in range(changes)
        )
        bounds = [first_start, *starts]
        for i, started in enumerate(bounds):
            last = i == len(bounds) - 1
            ended = None if last else bounds[i + 1]
            if last and end is not None:
                ended = end
            worker = social_worker if last else rng.choice(staff.social_workers[team])
            self.tables["swa"].add(
                str(self.next_id("swa")),
                str(child_pk),
                str(worker),
                str(team),
                d(started),
                d(ended),
            )
        changes = rng.choice((0, 0, 0, 1, 1, 2))
        starts = sorted(
            first_start + timedelta(days=rng.randint(1, max(span, 2)))
            for _ in range(changes)
        )
        bounds = [first_start, *starts]
        for i, started in enumerate(bounds):
            last = i == len(bounds) - 1
            ended = None if last else bounds[i + 1]
            if last and end is not None:
                ended = end
            who = iro if last else staff.iros[rng.randrange(len(staff.iros))]
            self.tables["iroa"].add(
                str(self.next_id("iroa")),
                str(child_pk),
                str(who),
                d(started),
                d(ended),
                "Allocated when the child became looked after" if i == 0 else "",
                "" if ended is None else "Caseload balancing",
                d(started + timedelta(days=5)),
                d(started + timedelta(days=3)),
            )

    def _period(self, child_pk, start, end, dob, team, social_worker, iro):
        rng, d, today = self.rng, self.d, self.today
        period_pk = self.next_id("period")
        authority = placed = None
        authority_type = ""
        if (start - dob).days < 5 * 365 and rng.random() < SHARE_ADOPTION * 4:
            authority = start + timedelta(days=rng.randint(150, 700))
            limit = end or today
            if authority < limit:
                authority_type = "placement_order"
                if rng.random() < 0.5:
                    placed = authority + timedelta(days=rng.randint(60, 300))
                    if placed >= limit:
                        placed = None
            else:
                authority = None
        reason_ended = rng.choice(PERIOD_END) if end else ""
        if end and placed:
            reason_ended = "E11"
        self.tables["period"].add(
            str(period_pk),
            str(child_pk),
            d(start),
            d(end),
            reason_ended,
            d(authority),
            authority_type,
            d(placed),
        )
        self.counts.periods += 1
        self._log("period", period_pk, "Period of care", start, social_worker)
        self._episodes(period_pk, start, end, reason_ended, authority, placed)
        self._reviews(
            child_pk, period_pk, start, end, dob, team, iro, authority, placed
        )

    def _episodes(self, period_pk, start, end, reason_ended, authority, placed):
        rng, d = self.rng, self.d
        limit = end or self.today
        span = (limit - start).days
        moves = min(span // 120, rng.choice((0, 1, 1, 2, 2, 3, 4)))
        starts = sorted(
            {start + timedelta(days=rng.randint(1, max(span, 2))) for _ in range(moves)}
        )
        starts = [s for s in starts if s < limit]
        bounds = [start, *starts]
        legal = rng.choices(self._legal[0], cum_weights=self._legal[1])[0]
        cin = rng.choice(CIN)
        postcode = (
            f"{rng.choice('ABCDEFGHKLMNPRSTW')}{rng.randint(1, 29)} {rng.randint(1, 9)}"
        )
        for i, started in enumerate(bounds):
            last = i == len(bounds) - 1
            ended = bounds[i + 1] if not last else end
            if authority and started >= authority:
                legal = "E1"
            place = rng.choices(self._place[0], cum_weights=self._place[1])[0]
            if placed and started >= placed:
                place = "A6"
            provider = "" if place in NO_PROVIDER else rng.choice(PROVIDERS)
            if place == "P1":
                provider = "PR0"
            self.tables["episode"].add(
                str(self.next_id("episode")),
                str(period_pk),
                d(started),
                "S" if i == 0 else rng.choice(RNE_LATER),
                legal,
                cin,
                place,
                provider,
                d(ended),
                "" if ended is None else ("X1" if not last else reason_ended),
                "" if i == 0 else rng.choice(PLACE_CHANGE),
                postcode,
                f"{rng.choice('ABCDEFGHKLMNPRSTW')}{rng.randint(1, 29)} {rng.randint(1, 9)}",
            )
            self.counts.episodes += 1

    def _rule(self, due) -> str:
        return _text(timescales.explain(due))

    def _due(self, start, held, authority, placed):
        """The engine's next review, knowing adoption dates only once they happened."""
        due = timescales.next_review_due(start, held)
        if authority is None or authority >= due.date:
            return due
        return timescales.next_review_due(
            start,
            held,
            authority_to_place_on=authority,
            placed_for_adoption_on=placed if placed and placed < due.date else None,
        )

    def _reviews(
        self, child_pk, period_pk, start, end, dob, team, iro, authority, placed
    ):
        rng, today = self.rng, self.today
        staff = self.staff
        limit = end or today
        held: list[date] = []
        overdue_now = end is None and rng.random() < SHARE_OVERDUE
        tm = staff.team_managers[team]
        sws = staff.social_workers[team]
        latest_recent = None
        while True:
            due = self._due(start, held, authority, placed)
            if due.date > limit:
                break
            if overdue_now and today - timedelta(days=70) < due.date < today:
                break  # left open, past its due date
            held_on = due.date - timedelta(days=rng.randint(0, 21))
            if rng.random() < SHARE_LATE:
                held_on = due.date + timedelta(days=rng.randint(1, 45))
            held_on = weekday_on_or_before(held_on)
            if held and held_on <= held[-1]:
                held_on = held[-1] + timedelta(days=1)
            held_on = max(held_on, start + timedelta(days=1))
            if held_on > limit or held_on > today:
                break
            kind = self._kind(due, len(held))
            self._held_review(
                child_pk, period_pk, due, held_on, kind, dob, tm, sws, iro, team
            )
            if held_on >= self.recent_since:
                latest_recent = self.ids["review"]
            held.append(held_on)
            # Now and then an additional review, held between two statutory ones.
            if rng.random() < 0.03 and held_on + timedelta(days=40) < limit:
                extra_on = weekday_on_or_before(
                    held_on + timedelta(days=rng.randint(30, 90))
                )
                if extra_on < limit and extra_on <= today:
                    extra_due = self._due(start, held, authority, placed)
                    if extra_on < extra_due.date:
                        self._held_review(
                            child_pk,
                            period_pk,
                            extra_due,
                            extra_on,
                            "additional",
                            dob,
                            tm,
                            sws,
                            iro,
                            team,
                        )
                        held.append(extra_on)
        if end is None:
            due = timescales.next_review_due(
                start,
                held,
                authority_to_place_on=authority,
                placed_for_adoption_on=placed,
            )
            self._open_review(child_pk, period_pk, due, len(held), tm, sws, iro)
            if latest_recent is not None and held:
                self._progress(latest_recent, held[-1], due.date, iro)

    def _kind(self, due, held_count: int) -> str:
        if due.track == timescales.ADOPTION_AUTHORISED:
            return "adoption_authorised"
        if due.track == timescales.ADOPTION_PLACED:
            return "adoption_placed"
        return {0: "initial", 1: "second"}.get(held_count, "subsequent")

    def _held_review(
        self, child_pk, period_pk, due, held_on, kind, dob, tm, sws, iro, team
    ):
        rng, d, today = self.rng, self.d, self.today
        review_pk = self.next_id("review")
        age = (held_on - dob).days / 365.25
        pn = "PN0" if age < 4 else rng.choices(self._pn[0], cum_weights=self._pn[1])[0]
        since = (today - held_on).days
        if since > 75:
            status = "closed"
        else:
            status = RECENT_STATUS[min(since // 15, len(RECENT_STATUS) - 1)]
        submitted = held_on + timedelta(days=rng.randint(1, 5))
        decided = submitted + timedelta(days=rng.randint(1, 5))
        after_rd = status not in ("held", "rd_submitted")
        self.tables["review"].add(
            str(review_pk),
            str(child_pk),
            str(period_pk),
            kind,
            status,
            d(due.date),
            due.track,
            self._rule(due),
            "",
            f"{d(held_on)} 10:00:00+00",
            d(held_on),
            d(held_on + timedelta(days=rng.randint(5, 20)))
            if status == "closed"
            else N,
            pn,
            "iro",
            N,
            "t",
            d(submitted) if status != "held" and submitted <= today else N,
            str(tm) if after_rd and decided <= today else N,
            d(decided) if after_rd and decided <= today else N,
            "0",
            "",
            N,
            "",
            "face_to_face" if rng.random() < 0.8 else "online",
            "Foster home",
        )
        self.counts.reviews += 1
        if held_on < self.recent_since:
            return
        # The reviews of the last two years carry their cycle's records.
        by = rng.choice(sws)
        self.tables["event"].add(
            str(self.next_id("event")),
            str(review_pk),
            "in_progress",
            "held",
            "held",
            str(iro),
            f"{d(held_on)} 12:00:00+00",
        )
        self._log("review", review_pk, "Review", held_on, iro, action=1)
        for number in range(rng.choice((2, 3, 3, 4))):
            decision_due = held_on + timedelta(days=rng.choice((28, 42, 56, 90)))
            state = "open"
            if decision_due < today:
                state = rng.choice(("achieved", "achieved", "partly", "not_achieved"))
            role, owner = DECISION_OWNERS[(number + review_pk) % len(DECISION_OWNERS)]
            self.tables["decision"].add(
                str(self.next_id("decision")),
                str(review_pk),
                "decision" if number else "recommendation",
                DECISION_TEXT[(review_pk + number) % len(DECISION_TEXT)],
                owner,
                role,
                d(decision_due),
                "Recorded on the child's file and checked at the progress review",
                state,
            )
            self.counts.decisions += 1
        if age >= 4:
            self.tables["consultation"].add(
                str(self.next_id("consultation")),
                str(review_pk),
                "child",
                "",
                rng.choice(("form", "booklet", "momo", "meeting", "text")),
                d(held_on - timedelta(days=rng.randint(2, 10))),
                "School is better and I like my carers",
                "I want to see my brother more",
                "More time with my family",
                "t" if rng.random() < 0.6 else "f",
            )
            self.counts.consultations += 1
        if rng.random() < 0.35:
            self.tables["consultation"].add(
                str(self.next_id("consultation")),
                str(review_pk),
                "parent",
                "Parent",
                "phone",
                d(held_on - timedelta(days=rng.randint(2, 10))),
                "Contact is going well",
                "The travel to contact is long",
                "Contact nearer home",
                "f",
            )
            self.counts.consultations += 1
        self.tables["contact"].add(
            str(self.next_id("contact")),
            str(child_pk),
            str(review_pk),
            str(iro),
            d(held_on - timedelta(days=rng.randint(1, 14))),
            "visit" if rng.random() < 0.7 else "video",
            rng.choice(("yes", "yes", "no", "refused")),
        )
        if rng.random() < CHALLENGE_RATE:
            self._challenge(child_pk, review_pk, held_on, team, by, iro, tm)

    def _open_review(self, child_pk, period_pk, due, held_count, tm, sws, iro):
        rng, d, today = self.rng, self.d, self.today
        review_pk = self.next_id("review")
        status = rng.choices(self._open[0], cum_weights=self._open[1])[0]
        if due.date < today and status in ("in_progress", "adjourned"):
            status = "planned"
        rag = (
            "red"
            if due.date < today
            else ("amber" if due.date <= self.amber_until else "green")
        )
        scheduled = None
        if status != "planned":
            scheduled = weekday_on_or_before(
                due.date - timedelta(days=rng.randint(1, 14))
            )
        self.tables["review"].add(
            str(review_pk),
            str(child_pk),
            str(period_pk),
            self._kind(due, held_count),
            status,
            d(due.date),
            due.track,
            self._rule(due),
            rag,
            f"{d(scheduled)} 10:00:00+00" if scheduled else N,
            N,
            N,
            "",
            "",
            N,
            N,
            N,
            N,
            N,
            "1" if status == "adjourned" else "0",
            "The child was unwell" if status == "adjourned" else "",
            d(due.date) if status == "adjourned" else N,
            "",
            "face_to_face" if scheduled else "",
            "Foster home" if scheduled else "",
        )
        self.counts.reviews += 1
        self.counts.open_reviews += 1
        if due.date < today:
            self.counts.overdue += 1
        planned_at = due.date - timedelta(days=170)
        self.tables["event"].add(
            str(self.next_id("event")),
            str(review_pk),
            "",
            "planned",
            "planned",
            N,
            f"{d(min(planned_at, today))} 02:00:00+00",
        )
        sw = rng.choice(sws)
        if status != "planned":
            captured = min(today, due.date - timedelta(days=30))
            self.tables["choices"].add(
                str(self.next_id("choices")), str(review_pk), d(captured), str(sw), "no"
            )
        if status in ("invitations_issued", "in_progress", "adjourned"):
            submitted = min(today, due.date - timedelta(days=25))
            self.tables["checklist"].add(
                str(self.next_id("checklist")),
                str(review_pk),
                str(sw),
                d(submitted),
                str(iro),
                d(submitted + timedelta(days=1)),
            )

    def _progress(self, review_pk, held_on, next_due, iro):
        rng, d, today = self.rng, self.d, self.today
        target = held_on + (next_due - held_on) / 2
        done = target <= today and rng.random() < 0.8
        self.tables["progress"].add(
            str(self.next_id("progress")),
            str(review_pk),
            d(target),
            d(target) if done else N,
            str(iro) if done else N,
            "Decisions on track" if done else "",
        )

    def _challenge(self, child_pk, review_pk, held_on, team, sw, iro, tm):
        rng, d, today = self.rng, self.d, self.today
        pk = self.next_id("challenge")
        raised = held_on + timedelta(days=rng.randint(1, 20))
        if raised > today:
            raised = today
        formal = rng.random() < 0.12
        due = timescales.add_working_days(raised, 10)
        closed = (today - raised).days > 45
        closed_on = (
            min(today, raised + timedelta(days=rng.randint(5, 40))) if closed else None
        )
        outcome = rng.choice(OUTCOMES) if closed else ""
        self.tables["challenge"].add(
            str(pk),
            str(child_pk),
            str(review_pk),
            rng.choice(CHALLENGE_CATEGORY),
            "The care plan has not progressed since the last review.",
            "Delay in permanence for the child.",
            str(team),
            str(sw),
            str(iro),
            d(raised),
            "formal" if formal else "informal",
            "1" if formal else "0",
            d(raised + timedelta(days=10)) if formal else N,
            "closed" if closed else "awaiting_response",
            outcome,
            "The plan moved on." if closed else "",
            d(closed_on),
            "[]",
        )
        self.counts.challenges += 1
        stages = [0, 1] if formal else [0]
        for number in stages:
            started = raised if number == 0 else raised + timedelta(days=10)
            last = number == stages[-1]
            ended = None
            if not last:
                ended = started + timedelta(days=10)
            elif closed:
                ended = closed_on
            responded = ended is not None
            self.tables["stage"].add(
                str(self.next_id("stage")),
                str(pk),
                str(number),
                str(tm),
                d(started),
                d(due if number == 0 else timescales.add_working_days(started, 20)),
                "10 working days after the challenge was raised",
                "Agreed: the plan will be updated." if responded else "",
                str(tm) if responded else N,
                f"{d(ended)} 15:00:00+00" if responded else N,
                d(ended),
            )
        self.tables["cevent"].add(
            str(self.next_id("cevent")),
            str(pk),
            "raised",
            "0",
            str(iro),
            f"{d(raised)} 11:00:00+00",
            "",
        )
        if closed:
            self.tables["cevent"].add(
                str(self.next_id("cevent")),
                str(pk),
                "resolved",
                str(stages[-1]),
                str(iro),
                f"{d(closed_on)} 11:00:00+00",
                "",
            )

    def _log(self, kind, pk, text, on, actor, *, action=0):
        d = self.d
        content_type = self.ct[kind]
        changes = (
            f'{{"id": ["None", "{pk}"]}}'
            if action == 0
            else ('{"status": ["in_progress", "held"]}' if action == 1 else N)
        )
        self.tables["log"].add(
            str(self.next_id("log")),
            str(content_type),
            str(pk),
            str(pk),
            text,
            str(action),
            changes,
            "",
            f"{d(on)} 09:00:00+00",
            str(actor),
        )
        self.counts.audit += 1


def seed(
    *,
    children: int,
    seed_value: int,
    today: date,
    connect: Callable[[], object],
    make_staff: Callable[[], Staff],
    content_types: dict[str, int],
    progress: Callable[[str], None] = lambda line: None,
) -> Population:
    """Generate and write every child's history; return the population (its counts)."""
    rng = random.Random(seed_value)
    staff = make_staff()
    now = datetime.now(tz=UTC).isoformat()
    writer = Writer(connect)
    population = Population(
        rng=rng,
        today=today,
        staff=staff,
        writer=writer,
        content_types=content_types,
        now=now,
    )
    # Rows already there (none after --reset, bar anything the staff set-up logged).
    with connect() as conn:
        for key, table in population.tables.items():
            top = conn.execute(
                f"SELECT coalesce(max(id), 0) FROM {table.name}"
            ).fetchone()[0]  # noqa: S608
            if top:
                if key == "child":
                    raise RuntimeError("children already present")
                population.ids[key] = top
    started = last_report = time.perf_counter()
    try:
        for number in range(1, children + 1):
            population.child(number)
            if number % 2_000 == 0:
                population.flush()
            if number % 100 == 0 or number == children:
                now_ = time.perf_counter()
                if now_ - last_report < 2 and number != children:
                    continue
                last_report = now_
                elapsed = now_ - started
                rate = number / elapsed if elapsed else 0
                eta = (children - number) / rate if rate else 0
                progress(
                    f"children {number:,}/{children:,} ({100 * number // children}%), "
                    f"reviews {population.counts.reviews:,}, "
                    f"{elapsed:.0f} s, about {eta:.0f} s to go"
                )
        population.flush(force=True)
    finally:
        writer.close()
    population.counts.extra["fast_load"] = writer.fast
    return population


def stderr_progress(line: str) -> None:
    """One line rewritten in place on a terminal; a line every 2 s in a log."""
    if sys.stderr.isatty():
        sys.stderr.write("\r" + line.ljust(100))
    else:
        sys.stderr.write(line + "\n")
    sys.stderr.flush()
