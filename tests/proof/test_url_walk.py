"""URL walk (OWASP ASVS 4.0, access control): every URL, every role, in and out of scope.

For every pattern in the resolver, as every role and as an anonymous visitor, GET and
POST the URL built for a child in the user's scope and for a child outside it: the
status is the one tests/proof/url_table.py gives, an object outside the scope is a 404
(never a 403 that confirms it exists), and neither the out-of-scope child's name nor
that of any other child outside the role's scope (tests/proof/world.py) appears in any
response. A pattern with no table entry fails. Around every GET the row count (and
latest `updated_at`) of every model is compared: no GET changes anything, leaving out
sessions and the audit log's ACCESS entries (tests/proof/walk.py:snapshot).
"""

from collections import Counter

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.proof import walk
from tests.proof.conftest import OUT_OF_SCOPE_NAME
from tests.proof.figures import record
from tests.proof.url_table import ANON, PAGES, SEES_EVERY_CHILD, WALK_POST_BODY
from tests.proof.world import hidden_names

# An anonymous visitor may see only what a consultation link shows about in_child.
ANON_HIDDEN = hidden_names(frozenset({"in"}))

pytestmark = pytest.mark.django_db

ROUTES = walk.walked_routes()
TOTALS: Counter = Counter()
WALKED: set[str] = set()
KNOWN: set[str] = set()


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_role_gets_the_expected_status_and_nothing_out_of_scope(
    route, proof_world
):
    """Each role gets the table's status; out of scope is a 404 that names nobody;
    no GET changes a row."""
    page = walk.page_for(route)  # fails with what to add when the entry is missing
    users = proof_world["users"]
    has_object = bool(route.kwargs) and page.scoped
    scopes = [("in", proof_world["in_child"])]
    if has_object:
        scopes.append(("out", proof_world["out_child"]))
    urls = {scope: walk.url_for(route, page, child) for scope, child in scopes}
    allowed = frozenset(page.get_writes)
    hidden = {
        role: (*OUT_OF_SCOPE_NAME, *proof_world["hidden_names"].get(role, ANON_HIDDEN))
        for role in walk.ROLES
        if role not in SEES_EVERY_CHILD
    }
    problems = []
    requests = gets = 0
    for role in walk.ROLES:
        client = walk.client_for(role, users)
        for scope, _child in scopes:
            for method in ("GET", "POST"):
                before = walk.snapshot(allowed) if method == "GET" else None
                try:
                    if method == "GET":
                        response = client.get(urls[scope])
                    else:
                        response = client.post(urls[scope], WALK_POST_BODY)
                except Exception:
                    if not (page.known_bug and method == "POST"):
                        raise
                    KNOWN.add(f"{route.key}: {page.known_bug}")
                    if role != ANON:
                        client.force_login(users[role])
                    continue
                requests += 1
                where = f"{method} {urls[scope]} as {role} ({scope} of scope)"
                if before is not None:
                    gets += 1
                    changed = walk.changes(before, walk.snapshot(allowed))
                    if changed:
                        problems.append(f"{where} changed {changed}")
                expected = walk.expected_status(
                    page, method, role, has_object=has_object, in_scope=scope == "in"
                )
                got = response.status_code
                if scope == "out" and got == 403 and expected == 404:
                    # A role refused the page outright (403 for any id, even one that
                    # does not exist) learns nothing about the child: allowed.
                    refused = walk.expected_status(
                        page, method, role, has_object=True, in_scope=True
                    )
                    missing = urls[scope].replace(
                        f"/{proof_world['out_child'].pk}/", "/999999/", 1
                    )
                    if refused == 403 and _status(client, method, missing) == 403:
                        expected = 403
                if got != expected:
                    problems.append(f"{where}: got {got}, table says {expected}")
                if role == ANON and expected == 302 and not page.public:
                    login = reverse("accounts:login")
                    if not response.get("Location", "").startswith(login):
                        problems.append(f"{where}: not sent to sign-in")
                if role not in SEES_EVERY_CHILD and (has_object or scope == "in"):
                    text = walk.body(response) + response.get("Location", "")
                    for name in dict.fromkeys(hidden[role]):
                        if name in text:
                            problems.append(f"{where}: shows {name!r}")
                if method == "POST" and role != ANON:
                    client.force_login(users[role])  # a POST may have signed out
    TOTALS["requests"] += requests
    TOTALS["gets"] += gets
    WALKED.add(route.key)
    roles = len(walk.ROLES)
    record(
        "url_walk",
        pages_walked=len(WALKED),
        roles=roles,
        requests=TOTALS["requests"],
        skipped={p: r for p, r in walk.SKIPPED_PREFIXES.items()},
        known_bugs=sorted(KNOWN),
        summary=(
            f"{len(WALKED)} pages walked as {roles} roles ({roles - 1} + anonymous), "
            f"{TOTALS['requests']} requests"
        ),
    )
    record(
        "get_changes_nothing",
        gets=TOTALS["gets"],
        allowed_writes={k: v.get_writes for k, v in PAGES.items() if v.get_writes},
        summary=f"{TOTALS['gets']} GETs over {len(WALKED)} pages changed nothing",
    )
    print(f"url walk: {route.key}: {requests} requests")
    assert not problems, f"{route.key}:\n" + "\n".join(problems)


def _status(client, method, url) -> int:
    return (
        client.get(url) if method == "GET" else client.post(url, WALK_POST_BODY)
    ).status_code


def test_every_table_entry_names_a_url_that_exists():
    """A table entry left behind after its URL is renamed or removed fails too."""
    keys = {route.key for route in walk.all_routes()}
    assert sorted(set(PAGES) - keys) == []


def test_the_walk_covers_every_role():
    """The walk's roles are exactly accounts.models.Role plus an anonymous visitor."""
    assert set(walk.ROLES) == {*Role, ANON}


def test_the_walk_covers_every_page_but_the_admins_own():
    """Only the Django admin's own pages are skipped; its index and our redirect are walked."""
    skipped = [r for r in walk.all_routes() if walk.skip_reason(r)]
    assert all(r.route.startswith("manage/") for r in skipped)
    walked = {r.key for r in ROUTES}
    assert {"admin:index", "manage/login/"} <= walked
