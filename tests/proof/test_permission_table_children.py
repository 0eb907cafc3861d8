"""Rules as a table: who sees which child, and the rules about a child and an IRO's
allocation (children.permissions, iro.permissions, and the dashboards' scope in
reporting.permissions), asked of every kind of person in the proof world about children
in every relationship to them.

The people (tests/proof/permission_world.py, PEOPLE): the IRO ("iro"); the Duty IRO
("duty", an IRO too), covering the IRO's absence and the duty rota today and South's
IRO last and next month; the IRO service manager; North's social worker ("sw") and team
manager ("tm"); a senior manager over North ("hos"); business support ("bs"); an
administrator; South's IRO, social worker and team manager; East's team manager who is
also the child's social worker ("tm_sw_east", two roles); a social worker and a team
manager with no team; a senior manager over no team; a North team manager whose
account is closed ("inactive").

The children (tests/proof/world.py): "in" and "north_held" (North, the IRO's),
"north_unallocated" (North, no IRO: on the duty rota; South's IRO chairs its secure
accommodation review), "east_duty" (East, the Duty IRO's own; South's IRO chaired its
secure review, now held), "out" (South's now: until June 2025 North's and the IRO's,
with North's social worker), "south_scheduled" (South) and "no_team" (no team, the
IRO's).
"""

import pytest
from django.db.models import Q

from children import permissions as children_rules
from children.permissions import (
    can_edit_child,
    can_read_case_record,
    can_record_significant_event,
    child_in_scope,
    children_visible_to,
    is_childs_social_work_team,
    register_scope,
    visible_child_or_404,
)
from disputes.permissions import can_raise_challenge, can_record_acknowledgement
from iro.permissions import (
    acts_as_iro_for,
    as_iro_children,
    can_decide_significant_event,
    can_make_iro_letters,
    can_record_iro_letter,
    duty_cover_scope,
)
from reporting.permissions import dashboard_scope, dashboard_teams
from reviews.permissions import secure_chair_scope
from tests.proof.permission_world import (
    every_child,
    found_or_404,
    matrix,
    on_child,
    on_table,
    params,
    permission_world_fixture,  # noqa: F401 (a fixture)
    seen,
    seen_children_by_filter,
    table,
    who,
    world_fixture,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db

NORTH = {"in", "north_held", "north_unallocated"}
SOUTH = {"out", "south_scheduled"}
THE_IROS = {"in", "north_held", "no_team"}  # the IRO's own children
EVERY_CHILD = NORTH | SOUTH | {"east_duty", "no_team"}

# Who sees which child (children_visible_to), on a day.
SCOPE = table(
    children_visible_to,
    seen(every_child),
    [
        ("iro", "today", THE_IROS),  # not "out": their allocation ended
        ("iro", "last month", THE_IROS),  # the allocation now, whatever the day
        # Their own, the IRO's (covering an absence) and the rota's (no IRO):
        ("duty", "today", THE_IROS | {"north_unallocated", "east_duty"}),
        ("duty", "last month", {"east_duty"} | SOUTH),  # covering South's IRO
        ("duty", "next month", {"east_duty"} | SOUTH),
        ("duty", "in two months", {"east_duty"}),  # no cover: their own only
        ("manager", "today", EVERY_CHILD),
        ("sw", "today", NORTH),  # the team's; not "out", which left the team
        ("tm", "today", NORTH),
        ("hos", "today", NORTH),  # the teams under them
        ("bs", "today", EVERY_CHILD),  # names and logistics
        ("admin", "today", set()),
        # Their own and the child whose secure review they chair (planned); not
        # "east_duty", whose secure review they chaired (held):
        ("iro_south", "today", SOUTH | {"north_unallocated"}),
        ("sw_south", "today", SOUTH),
        ("tm_south", "today", SOUTH),
        ("tm_sw_east", "today", {"east_duty"}),  # two roles, one team
        ("sw_no_team", "today", set()),  # no team: no child, not the teamless one
        ("tm_no_team", "today", set()),
        ("hos_no_teams", "today", set()),
        ("inactive", "today", set()),
    ],
)

# The children an IRO acts for (as_iro_children), or covers (duty_cover_scope: None
# when no cover), or whose secure review they chair (secure_chair_scope: None when
# none): filters on Child, on a day.
AS_IRO = table(
    as_iro_children,
    seen_children_by_filter,
    [
        ("iro", "today", THE_IROS),
        ("duty", "today", THE_IROS | {"north_unallocated", "east_duty"}),
        ("duty", "last month", {"east_duty"} | SOUTH),
        ("duty", "in two months", {"east_duty"}),
        ("iro_south", "today", SOUTH),  # chairing a secure review is not acting as IRO
        ("manager", "today", set()),  # sees all, acts as nobody's IRO
        ("sw", "today", set()),
        ("tm_sw_east", "today", set()),
        ("bs", "today", set()),
        ("inactive", "today", set()),
    ],
)
COVER = table(
    duty_cover_scope,
    seen_children_by_filter,
    [
        ("duty", "today", THE_IROS | {"north_unallocated"}),  # not their own child
        ("duty", "last month", SOUTH),
        ("duty", "next month", SOUTH),
        ("duty", "in two months", None),
        ("iro", "today", None),
        ("iro_south", "today", None),
        ("manager", "today", None),
        ("sw", "today", None),
    ],
)
SECURE_CHAIR = table(
    secure_chair_scope,
    seen_children_by_filter,
    [
        ("iro_south", "today", {"north_unallocated"}),  # not the held one's child
        ("iro", "today", None),
        ("duty", "today", None),
        ("manager", "today", None),  # nominates, does not chair
        ("sw", "today", None),
    ],
)

# The children whose figures a dashboard counts (None: every child) and the teams
# it may be filtered on (None: every team).
DASHBOARD_SCOPE = table(
    dashboard_scope,
    seen(every_child, on_day=False),
    [
        ("manager", "-", None),
        ("tm", "-", NORTH),
        ("hos", "-", NORTH),
        ("tm_south", "-", SOUTH),
        ("tm_sw_east", "-", {"east_duty"}),
        ("iro", "-", THE_IROS),  # the IRO's own dashboard
        ("duty", "-", THE_IROS | {"north_unallocated", "east_duty"}),
        ("tm_no_team", "-", set()),
        ("hos_no_teams", "-", set()),
        ("inactive", "-", set()),
    ],
)
DASHBOARD_TEAMS = table(
    dashboard_teams,
    seen(lambda world: world["teams"], on_day=False),
    [
        ("manager", "-", None),
        ("hos", "-", {"north"}),
        ("tm", "-", {"north"}),
        ("tm_south", "-", {"south"}),
        ("tm_sw_east", "-", {"east"}),
        ("iro", "-", set()),
        ("duty", "-", set()),
        ("tm_no_team", "-", set()),
        ("hos_no_teams", "-", set()),
        # No dashboard at all (can_view_service_dashboard): the team they belong to.
        ("sw", "-", {"north"}),
        ("bs", "-", set()),
    ],
)

# The rules about one child, asked about each person and a child in some relationship
# to them. The columns, in order:
CHILD_RULES = (
    child_in_scope,  # sees the child at all
    visible_child_or_404,  # Y: the child; N: a 404
    can_read_case_record,  # case notes, consultations, records
    can_edit_child,
    is_childs_social_work_team,
    can_record_significant_event,
    acts_as_iro_for,  # the child's IRO, or the Duty IRO covering today
    can_decide_significant_event,
    can_raise_challenge,
    can_record_acknowledgement,
)


def _child_rule(world, rule, user, key):
    if rule is visible_child_or_404:
        return found_or_404(world, rule, user, key)
    return on_child(world, rule, user, key)


# fmt: off
CHILD = matrix(
    CHILD_RULES,
    _child_rule,
    [
        # who            child                  scope 404 case edit team event iro decide raise ack
        ("iro",          "in",                  "Y     Y   Y    N    N    N     Y   Y      Y     Y"),
        ("iro",          "north_held",          "Y     Y   Y    N    N    N     Y   Y      Y     Y"),
        ("iro",          "no_team",             "Y     Y   Y    N    N    N     Y   Y      Y     Y"),
        ("iro",          "out",                 "N     N   N    N    N    N     N   N      N     N"),  # former
        ("iro",          "south_scheduled",     "N     N   N    N    N    N     N   N      N     N"),
        ("iro",          "north_unallocated",   "N     N   N    N    N    N     N   N      N     N"),  # not on the rota
        ("duty",         "in",                  "Y     Y   Y    N    N    N     Y   Y      Y     Y"),  # absence
        ("duty",         "north_unallocated",   "Y     Y   Y    N    N    N     Y   Y      Y     Y"),  # the rota
        ("duty",         "east_duty",           "Y     Y   Y    N    N    N     Y   Y      Y     Y"),  # their own
        ("duty",         "out",                 "N     N   N    N    N    N     N   N      N     N"),  # last month's
        ("duty",         "south_scheduled",     "N     N   N    N    N    N     N   N      N     N"),  # next month's
        ("manager",      "out",                 "Y     Y   Y    Y    N    Y     N   Y      Y     N"),
        ("manager",      "no_team",             "Y     Y   Y    Y    N    Y     N   Y      Y     N"),
        ("sw",           "in",                  "Y     Y   Y    Y    Y    Y     N   N      N     N"),
        ("sw",           "out",                 "N     N   N    N    N    N     N   N      N     N"),  # left the team
        ("sw",           "east_duty",           "N     N   N    N    N    N     N   N      N     N"),
        ("tm",           "north_held",          "Y     Y   Y    Y    Y    Y     N   N      N     N"),
        ("tm",           "out",                 "N     N   N    N    N    N     N   N      N     N"),  # left the team
        ("hos",          "north_held",          "Y     Y   Y    N    N    N     N   N      N     N"),
        ("hos",          "out",                 "N     N   N    N    N    N     N   N      N     N"),
        ("hos_no_teams", "in",                  "N     N   N    N    N    N     N   N      N     N"),
        ("bs",           "out",                 "Y     Y   N    N    N    N     N   N      N     N"),
        ("admin",        "in",                  "N     N   N    N    N    N     N   N      N     N"),
        ("iro_south",    "out",                 "Y     Y   Y    N    N    N     Y   Y      Y     Y"),
        ("iro_south",    "north_unallocated",   "Y     Y   N    N    N    N     N   N      N     N"),  # secure chair: not the case record
        ("iro_south",    "east_duty",           "N     N   N    N    N    N     N   N      N     N"),  # chaired, held
        ("sw_south",     "out",                 "Y     Y   Y    Y    Y    Y     N   N      N     N"),
        ("tm_south",     "north_held",          "N     N   N    N    N    N     N   N      N     N"),
        ("tm_sw_east",   "east_duty",           "Y     Y   Y    Y    Y    Y     N   N      N     N"),  # two roles
        ("tm_sw_east",   "out",                 "N     N   N    N    N    N     N   N      N     N"),
        ("sw_no_team",   "no_team",             "N     N   N    N    N    N     N   N      N     N"),  # no team either side
        ("tm_no_team",   "no_team",             "N     N   N    N    N    N     N   N      N     N"),
        ("tm_no_team",   "in",                  "N     N   N    N    N    N     N   N      N     N"),
        ("inactive",     "in",                  "N     N   N    N    N    N     N   N      N     N"),  # account closed
    ],
)
# fmt: on

# The IRO's letters of an allocation (introduction, profile card, farewell):
# "former" is the IRO's ended allocation of "out", "out_now" South's IRO's.
LETTERS = table(
    can_make_iro_letters,
    on_table("allocations"),
    [
        ("iro", "north_held", True),  # their allocation now
        ("iro", "former", False),  # their allocation ended: no longer theirs to write
        ("iro", "out_now", False),
        ("iro_south", "out_now", True),
        ("iro_south", "former", True),  # the child's IRO now, for the child's letters
        ("duty", "north_held", True),  # covering the IRO's absence
        ("duty", "east_duty", True),  # their own
        ("duty", "out_now", False),  # last month's cover
        ("manager", "former", True),
        ("bs", "former", True),  # business support sends the letters
        ("bs", "east_duty", True),
        ("sw", "north_held", False),
        ("tm", "north_held", False),
        ("tm_sw_east", "east_duty", False),
        ("admin", "east_duty", False),
        ("inactive", "north_held", False),
    ],
)

# Recording that a letter was sent (the "Record a letter" page): the service manager
# and the allocation's own IRO only.
LETTER_RECORD = table(
    can_record_iro_letter,
    on_table("allocations"),
    [
        ("iro", "north_held", True),  # their allocation
        ("iro", "former", True),  # their own, ended (the child's page is a 404 now)
        ("iro", "out_now", False),
        ("iro_south", "out_now", True),
        ("iro_south", "former", False),
        ("duty", "north_held", False),  # covering, but not the allocation's IRO
        ("duty", "east_duty", True),  # their own
        ("manager", "former", True),
        ("bs", "east_duty", False),  # makes the letters, does not record them
        ("sw", "north_held", False),
        ("tm", "north_held", False),
        ("tm_sw_east", "east_duty", False),
        ("hos", "north_held", False),
        ("admin", "east_duty", False),
    ],
)

TABLES = {
    "children_visible_to": SCOPE,
    "as_iro_children": AS_IRO,
    "duty_cover_scope": COVER,
    "secure_chair_scope": SECURE_CHAIR,
    "dashboard_scope": DASHBOARD_SCOPE,
    "dashboard_teams": DASHBOARD_TEAMS,
    "the rules about a child": CHILD,
    "can_make_iro_letters": LETTERS,
    "can_record_iro_letter": LETTER_RECORD,
}
# register_scope is asked below (REGISTERED), not through a Cell.
RULES_ASKED = {cell.rule for cells in TABLES.values() for cell in cells} | {
    register_scope
}


@pytest.mark.parametrize("cell", params([c for t in TABLES.values() for c in t]))
def test_the_rule_answers_as_the_table_says(world, cell):
    assert cell.answer(world) == cell.expected


# register_scope: a higher app widens the scope with a filter of its own. The
# extension here lets East's team manager see "out" (as an app might for a reason of
# its own); nobody else gains anything, and registering it twice changes nothing.
REGISTERED = [
    ("tm_sw_east", "out", True),
    ("tm_sw_east", "south_scheduled", False),
    ("tm_sw_east", "east_duty", True),  # what they saw before
    ("sw_south", "east_duty", False),
    ("sw", "out", False),
]


@pytest.mark.parametrize(("person", "key", "expected"), REGISTERED)
def test_a_registered_scope_widens_only_what_it_says(
    world, monkeypatch, person, key, expected
):
    monkeypatch.setattr(
        children_rules, "_scope_extensions", list(children_rules._scope_extensions)
    )
    east = who(world, "tm_sw_east")
    out = world["children"]["out"]

    def extension(user, today):
        return Q(pk=out.pk) if user.pk == east.pk else None

    register_scope(extension)
    register_scope(extension)
    assert children_rules._scope_extensions.count(extension) == 1
    child = every_child(world)[key]
    assert child_in_scope(who(world, person), child) is expected


def test_the_registered_scopes_are_the_duty_covers_and_the_secure_chairs():
    """The apps above children widen the scope with these two only (their ready())."""
    names = {f"{e.__module__}.{e.__name__}" for e in children_rules._scope_extensions}
    assert names == {
        "iro.permissions.duty_cover_scope",
        "reviews.permissions.secure_chair_scope",
    }
