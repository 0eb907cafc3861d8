"""CSRF (OWASP ASVS 4.0, access control: CSRF): every POST needs the token.

Over every URL the walk covers, a POST without a CSRF token is refused with 403 for
every role and for anonymous visitors, and changes nothing; the same POST with a token,
by a role the table lets POST, gets the table's status, so the 403 is the token's doing.
(That no GET changes anything is checked around every GET of the URL walk.)
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
    # With a token, the first role the table lets POST is not refused: the 403s above
    # were the token's doing.
    for role, client in clients.items():
        expected = walk.expected_status(
            page, "POST", role, has_object=bool(route.kwargs), in_scope=True
        )
        if expected in (403, 404, 405):
            continue
        token = _get_new_csrf_string()
        client.cookies[settings.CSRF_COOKIE_NAME] = token
        try:
            response = client.post(
                url, {**WALK_POST_BODY, "csrfmiddlewaretoken": token}
            )
        except Exception:
            if not page.known_bug:
                raise
            break  # reported by the URL walk
        if response.status_code != expected:
            problems.append(
                f"POST {url} as {role} with a token: {response.status_code}, "
                f"table says {expected}"
            )
        break
    record(
        "csrf",
        urls_checked=len(ROUTES),
        posts_refused=TOTALS["refused"],
        summary=f"{TOTALS['refused']} token-less POSTs over {len(ROUTES)} URLs, all 403",
    )
    assert not problems, "\n".join(problems)
