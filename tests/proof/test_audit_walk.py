"""Audit walk: every page and download that shows a child's case content writes an
access entry about that child.

For every URL about an object (a child, a review, a document, a challenge, ...) and for
every role the URL table gives a 200, GET the page built for a child in the role's scope
and count the audit log's ACCESS entries: at least one new entry must name that child
(core.audit.record_access; core.audit_subject). Pages about no object that still show
case content (an export naming children) say so with `access_entry=True` in
tests/proof/url_table.py; an object page that shows no case content says why with
`no_access_entry="..."`. A page opened through a link (no account) is walked as the
anonymous visitor holding the link.
"""

from collections import Counter

import pytest
from auditlog.models import LogEntry

from tests.proof import walk
from tests.proof.figures import record
from tests.proof.url_table import ANON

pytestmark = pytest.mark.django_db

ROUTES = walk.walked_routes()
TOTALS: Counter = Counter()
WALKED: set[str] = set()


def _must_log(route, page) -> bool:
    if page.no_access_entry:
        return False
    return page.access_entry or bool(route.kwargs)


def _roles_with_the_page(page) -> list[str]:
    roles = []
    for role in walk.ROLES:
        if role == ANON and not page.public:
            continue
        status = walk.expected_status(page, "GET", role, has_object=True, in_scope=True)
        if status == 200:
            roles.append(role)
    return roles


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_page_showing_case_content_writes_an_access_entry(route, proof_world):
    page = walk.page_for(route)
    if not _must_log(route, page):
        pytest.skip(page.no_access_entry or "shows no one child's case content")
    child = proof_world["in_child"]
    url = walk.url_for(route, page, child)
    problems = []
    for role in _roles_with_the_page(page):
        client = walk.client_for(role, proof_world["users"])
        since = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
        response = client.get(url)
        walk.body(response)  # a streamed download is read to its end
        if response.status_code != 200:
            problems.append(f"GET {url} as {role}: got {response.status_code}")
            continue
        new = LogEntry.objects.filter(pk__gt=since or 0, action=LogEntry.Action.ACCESS)
        about = [e for e in new if (e.additional_data or {}).get("child") == child.pk]
        TOTALS["gets"] += 1
        if not about:
            problems.append(
                f"GET {url} as {role} showed the child's case content and wrote "
                f"no access entry naming the child ({new.count()} other entries)"
            )
            continue
        user = proof_world["users"].get(role) if role != ANON else None
        if any(entry.actor_id != (user.pk if user else None) for entry in about):
            problems.append(f"GET {url} as {role}: an entry names someone else")
    WALKED.add(route.key)
    record(
        "audit_walk",
        pages_walked=len(WALKED),
        gets=TOTALS["gets"],
        summary=(
            f"{len(WALKED)} pages showing case content walked, {TOTALS['gets']} GETs, "
            "each wrote an access entry naming the child"
        ),
    )
    assert not problems, f"{route.key}:\n" + "\n".join(problems)
