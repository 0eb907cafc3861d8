"""Rules as a table: every rule of every permissions module, asked of the people of the
proof world about children (and their records) in every relationship to them.

This module holds the rules that depend on the person alone (their roles, their team,
their account), the notifications page's rule (workspace.permissions) and the meta-test:
every public function of the permissions modules is asked by some table, here or in
tests/proof/test_permission_table_children.py (children, iro and the dashboards'
scope), test_permission_table_reviews.py (reviews, documents) and
test_permission_table_disputes.py (disputes). The people, children and records are
described in tests/proof/permission_world.py and test_permission_table_children.py.
"""

import importlib
import inspect

import pytest

from accounts.permissions import can_manage_users, can_reset_two_factor
from children.permissions import (
    can_export_child_record,
    can_see_any_children,
    can_view_child_audit,
)
from disputes.permissions import (
    can_run_iro_quality_assurance,
    can_see_acknowledgements,
    can_see_challenges,
)
from iro.permissions import can_allocate_iro
from reporting.permissions import (
    can_view_annual_report,
    can_view_iro_dashboard,
    can_view_service_dashboard,
)
from reviews.permissions import (
    can_authorise_out_of_timescale,
    can_nominate_secure_chair,
    can_view_review_diary,
)
from ssda903.permissions import can_exchange_903
from tests.proof import (
    test_permission_table_children,
    test_permission_table_disputes,
    test_permission_table_reviews,
)
from tests.proof.permission_world import (
    matrix,
    of_user,
    params,
    permission_world_fixture,  # noqa: F401 (a fixture)
    table,
    who,
    world_fixture,  # noqa: F401 (a fixture)
)
from workspace.permissions import (
    can_view_background_jobs,
    notifications_out_of_scope,
)

pytestmark = pytest.mark.django_db

# The rules that ask about the person only. The columns, in order:
ROLE_RULES = (
    can_manage_users,  # accounts and settings
    can_see_any_children,
    can_view_child_audit,
    can_export_child_record,
    can_allocate_iro,
    can_authorise_out_of_timescale,
    can_view_review_diary,
    can_nominate_secure_chair,
    can_see_challenges,
    can_see_acknowledgements,
    can_run_iro_quality_assurance,
    can_exchange_903,
    can_view_background_jobs,
    can_view_service_dashboard,
    can_view_iro_dashboard,
    can_view_annual_report,
)

# fmt: off
ROLES = matrix(
    ROLE_RULES,
    of_user,
    [
        # who                 users kids audit export alloc late diary secure chall ack qa 903 jobs dash iro annual
        ("iro",          "-", "N     Y    N     N      N     N    N     N      Y     Y   N  N   N    N    Y   N"),
        ("duty",         "-", "N     Y    N     N      N     N    Y     N      Y     Y   N  N   N    N    Y   N"),  # IRO too
        ("manager",      "-", "N     Y    Y     Y      Y     Y    Y     Y      Y     Y   Y  Y   Y    Y    N   Y"),
        ("sw",           "-", "N     Y    N     N      N     N    N     N      Y     Y   N  N   N    N    N   N"),
        ("tm",           "-", "N     Y    N     N      N     N    N     N      Y     Y   N  N   N    Y    N   N"),
        ("hos",          "-", "N     Y    N     N      N     N    N     N      Y     N   N  N   N    Y    N   N"),
        ("bs",           "-", "N     Y    N     N      N     N    Y     N      N     N   N  N   N    N    N   N"),
        ("admin",        "-", "Y     N    N     N      N     N    N     N      N     N   N  N   Y    N    N   N"),
        ("iro_south",    "-", "N     Y    N     N      N     N    N     N      Y     Y   N  N   N    N    Y   N"),
        ("tm_sw_east",   "-", "N     Y    N     N      N     N    N     N      Y     Y   N  N   N    Y    N   N"),  # two roles
        # A team manager with no team, or a senior manager over none, has no
        # figures to see:
        ("tm_no_team",   "-", "N     Y    N     N      N     N    N     N      Y     Y   N  N   N    N    N   N"),
        ("hos_no_teams", "-", "N     Y    N     N      N     N    N     N      Y     N   N  N   N    N    N   N"),
        ("sw_no_team",   "-", "N     Y    N     N      N     N    N     N      Y     Y   N  N   N    N    N   N"),
        ("inactive",     "-", "N     N    N     N      N     N    N     N      N     N   N  N   N    N    N   N"),
    ],
)
# fmt: on


def _notification(world, rule, user, key):
    """notifications_out_of_scope asked of one of the user's notifications: Y if the
    page shows it without its text and link."""
    notification = world["table"]["notifications"][key]
    assert notification.user_id == user.pk
    return notification.pk in rule(user, [notification])


# The notifications page: a notification whose link leads to a page about a child the
# person no longer sees (the link would be a 404; the text names the child) is shown
# without its text or link. Each of three people has one notification linking to each
# page (permission_world.py): the IRO, North's social worker and South's IRO.
LINKS = (
    "child_in",
    "child_out",
    "event_out",
    "review_north_held",
    "review_south",
    "secure_planned",
    "secure_held",
    "challenge_north_held",
    "challenge_out",
    "acknowledgement_out",
    "unknown_page",
    "queue",
    "none",
)
# fmt: off
NOTIFICATION_ROWS = [
    # who         the link of each of their notifications; * : shown without its text
    #             and link (the page is about a child they no longer see, or is one
    #             they may not open: the allocation queue is the service manager's)
    # The IRO: "out" was their child until June 2025.
    ("iro",       "child_in child_out* event_out* review_north_held review_south* secure_planned* secure_held*"
                  " challenge_north_held challenge_out* acknowledgement_out* unknown_page* queue* none"),
    # North's social worker: "out" left the team; their own acknowledgement is kept.
    ("sw",        "child_in child_out* event_out* review_north_held review_south* secure_planned secure_held*"
                  " challenge_north_held challenge_out* acknowledgement_out unknown_page* queue* none"),
    # South's IRO: chairs the planned secure review, chaired the held one.
    ("iro_south", "child_in* child_out event_out review_north_held* review_south secure_planned secure_held*"
                  " challenge_north_held* challenge_out acknowledgement_out unknown_page* queue* none"),
]
# fmt: on
NOTIFICATIONS = [
    cell
    for person, links in NOTIFICATION_ROWS
    for cell in table(
        notifications_out_of_scope,
        _notification,
        [
            (person, f"{person}:{link.rstrip('*')}", link.endswith("*"))
            for link in links.split()
        ],
    )
]
assert all(
    sorted(link.rstrip("*") for link in links.split()) == sorted(LINKS)
    for _, links in NOTIFICATION_ROWS
)


# Issuing a two-factor setup code, or resetting someone's two-factor sign-in.
RESET_TWO_FACTOR = table(
    can_reset_two_factor,
    lambda world, rule, user, key: rule(user, who(world, key)),
    [
        ("admin", "sw", True),  # an administrator, for someone else
        ("admin", "admin", False),  # never for themselves
        ("manager", "sw", False),
        ("iro", "iro", False),
        ("inactive", "sw", False),
    ],
)

TABLES = {
    "the rules about a person": ROLES,
    "notifications_out_of_scope": NOTIFICATIONS,
    "can_reset_two_factor": RESET_TWO_FACTOR,
}


@pytest.mark.parametrize("cell", params([c for t in TABLES.values() for c in t]))
def test_the_rule_answers_as_the_table_says(world, cell):
    assert cell.answer(world) == cell.expected


def test_the_notifications_rule_reads_a_page_at_once(
    world, django_assert_max_num_queries
):
    """A page's notifications are checked together: one query per kind of page."""
    person = who(world, "iro")
    mine = [
        n
        for key, n in world["table"]["notifications"].items()
        if key.startswith("iro:")
    ]
    expected = {
        world["table"]["notifications"][cell.what].pk
        for cell in NOTIFICATIONS
        if cell.who == "iro" and cell.expected
    }
    with django_assert_max_num_queries(20):
        assert notifications_out_of_scope(person, mine) == expected


# --- Every rule has a table -----------------------------------------------------------

MODULES = (
    "accounts.permissions",
    "children.permissions",
    "iro.permissions",
    "reviews.permissions",
    "disputes.permissions",
    "ssda903.permissions",
    "documents.permissions",
    "workspace.permissions",
    "reporting.permissions",
)

# Every public function of the permissions modules, by the table that asks it.
COVERED = {
    "accounts.permissions": {"can_manage_users", "can_reset_two_factor"},
    "children.permissions": {
        "register_scope",  # test_permission_table_children.REGISTERED
        "children_visible_to",
        "visible_child_or_404",
        "child_in_scope",
        "can_see_any_children",
        "can_read_case_record",
        "can_edit_child",
        "can_view_child_audit",
        "is_childs_social_work_team",
        "can_record_significant_event",
        "can_export_child_record",
    },
    "iro.permissions": {
        "acts_as_iro_for",
        "can_allocate_iro",
        "can_decide_significant_event",
        "as_iro_children",
        "can_make_iro_letters",
        "can_record_iro_letter",
        "duty_cover_scope",
    },
    "reviews.permissions": {
        "reviews_visible_to",
        "can_chair_review",
        "can_prepare_review",
        "can_send_for_review",
        "chaired_or_recorded",
        "can_authorise_decisions",
        "can_authorise_out_of_timescale",
        "can_edit_iro_text",
        "can_read_review_case_content",
        "can_read_child_consultation",
        "can_view_review_diary",
        "can_comment_on_review",
        "can_nominate_secure_chair",
        "can_record_secure_review",
        "secure_chair_scope",
        "can_cancel_review",
        "can_undo_adjournment",
        "can_download_key_document",
    },
    "disputes.permissions": {
        "can_see_challenges",
        "can_see_acknowledgements",
        "challenges_visible_to",
        "can_raise_challenge",
        "can_act_as_iro_on_challenge",
        "can_respond_to_challenge",
        "can_correct_challenge_response",
        "can_comment_on_challenge",
        "acknowledgements_visible_to",
        "can_record_acknowledgement",
        "can_run_iro_quality_assurance",
        "observations_visible_to",
        "case_audits_visible_to",
    },
    "ssda903.permissions": {"can_exchange_903"},
    "documents.permissions": {
        "documents_visible_to",
        "can_download_document",
        "can_download_record_copy",
        "can_make_documents",
        "can_attach_translation",
    },
    "workspace.permissions": {"can_view_background_jobs", "notifications_out_of_scope"},
    "reporting.permissions": {
        "can_view_service_dashboard",
        "can_view_iro_dashboard",
        "can_view_annual_report",
        "dashboard_teams",
        "dashboard_scope",
    },
}


def _public_functions(name: str) -> set[str]:
    """The functions defined in the module (not imported into it), not `_private`."""
    module = importlib.import_module(name)
    return {
        attr
        for attr, value in inspect.getmembers(module, inspect.isfunction)
        if value.__module__ == name and not attr.startswith("_")
    }


def _asked() -> set[str]:
    rules = {cell.rule for cells in TABLES.values() for cell in cells}
    rules |= test_permission_table_children.RULES_ASKED
    rules |= test_permission_table_reviews.RULES_ASKED
    rules |= test_permission_table_disputes.RULES_ASKED
    return {f"{rule.__module__}.{rule.__name__}" for rule in rules}


@pytest.mark.parametrize("module", MODULES)
def test_every_public_function_of_the_permissions_modules_has_a_table(module):
    defined = _public_functions(module)
    covered = COVERED[module]
    assert defined - covered == set(), "a rule with no table: add its rows"
    assert covered - defined == set(), "COVERED names a function that has gone"
    asked = _asked()
    assert {f"{module}.{name}" for name in covered} <= asked, (
        "a name in COVERED that no table asks"
    )


def test_every_permissions_module_is_listed():
    """A new app's permissions.py joins the tables too."""
    from django.apps import apps

    found = set()
    for config in apps.get_app_configs():
        try:
            importlib.import_module(f"{config.name}.permissions")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.permissions":
                raise
            continue
        found.add(f"{config.name}.permissions")
    assert found == set(MODULES)
