"""CSRF and methods (issue 11 point 2; checklist B2 #18): every POST needs the token, no GET writes.

Over every URL the walk covers:
- a POST without a CSRF token is refused with 403 for every role and for anonymous
  visitors, and changes nothing; the same POST with a token gets the status the walk's
  table gives, so the 403 is the token's doing;
- a GET, by every role, in and out of scope, changes nothing: the row count (and the
  latest `updated_at`) of every model is the same before and after, leaving out sessions
  and the audit log's ACCESS entries (reads of a child's record are logged on purpose).
"""

from collections import Counter

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.urls import resolve

from tests.proof import walk
from tests.proof.figures import record
from tests.proof.url_table import WALK_POST_BODY

pytestmark = pytest.mark.django_db

ROUTES = walk.walked_routes()
TOTALS: Counter = Counter()


def _scopes(route, world):
    scopes = [("in", world["in_child"])]
    if route.kwargs:
        scopes.append(("out", world["out_child"]))
    return scopes


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(route, proof_world):
    """403 without the token for everyone; with the token, the table's status."""
    page = walk.page_for(route)
    users = proof_world["users"]
    url = walk.url_for(route, page, proof_world["in_child"])
    assert not getattr(resolve(url).func, "csrf_exempt", False), f"{url} is csrf_exempt"
    problems = []
    clients = {
        role: walk.client_for(role, users, enforce_csrf_checks=True)
        for role in walk.ROLES
    }
    before = walk.snapshot()
    for role, client in clients.items():
        response = client.post(url, WALK_POST_BODY)
        TOTALS["refused"] += 1
        if response.status_code != 403:
            problems.append(
                f"POST {url} as {role} without a token: {response.status_code}"
            )
    changed = walk.changes(before, walk.snapshot())
    if changed:
        problems.append(f"POST {url} without a token changed {changed}")
    for role, client in clients.items():
        token = _get_new_csrf_string()
        client.cookies[settings.CSRF_COOKIE_NAME] = token
        response = client.post(url, {**WALK_POST_BODY, "csrfmiddlewaretoken": token})
        expected = walk.expected_status(
            page, "POST", role, has_object=bool(route.kwargs), in_scope=True
        )
        if response.status_code != expected:
            problems.append(
                f"POST {url} as {role} with a token: {response.status_code}, "
                f"table says {expected}"
            )
    record(
        "csrf",
        urls_checked=len(ROUTES),
        posts_refused=TOTALS["refused"],
        summary=f"{TOTALS['refused']} token-less POSTs over {len(ROUTES)} URLs, all 403",
    )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_get_changes_nothing(route, proof_world):
    """No role's GET, in or out of scope, adds, removes or changes a row."""
    page = walk.page_for(route)
    allowed = frozenset(page.get_writes)
    users = proof_world["users"]
    problems = []
    for role in walk.ROLES:
        client = walk.client_for(role, users)
        for scope, child in _scopes(route, proof_world):
            url = walk.url_for(route, page, child)
            before = walk.snapshot(allowed)
            client.get(url)
            TOTALS["gets"] += 1
            changed = walk.changes(before, walk.snapshot(allowed))
            if changed:
                problems.append(f"GET {url} as {role} ({scope} of scope): {changed}")
    record(
        "get_changes_nothing",
        urls_checked=len(ROUTES),
        gets=TOTALS["gets"],
        allowed_writes={
            key: walk.PAGES[key].get_writes
            for key in walk.PAGES
            if walk.PAGES[key].get_writes
        },
        summary=f"{TOTALS['gets']} GETs over {len(ROUTES)} URLs changed nothing",
    )
    assert not problems, "\n".join(problems)
