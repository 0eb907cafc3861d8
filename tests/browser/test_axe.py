"""Accessibility (WCAG 2.2 AA): axe-core on every page, three states.

Every page of the URL walk's table that some role can open (GET 200) is loaded in
Debian's Chromium as a role that may see it, and axe-core (from npm, copied into
static/vendor by scripts/build_assets.sh) checks it against WCAG 2.2 AA
(wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa) in three states:
- empty: the proof world only (tests/proof/world.py: six children in three teams,
  a user per role and the other people it names, no demo data);
- filled: the demo service (`seed_demo`), as a demo user, about a demo child;
- error: every form page submitted with its text emptied and its dates impossible
  (31/02/2025), which must give the error summary.
Any violation fails the test, listing the page, the rule and the elements.

The Nu Html Checker (tests/browser/nu_checker.py) reads the same page states, as the
server sent them, in one run per test: any error fails it too (docs/quality.md).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from accounts.models import Role
from tests.browser.nu_checker import NuChecker
from tests.proof import walk
from tests.proof.figures import record
from tests.proof.url_table import ANON
from tests.proof.world import build_proof_world

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "static/vendor/axe-core/axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Who opens a page for axe: the first of these the table lets in.
PREFERENCE = [
    Role.IRO_MANAGER,
    Role.IRO,
    Role.SOCIAL_WORKER,
    Role.TEAM_MANAGER,
    Role.DUTY_IRO,
    Role.SENIOR_MANAGER,
    Role.BUSINESS_SUPPORT,
    Role.ADMINISTRATOR,
    ANON,
]
DEMO_USERS = {
    Role.IRO: "iro1",
    Role.DUTY_IRO: "iro2",
    Role.IRO_MANAGER: "manager",
    Role.SOCIAL_WORKER: "sw1",
    Role.TEAM_MANAGER: "tm1",
    Role.SENIOR_MANAGER: "hos1",
    Role.BUSINESS_SUPPORT: "bs1",
    Role.ADMINISTRATOR: "admin1",
}
FIGURES: Counter = Counter()
SKIPPED: dict[str, str] = {}
NOT_REACHED: dict[str, str] = {}
VIOLATIONS: dict[str, list[str]] = {}
# The HTML of each state's pages, for the Nu Html Checker.
NU: dict[str, NuChecker] = {}

# Empty the form's text and make every date impossible, then submit it.
BREAK_THE_FORM = """
(path) => {
  const forms = [...document.querySelectorAll('form')].filter(f =>
    (f.getAttribute('method') || '').toLowerCase() === 'post' &&
    (!f.getAttribute('action') || f.getAttribute('action') === path));
  if (!forms.length) return false;
  const form = forms[0];
  for (const el of form.querySelectorAll('input, textarea')) {
    const t = (el.type || '').toLowerCase();
    if (['hidden', 'submit', 'button', 'radio', 'checkbox', 'file'].includes(t)) continue;
    const m = (el.name || '').match(/_(0|1|2)$/);
    el.value = m ? ['31', '2', '2025'][Number(m[1])] : '';
  }
  for (const el of form.querySelectorAll('select')) el.selectedIndex = 0;
  form.submit();
  return true;
}
"""


def _axe_role(page) -> str | None:
    """The first role (in PREFERENCE order) the table gives a 200 for this page."""
    for role in PREFERENCE:
        status = walk.expected_status(
            page, "GET", role, has_object=bool(page.of), in_scope=True
        )
        if status == 200:
            return page.axe_as or role
    return None


def _pages():
    """(route, entry, role) for every page axe should check."""
    for route in walk.walked_routes():
        page = walk.PAGES.get(route.key)
        if page is None:
            continue  # the URL walk fails for it
        if page.axe_skip:
            SKIPPED[route.key] = page.axe_skip
            continue
        role = _axe_role(page)
        if role is not None:
            yield route, page, role


def _sign_in(context, live_server, user) -> None:
    context.clear_cookies()
    if user is None:
        return
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
    )


def _check(browser_page: Page, state: str, key: str, html: bytes) -> None:
    NU.setdefault(state, NuChecker()).add(f"{state} {key}", html)
    result = browser_page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        TAGS,
    )
    FIGURES[f"{state}_pages_checked"] += 1
    for violation in result["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
        VIOLATIONS.setdefault(f"{state} {key}", []).append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}"
        )
        FIGURES["violations"] += len(violation["nodes"])


def _record():
    checked = sum(v for k, v in FIGURES.items() if k.endswith("_pages_checked"))
    record(
        "axe",
        tags=TAGS,
        pages_checked=checked,
        by_state={k: v for k, v in FIGURES.items() if k.endswith("_pages_checked")},
        error_states_not_reached=NOT_REACHED,
        downloads_not_checked=FIGURES["downloads_not_checked"],
        violations=FIGURES["violations"],
        violations_by_page=VIOLATIONS,
        skipped=SKIPPED,
        nu_pages_checked={state: len(nu.names) for state, nu in NU.items()},
        summary=(
            f"{checked} page states checked with axe-core "
            f"({', '.join(f'{k[:-14]} {v}' for k, v in sorted(FIGURES.items()) if k.endswith('_pages_checked'))}), "
            f"{FIGURES['violations']} violations"
        ),
    )


def _walk_state(browser_page, live_server, state, users, child_for) -> list[str]:
    """Open every page for axe; return the violations found in this state."""
    context = browser_page.context
    context.add_init_script(path=str(AXE))  # in every page, before its own scripts
    current = object()
    problems = []
    for route, page, role in _pages():
        user = users.get(role)
        if user is not current:
            _sign_in(context, live_server, user)
            current = user
        url = walk.url_for(route, page, child_for(user))
        try:
            response = browser_page.goto(live_server.url + url)
        except PlaywrightError as error:
            if "Download is starting" not in str(error):
                raise
            FIGURES["downloads_not_checked"] += 1
            continue  # a download (PDF, JSON, .ics): not a page
        if response is None or "text/html" not in response.headers.get(
            "content-type", ""
        ):
            FIGURES["downloads_not_checked"] += 1
            continue
        if response.status != 200:
            problems.append(f"{state} {route.key}: {response.status} as {role}")
            continue
        _check(browser_page, state, route.key, response.body())
        if state == "filled" and 400 in (page.post or {}).values():
            _error_state(browser_page, live_server, route, page, url, users, child_for)
    problems += [
        f"{key}: {v}"
        for key, vs in VIOLATIONS.items()
        if key.startswith(state)
        for v in vs
    ]
    _record()
    return problems


def _nu_errors(*states: str) -> list[str]:
    """The Nu Html Checker's errors over these states' pages (0 required)."""
    errors = [error for state in states if state in NU for error in NU[state].errors()]
    record(
        "nu_html_checker_" + "_".join(states),
        pages_checked=sum(len(NU[state].names) for state in states if state in NU),
        errors=len(errors),
        summary=f"{sum(len(NU[s].names) for s in states if s in NU)} page states "
        f"({', '.join(states)}) checked with the Nu Html Checker, {len(errors)} errors",
    )
    return [f"Nu Html Checker: {error}" for error in errors]


def _error_state(browser_page, live_server, route, page, url, users, child_for):
    """Submit the form broken (as whoever may submit it) and check the error page."""
    browser_page.goto(live_server.url + url)
    try:
        with browser_page.expect_navigation() as navigation:
            if not browser_page.evaluate(BREAK_THE_FORM, url):
                NOT_REACHED[route.key] = "no POST form on the page"
                return
    except PlaywrightError as error:
        if "ERR_ABORTED" not in str(error):
            raise
        # The form's answer is a download (a record through its link), not a page.
        NOT_REACHED[route.key] = "the form answers with a download"
        return
    if not browser_page.title().startswith("Error:"):
        NOT_REACHED[route.key] = f"no error page: {browser_page.title()}"
        return
    answer = navigation.value
    _check(browser_page, "error", route.key, answer.body() if answer else b"")


def test_every_page_is_accessible_when_empty(page: Page, live_server, transactional_db):
    """Zero WCAG 2.2 AA violations on every page with only the proof world in the database."""
    world = build_proof_world()
    users = {**world["users"], ANON: None}
    problems = _walk_state(
        page, live_server, "empty", users, lambda _: world["in_child"]
    )
    problems += _nu_errors("empty")
    assert not problems, "\n".join(problems)


def test_every_page_is_accessible_when_filled_and_in_error(
    page: Page, live_server, demo_service
):
    """Zero violations on every page of the demo service, and on every form's error page."""
    from accounts.models import User
    from children.permissions import children_visible_to

    users = {role: User.objects.get(username=name) for role, name in DEMO_USERS.items()}
    users[ANON] = None
    anyone = users[Role.IRO_MANAGER]
    children = {}

    def child_for(user):
        """The demo child with the most history that this user can see."""
        key = user.pk if user else None
        if key not in children:
            visible = children_visible_to(user or anyone).filter(
                iro__isnull=False, team__isnull=False, social_worker__isnull=False
            )
            visible = visible.order_by("-reviews__pk", "pk")
            children[key] = visible.first()
        return children[key]

    problems = _walk_state(page, live_server, "filled", users, child_for)
    problems += [
        f"{k}: {v}" for k, vs in VIOLATIONS.items() if k.startswith("error") for v in vs
    ]
    problems += _nu_errors("filled", "error")
    assert not problems, "\n".join(problems)


def test_axe_reports_a_known_violation(page: Page):
    """The harness itself: an image without alternative text is reported."""
    page.set_content(
        '<html lang="en"><title>t</title><main><img src="x.png"></main></html>'
    )
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        TAGS,
    )
    assert "image-alt" in {violation["id"] for violation in result["violations"]}


def test_the_nu_html_checker_reports_an_empty_aria_attribute():
    """The harness itself: the checker reads what it is given and names the page."""
    checker = NuChecker()
    checker.add(
        "clean", b'<!DOCTYPE html><html lang="en"><title>t</title><p>x</p></html>'
    )
    checker.add(
        "broken",
        b'<!DOCTYPE html><html lang="en"><title>t</title>'
        b'<input id="a" aria-describedby=""></html>',
    )
    errors = checker.errors()
    assert len(errors) == 1 and errors[0].startswith("broken, line 1:"), errors
    assert "aria-describedby" in errors[0]
