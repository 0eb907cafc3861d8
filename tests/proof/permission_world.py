"""The permission tables' world: the proof world and what the tables add to it.

The tables (tests/proof/test_permission_table*.py) ask every rule of every
permissions module about the people and children of the proof world
(tests/proof/world.py). A few relationships and records the other walkers do not
need are added here, once per test module, inside the world's own transaction
(`permission_world` below), so that the URL walk and the CSRF sweep never see them:

- the social workers' allocations of "out": North's social worker (and team) until
  2 June 2025, when it moved to South (the world has the IRO's allocations);
- people: a social worker and a team manager with no team, a senior manager over no
  team, and a North team manager whose account is closed (`inactive`);
- a child with no team ("no_team", the IRO's; its first review planned) and a
  review of the IRO's former child ("planned_out");
- the secure accommodation reviews: South's IRO chairs the planned one of
  "north_unallocated" (`secure_chair`), and chaired the one of "east_duty", held
  (a former chair);
- the held review's record (written by the IRO, not finalised) and three
  consultations for it: the child's, kept to the IRO; the child's, shared with the
  social worker; a parent's;
- challenges on "north_held" (raised by the IRO, answered by North's team manager),
  "east_duty" (raised by the Duty IRO, answered by East's team manager, who is the
  child's social worker) and "out" (raised by the IRO while the child was North's,
  answered now by South's team manager);
- practice acknowledgements, observations and case audits, among them those about
  the child "out" from before the move (North's worker's, the former IRO's);
- stored documents (rows only, no files): the held review's record, an invitation to
  South's review, the former IRO's farewell letter, the Duty IRO's introduction;
  copies of that record sent by email to South's social worker, a carer without an
  account and the closed account;
- notifications linking to pages in and out of each person's scope.

`who(world, key)` and `what(world, key)` read a table row's user and object. An
object key may name a change made for that row only (`key|change`, GIVENS), inside
the test's savepoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.factories import ChildFactory, make_user
from tests.proof.world import FIRST_DAY

MOVED_ON = date(2025, 6, 2)  # "out" was North's and the IRO's until then
BEFORE_THE_MOVE = date(2025, 5, 1)

# Short names for the world's people (the users by role and the others).
PEOPLE = {
    "iro": Role.IRO,
    "duty": Role.DUTY_IRO,
    "manager": Role.IRO_MANAGER,
    "sw": Role.SOCIAL_WORKER,
    "tm": Role.TEAM_MANAGER,
    "hos": Role.SENIOR_MANAGER,
    "bs": Role.BUSINESS_SUPPORT,
    "admin": Role.ADMINISTRATOR,
}


def build_permission_extras(world: dict) -> dict:
    """Write what the tables add to the proof world (see the module's docstring)."""
    from children.models import SignificantEvent, SocialWorkerAllocation
    from children.services import secure_placement_record
    from core.models import Notification
    from disputes import services as disputes
    from disputes.models import CaseAudit, Category, PracticeAcknowledgement
    from documents.models import Document
    from iro.services import iro_allocate
    from reviews import services as reviews
    from reviews.models import Consultation, ReviewRecord
    from reviews.services import secure

    today = timezone.localdate()
    teams, children = world["teams"], world["children"]
    u = {short: world["users"][role] for short, role in PEOPLE.items()}
    u.update(world["people"])
    iro, duty, manager = u["iro"], u["duty"], u["manager"]

    people = {
        "sw_no_team": make_user(Role.SOCIAL_WORKER, username="t_sw_no_team"),
        "tm_no_team": make_user(Role.TEAM_MANAGER, username="t_tm_no_team"),
        "hos_no_teams": make_user(Role.SENIOR_MANAGER, username="t_hos_no_teams"),
        "inactive": make_user(
            Role.TEAM_MANAGER, username="t_tm_left", team=teams["north"]
        ),
    }
    people["inactive"].is_active = False
    people["inactive"].save(update_fields=["is_active"])

    # "out" was North's, with North's social worker, until it moved to South (the
    # world records the IRO's allocations; these are the social workers').
    out = children["out"]
    for worker, team, started, ended in (
        ("sw", "north", FIRST_DAY, MOVED_ON),
        ("sw_south", "south", MOVED_ON, None),
    ):
        SocialWorkerAllocation.objects.create(
            child=out,
            social_worker=u[worker],
            team=teams[team],
            started_on=started,
            ended_on=ended,
            allocated_by=manager,
        )

    # A child with no team, the IRO's, and a review of the IRO's former child.
    no_team = ChildFactory(
        first_name="Nadezhda", last_name="Teamless", team=None, social_worker=None
    )
    iro_allocate(
        child=no_team, iro=iro, on=FIRST_DAY, by=manager, reason="First allocation"
    )
    more_reviews = {
        "no_team_planned": reviews.review_plan_next(
            period=no_team.periods_of_care.get(), by=None
        ),
        "planned_out": reviews.review_plan_next(
            period=out.periods_of_care.get(), by=None
        ),
    }

    # Secure accommodation: South's IRO chairs the planned review of
    # north_unallocated, and chaired the (held) review of east_duty.
    iro_south = u["iro_south"]
    secure_reviews = {}
    for key in ("north_unallocated", "east_duty"):
        placement = secure_placement_record(
            child=children[key],
            by=manager,
            started_on=today - timedelta(days=20),
            unit="The secure unit",
        )
        planned = secure.secure_review_plan(placement=placement, by=manager)
        secure_reviews[key] = secure.secure_review_nominate_chair(
            review=planned, by=manager, chair=iro_south
        )
    held_secure, _following = secure.secure_review_record(
        review=secure_reviews["east_duty"],
        by=iro_south,
        held_on=today - timedelta(days=2),
        panel=[
            {"name": "A Chair", "role": "IRO"},
            {"name": "A Member", "role": "Head of service"},
            {"name": "An Outsider", "role": "Independent", "independent": True},
        ],
        views="Views",
        criteria_still_met=True,
        placement_still_necessary=True,
        other_accommodation_more_suitable=False,
        recommendation="Stay",
        today=today,
    )
    secure_reviews = {
        "planned": secure_reviews["north_unallocated"],
        "held": held_secure,
    }

    # The held review's record and consultations (north_held).
    held = world["reviews"]["held"]
    record = ReviewRecord.objects.create(review=held, author=iro, band="13_plus")
    consultation = {
        "review": held,
        "channel": "form",
        "received_on": date(2025, 1, 20),
        "going_well": "School",
    }
    consultations = {
        "childs_private": Consultation.objects.create(
            respondent_role="child", share_with_social_worker=False, **consultation
        ),
        "childs_shared": Consultation.objects.create(
            respondent_role="child", share_with_social_worker=True, **consultation
        ),
        "parents": Consultation.objects.create(
            respondent_role="parent", **consultation
        ),
    }

    def raise_challenge(child, by):
        return disputes.challenge_raise(
            child=child,
            by=by,
            category=Category.OTHER,
            description="A concern",
            impact_for_child="Its impact",
            raised_on=today,
        )

    challenges = {
        "north_held": raise_challenge(children["north_held"], iro),
        "east_duty": raise_challenge(children["east_duty"], duty),
        "out": raise_challenge(out, iro_south),
    }
    # As if the IRO raised it just before the child moved to South.
    challenges["out"].raised_by = iro
    challenges["out"].team_at_time = teams["north"]
    challenges["out"].social_worker_at_time = u["sw"]
    challenges["out"].save(
        update_fields=["raised_by", "team_at_time", "social_worker_at_time"]
    )

    def acknowledge(child, by):
        return disputes.acknowledgement_record(
            child=child,
            by=by,
            kind=PracticeAcknowledgement.Kind.GOOD_PRACTICE,
            description="Good visits",
            impact_for_child="Felt heard",
            recorded_on=today,
        )

    acknowledgements = {
        "north_held": acknowledge(children["north_held"], iro),
        "east_duty": acknowledge(children["east_duty"], duty),
        # North's worker's practice with "out", noted by the IRO before the move.
        "out": PracticeAcknowledgement.objects.create(
            child=out,
            kind=PracticeAcknowledgement.Kind.GOOD_PRACTICE,
            worker=u["sw"],
            team=teams["north"],
            team_manager=u["tm"],
            description="Good visits",
            impact_for_child="Felt heard",
            recorded_on=BEFORE_THE_MOVE,
            recorded_by=iro,
            shared_with_tm_on=BEFORE_THE_MOVE,
        ),
    }
    observations = {
        key: disputes.observation_record(
            iro=person, by=manager, observed_on=today, findings="Chaired well"
        )
        for key, person in (("iro", iro), ("duty", duty))
    }
    audits = {
        key: disputes.audit_record(
            child=children[key], by=manager, audited_on=today, findings="Sound"
        )
        for key in ("north_held", "south_scheduled")
    }
    # The former IRO's work on "out", audited before the move.
    audits["out"] = CaseAudit.objects.create(
        child=out,
        iro=iro,
        audited_on=BEFORE_THE_MOVE,
        findings="Sound",
        recorded_by=manager,
    )

    def document(key, kind, child, **about):
        return Document.objects.create(
            key=f"proof:{key}",
            version=1,
            kind=kind,
            child=child,
            audience="Proof",
            title=key,
            sha256="0" * 64,
            size=1,
            file=f"proof/{key}.pdf",
            **about,
        )

    allocations = {
        "former": world["former_allocation"],
        "out_now": out.iro_allocations.get(ended_on__isnull=True),
        "north_held": children["north_held"].iro_allocations.get(),
        "east_duty": children["east_duty"].iro_allocations.get(),
    }
    documents = {
        "record_held": document(
            "record_held",
            Document.Kind.RECORD_PROFESSIONAL,
            children["north_held"],
            review=held,
        ),
        "invitation_south": document(
            "invitation_south",
            Document.Kind.INVITATION,
            children["south_scheduled"],
            review=world["reviews"]["scheduled_south"],
        ),
        "farewell_out": document(
            "farewell_out",
            Document.Kind.IRO_FAREWELL,
            out,
            allocation=allocations["former"],
        ),
        "introduction_east": document(
            "introduction_east",
            Document.Kind.IRO_INTRODUCTION,
            children["east_duty"],
            allocation=allocations["east_duty"],
        ),
    }

    copies = _record_copies(held, documents["record_held"], u, people)

    event_out = SignificantEvent.objects.create(
        child=out,
        period=out.periods_of_care.get(),
        kind=SignificantEvent.Kind.MISSING,
        occurred_on=BEFORE_THE_MOVE,
        description="Missing overnight",
        recorded_by=u["sw"],
        iro_notified_on=BEFORE_THE_MOVE,
        decision_due=BEFORE_THE_MOVE + timedelta(days=7),
    )
    links = {
        "child_in": reverse("children:detail", args=[children["in"].pk]),
        "child_out": reverse("children:detail", args=[out.pk]),
        "event_out": event_out.get_absolute_url(),
        "review_north_held": held.get_absolute_url(),
        "review_south": world["reviews"]["scheduled_south"].get_absolute_url(),
        "secure_planned": secure_reviews["planned"].get_absolute_url(),
        "secure_held": secure_reviews["held"].get_absolute_url(),
        "challenge_north_held": challenges["north_held"].get_absolute_url(),
        "challenge_out": challenges["out"].get_absolute_url(),
        "acknowledgement_out": acknowledgements["out"].get_absolute_url(),
        # A page with an id that the rule does not know: out of scope for everyone.
        "unknown_page": reverse("reviews:documents", args=[held.pk]),
        "queue": reverse("iro:queue"),
        "none": "",
    }
    key_documents = _key_documents(world, u["sw"])

    notifications = {}
    for person in ("iro", "sw", "iro_south"):
        for link, url in links.items():
            notifications[f"{person}:{link}"] = Notification.objects.create(
                user=u[person], text=f"About {link}", url=url
            )

    for child in [*children.values(), no_team]:
        child.refresh_from_db()
    return {
        "people": people,
        "children": {"no_team": no_team},
        "reviews": more_reviews,
        "secure_reviews": secure_reviews,
        "record": record,
        "consultations": consultations,
        "challenges": challenges,
        "acknowledgements": acknowledgements,
        "observations": observations,
        "audits": audits,
        "allocations": allocations,
        "documents": documents,
        "copies": copies,
        "key_documents": key_documents,
        "notifications": notifications,
    }


def _record_copy(review, record, *, key: str, method: str, by, **contact):
    """A copy of the record made for one more person on the review's list."""
    from documents.models import Distribution
    from reviews.models import Invitee

    invitee = Invitee.objects.create(
        review=review, name=f"Proof {key}", role="other", method=method, **contact
    )
    return Distribution.objects.create(
        review=review,
        invitee=invitee,
        version="professional",
        record_version=1,
        method=method,
        sent_by=by,
        document=record,
    )


def _record_copies(held, record, u: dict, people: dict) -> dict:
    """Copies of the held review's record sent by email (D-SENT): to South's social
    worker (staff who do not see the child), to a carer without an account, and to
    the North team manager whose account is closed."""
    return {
        key: _record_copy(
            held, record, key=key, method="email", by=u["bs"], email=email
        )
        for key, email in (
            ("to_sw_south", u["sw_south"].email),
            ("to_carer", "proof.carer@example.org"),
            ("to_inactive", people["inactive"].email),
        )
    }


def _letter_to_post(world) -> None:
    _record_copy(
        world["reviews"]["held"],
        world["table"]["documents"]["record_held"],
        key="letter",
        method="letter",
        by=who(world, "bs"),
        postal_address="1 Proof Road",
    )


def _key_documents(world: dict, by) -> dict:
    """The social worker's report on North's planned review, waiting to be shared and
    shared, and on the held review (its meeting over): N-BS."""
    from reviews.models import KeyDocument

    made = {}
    for key, review, kind, shared_on in (
        ("waiting", world["reviews"]["planned"], "sw_report", None),
        ("shared", world["reviews"]["planned"], "care_plan", _today()),
        ("after_meeting", world["reviews"]["held"], "sw_report", None),
    ):
        # A file name only: the rule reads the row, and nothing is written to media/.
        made[key] = KeyDocument.objects.create(
            review=review,
            kind=kind,
            by=by,
            shared_on=shared_on,
            file=f"review-documents/proof-{key}.pdf",
        )
    return made


@pytest.fixture(scope="module", name="permission_world")
def permission_world_fixture(_shared_proof_world, django_db_blocker):
    """Add the tables' records to this module's shared proof world, once."""
    from django.test import override_settings

    from tests.proof.conftest import FAST_HASHERS

    world = _shared_proof_world.world
    assert world is not None, "the permission tables need the shared proof world"
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        world["table"] = build_permission_extras(world)
    return _shared_proof_world


@pytest.fixture(name="world")
def world_fixture(permission_world, proof_world):
    """The proof world with the tables' records, fresh instances for this test."""
    return proof_world


# --- Reading a row ------------------------------------------------------------------


def who(world: dict, key: str):
    """The user a row names: a short name (PEOPLE), a person of the world or an extra."""
    if key in PEOPLE:
        return world["users"][PEOPLE[key]]
    return world["people"].get(key) or world["table"]["people"][key]


def every_child(world: dict) -> dict:
    return {**world["children"], **world["table"]["children"]}


def every_review(world: dict) -> dict:
    return {**world["reviews"], **world["table"]["reviews"]}


def keys_of(objects: dict, queryset) -> set[str]:
    """The keys (in `objects`) of what the queryset holds; an unknown row as '?pk'."""
    by_pk = {obj.pk: key for key, obj in objects.items()}
    return {by_pk.get(pk, f"?{pk}") for pk in queryset.values_list("pk", flat=True)}


def _today() -> date:
    return timezone.localdate()


# The days a scope row may be asked about: the Duty IRO covers South's IRO from 28 to
# 35 days ago and from 28 to 35 days on (tests/proof/world.py).
DAYS: dict[str, Callable[[], date]] = {
    "today": _today,
    "last month": lambda: _today() - timedelta(days=30),
    "next month": lambda: _today() + timedelta(days=30),
    "in two months": lambda: _today() + timedelta(days=60),
}


def _update(obj, **fields) -> None:
    for field, value in fields.items():
        setattr(obj, field, value)
    obj.save(update_fields=list(fields))


def _review_event_by(world, person: str, action: str) -> None:
    from reviews.models import ReviewEvent

    held = world["reviews"]["held"]
    ReviewEvent.objects.create(
        review=held,
        from_status=held.status,
        to_status=held.status,
        action=action,
        by=who(world, person),
    )


def _record_finalised(world) -> None:
    _update(
        world["table"]["record"], finalised_by=who(world, "iro"), finalised_on=_today()
    )
    _update(world["reviews"]["held"], status="record_written")


def _answered(world, person: str) -> None:
    from django.utils import timezone

    _update(
        world["table"]["challenges"]["north_held"].current_stage,
        response="Agreed",
        responded_at=timezone.now(),
        responded_by=who(world, person),
    )


# Changes a row may name after its object (`key|change`), made in the test's savepoint.
GIVENS: dict[str, Callable[[dict], None]] = {
    # The held review (north_held): its record written, or finalised, or the meeting
    # held, by North's team manager (as if they were also an IRO).
    "recorded by tm": lambda w: _update(w["table"]["record"], author=who(w, "tm")),
    "finalised by tm": lambda w: _update(
        w["table"]["record"], finalised_by=who(w, "tm"), finalised_on=_today()
    ),
    "held by tm": lambda w: _review_event_by(w, "tm", "held"),
    # The held review's record finalised by the IRO, waiting to be sent.
    "record finalised": lambda w: _record_finalised(w),
    # ... and then sent: it no longer waits for business support (N-BS).
    "record distributed": lambda w: (
        _record_finalised(w),
        _update(w["reviews"]["held"], status="distributed"),
    ),
    # ... with a letter of it still to post: business support's to print (N-BS).
    "record distributed, a letter to post": lambda w: (
        _record_finalised(w),
        _update(w["reviews"]["held"], status="distributed"),
        _letter_to_post(w),
    ),
    # The planned secure review's child (north_unallocated) allocated to its chair.
    "chair now the child's IRO": lambda w: _update(
        w["children"]["north_unallocated"], iro=who(w, "iro_south")
    ),
    # The chair's account closed.
    "chair's account closed": lambda w: _update(who(w, "iro_south"), is_active=False),
    # The challenge on "out" at a stage North's team manager answers.
    "stage owned by tm": lambda w: _update(
        w["table"]["challenges"]["out"].current_stage, owner=who(w, "tm")
    ),
    # The challenge on "north_held" answered at its stage: by its owner (North's team
    # manager), or by the child's social worker on their behalf; then closed (D8).
    "answered": lambda w: _answered(w, "tm"),
    "answered by sw": lambda w: _answered(w, "sw"),
    "answered, then closed": lambda w: (
        _answered(w, "tm"),
        _update(
            w["table"]["challenges"]["north_held"],
            status="closed",
            closed_on=_today(),
            outcome="resolved",
            outcome_impact="A plan for the child",
        ),
    ),
}


# --- Tables -------------------------------------------------------------------------

Ask = Callable[[dict, Callable, Any, str], Any]


@dataclass(frozen=True)
class Cell:
    """One rule asked about one user and one object (or day): the answer expected."""

    rule: Callable
    ask: Ask
    who: str
    what: str
    expected: Any

    @property
    def id(self) -> str:
        return f"{self.rule.__name__}[{self.who} {self.what}]"

    def answer(self, world: dict):
        key, _, change = self.what.partition("|")
        if change:
            GIVENS[change](world)
        return self.ask(world, self.rule, who(world, self.who), key)


def table(rule: Callable, ask: Ask, rows: list[tuple[str, str, Any]]) -> list[Cell]:
    """A rule's table: rows of (user, object or day, the answer expected)."""
    return [Cell(rule, ask, person, what, expected) for person, what, expected in rows]


def matrix(
    rules: tuple[Callable, ...], ask: Ask, rows: list[tuple[str, str, str]]
) -> list[Cell]:
    """Several rules asked about the same rows: each row's answers are one letter per
    rule, in the order of `rules`: Y (yes) or N (no); spaces are ignored."""
    cells = []
    for person, what, answers in rows:
        letters = answers.replace(" ", "")
        assert len(letters) == len(rules) and set(letters) <= {"Y", "N"}, (
            person,
            what,
        )
        for rule, letter in zip(rules, letters, strict=True):
            cells.append(Cell(rule, ask, person, what, letter == "Y"))
    return cells


def params(cells: list[Cell]) -> list:
    ids = [cell.id for cell in cells]
    assert len(ids) == len(set(ids)), "a row is listed twice"
    return [pytest.param(cell, id=cell.id) for cell in cells]


# How a rule is asked: of the user alone, of one object, or for what it lets them see.


def of_user(world, rule, user, what):
    return rule(user)


def on(lookup: Callable[[dict, str], Any]) -> Ask:
    """Ask rule(user, object), the object found by its key."""

    def ask(world, rule, user, key):
        return rule(user, lookup(world, key))

    return ask


def on_table(kind: str) -> Ask:
    """Ask rule(user, object), the object one of the tables' records of that kind."""
    return on(lambda world, key: world["table"][kind][key])


on_child = on(lambda world, key: every_child(world)[key])
on_review = on(lambda world, key: every_review(world)[key])


def found_or_404(world, rule, user, key):
    """visible_child_or_404: True if it gives the child back, False for a 404."""
    child = every_child(world)[key]
    try:
        return rule(user, child.pk) == child
    except Http404:
        return False


def seen(objects: Callable[[dict], dict], *, on_day: bool = True) -> Ask:
    """Ask a `*_visible_to` rule: the keys of what it holds (on a day of DAYS, or
    "-" for a rule that takes no day); None when the rule answers None (everything)."""

    def ask(world, rule, user, day):
        result = rule(user, today=DAYS[day]()) if on_day else rule(user)
        return None if result is None else keys_of(objects(world), result)

    return ask


def seen_children_by_filter(world, rule, user, day):
    """Ask a rule that answers a filter on Child (or None): the children it selects."""
    from children.models import Child

    q = rule(user, DAYS[day]())
    return None if q is None else keys_of(every_child(world), Child.objects.filter(q))
