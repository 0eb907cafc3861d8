"""URL walk (issue 11 point 1; checklist B2 #1): every URL, every role, in and out of scope.

For every pattern in the resolver, as every role and as an anonymous visitor, GET and
POST the URL built for a child in the user's scope and for a child outside it: the
status is the one tests/proof/url_table.py gives, an object outside the scope is a 404
(never a 403 that confirms it exists), and the out-of-scope child's name appears in no
response. A pattern with no table entry fails.
"""

from collections import Counter

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.proof import walk
from tests.proof.conftest import OUT_OF_SCOPE_NAME
from tests.proof.figures import record
from tests.proof.url_table import ANON, PAGES, SEES_EVERY_CHILD, WALK_POST_BODY

pytestmark = pytest.mark.django_db

ROUTES = walk.walked_routes()
TOTALS: Counter = Counter()
WALKED: set[str] = set()


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_role_gets_the_expected_status_and_nothing_out_of_scope(
    route, proof_world
):
    """Each role gets the table's status; out of scope is a 404 that names nobody."""
    page = walk.page_for(route)  # fails with what to add when the entry is missing
    users = proof_world["users"]
    has_object = bool(route.kwargs)
    scopes = [("in", proof_world["in_child"])]
    if has_object:
        scopes.append(("out", proof_world["out_child"]))
    urls = {scope: walk.url_for(route, page, child) for scope, child in scopes}
    problems = []
    requests = 0
    for role in walk.ROLES:
        client = walk.client_for(role, users)
        for scope, _child in scopes:
            for method in ("GET", "POST"):
                if method == "GET":
                    response = client.get(urls[scope])
                else:
                    response = client.post(urls[scope], WALK_POST_BODY)
                requests += 1
                expected = walk.expected_status(
                    page, method, role, has_object=has_object, in_scope=scope == "in"
                )
                where = f"{method} {urls[scope]} as {role} ({scope} of scope)"
                if response.status_code != expected:
                    problems.append(
                        f"{where}: got {response.status_code}, table says {expected}"
                    )
                if role == ANON and expected == 302 and not page.public:
                    login = reverse("accounts:login")
                    if not response.get("Location", "").startswith(login):
                        problems.append(f"{where}: not sent to sign-in")
                if role not in SEES_EVERY_CHILD:
                    text = walk.body(response) + response.get("Location", "")
                    for name in OUT_OF_SCOPE_NAME:
                        if name in text:
                            problems.append(f"{where}: shows {name!r}")
                if method == "POST" and role != ANON:
                    client.force_login(users[role])  # a POST may have signed out
    TOTALS["requests"] += requests
    WALKED.add(route.key)
    roles = len(walk.ROLES)
    record(
        "url_walk",
        pages_walked=len(WALKED),
        roles=roles,
        requests=TOTALS["requests"],
        skipped={p: r for p, r in walk.SKIPPED_PREFIXES.items()},
        summary=(
            f"{len(WALKED)} pages walked as {roles} roles ({roles - 1} + anonymous), "
            f"{TOTALS['requests']} requests"
        ),
    )
    print(f"url walk: {route.key}: {requests} requests")
    assert not problems, f"{route.key}:\n" + "\n".join(problems)


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
