"""Rules as a table: challenges and quality of practice (disputes.permissions), asked
of every kind of person in the proof world about the records of children in every
relationship to them. The people and children are those of
tests/proof/test_permission_table_children.py.

The records (tests/proof/permission_world.py): challenges on "north_held" (raised by
the IRO; North's team manager answers it), "east_duty" (raised by the Duty IRO; East's
team manager, the child's social worker, answers it) and "out" (raised by the IRO just
before the child moved to South; South's team manager answers it); practice
acknowledgements of North's worker ("north_held"; "out", before the move) and of
East's ("east_duty"); observations of the IRO and the Duty IRO; case audits of the
IRO's work on "north_held" and (before the move) "out", and of South's IRO's on
"south_scheduled".
"""

import pytest

from disputes.permissions import (
    acknowledgements_visible_to,
    can_act_as_iro_on_challenge,
    can_comment_on_challenge,
    can_correct_challenge_response,
    can_respond_to_challenge,
    case_audits_visible_to,
    challenges_visible_to,
    observations_visible_to,
)
from tests.proof.permission_world import (
    matrix,
    on,
    on_table,
    params,
    permission_world_fixture,  # noqa: F401 (a fixture)
    seen,
    table,
    world_fixture,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db


def _records(kind):
    return lambda world: world["table"][kind]


EVERY = {"north_held", "east_duty", "out"}

# Who sees each challenge (the child's IRO, worker and team now; whoever answers it).
CHALLENGES = table(
    challenges_visible_to,
    seen(_records("challenges")),
    [
        ("iro", "today", {"north_held"}),  # not "out", which they raised: moved off
        ("duty", "today", {"north_held", "east_duty"}),  # covering; their own
        ("duty", "last month", {"east_duty", "out"}),  # covering South's IRO
        ("manager", "today", EVERY),
        ("sw", "today", {"north_held"}),  # their child's; not "out", no longer theirs
        ("tm", "today", {"north_held"}),  # the team's, and they answer it
        ("hos", "today", {"north_held"}),
        ("bs", "today", set()),
        ("admin", "today", set()),
        ("iro_south", "today", {"out"}),
        ("sw_south", "today", {"out"}),
        ("tm_south", "today", {"out"}),
        (
            "tm_sw_east",
            "today",
            {"east_duty"},
        ),  # two roles: the worker and the answerer
        ("sw_no_team", "today", set()),
        ("tm_no_team", "today", set()),
        ("hos_no_teams", "today", set()),
        ("inactive", "today", set()),
    ],
)

# The rules about one challenge. The columns, in order:
CHALLENGE_RULES = (
    can_act_as_iro_on_challenge,  # escalate, extend, resolve, refer to Cafcass
    can_respond_to_challenge,  # the owner of the stage it is at
    can_comment_on_challenge,
)

# fmt: off
CHALLENGE = matrix(
    CHALLENGE_RULES,
    on_table("challenges"),
    [
        # who            challenge                   act respond comment
        ("iro",          "north_held",               "Y   N       Y"),
        ("iro",          "out",                      "N   N       N"),  # raised it, moved off
        ("duty",         "north_held",               "Y   N       Y"),  # covering the absence
        ("duty",         "east_duty",                "Y   N       Y"),  # their own child
        ("duty",         "out",                      "N   N       N"),  # last month's cover
        ("manager",      "out",                      "Y   N       Y"),
        ("sw",           "north_held",               "N   N       Y"),
        ("sw",           "out",                      "N   N       N"),  # no longer their child
        ("tm",           "north_held",               "N   Y       Y"),  # answers it
        ("tm",           "out",                      "N   N       N"),  # the child left the team
        ("tm",           "out|stage owned by tm",    "N   Y       Y"),  # asked to answer it
        ("tm_south",     "out",                      "N   Y       Y"),
        ("sw_south",     "out",                      "N   N       Y"),
        ("hos",          "north_held",               "N   N       Y"),
        ("hos",          "out",                      "N   N       N"),
        ("bs",           "north_held",               "N   N       N"),
        ("admin",        "north_held",               "N   N       N"),
        ("iro_south",    "out",                      "Y   N       Y"),
        ("iro_south",    "north_held",               "N   N       N"),
        ("tm_sw_east",   "east_duty",                "N   Y       Y"),  # two roles
        ("tm_no_team",   "north_held",               "N   N       N"),
        ("inactive",     "north_held",               "N   N       N"),
    ],
)
# fmt: on

# Practice acknowledgements: the IRO service, the child's IRO now, the worker (their
# own, kept: about their practice) and their team's manager.
ACKNOWLEDGEMENTS = table(
    acknowledgements_visible_to,
    seen(_records("acknowledgements")),
    [
        ("iro", "today", {"north_held"}),  # not "out": moved off the child
        ("duty", "today", {"north_held", "east_duty"}),
        ("duty", "last month", {"east_duty", "out"}),
        ("manager", "today", EVERY),
        ("sw", "today", {"north_held", "out"}),  # their own practice
        ("tm", "today", {"north_held", "out"}),  # their team's worker's
        ("hos", "today", set()),  # senior managers are not in the row
        ("bs", "today", set()),
        ("admin", "today", set()),
        ("iro_south", "today", {"out"}),  # the child's IRO now
        ("sw_south", "today", set()),
        ("tm_south", "today", set()),
        ("tm_sw_east", "today", {"east_duty"}),
        ("sw_no_team", "today", set()),
        ("tm_no_team", "today", set()),
        ("inactive", "today", set()),
    ],
)

# Observations of an IRO's practice and audits of an IRO's work on a case: the
# service manager's, and each IRO's own (about their practice, kept after a move).
OBSERVATIONS = table(
    observations_visible_to,
    seen(_records("observations"), on_day=False),
    [
        ("iro", "-", {"iro"}),
        ("duty", "-", {"duty"}),  # their own, not the IRO's they cover
        ("manager", "-", {"iro", "duty"}),
        ("iro_south", "-", set()),
        ("sw", "-", set()),
        ("tm", "-", set()),
        ("hos", "-", set()),
        ("bs", "-", set()),
        ("admin", "-", set()),
        ("inactive", "-", set()),
    ],
)
CASE_AUDITS = table(
    case_audits_visible_to,
    seen(_records("audits"), on_day=False),
    [
        ("iro", "-", {"north_held", "out"}),  # their own work, "out" before the move
        ("duty", "-", set()),  # not the covered IRO's
        ("manager", "-", {"north_held", "out", "south_scheduled"}),
        ("iro_south", "-", {"south_scheduled"}),  # not their predecessor's on "out"
        ("sw", "-", set()),
        ("tm", "-", set()),
        ("hos", "-", set()),
        ("bs", "-", set()),
        ("admin", "-", set()),
        ("inactive", "-", set()),
    ],
)

# A stage's response is corrected by whoever gave it, or the stage's owner, while the
# challenge is open (D8); asked of the current stage of the challenge on "north_held".
STAGE = table(
    can_correct_challenge_response,
    on(lambda world, key: world["table"]["challenges"][key].current_stage),
    [
        ("tm", "north_held", False),  # not answered yet: nothing to correct
        ("tm", "north_held|answered", True),  # its owner, who answered it
        ("iro", "north_held|answered", False),  # raised it; the answer is not theirs
        ("manager", "north_held|answered", False),
        ("sw", "north_held|answered", False),
        ("sw", "north_held|answered by sw", True),  # gave the answer
        ("tm", "north_held|answered by sw", True),  # the stage's owner
        ("tm", "north_held|answered, then closed", False),
        ("inactive", "north_held|answered", False),
    ],
)

TABLES = {
    "challenges_visible_to": CHALLENGES,
    "the rules about a challenge": CHALLENGE,
    "a stage's response": STAGE,
    "acknowledgements_visible_to": ACKNOWLEDGEMENTS,
    "observations_visible_to": OBSERVATIONS,
    "case_audits_visible_to": CASE_AUDITS,
}
RULES_ASKED = {cell.rule for cells in TABLES.values() for cell in cells}


@pytest.mark.parametrize("cell", params([c for t in TABLES.values() for c in t]))
def test_the_rule_answers_as_the_table_says(world, cell):
    assert cell.answer(world) == cell.expected
