"""Link walk: no link leads nowhere, and no button is shown that the user may not press.

As every role (and as two people the roles alone do not show: the secure-review chair,
South's IRO, and East's team manager who is also a social worker), on the permission
tables' world (tests/proof/permission_world.py: the proof world with challenges,
documents, secure reviews and notifications in and out of each person's scope), start
from My work and from the page of every child, review, secure review and challenge of
the world, and crawl breadth-first: GET every same-site link (`<a href>`) on every page
reached, each URL once. Each must answer 200 (a download: 200 with Content-Disposition),
or a redirect to a page that does; never 403, 404, 500 or a redirect to sign-in. A start
page the person may not see is not a link and is not followed. Left out: sign-out,
static files, `#` anchors, `mailto:` and `tel:` links.

Then every POST form the person was shown is submitted with nothing filled in (the CSRF
token, the form's hidden inputs, and the button pressed when it has a name), each in a
savepoint rolled back after it so that no submission changes what the next one sees:
200, 302 (a redirect that does not lead to sign-in, and whose page answers 200) or 400
with the error summary; never 403, 404, 405 or 500. A form whose button the person may
not use must not be shown.

Caps: at most MAX_PAGES pages per person (the walk fails if it gets there: raise it),
and MAX_VARIANTS URLs for one path with the same query parameters (a dashboard's
filters, measures and formats repeat one another). The Django admin's own pages under
/manage/ are left out, as in the URL walk; its index is walked. Figures per person
(pages, links, downloads, forms by status, what was left out) are in
test-results/proof-link_walk.<database>[.<xdist worker>].json.
"""

from __future__ import annotations

from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from accounts.models import Role
from tests.proof import walk
from tests.proof.figures import record
from tests.proof.permission_world import (
    every_child,
    every_review,
    permission_world_fixture,  # noqa: F401 (a fixture)
    world_fixture,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db

MAX_PAGES = 400
# A page reached with the same query parameters but other values (a dashboard's
# filters, measures and formats) is followed this many times.
MAX_VARIANTS = 3
# The people who walk: a user per role, and two the roles alone do not show.
WALKERS = [
    *(str(role) for role in Role),
    "secure_chair",
    "team_manager_and_social_worker",
]
SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:")
FIGURES: dict[str, dict] = {}  # this worker's people


def _walker(world: dict, key: str):
    if key == "secure_chair":
        return world["people"]["iro_south"]
    if key == "team_manager_and_social_worker":
        return world["two_roles"]["team_manager_and_social_worker"]
    return world["users"][Role(key)]


class _Page(HTMLParser):
    """The links and POST forms of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, bool]] = []  # (href, has a download attribute)
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and "href" in a:
            self.links.append((a["href"], "download" in a))
        elif tag == "form":
            self._form = {
                "action": a.get("action", ""),
                "method": a.get("method", "get").lower(),
                "hidden": [],
                "buttons": [],
            }
            self.forms.append(self._form)
        elif self._form is not None and "disabled" not in a:
            kind = a.get("type", "submit" if tag == "button" else "text").lower()
            if tag == "input" and kind == "hidden" and a.get("name"):
                self._form["hidden"].append((a["name"], a.get("value", "")))
            elif tag in {"button", "input"} and kind == "submit":
                self._form["buttons"].append((a.get("name", ""), a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _same_site(base: str, href: str) -> str | None:
    """The link's path and query on this site, or None for a link the walk skips."""
    href = href.strip()
    if not href or href.startswith("#") or href.lower().startswith(SKIPPED_SCHEMES):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in {"", "http", "https"} or parts.netloc not in {
        "",
        "testserver",
    }:
        return None
    if parts.path.startswith(("/static/",)) or parts.path == reverse("accounts:logout"):
        return None
    if parts.path.startswith("/manage/") and parts.path != reverse("admin:index"):
        return None  # the Django admin's own pages (as in the URL walk)
    return urlunsplit(("", "", parts.path, parts.query, ""))


def _is_download(response) -> bool:
    return response.has_header("Content-Disposition") or not response.get(
        "Content-Type", ""
    ).startswith("text/html")


def _start_pages(world: dict) -> list[str]:
    table = world["table"]
    urls = [reverse("workspace:home")]
    urls += [
        reverse("children:detail", args=[c.pk]) for c in every_child(world).values()
    ]
    urls += [r.get_absolute_url() for r in every_review(world).values()]
    urls += [s.get_absolute_url() for s in table["secure_reviews"].values()]
    urls += [c.get_absolute_url() for c in table["challenges"].values()]
    return list(dict.fromkeys(urls))


def _write_document_files(world: dict) -> None:
    """The stored documents' files (the tables keep rows only), so downloads have them."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    for document in world["table"]["documents"].values():
        if not default_storage.exists(document.file.name):
            default_storage.save(document.file.name, ContentFile(b"%PDF-1.4 proof"))
    for document in world["table"]["key_documents"].values():
        if not default_storage.exists(document.file.name):
            default_storage.save(document.file.name, ContentFile(b"%PDF-1.4 proof"))


class _Crawl:
    def __init__(self, client, user):
        self.client = client
        self.user = user
        self.seen: set[str] = set()
        self.queue: deque[tuple[str, str | None]] = deque()
        self.forms: dict[tuple, str] = {}  # form -> the page it was first shown on
        self.problems: list[str] = []
        self.counts: Counter = Counter()
        self.login = reverse("accounts:login")
        self.variants: Counter = Counter()
        self.download_links: set[str] = set()  # links with a `download` attribute
        self.refused_starts: set[str] = set()
        self.linked_from: dict[str, str] = {}  # a start page -> a page linking to it

    def add(self, url: str, referrer: str | None) -> None:
        if url in self.refused_starts and referrer is not None:
            self.refused_starts.discard(url)
            self.queue.append((url, referrer))
            return
        if url in self.seen:
            if referrer is not None:
                self.linked_from.setdefault(url, referrer)
            return
        path, _, query = url.partition("?")
        shape = (path, tuple(sorted({p.split("=")[0] for p in query.split("&") if p})))
        self.variants[shape] += 1
        if self.variants[shape] > MAX_VARIANTS:
            self.counts["variants_left_out"] += 1
            return
        self.seen.add(url)
        self.queue.append((url, referrer))

    def _get(self, url: str):
        try:
            return self.client.get(url)
        except Exception as error:  # the test client re-raises a view's exception
            return error

    def run(self, starts: list[str]) -> None:
        for url in starts:
            self.add(url, None)
        while self.queue and self.counts["pages"] < MAX_PAGES:
            url, referrer = self.queue.popleft()
            self.visit(url, referrer)
        self.counts["left_unvisited"] = len(self.queue)

    def visit(self, url: str, referrer: str | None) -> None:
        response = self._get(url)
        if referrer is not None:
            self.counts["links"] += 1
        where = f"link {url} on {referrer}" if referrer else f"start page {url}"
        if isinstance(response, Exception):
            self.problems.append(
                f"{where}: 500 ({type(response).__name__}: {response})"
            )
            return
        status = response.status_code
        if referrer is None and status != 200:
            # A start page out of the person's scope is not a link; a link to it
            # found later is followed (and fails).
            self.counts["start_pages_refused"] += 1
            if url in self.linked_from:  # a link found before it was visited
                self.problems.append(f"link {url} on {self.linked_from[url]}: {status}")
            self.refused_starts.add(url)
            return
        if status == 302:
            location = response["Location"]
            if urlsplit(location).path == self.login:
                self.problems.append(f"{where}: 302 to sign-in")
                return
            target = _same_site(url, location)
            if target is not None:
                self.add(target, referrer or url)
            self.counts["redirects"] += 1
            return
        if status != 200:
            self.problems.append(f"{where}: {status}")
            return
        if _is_download(response):
            walk.body(response)
            self.counts["downloads"] += 1
            if not response.has_header("Content-Disposition"):
                self.problems.append(f"{where}: a file without Content-Disposition")
            return
        if url in self.download_links:
            self.problems.append(f"{where}: a download link that gives a page")
        self.counts["pages"] += 1
        page = _Page()
        page.feed(walk.body(response))
        for href, download in page.links:
            target = _same_site(url, href)
            if target is not None:
                self.add(target, url)
                if download:
                    self.download_links.add(target)
        for form in page.forms:
            self.collect_form(url, form)

    def collect_form(self, url: str, form: dict) -> None:
        action = _same_site(url, form["action"] or url)
        if action is None:
            return
        if form["method"] != "post":
            self.add(action.split("?")[0], url)
            return
        hidden = tuple(h for h in form["hidden"] if h[0] != "csrfmiddlewaretoken")
        named = [b for b in form["buttons"] if b[0]] or [None]
        for button in named:
            self.forms.setdefault((action, hidden, button), url)

    def submit_forms(self) -> None:
        for (action, hidden, button), shown_on in self.forms.items():
            data = dict(hidden)
            if button is not None:
                data[button[0]] = button[1]
            where = f"form {action} {data} on {shown_on}"
            savepoint = transaction.atomic()
            savepoint._from_testcase = True  # as the world's own: a durable block nests
            with savepoint:
                try:
                    self.submit(action, data, where)
                finally:
                    transaction.set_rollback(True)
            self.keep_signed_in()
            self.counts["forms"] += 1

    def keep_signed_in(self) -> None:
        """Sign in again if the submission (rolled back) took the session with it."""
        from django.contrib.sessions.models import Session

        cookie = self.client.cookies.get(settings.SESSION_COOKIE_NAME)
        if cookie is None or not Session.objects.filter(pk=cookie.value).exists():
            self.client.force_login(self.user)
            self.counts["signed_in_again"] += 1

    def submit(self, action: str, data: dict, where: str) -> None:
        try:
            response = self.client.post(action, data)
        except Exception as error:
            self.problems.append(f"{where}: 500 ({type(error).__name__}: {error})")
            return
        status = response.status_code
        self.counts[f"forms_{status}"] += 1
        if status == 302:
            location = response["Location"]
            if urlsplit(location).path == self.login:
                self.problems.append(f"{where}: 302 to sign-in")
                return
            target = _same_site(action, location)
            if target is None:
                return
            after = self._get(target)
            got = getattr(after, "status_code", 500)
            if got not in {200, 302}:
                self.problems.append(
                    f"{where}: redirected to {target}, which gave {got}"
                )
        elif status == 400:
            if "govuk-error-summary" not in walk.body(response):
                self.problems.append(f"{where}: 400 without the error summary")
        elif status != 200:
            self.problems.append(f"{where}: {status}")


def _record(walker: str, crawl: _Crawl) -> None:
    """The figures of the people this process walked (each xdist worker its own file)."""
    FIGURES[walker] = dict(crawl.counts, problems=crawl.problems)
    per_walker = FIGURES
    totals: Counter = Counter()
    for counts in per_walker.values():
        totals.update({k: v for k, v in counts.items() if isinstance(v, int)})
    failing = sum(len(counts["problems"]) for counts in per_walker.values())
    record(
        "link_walk",
        max_pages=MAX_PAGES,
        max_variants=MAX_VARIANTS,
        per_walker=per_walker,
        summary=(
            f"{len(per_walker)} people, {totals['pages']} pages, {totals['links']} "
            f"links followed ({totals['downloads']} downloads), {totals['forms']} "
            f"forms submitted empty; {failing} leading nowhere"
        ),
    )


@pytest.mark.parametrize("walker", WALKERS)
def test_every_link_and_button_shown_leads_somewhere(walker, world):
    _write_document_files(world)
    user = _walker(world, walker)
    client = walk.client_for("signed-in", {"signed-in": user})
    crawl = _Crawl(client, user)
    crawl.run(_start_pages(world))
    crawl.submit_forms()
    _record(walker, crawl)
    assert crawl.counts["pages"] < MAX_PAGES, f"as {walker}: raise MAX_PAGES"
    assert not crawl.problems, f"as {walker}:\n" + "\n".join(crawl.problems)
