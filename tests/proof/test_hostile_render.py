"""Hostile render: every page and form, with markup in every free-text field, shows it as text.

The proof world (tests/proof/world.py) is made hostile once per module: first every
object kind of the URL table (tests/proof/url_table.py OBJECTS: a review, an invitee,
an event, a document, a challenge, ...) is built for the in-scope child, and the URL
arguments are kept; then every row of every model in the apps holding data has each
free-text field (a CharField or TextField without choices) set, with
`queryset.update()` so that no validation stops it, to markup naming the field:

    <i data-hostile="children.child.first_name">x</i>"'&

cut to fit: a field too short for that holds `<zN>"'&` (an unknown element, N the
field's number in HOSTILE_FIELDS), and an email address `"<zN>"@example.org` (a quoted
local part, valid). A field that must stay unique gets the row's key after the markup.

Then, for every walked URL, every role the table gives a 200 GETs the page, and every
role the table gives a 400 POSTs the walk's body (no fields: every error message, label
and choice of the form shows). No answer is a 500, each has the table's status, and no
HTML answer holds the markup as markup: it must come out escaped
(`&lt;i data-hostile=...`), once (not `&amp;lt;`). A failure names the page, the role,
the field whose markup leaked and the text around it.

A planned review shows little of what is typed later, so before the update two more
reviews are taken through the pages with markup typed in every free-text box
(`typed.<...>`), each step's answer (its success message) checked: one to its record,
one closed with a progress review, a challenge about it answered and resolved. Every
page about those reviews, their challenge and their child is then walked as every
signed-in role, whatever the role gets (GET, and the walk's POST where the GET was a
200): never a 500, no markup left as markup. The figures (tests.proof.figures) list
the fields no page showed.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import models
from django.db.models.functions import Cast, Concat
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reviews.models import RecordSection
from reviews.services import review_plan_next
from tests.proof import walk
from tests.proof.figures import record
from tests.proof.url_table import ANON, OBJECTS, WALK_POST_BODY

pytestmark = pytest.mark.django_db

# The apps holding what people type. Not auditlog: the log is append-only (a trigger
# refuses UPDATE on PostgreSQL); the audit page's changes hold what the steps below
# typed, and it is walked with them.
HOSTILE_APPS = (
    "accounts",
    "children",
    "iro",
    "reviews",
    "disputes",
    "documents",
    "core",
)
# Free-text fields left as they are, each with the reason.
SKIPPED_FIELDS = {
    "accounts.user.password": "a password hash (signing in checks it)",
    "accounts.twofactorsetupcode.code_hash": "a hash",
    "reviews.accesslink.token_hash": "a hash (the consultation link is found by it)",
    "reviews.accesslink.code_hash": "a hash",
    "documents.document.sha256": "a hash of the stored file",
    "documents.document.source_sha256": "a hash of what the document was made from",
    "children.periodofcare.reason_ended": (
        "3 characters: no marked tag fits (an SSDA903 code, chosen from a list)"
    ),
}

FULL = '<i data-hostile="{label}">x</i>"\'&'
SHORT = "<z{n}>\"'&"
EMAIL = '"<z{n}>"@example.org'
# Markup of ours that came through as markup: the field's label, or its number.
RAW = re.compile(r'<i data-hostile="([a-z0-9_.]+)"|<z(\d+)>')
# Markup escaped twice: a person would read "&lt;i ..." on the page.
TWICE = re.compile(
    r"&amp;lt;i data-hostile=&amp;quot;([a-z0-9_.]+)|&amp;lt;z(\d+)&amp;gt;"
)
# Markup escaped once, as it should be (to count the fields that reach some page).
ESCAPED = re.compile(r"&lt;i data-hostile=&quot;([a-z0-9_.]+)&quot;|&lt;z(\d+)&gt;")


def _free_text_fields() -> list[tuple[type[models.Model], models.Field]]:
    found = []
    for app in HOSTILE_APPS:
        for model in apps.get_app_config(app).get_models():
            meta = model._meta
            if meta.proxy or not meta.managed:
                continue
            for field in meta.concrete_fields:
                if not isinstance(field, models.CharField | models.TextField):
                    continue
                if field.choices:
                    continue
                if f"{meta.label_lower}.{field.name}" in SKIPPED_FIELDS:
                    continue
                found.append((model, field))
    return found


HOSTILE_FIELDS = _free_text_fields()
LABELS = [f"{m._meta.label_lower}.{f.name}" for m, f in HOSTILE_FIELDS]


def _unique_fields(model) -> set[str]:
    meta = model._meta
    names = {f.name for f in meta.concrete_fields if f.unique}
    for together in meta.unique_together:
        names.update(together)
    for constraint in meta.constraints:
        names.update(getattr(constraint, "fields", ()) or ())
    return names


def hostile_value(n: int, field: models.Field, *, room: int = 0) -> str:
    """The markup for field number n, cut to fit its length less `room` characters."""
    label = LABELS[n]
    if isinstance(field, models.EmailField):
        return EMAIL.format(n=n)
    limit = (field.max_length or 10_000) - room
    for form in (FULL.format(label=label), SHORT.format(n=n), f"<z{n}>"):
        if len(form) <= limit:
            return form
    raise AssertionError(
        f"{label}: {field.max_length} characters hold no marked tag; "
        "add it to SKIPPED_FIELDS with the reason"
    )


def make_hostile() -> int:
    """Set every free-text field of every row to its markup; the number of rows changed."""
    by_model: dict = {}
    for n, (model, field) in enumerate(HOSTILE_FIELDS):
        by_model.setdefault(model, []).append((n, field))
    rows = 0
    for model, fields in by_model.items():
        unique = _unique_fields(model)
        last = model._default_manager.order_by("-pk").values_list("pk", flat=True)
        room = 1 + len(str(last.first() or 0))
        values: dict = {}
        for n, field in fields:
            if field.name in unique:
                # The row's key after the markup keeps every value different.
                before, after = hostile_value(n, field, room=room), ""
                if isinstance(field, models.EmailField):
                    before, after = before.split('"@')
                    after = '"@' + after
                values[field.name] = Concat(
                    models.Value(before + "#"),
                    Cast("pk", models.CharField()),
                    models.Value(after),
                    output_field=models.CharField(),
                )
            else:
                values[field.name] = hostile_value(n, field)
        rows += model._default_manager.update(**values)
    return rows


# --- Reviews taken further: what a planned review does not show ---------------------
# in_child's review stays planned (the URL table's statuses are for that stage). Two
# more children of North, the IRO's, have a review taken through the pages, every
# free-text field typed as markup (`typed.<step>.<field>`) and the page after each step
# checked too (its success message names what was typed): one stopped with the record
# written, one closed with a progress review after it. A challenge about the closed
# review is answered, given more time and resolved; a Cafcass referral gets its
# outcome; the service manager records an observation and a case audit.


def typed(what: str) -> str:
    return FULL.format(label=f"typed.{what}")


def _day(prefix: str, day: date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


class _Steps:
    """POST each step as the given user; the answer (after redirects) is checked."""

    def __init__(self, users):
        self.users = users
        self.problems: list[str] = []
        self.steps = 0

    def post(self, role, url, data):
        client = walk.client_for(role, self.users)
        response = client.post(url, data, follow=True)
        self.steps += 1
        text = walk.body(response)
        where = f"POST {url} as {role}"
        if response.status_code != 200 or not response.redirect_chain:
            summary = re.findall(r'govuk-error-message">(.*?)</span>', text, re.S)
            raise AssertionError(
                f"{where}: got {response.status_code} (expected a redirect, then "
                f"200): {[' '.join(e.split()) for e in summary] or text[:2000]}"
            )
        self.problems.extend(f"{where}: {leak}" for leak in leaks(text))
        return response


def _cycle_child(teams, users, name):
    from tests.factories import ChildFactory

    child = ChildFactory(
        first_name=name,
        last_name="Cycle",
        team=teams["north"],
        social_worker=users[Role.SOCIAL_WORKER],
        iro=users[Role.IRO],
    )
    period = child.periods_of_care.get()
    # Looked after last week, so that the review is soon and its dates are real.
    period.started_on = timezone.localdate() - timedelta(days=7)
    period.save()
    return child, review_plan_next(period=period, by=None)


def _to_the_record(steps: _Steps, review, name: str):
    """Choices, schedule, people, checklist, invitations, consultation, meeting,
    held, decisions authorised, the record written: as far as `record_finalise`."""
    today = timezone.localdate()
    iro, sw, tm, bs = (
        Role.IRO,
        Role.SOCIAL_WORKER,
        Role.TEAM_MANAGER,
        Role.BUSINESS_SUPPORT,
    )

    def url(step, *args):
        return reverse(step, args=[review.pk, *args])

    steps.post(
        sw,
        url("reviews:choices"),
        {
            **_day("captured_on", today),
            "who_to_invite": typed(f"{name}.choices.who_to_invite"),
            "who_not_to_invite": typed(f"{name}.choices.who_not_to_invite"),
            "venue": typed(f"{name}.choices.venue"),
            "timing": typed(f"{name}.choices.timing"),
            "topics_to_discuss": typed(f"{name}.choices.topics_to_discuss"),
            "topics_not_to_discuss": typed(f"{name}.choices.topics_not_to_discuss"),
            "snacks": typed(f"{name}.choices.snacks"),
            "achievements": typed(f"{name}.choices.achievements"),
            "support_needs": typed(f"{name}.choices.support_needs"),
            "format": "face_to_face",
            "wants_to_chair": "co_chair",
        },
    )
    steps.post(
        iro,
        url("reviews:schedule"),
        {
            **_day("on", today),
            "at": "16:00",
            "venue": typed(f"{name}.schedule.venue"),
            "format": "face_to_face",
        },
    )
    people = {
        "child": {"role": "child", "method": "email", "consultation_type": "child"},
        "mum": {"role": "parent", "method": "email", "consultation_type": "adult"},
        "dad": {"role": "parent", "method": "letter", "consultation_type": "adult"},
    }
    for who, fields in people.items():
        steps.post(
            sw,
            url("reviews:invitee_add"),
            {
                **fields,
                "name": typed(f"{name}.invitee.{who}"),
                "email": f"{who}@example.org" if fields["method"] == "email" else "",
                "postal_address": typed(f"{name}.invitee.{who}.address"),
                "safety_notes": typed(f"{name}.invitee.{who}.safety"),
                "interpreter_language": typed(f"{name}.{who}.lang"),
            },
        )
    invitees = {
        who: review.invitees.get(role=f["role"], method=f["method"])
        for who, f in people.items()
    }
    steps.post(
        sw,
        url("reviews:restriction_add"),
        {"person": invitees["mum"].pk, "what": typed(f"{name}.restriction.what")},
    )
    steps.post(
        sw,
        url("reviews:checklist"),
        {
            "parents_plan": "separate",
            "parents_plan_reason": typed(f"{name}.checklist.reason"),
        },
    )
    steps.post(iro, url("reviews:confirm"), {})
    steps.post(bs, url("reviews:invitations"), {})
    steps.post(
        iro,
        url("reviews:consultation_enter"),
        {
            "respondent_role": "parent",
            "respondent_name": typed(f"{name}.consultation.name"),
            "channel": "phone",
            **_day("received_on", today),
            "going_well": typed(f"{name}.consultation.going_well"),
            "going_less_well": typed(f"{name}.consultation.going_less_well"),
            "needs_to_happen": typed(f"{name}.consultation.needs_to_happen"),
        },
    )
    steps.post(
        iro,
        url("reviews:child_contact"),
        {
            **_day("on", today),
            "how": "visit",
            "alone": "yes",
            "where": typed(f"{name}.contact.where"),
            "note": typed(f"{name}.contact.note"),
        },
    )
    steps.post(
        iro,
        url("reviews:meeting"),
        {**_day("held_on", today), "social_worker_present": "True"},
    )
    steps.post(
        iro,
        url("reviews:hold"),
        {
            "participation": "PN1",
            f"took_part_{invitees['mum'].pk}": "separate_meeting",
            "chaired_by": "co_chaired",
            **_day("next_review_date", today + timedelta(days=60)),
            "not_adjourned_reason": typed(f"{name}.hold.not_adjourned_reason"),
        },
    )
    steps.post(
        iro,
        url("reviews:decisions"),
        {
            "kind": "decision",
            "what": typed(f"{name}.decision.what"),
            "child_wording": typed(f"{name}.decision.child_wording"),
            "owner_name": typed(f"{name}.decision.owner_name"),
            "owner_role": "sw",
            **_day("due_date", today + timedelta(days=90)),
            "success_measure": typed(f"{name}.decision.success_measure"),
            "withhold_from": [invitees["dad"].pk],
        },
    )
    steps.post(iro, url("reviews:decisions_submit"), {})
    steps.post(
        tm,
        reverse("disputes:authorise", args=[review.pk]),
        {"action": "authorise", "comments": typed(f"{name}.authorise.comments")},
    )
    record = {
        "band": "13_plus",
        "translation_language": typed(f"{name}.lang"),
    }
    for key in RecordSection.Key.values:
        record[f"section_{key}"] = typed(f"{name}.record.{key}")
    record["withhold_plan"] = [invitees["mum"].pk]
    steps.post(iro, url("reviews:record"), record)
    return invitees


def _closed(steps: _Steps, review, invitees, name: str):
    """On from the record: finalised, commented on, sent, closed, progress reviewed."""
    today = timezone.localdate()

    def url(step):
        return reverse(step, args=[review.pk])

    steps.post(Role.IRO, url("reviews:record_finalise"), {})
    steps.post(
        Role.SOCIAL_WORKER,
        url("reviews:comment"),
        {"text": typed(f"{name}.comment.text")},
    )
    steps.post(
        Role.BUSINESS_SUPPORT,
        url("documents:distribute"),
        {"recipients": [invitees["child"].pk, invitees["mum"].pk]},
    )
    steps.post(Role.IRO, url("reviews:close"), {"care_plan_updated": "on"})
    data = {**_day("done_on", today), "summary": typed(f"{name}.progress.summary")}
    for decision in review.decisions.all():
        data[f"status_{decision.pk}"] = "partly"
        data[f"comment_{decision.pk}"] = typed(f"{name}.progress.comment")
    steps.post(Role.IRO, url("reviews:progress"), data)


def _challenge_answered(steps: _Steps, child, review, name: str):
    """A challenge about the review: answered, given more time, resolved; a Cafcass
    referral with its outcome."""
    from disputes.services import cafcass_referral_record, challenge_raise

    today = timezone.localdate()
    challenge = challenge_raise(
        child=child,
        by=child.iro,
        category="other",
        description=typed(f"{name}.challenge.description"),
        impact_for_child=typed(f"{name}.challenge.impact"),
        raised_on=today,
        review=review,
        rd_item_reference=typed(f"{name}.challenge.rd_item_reference"),
    )

    def url(step, pk=challenge.pk):
        return reverse(step, args=[pk])

    steps.post(
        Role.IRO,
        url("disputes:extend"),
        {
            **_day("extend_to", challenge.current_stage.due_on + timedelta(days=7)),
            "reason": typed(f"{name}.challenge.extension"),
        },
    )
    steps.post(
        Role.SOCIAL_WORKER,
        url("disputes:comment"),
        {"note": typed(f"{name}.challenge.note")},
    )
    steps.post(
        Role.TEAM_MANAGER,
        url("disputes:respond"),
        {"response": typed(f"{name}.challenge.response")},
    )
    steps.post(
        Role.IRO,
        url("disputes:resolve"),
        {"outcome": "resolved", "outcome_impact": typed(f"{name}.challenge.outcome")},
    )
    other = challenge_raise(
        child=child,
        by=child.iro,
        category="other",
        description=typed(f"{name}.cafcass.challenge"),
        impact_for_child=typed(f"{name}.cafcass.impact"),
        raised_on=today,
    )
    referral = cafcass_referral_record(
        challenge=other,
        by=child.iro,
        referred_on=today,
        reason=typed(f"{name}.cafcass.reason"),
    )
    steps.post(
        Role.IRO,
        url("disputes:cafcass_outcome", referral.pk),
        {"outcome": typed(f"{name}.cafcass.outcome")},
    )
    return challenge, referral


def _quality_assurance(steps: _Steps, child, name: str):
    today = timezone.localdate()
    steps.post(
        Role.IRO_MANAGER,
        reverse("disputes:observation_record"),
        {
            "iro": child.iro_id,
            **_day("observed_on", today),
            "findings": typed(f"{name}.observation.findings"),
            "actions_agreed": typed(f"{name}.observation.actions"),
        },
    )
    steps.post(
        Role.IRO_MANAGER,
        reverse("disputes:audit_record"),
        {
            "child_id": child.child_id,
            **_day("audited_on", today),
            "findings": typed(f"{name}.audit.findings"),
            "actions_agreed": typed(f"{name}.audit.actions"),
        },
    )


def take_reviews_further(world) -> dict:
    """The two reviews (see above); the objects their pages are walked with."""
    steps = _Steps(world["users"])
    walked = {}
    for name, closed in (("recordstage", False), ("closed", True)):
        child, review = _cycle_child(world["teams"], world["users"], name.title())
        invitees = _to_the_record(steps, review, name)
        objects = {"child": child.pk, "review": review.pk, "period": review.period_id}
        objects["invitee"] = invitees["mum"].pk
        if closed:
            _closed(steps, review, invitees, name)
            challenge, referral = _challenge_answered(steps, child, review, name)
            objects["challenge"] = challenge.pk
            objects["cafcass_referral"] = referral.pk
            _quality_assurance(steps, child, name)
        walked[name] = objects
    return {"walked": walked, "problems": steps.problems, "steps": steps.steps}


@pytest.fixture(scope="module")
def hostile(_shared_proof_world, django_db_blocker, tmp_path_factory):
    """Every object kind built for in_child, then every free-text field made hostile.

    Written inside the module's world (its transaction), so every test of the module
    sees it and it is rolled back with the world; the stored files go to a folder of
    the module's own, which each test uses as MEDIA_ROOT. Returns the URL value of
    each kind.
    """
    media = tmp_path_factory.mktemp("hostile_media")
    # What tests/conftest.py sets for each test, for the pages walked here.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    for_tests = override_settings(
        MEDIA_ROOT=media,
        REQUIRE_2FA=False,
        STORAGES={**django_settings.STORAGES, "staticfiles": static},
    )
    with django_db_blocker.unblock(), for_tests:
        world = _shared_proof_world.fresh()
        built = {kind: builder(world["in_child"]) for kind, builder in OBJECTS.items()}
        further = take_reviews_further(world)
        rows = make_hostile()
    values = {
        kind: value if isinstance(value, str | int) else value.pk
        for kind, value in built.items()
    }
    return {"objects": values, "rows": rows, "media": media, **further}


def url_with(route, page, objects: dict) -> str:
    """walk.url_for with the objects built once (before the world was made hostile)."""
    kwargs = {
        kwarg: objects[kind] for kwarg, kind in walk.kinds_for(route, page).items()
    }
    if route.key == route.route:  # an unnamed pattern without arguments
        return "/" + route.route
    return reverse(route.key, kwargs=kwargs)


def _label(match: re.Match) -> str:
    label, number = match.groups()
    return label or LABELS[int(number)]


def leaks(text: str) -> list[str]:
    """Every field whose markup is in `text` as markup (or escaped twice), with its context."""
    found = []
    for pattern, how in ((RAW, "unescaped"), (TWICE, "escaped twice")):
        for match in pattern.finditer(text):
            start, end = max(match.start() - 80, 0), match.end() + 40
            found.append(f"{_label(match)} {how}: ...{text[start:end]!r}...")
    return found


ROUTES = walk.walked_routes()
TOTALS: Counter = Counter()
CHECKED: set[str] = set()
SEEN: set[str] = set()


def _roles(page, method: str, status: int, has_object: bool) -> list[str]:
    return [
        role
        for role in walk.ROLES
        if walk.expected_status(
            page, method, role, has_object=has_object, in_scope=True
        )
        == status
    ]


def _checked(response, where: str) -> list[str]:
    """What is wrong with one answer: a 500, or markup left as markup in HTML."""
    text = walk.body(response)  # a streamed download is read to its end
    problems = []
    if response.status_code >= 500:
        problems.append(f"{where}: got {response.status_code}")
    if response.get("Content-Type", "").startswith("text/html"):
        TOTALS["html"] += 1
        SEEN.update(_label(match) for match in ESCAPED.finditer(text))
        problems.extend(f"{where}: {leak}" for leak in leaks(text))
    return problems


def _record(hostile) -> None:
    seen = SEEN & set(LABELS)
    typed_seen = {label for label in SEEN if label.startswith("typed.")}
    requests = sum(TOTALS[k] for k in ("GET", "POST", "further GET", "further POST"))
    record(
        "hostile_render",
        pages=len(CHECKED),
        gets=TOTALS["GET"],
        posts=TOTALS["POST"],
        further_pages=len(FURTHER_CHECKED),
        further_gets=TOTALS["further GET"],
        further_posts=TOTALS["further POST"],
        steps_taken=hostile["steps"],
        html_answers=TOTALS["html"],
        hostile_fields=len(HOSTILE_FIELDS),
        rows_made_hostile=hostile["rows"],
        fields_seen_escaped=len(seen),
        typed_values_seen_escaped=len(typed_seen),
        fields_never_shown=sorted(set(LABELS) - seen),
        skipped_fields=SKIPPED_FIELDS,
        summary=(
            f"{len(CHECKED)} pages as every role the table lets in ({TOTALS['GET']} "
            f"GETs, {TOTALS['POST']} form errors) and {len(FURTHER_CHECKED)} pages of "
            f"two reviews taken further ({TOTALS['further GET'] + TOTALS['further POST']}"
            f" requests), {requests} in all, with markup in {len(HOSTILE_FIELDS)} "
            f"free-text fields ({len(seen)} shown on some page): all escaped"
        ),
    )


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_no_typed_text_reaches_a_page_as_markup(route, hostile, proof_world, settings):
    """Every page a role can open, and every form's errors, show the markup as text."""
    settings.MEDIA_ROOT = hostile["media"]  # where the stored documents are
    page = walk.page_for(route)
    has_object = bool(route.kwargs) and page.scoped
    readers = _roles(page, "GET", 200, has_object)
    posters = _roles(page, "POST", 400, has_object) if page.post else []
    if not readers and not posters:
        pytest.skip("no role gets a page here (every answer is a refusal or redirect)")
    url = url_with(route, page, hostile["objects"])
    users = proof_world["users"]
    problems = []
    for method, roles, expected in (("GET", readers, 200), ("POST", posters, 400)):
        for role in roles:
            client = walk.client_for(role, users)
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, WALK_POST_BODY)
            TOTALS[method] += 1
            where = f"{method} {url} as {role}"
            if response.status_code != expected:
                problems.append(
                    f"{where}: got {response.status_code}, table says {expected}"
                )
            problems.extend(_checked(response, where))
    CHECKED.add(route.key)
    _record(hostile)
    assert not problems, f"{route.key}:\n" + "\n".join(problems)


def test_the_detector_finds_markup_left_as_markup():
    """The check itself: raw or twice-escaped markup is found, escaped once is not."""
    label = LABELS[0]
    raw = FULL.format(label=label)
    assert leaks(f"<p>{raw}</p>")
    assert leaks("<td><z3>\"'&</td>")
    assert leaks("&amp;lt;z3&amp;gt;")
    escaped = raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace('"', "&quot;").replace("'", "&#x27;")
    assert not leaks(f"<p>{escaped}</p><p>&lt;z3&gt;</p>")
    assert ESCAPED.search(escaped)


def test_every_free_text_field_gets_its_markup():
    """Each hostile value fits its field and names it (by label or by number)."""
    for n, (_model, field) in enumerate(HOSTILE_FIELDS):
        value = hostile_value(n, field)
        assert field.max_length is None or len(value) <= field.max_length
        match = RAW.search(value)
        assert match and _label(match) == LABELS[n], value


FURTHER = ("recordstage", "closed")
FURTHER_KINDS = {
    "child",
    "review",
    "period",
    "invitee",
    "challenge",
    "cafcass_referral",
}
# Of the pages about the child alone, those that show the reviews and what was typed.
CHILD_PAGES = {"children:detail", "children:audit", "children:record_export"}


def _walks_further(route) -> bool:
    page = walk.PAGES.get(route.key)
    if page is None or not route.kwargs:
        return False
    kinds = set(walk.kinds_for(route, page).values())
    return kinds <= FURTHER_KINDS and (kinds != {"child"} or route.key in CHILD_PAGES)


@pytest.mark.parametrize("route", [r for r in ROUTES if _walks_further(r)], ids=str)
def test_reviews_taken_further_show_typed_text_as_text(
    route, hostile, proof_world, settings
):
    """The pages of a review at its record and closed (every role, whatever it gets):
    never a 500, and no markup left as markup."""
    settings.MEDIA_ROOT = hostile["media"]
    page = walk.page_for(route)
    users = proof_world["users"]
    problems = []
    for name in FURTHER:
        objects = hostile["walked"][name]
        if not set(walk.kinds_for(route, page).values()) <= set(objects):
            continue
        url = url_with(route, page, objects)
        opened = []
        for role in walk.ROLES:
            if role == ANON:
                continue
            response = walk.client_for(role, users).get(url)
            TOTALS["further GET"] += 1
            problems.extend(_checked(response, f"GET {url} as {role} ({name})"))
            if response.status_code == 200:
                opened.append(role)
        for role in opened if page.post else []:
            response = walk.client_for(role, users).post(url, WALK_POST_BODY)
            TOTALS["further POST"] += 1
            problems.extend(_checked(response, f"POST {url} as {role} ({name})"))
    FURTHER_CHECKED.add(route.key)
    _record(hostile)
    assert not problems, f"{route.key}:\n" + "\n".join(problems)


FURTHER_CHECKED: set[str] = set()


def test_each_step_of_the_reviews_shows_typed_text_as_text(hostile):
    """The page after each step taken (its message names what was typed) is escaped."""
    assert hostile["steps"] > 30
    assert not hostile["problems"], "\n".join(hostile["problems"])
