"""Rules as a table: the review cycle's rules (reviews.permissions) and the stored
documents' (documents.permissions), asked of every kind of person in the proof world
about reviews, consultations, secure reviews and documents of children in every
relationship to them. The people and children are those of
tests/proof/test_permission_table_children.py.

The reviews (tests/proof/world.py and permission_world.py): "held" (north_held: held by
the IRO, who is writing its record) and "planned_after_held"; "cancelled" and
"planned" (north_unallocated, on the duty rota); "scheduled_east" (east_duty, the Duty
IRO's own child, scheduled by them); "scheduled_south" (south_scheduled);
"no_team_planned" (the IRO's child with no team); "planned_out" (the IRO's former
child, now South's).
"""

import pytest

from documents.permissions import (
    can_attach_translation,
    can_download_document,
    can_download_record_copy,
    can_make_documents,
    documents_visible_to,
)
from reviews.permissions import (
    can_authorise_decisions,
    can_cancel_review,
    can_chair_review,
    can_comment_on_review,
    can_download_key_document,
    can_edit_iro_text,
    can_prepare_review,
    can_read_child_consultation,
    can_read_review_case_content,
    can_record_secure_review,
    can_send_for_review,
    can_undo_adjournment,
    chaired_or_recorded,
    reviews_visible_to,
)
from tests.proof.permission_world import (
    every_review,
    matrix,
    on_review,
    on_table,
    params,
    permission_world_fixture,  # noqa: F401 (a fixture)
    seen,
    table,
    world_fixture,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db

NORTH_HELD = {"held", "planned_after_held"}
NORTH_UNALLOCATED = {"cancelled", "planned"}
NORTH = NORTH_HELD | NORTH_UNALLOCATED
SOUTH = {"scheduled_south", "planned_out"}
THE_IROS = NORTH_HELD | {"no_team_planned"}
EVERY_REVIEW = NORTH | SOUTH | {"scheduled_east", "no_team_planned"}

# Whose reviews each person sees (those of the children they see), on a day.
REVIEWS = table(
    reviews_visible_to,
    seen(every_review),
    [
        ("iro", "today", THE_IROS),  # not the former child's
        ("duty", "today", THE_IROS | NORTH_UNALLOCATED | {"scheduled_east"}),
        ("duty", "last month", {"scheduled_east"} | SOUTH),
        ("manager", "today", EVERY_REVIEW),
        ("sw", "today", NORTH),
        ("tm", "today", NORTH),
        ("hos", "today", NORTH),
        ("bs", "today", EVERY_REVIEW),
        ("admin", "today", set()),
        ("iro_south", "today", SOUTH | NORTH_UNALLOCATED),  # and the secure chair's
        ("sw_south", "today", SOUTH),
        ("tm_south", "today", SOUTH),
        ("tm_sw_east", "today", {"scheduled_east"}),
        ("sw_no_team", "today", set()),
        ("tm_no_team", "today", set()),
        ("hos_no_teams", "today", set()),
        ("inactive", "today", set()),
    ],
)

# The rules about one review. The columns, in order:
REVIEW_RULES = (
    can_chair_review,  # schedules, chairs, records
    can_prepare_review,  # Review Choices, the checklist
    can_send_for_review,  # invitations, distribution
    chaired_or_recorded,  # held, chaired or recorded any part of it
    can_authorise_decisions,  # the team manager, not the chair or recorder (I-1)
    can_edit_iro_text,
    can_read_review_case_content,
    can_comment_on_review,
    can_cancel_review,
    can_make_documents,
    can_attach_translation,
)

# A row's object may name a change made for that row only (permission_world.GIVENS).
# fmt: off
REVIEW = matrix(
    REVIEW_RULES,
    on_review,
    [
        # who            review                          chair prep send c/r auth iro read comment cancel docs transl
        ("iro",          "held",                         "Y     N    Y    Y   N    Y   Y    N       Y      Y    Y"),  # held it
        ("iro",          "planned_after_held",           "Y     N    Y    N   N    Y   Y    N       Y      Y    Y"),
        ("iro",          "no_team_planned",              "Y     N    Y    N   N    Y   Y    N       Y      Y    Y"),
        ("iro",          "planned_out",                  "N     N    N    N   N    N   N    N       N      N    N"),  # former child
        ("duty",         "held",                         "Y     N    Y    N   N    Y   Y    N       Y      Y    Y"),  # absence
        ("duty",         "planned",                      "Y     N    Y    N   N    Y   Y    N       Y      Y    Y"),  # the rota
        ("duty",         "scheduled_east",               "Y     N    Y    N   N    Y   Y    N       Y      Y    Y"),  # their own
        ("duty",         "scheduled_south",              "N     N    N    N   N    N   N    N       N      N    N"),  # next month's
        ("duty",         "planned_out",                  "N     N    N    N   N    N   N    N       N      N    N"),  # last month's
        ("manager",      "held",                         "N     N    N    N   N    Y   Y    N       Y      Y    Y"),
        ("manager",      "planned_out",                  "N     N    N    N   N    Y   Y    N       Y      Y    Y"),
        ("sw",           "held",                         "N     Y    N    N   N    N   Y    Y       N      N    N"),
        ("sw",           "planned_out",                  "N     N    N    N   N    N   N    N       N      N    N"),  # left the team
        ("tm",           "held",                         "N     Y    N    N   Y    N   Y    Y       N      N    N"),
        ("tm",           "held|recorded by tm",          "N     Y    N    Y   N    N   Y    Y       N      N    N"),  # I-1
        ("tm",           "held|finalised by tm",         "N     Y    N    Y   N    N   Y    Y       N      N    N"),  # I-1
        ("tm",           "held|held by tm",              "N     Y    N    Y   N    N   Y    Y       N      N    N"),  # I-1
        ("tm",           "planned",                      "N     Y    N    N   Y    N   Y    Y       N      N    N"),
        ("tm",           "planned_out",                  "N     N    N    N   N    N   N    N       N      N    N"),  # left the team
        ("tm_south",     "planned_out",                  "N     Y    N    N   Y    N   Y    Y       N      N    N"),
        ("tm_south",     "held",                         "N     N    N    N   N    N   N    N       N      N    N"),
        ("hos",          "held",                         "N     N    N    N   N    N   Y    Y       N      N    N"),
        ("hos",          "held|recorded by tm",          "N     N    N    N   Y    N   Y    Y       N      N    N"),  # I-1a: no TM may
        ("hos",          "planned_out",                  "N     N    N    N   N    N   N    N       N      N    N"),
        ("hos_no_teams", "held",                         "N     N    N    N   N    N   N    N       N      N    N"),
        ("bs",           "held",                         "N     N    Y    N   N    N   N    N       N      Y    Y"),
        ("bs",           "planned_out",                  "N     N    Y    N   N    N   N    N       N      Y    Y"),
        ("admin",        "held",                         "N     N    N    N   N    N   N    N       N      N    N"),
        ("iro_south",    "planned_out",                  "Y     N    Y    N   N    Y   Y    N       Y      Y    Y"),
        ("iro_south",    "planned",                      "N     N    N    N   N    N   N    N       N      N    N"),  # secure chair: not the case content
        ("iro_south",    "scheduled_east",               "N     N    N    N   N    N   N    N       N      N    N"),  # chaired, held
        ("sw_south",     "planned_out",                  "N     Y    N    N   N    N   Y    Y       N      N    N"),
        ("tm_sw_east",   "scheduled_east",               "N     Y    N    N   Y    N   Y    Y       N      N    N"),  # two roles
        ("tm_sw_east",   "held",                         "N     N    N    N   N    N   N    N       N      N    N"),
        ("sw_no_team",   "no_team_planned",              "N     N    N    N   N    N   N    N       N      N    N"),  # no team
        ("tm_no_team",   "no_team_planned",              "N     N    N    N   N    N   N    N       N      N    N"),  # no team
        ("inactive",     "held",                         "N     N    N    N   N    N   N    N       N      N    N"),
    ],
)
# fmt: on


def _as_adjourned(world, rule, user, key):
    """Ask the rule about a review; "<review> adjourned" asks it as if that review
    were adjourned (in memory only)."""
    name, _, adjourned = key.partition(" ")
    review = every_review(world)[name]
    if adjourned:
        review.status = "adjourned"
    return rule(user, review)


# Undoing an adjournment recorded by mistake: the chair (the child's IRO, or the Duty
# IRO covering), only while the review is adjourned.
UNDO_ADJOURNMENT = table(
    can_undo_adjournment,
    _as_adjourned,
    [
        ("iro", "planned_after_held", False),  # not adjourned
        ("iro", "held", False),
        ("iro", "planned_after_held adjourned", True),
        ("iro", "no_team_planned adjourned", True),
        ("iro", "planned_out adjourned", False),  # former child
        ("duty", "planned adjourned", True),  # the rota
        ("duty", "scheduled_east adjourned", True),  # their own
        ("duty", "scheduled_south adjourned", False),  # next month's cover
        ("manager", "planned_after_held adjourned", False),  # does not chair
        ("sw", "planned_after_held adjourned", False),
        ("tm", "planned_after_held adjourned", False),
        ("bs", "planned_after_held adjourned", False),
        ("admin", "planned_after_held adjourned", False),
        ("iro_south", "planned_out adjourned", True),
        ("iro_south", "planned adjourned", False),  # the secure chair
        ("inactive", "planned_after_held adjourned", False),
    ],
)

# The held review's consultations: the child's kept to the IRO, the child's shared
# with the social worker, a parent's (D-CONSULT). The columns, in order:
CONSULTATIONS = ("childs_private", "childs_shared", "parents")


def _consultation(world, rule, user, key):
    return rule(user, world["table"]["consultations"][key])


# fmt: off
CONSULTATION = [
    cell
    for person, answers in [
        # who            child's  child's shared  parent's
        ("iro",          "Y        Y               Y"),
        ("duty",         "Y        Y               Y"),  # covering the IRO's absence
        ("manager",      "Y        Y               Y"),
        ("sw",           "N        Y               Y"),
        ("tm",           "N        Y               Y"),  # the social worker's team
        ("hos",          "N        N               Y"),
        ("bs",           "N        N               N"),
        ("admin",        "N        N               N"),
        ("iro_south",    "N        N               N"),
        ("sw_south",     "N        N               N"),
        ("tm_sw_east",   "N        N               N"),
        ("sw_no_team",   "N        N               N"),
        ("inactive",     "N        N               N"),
    ]
    for cell in table(
        can_read_child_consultation,
        _consultation,
        [
            (person, key, letter == "Y")
            for key, letter in zip(CONSULTATIONS, answers.split(), strict=True)
        ],
    )
]
# fmt: on

# Recording a secure accommodation review's findings: "planned" (north_unallocated,
# South's IRO the nominated chair) and "held" (east_duty, chaired by South's IRO).
SECURE = table(
    can_record_secure_review,
    on_table("secure_reviews"),
    [
        ("iro_south", "planned", True),  # the nominated chair
        ("iro_south", "held", False),  # already recorded: a former chair
        # The chair is never the child's own IRO (T9):
        ("iro_south", "planned|chair now the child's IRO", False),
        ("iro_south", "planned|chair's account closed", False),
        ("iro", "planned", False),
        ("duty", "planned", False),  # covers the child (the rota), is not the chair
        ("manager", "planned", False),  # nominates the chair, does not record
        ("bs", "planned", False),
        ("sw", "planned", False),
        ("admin", "planned", False),
    ],
)

# The stored documents: the held review's record (not finalised), an invitation to
# South's review, the former IRO's farewell letter for "out", the Duty IRO's
# introduction letter for east_duty.
EVERY_DOCUMENT = {
    "record_held",
    "invitation_south",
    "farewell_out",
    "introduction_east",
}
DOCUMENTS = table(
    documents_visible_to,
    seen(lambda world: world["table"]["documents"], on_day=False),
    [
        ("iro", "-", {"record_held"}),  # not the farewell letter of their former child
        ("duty", "-", {"record_held", "introduction_east"}),
        ("manager", "-", EVERY_DOCUMENT),
        ("bs", "-", EVERY_DOCUMENT),
        ("sw", "-", {"record_held"}),
        ("tm", "-", {"record_held"}),
        ("hos", "-", {"record_held"}),
        ("admin", "-", set()),
        ("iro_south", "-", {"invitation_south", "farewell_out"}),
        ("sw_south", "-", {"invitation_south", "farewell_out"}),
        ("tm_sw_east", "-", {"introduction_east"}),
        ("tm_no_team", "-", set()),
        ("hos_no_teams", "-", set()),
        ("inactive", "-", set()),
    ],
)
DOWNLOAD = table(
    can_download_document,
    on_table("documents"),
    [
        ("iro", "record_held", True),
        ("iro", "farewell_out", False),  # their own letter, their allocation ended
        ("duty", "record_held", True),  # covering the IRO's absence
        ("duty", "introduction_east", True),
        ("duty", "invitation_south", False),  # next month's cover
        ("manager", "farewell_out", True),
        ("sw", "record_held", True),
        ("sw", "farewell_out", False),  # the child left the team
        ("hos", "record_held", True),
        ("bs", "record_held", False),  # a record: only once finalised
        ("bs", "record_held|record finalised", True),
        ("bs", "record_held|record distributed", False),  # sent: no longer theirs
        ("bs", "record_held|record distributed, a letter to post", True),  # to print
        ("sw_south", "record_held|record distributed, a letter to post", False),
        ("iro", "record_held|record distributed", True),
        ("bs", "invitation_south", True),
        ("bs", "farewell_out", True),
        ("admin", "invitation_south", False),
        ("iro_south", "farewell_out", True),  # the child's IRO now
        ("iro_south", "record_held", False),
        ("tm_sw_east", "introduction_east", True),
        ("tm_sw_east", "record_held", False),
        ("inactive", "record_held", False),
    ],
)

# A copy of the record behind sign-in (D-SENT): its recipient, or whoever may
# download the document.
RECORD_COPY = table(
    can_download_record_copy,
    on_table("copies"),
    [
        ("sw_south", "to_sw_south", True),  # their own, of a child they do not see
        ("sw_south", "to_carer", False),
        ("iro_south", "to_sw_south", False),  # someone else's
        ("sw", "to_carer", True),  # reads the child's case record
        ("sw", "to_sw_south", True),
        ("bs", "to_carer", False),  # a record not finalised
        ("bs", "to_carer|record finalised", True),  # waiting for them to send it
        ("inactive", "to_inactive", False),  # the account is closed
        ("admin", "to_carer", False),
    ],
)

KEY_DOCUMENTS = table(
    can_download_key_document,
    on_table("key_documents"),
    [
        ("duty", "waiting", True),  # the rota's child
        ("iro", "after_meeting", True),
        ("sw", "shared", True),
        ("bs", "waiting", True),  # uploaded, not shared, the meeting to come: theirs
        ("bs", "shared", False),  # already sent
        ("bs", "after_meeting", False),  # the meeting is over
        ("tm_south", "waiting", False),
        ("admin", "waiting", False),
        ("inactive", "waiting", False),
    ],
)

TABLES = {
    "reviews_visible_to": REVIEWS,
    "the rules about a review": REVIEW,
    "can_undo_adjournment": UNDO_ADJOURNMENT,
    "can_read_child_consultation": CONSULTATION,
    "can_record_secure_review": SECURE,
    "documents_visible_to": DOCUMENTS,
    "can_download_document": DOWNLOAD,
    "can_download_record_copy": RECORD_COPY,
    "can_download_key_document": KEY_DOCUMENTS,
}
RULES_ASKED = {cell.rule for cells in TABLES.values() for cell in cells}


@pytest.mark.parametrize("cell", params([c for t in TABLES.values() for c in t]))
def test_the_rule_answers_as_the_table_says(world, cell):
    assert cell.answer(world) == cell.expected
