"""Bad input (OWASP ASVS 4.0, input validation): hypothesis against every form.

For every POST form in the URL table, hypothesis mixes valid values with bad ones field
by field: impossible dates (31/02), far past and far future years, two-digit years,
non-digits and other scripts' digits, huge, empty and blank strings, unicode, NUL,
HTML and template syntax, wrong codes for choices and numbers. For each submission:
- never a 500 (the test client raises the view's exception);
- the answer is the form's success status or 400 (or another status the table names,
  such as 409 for a stale version);
- a 400 (or any answer but success) saved nothing, not even in part;
- a 400 shows the GOV.UK error summary ("There is a problem") with "Error:" in the title,
  and nothing was saved, not even in part;
- no submitted HTML comes back unescaped, on the answer or on the page it redirects to,
  and a redirect never leaves the site (the sign-in form's `next` is fuzzed too).
Each example runs in a transaction that is rolled back, so examples do not interfere.
The number of examples per form comes from the hypothesis profile (HYPOTHESIS_PROFILE:
"ci" in CI, "dev" by default; tests/proof/conftest.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import connection, transaction
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.proof import walk
from tests.proof.conftest import FORM_EXAMPLES, PROFILE
from tests.proof.figures import record
from tests.proof.html_forms import Choice, DateParts, Number, Text, post_form_fields
from tests.proof.url_table import ANON, Form

pytestmark = pytest.mark.django_db


def _is_form_page(page) -> bool:
    return page is not None and (
        page.form is not None or 400 in (page.post or {}).values()
    )


# A route with no table entry fails the URL walk; here it is left out.
FORM_ROUTES = [r for r in walk.walked_routes() if _is_form_page(walk.PAGES.get(r.key))]

ON_POSTGRESQL = connection.vendor == "postgresql"
# Bugs this harness found that are still open, each with a deterministic test below.
# Remove the entry when the bug is fixed (the strict xfail below will say so).
KNOWN_BUGS: dict[str, tuple[bool, str]] = {
    # Fixed: a username longer than 255 characters was a 500 on PostgreSQL (SignInForm
    # now has a MaxLengthValidator); the deterministic test below keeps it fixed.
}


def _params():
    for route in FORM_ROUTES:
        condition, reason = KNOWN_BUGS.get(route.key, (False, ""))
        if walk.PAGES[route.key].known_bug:
            condition, reason = True, walk.PAGES[route.key].known_bug
        marks = [pytest.mark.xfail(condition, reason=reason, strict=False)]
        yield pytest.param(route, id=str(route), marks=marks if condition else [])


EXAMPLES: dict[str, int] = {}
STATUSES: dict[str, Counter] = {}

# Strings that must never come back as markup.
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><b>injected</b>",
]
PAYLOADS = [
    *MARKUP,
    "{{ request.user.password }}",
    "{% debug %}",
    "${7*7}",
    "' OR 1=1 --",
    "Robert'); DROP TABLE children_child;--",
    "\x00",
    "a\x00b",
    "\u202eevil",
    "Zoë Ñoño 李小龍 محمد",
    "😀👨‍👩‍👧",
    "\r\n\r\n",
    "   ",
    "",
]
BAD_DATES = [
    ("31", "2", "2025"),
    ("29", "2", "2023"),
    ("31", "4", "2025"),
    ("0", "1", "2025"),
    ("1", "0", "2025"),
    ("1", "13", "2025"),
    ("1", "1", "1"),
    ("1", "1", "0001"),
    ("1", "1", "1899"),
    ("31", "12", "9999"),
    ("1", "1", "2101"),
    ("1", "1", "25"),
    ("1", "1", "02025"),
    ("a", "b", "c"),
    ("", "", ""),
    ("1", "", "2025"),
    ("", "1", "2025"),
    ("-1", "1", "2025"),
    ("1.5", "1", "2025"),
    ("99999999999999999999", "1", "2025"),
    ("1", "1", "99999999999999999999"),
    ("²", "1", "2025"),
    ("١", "١", "٢٠٢٥"),
    (" 1 ", " 1 ", " 2025 "),
    ("<script>", "1", "2025"),
    ("1", "1", "{{ x }}"),
]
BAD_NUMBERS = [
    "",
    "abc",
    "-1",
    "0",
    "1.5",
    "1e5",
    "99999999999999999999999",
    "٣",
    "<b>",
]
BAD_CODES = ["", "X", "m", "M ", "FF", "<script>", "{{ x }}", "\x00"]


def _text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(PAYLOADS),
        st.text(max_size=40),
        st.builds(
            lambda a, p, b: a + p + b,
            st.text(max_size=5),
            st.sampled_from(PAYLOADS),
            st.text(max_size=5),
        ),
        st.integers(min_value=101, max_value=20_000).map(lambda n: "x" * n),
        st.just("y" * 100_000),
    )


def _date_parts() -> st.SearchStrategy[tuple[str, str, str]]:
    real = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(
        lambda d: (str(d.day), str(d.month), str(d.year))
    )
    return st.one_of(
        st.sampled_from(BAD_DATES),
        real,
        st.tuples(st.text(max_size=4), st.text(max_size=4), st.text(max_size=6)),
    )


def _bad(kind) -> st.SearchStrategy:
    if isinstance(kind, Text):
        return _text()
    if isinstance(kind, DateParts):
        return _date_parts()
    if isinstance(kind, Choice):
        code = st.one_of(
            st.sampled_from(kind.codes or ("",)),
            st.sampled_from(BAD_CODES),
            st.text(max_size=3),
        )
        return st.lists(code, max_size=3) if kind.multiple else code
    if isinstance(kind, Number):
        return st.one_of(st.sampled_from(BAD_NUMBERS), st.integers().map(str))
    raise TypeError(f"no strategy for {kind!r}")


def _as_posted(value):
    if isinstance(value, date):
        return (str(value.day), str(value.month), str(value.year))
    return "" if value is None else value


def submissions(kinds: dict, valid: dict) -> st.SearchStrategy[dict]:
    """A valid submission with one field made bad, or every field valid-or-bad at random.

    One bad field at a time gets through to the save more often (a valid name holding
    markup is stored and then shown on the next page); the random mix finds the
    combinations.
    """
    base = {name: _as_posted(valid.get(name)) for name in kinds}
    if not kinds:  # a button: nothing to vary
        return st.just({})
    one_bad = st.sampled_from(sorted(kinds)).flatmap(
        lambda name: _bad(kinds[name]).map(lambda bad: {**base, name: bad})
    )
    mixed = st.fixed_dictionaries(
        {
            name: st.one_of(st.just(base[name]), _bad(kind))
            for name, kind in kinds.items()
        }
    )
    return st.one_of(one_bad, mixed)


def post_data(kinds: dict, submission: dict) -> dict:
    data = {}
    for name, value in submission.items():
        if isinstance(kinds[name], DateParts):
            for i, part in enumerate(value):
                data[f"{name}_{i}"] = part
        else:
            data[name] = value
    return data


def strings(data: dict) -> Iterator[str]:
    for value in data.values():
        if isinstance(value, list):
            yield from value
        else:
            yield value


def unescaped_markup(html: str, data: dict[str, str]) -> list[str]:
    """The submitted markup that came back unescaped."""
    return [
        marker
        for marker in MARKUP
        if any(marker in value for value in strings(data)) and marker in html
    ]


def _submitter(page) -> str:
    """The entry's as_role, or the first role (in Role order) the table gives a 400 POST."""
    if page.form is not None and page.form.as_role is not None:
        return page.form.as_role
    for roles, status in (page.post or {}).items():
        if status == 400:
            return next(role for role in walk.ROLES if role in roles)
    raise LookupError("no role may submit this form: give form=Form(as_role=...)")


def _client(role, users) -> Client:
    client = Client()
    if role != ANON:
        client.force_login(users[role])
    return client


@pytest.mark.parametrize("route", list(_params()))
def test_bad_input_never_breaks_a_form(route, proof_world):
    """Never a 500; 400 with the error summary and nothing saved; input always escaped."""
    page = walk.page_for(route)
    form = page.form or Form()
    role = _submitter(page)
    users = proof_world["users"]
    child = proof_world["in_child"]
    url = walk.url_for(route, page, child)
    subject = walk.OBJECTS[page.of](child) if page.of else None
    submitter = users[role] if role != ANON else users[walk.Role.IRO]
    allowed = frozenset(form.writes) | frozenset(page.get_writes)
    ok = {form.ok, 400, *form.also}
    page_html = walk.body(_client(role, users).get(url))
    kinds, values = post_form_fields(page_html, url)
    if "version" in kinds:  # optimistic locking: a wrong version is the conflict page
        ok.add(409)
    count = 0
    statuses: Counter = Counter()

    @hypothesis_settings(hypothesis_settings.get_profile(PROFILE))
    @given(data=st.data())
    def check(data):
        nonlocal count
        count += 1
        with transaction.atomic():
            client = _client(role, users)
            if page.get_writes:  # the page first, as it sets something up (two-factor)
                client.get(url)
            if subject is not None:
                subject.refresh_from_db()
            valid = {**values, **(form.valid(subject, submitter) if form.valid else {})}
            submitted = post_data(kinds, data.draw(submissions(kinds, valid)))
            before = walk.snapshot(allowed)
            response = client.post(url, submitted)
            html = walk.body(response)
            status = response.status_code
            statuses[status] += 1
            assert status in ok, f"{status} for {submitted!r}"
            if status == 400:
                assert "There is a problem" in html
                assert re.search(r"<title>\s*Error: ", html)
            if status == 400 or status != form.ok:  # only a success may write
                assert walk.changes(before, walk.snapshot(allowed)) == []
            assert unescaped_markup(html, submitted) == []
            if status == 302:
                location = urljoin(url, response["Location"])
                parts = urlsplit(location)  # never off the site (no open redirect)
                assert parts.netloc in ("", "testserver"), location
                landing = walk.body(client.get(parts.path, QueryDict(parts.query)))
                assert unescaped_markup(landing, submitted) == []
            transaction.set_rollback(True)

    check()
    EXAMPLES[route.key] = count
    STATUSES[route.key] = statuses
    record(
        "bad_input",
        profile=PROFILE,
        max_examples_per_form=FORM_EXAMPLES[PROFILE],
        forms_fuzzed=len(EXAMPLES),
        examples=dict(sorted(EXAMPLES.items())),
        statuses={k: dict(sorted(v.items())) for k, v in sorted(STATUSES.items())},
        summary=(
            f"{len(EXAMPLES)} forms fuzzed, {FORM_EXAMPLES[PROFILE]} examples per form "
            f"(profile {PROFILE}): "
            + ", ".join(f"{k} {v}" for k, v in sorted(EXAMPLES.items()))
        ),
    )
    print(
        f"bad input: {route.key}: {count} examples {dict(statuses)}, fields {sorted(kinds)}"
    )


def test_the_fuzzer_reads_every_kind_of_field():
    """Text, text areas, selects, radios, checkboxes, dates and hidden versions are all read."""
    html = """<form method="post" action="/x/"><input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input type="text" name="first_name" value="Ann">
      <textarea name="notes">
Hello</textarea>
      <select name="team"><option value="">Any</option><option value="3" selected>North</option></select>
      <input type="radio" name="sex" value="M"><input type="radio" name="sex" value="F" checked>
      <input type="checkbox" name="contact" value="email" checked><input type="checkbox" name="contact" value="phone">
      <input type="checkbox" name="uasc">
      <input type="text" name="dob_0" value="1"><input type="text" name="dob_1" value="2"><input type="text" name="dob_2" value="2015">
      <input type="hidden" name="version" value="4"><button type="submit">Save</button></form>"""
    kinds, values = post_form_fields(html, "/x/")
    assert kinds == {
        "first_name": Text(),
        "notes": Text(),
        "team": Choice(("", "3")),
        "sex": Choice(("M", "F")),
        "contact": Choice(("email", "phone"), multiple=True),
        "uasc": Choice(("on",), multiple=True),
        "dob": DateParts(),
        "version": Number(),
    }
    assert values == {
        "first_name": "Ann",
        "notes": "Hello",
        "team": "3",
        "sex": "F",
        "contact": ["email"],
        "uasc": [],
        "dob": ("1", "2", "2015"),
        "version": "4",
    }


def test_a_very_long_username_is_refused_not_a_500(client):
    """Found by the fuzzer on PostgreSQL: a 256-character username must get the error summary."""
    response = client.post(
        reverse("accounts:login"), {"username": "y" * 256, "password": "x"}
    )
    assert response.status_code == 400
