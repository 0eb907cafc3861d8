"""The world every proof harness walks: a user per role, and children in and out of scope.

`build_proof_world()` writes it; tests/proof/conftest.py builds it once per test module
inside a transaction and gives every test a fresh copy (`proof_world`), each test in a
savepoint of its own that is rolled back (docs/quality.md, "The proof world").

What it holds (today is the day the tests run; every child looked after since
6 January 2025):

- Teams North, South and East. `users` holds one user per role (the walkers sign in as
  these): the IRO, the Duty IRO (who is an IRO too: two roles), the IRO service manager,
  North's social worker and team manager, a senior manager over North, business support
  and an administrator. `people` holds the others: South's IRO, social worker and team
  manager, and East's team manager who is also a social worker (two roles).
- Six children (`children`, by key), each named with words no page prints otherwise:
  - "in" (`in_child`, Northa Inscope): North, the IRO's; nothing else about them, so
    that the URL table's statuses (a first review planned, not yet scheduled) hold;
  - "north_held": North, the IRO's; the first review held, the second planned;
  - "north_unallocated": North, no IRO (on the duty rota); a review cancelled as
    entered twice, and the next planned;
  - "east_duty": East, the Duty IRO's own child, whose social worker is East's
    team manager; the first review scheduled;
  - "out" (`out_child`, Zephyrine Outofscope): South; the IRO's former child (their
    allocation ended when South's IRO took over);
  - "south_scheduled": South, South's IRO's; the first review scheduled.
- Duty covers (`covers`): the Duty IRO covers the IRO today (absence) and the duty rota
  today (unallocated children); they covered South's IRO last month and will again next
  month, so neither South child is theirs today.
- `scope`: for every user above (by role in `users`, by key in `people`), the keys of
  the children they may see today; `hidden_names[role]`: the names of the children a
  role's user may not see, which must appear in no page they get.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from accounts.models import Role
from tests.factories import ChildFactory, IroAllocationFactory, TeamFactory, make_user

IN_SCOPE_NAME = ("Northa", "Inscope")
OUT_OF_SCOPE_NAME = ("Zephyrine", "Outofscope")

# Every child: its name (words found nowhere else), team, social worker, IRO.
CHILDREN = {
    "in": (IN_SCOPE_NAME, "north", Role.SOCIAL_WORKER, Role.IRO),
    "north_held": (("Brisbeth", "Northsecond"), "north", Role.SOCIAL_WORKER, Role.IRO),
    "north_unallocated": (
        ("Ulvhild", "Rotacover"),
        "north",
        Role.SOCIAL_WORKER,
        None,
    ),
    "east_duty": (("Dagmara", "Eastduty"), "east", "tm_sw_east", Role.DUTY_IRO),
    "out": (OUT_OF_SCOPE_NAME, "south", "sw_south", "iro_south"),
    "south_scheduled": (
        ("Fennimore", "Southscheduled"),
        "south",
        "sw_south",
        "iro_south",
    ),
}
NORTH = frozenset({"in", "north_held", "north_unallocated"})
EVERY_CHILD = frozenset(CHILDREN)
# Who may see which child today (children.permissions, with the covers above).
SCOPE = {
    Role.IRO: frozenset({"in", "north_held"}),  # not "out": their allocation ended
    Role.DUTY_IRO: NORTH | {"east_duty"},  # own, the IRO's (absence), the rota's
    Role.IRO_MANAGER: EVERY_CHILD,
    Role.SOCIAL_WORKER: NORTH,
    Role.TEAM_MANAGER: NORTH,
    Role.SENIOR_MANAGER: NORTH,
    Role.BUSINESS_SUPPORT: EVERY_CHILD,
    Role.ADMINISTRATOR: frozenset(),
    "iro_south": frozenset({"out", "south_scheduled"}),
    "sw_south": frozenset({"out", "south_scheduled"}),
    "tm_south": frozenset({"out", "south_scheduled"}),
    "tm_sw_east": frozenset({"east_duty"}),
}
FIRST_DAY = date(2025, 1, 6)  # tests/factories.py PeriodOfCareFactory.started_on


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def hidden_names(scope) -> tuple[str, ...]:
    """The first and last names of every child outside `scope` (keys of CHILDREN)."""
    return tuple(
        name for key in sorted(EVERY_CHILD - scope) for name in CHILDREN[key][0]
    )


def build_proof_world() -> dict:
    """Write the proof world (see the module's docstring) and return what it holds."""
    from iro.services import duty_cover_set, iro_allocate
    from reviews import services as reviews

    today = timezone.localdate()
    teams = {
        name: TeamFactory(name=name.title()) for name in ("north", "south", "east")
    }
    # The IRO first: the URL table's "an IRO" is the first IRO by id.
    iro = make_user(Role.IRO, username="p_iro")
    people = {"iro_south": make_user(Role.IRO, username="p_iro_south")}
    users = {
        Role.IRO: iro,
        Role.DUTY_IRO: make_user(Role.IRO, Role.DUTY_IRO, username="p_duty"),
        Role.IRO_MANAGER: make_user(Role.IRO_MANAGER, username="p_manager"),
        Role.SOCIAL_WORKER: make_user(
            Role.SOCIAL_WORKER, username="p_sw", team=teams["north"]
        ),
        Role.TEAM_MANAGER: make_user(
            Role.TEAM_MANAGER, username="p_tm", team=teams["north"]
        ),
        Role.SENIOR_MANAGER: make_user(Role.SENIOR_MANAGER, username="p_hos"),
        Role.BUSINESS_SUPPORT: make_user(Role.BUSINESS_SUPPORT, username="p_bs"),
        Role.ADMINISTRATOR: make_user(
            Role.ADMINISTRATOR, username="p_admin", is_staff=True
        ),
    }
    assert set(users) == set(Role), "tests/proof/world.py needs a user per role"
    users[Role.SENIOR_MANAGER].overseen_teams.add(teams["north"])
    people["sw_south"] = make_user(
        Role.SOCIAL_WORKER, username="p_sw_south", team=teams["south"]
    )
    # The URL table's _team_manager_for finds this one rather than making one.
    people["tm_south"] = make_user(
        Role.TEAM_MANAGER, username=f"p_tm_{teams['south'].pk}", team=teams["south"]
    )
    people["tm_sw_east"] = make_user(
        Role.TEAM_MANAGER, Role.SOCIAL_WORKER, username="p_tm_sw", team=teams["east"]
    )
    manager = users[Role.IRO_MANAGER]
    duty = users[Role.DUTY_IRO]
    who = {**users, **people}

    covers = {
        "absence": duty_cover_set(
            duty_iro=duty,
            covered_iro=iro,
            starts_on=today - timedelta(days=1),
            ends_on=today + timedelta(days=1),
            by=manager,
        ),
        "rota": duty_cover_set(
            duty_iro=duty,
            starts_on=today - timedelta(days=1),
            ends_on=today + timedelta(days=1),
            by=manager,
        ),
        "past": duty_cover_set(
            duty_iro=duty,
            covered_iro=people["iro_south"],
            starts_on=today - timedelta(days=35),
            ends_on=today - timedelta(days=28),
            by=manager,
        ),
        "future": duty_cover_set(
            duty_iro=duty,
            covered_iro=people["iro_south"],
            starts_on=today + timedelta(days=28),
            ends_on=today + timedelta(days=35),
            by=manager,
        ),
    }

    # In this order: the URL table's "a child" is the first child by id (in_child).
    children = {}
    for key, ((first, last), team, social_worker, child_iro) in CHILDREN.items():
        children[key] = ChildFactory(
            first_name=first,
            last_name=last,
            team=teams[team],
            social_worker=who[social_worker],
            # in_child as before: its IRO set, no allocation rows (the table's builders
            # add them); the others allocated through the service below.
            iro=who[child_iro] if key == "in" else None,
        )
    for key in ("north_held", "east_duty", "south_scheduled"):
        iro_allocate(
            child=children[key],
            iro=who[CHILDREN[key][3]],
            on=FIRST_DAY,
            by=manager,
            reason="First allocation",
        )
    # The IRO's former child: rows as an import of the history would write them (the
    # allocation service also tells the IRO, by name, which the walk would then find
    # on their notifications page; see docs/quality.md).
    out = children["out"]
    former = IroAllocationFactory(
        child=out,
        iro=iro,
        started_on=FIRST_DAY,
        ended_on=date(2025, 6, 2),
        reason="First allocation",
        end_reason="The IRO's caseload was rebalanced",
        allocated_by=manager,
    )
    IroAllocationFactory(
        child=out,
        iro=people["iro_south"],
        started_on=date(2025, 6, 2),
        reason="The IRO's caseload was rebalanced",
        allocated_by=manager,
    )
    out.iro = people["iro_south"]
    out.save(update_fields=["iro", "updated_at"])

    def period(key):
        return children[key].periods_of_care.get()

    reviews_held = {}
    # north_held: the first review scheduled, started and held; the second planned.
    first = reviews.review_plan_next(period=period("north_held"), by=None)
    reviews.review_schedule(
        review=first,
        by=iro,
        scheduled_for=_aware(date(2025, 1, 30)),
        venue="The child's school",
        format="face_to_face",
    )
    reviews.child_contact_record(
        child=children["north_held"],
        review=first,
        by=iro,
        on=date(2025, 1, 20),
        how="visit",
        alone="yes",
    )
    reviews.review_start(
        review=first, by=iro, held_on=date(2025, 1, 30), social_worker_present=True
    )
    held, following = reviews.review_hold(
        review=first,
        by=iro,
        participation="PN1",
        chaired_by="iro",
        next_review_date=date(2025, 4, 29),
        today=today,
    )
    reviews_held["held"] = held
    reviews_held["planned_after_held"] = following
    # north_unallocated: a review entered twice, cancelled; the next planned.
    cancelled = reviews.review_plan_next(period=period("north_unallocated"), by=None)
    reviews_held["cancelled"] = reviews.review_cancel(
        review=cancelled, by=manager, reason="duplicate", today=today
    )
    reviews_held["planned"] = reviews.review_plan_next(
        period=period("north_unallocated"), by=None
    )
    # east_duty and south_scheduled: the first review scheduled.
    for key, chair in (("east_duty", duty), ("south_scheduled", people["iro_south"])):
        review = reviews.review_plan_next(period=period(key), by=None)
        reviews_held[f"scheduled_{key.split('_')[0]}"] = reviews.review_schedule(
            review=review,
            by=chair,
            scheduled_for=_aware(date(2025, 1, 29), hour=14),
            venue="The family centre",
            format="face_to_face",
        )

    for child in children.values():
        child.refresh_from_db()
    return {
        "users": users,
        "people": people,
        "teams": teams,
        "two_roles": {
            "iro_and_duty_iro": duty,
            "team_manager_and_social_worker": people["tm_sw_east"],
        },
        "in_child": children["in"],
        "out_child": children["out"],
        "children": children,
        "covers": covers,
        "former_allocation": former,
        "reviews": reviews_held,
        "scope": dict(SCOPE),
        "hidden_names": {role: hidden_names(SCOPE[role]) for role in Role},
    }
