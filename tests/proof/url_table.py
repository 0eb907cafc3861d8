"""The URL walk's table: for every URL pattern, how to build its arguments and what each role gets.

ADDING A PAGE: add one line to `PAGES`, keyed by the URL name (`app:name`), for example

    "reviews:detail": Page(of="review", get={SEES_CHILDREN: 200}),
    "reviews:schedule": Page(of="review", get={IRO_TEAM: 200, SEES_CHILDREN: 403},
                             post={IRO_TEAM: 400, SEES_CHILDREN: 403}, form=...),

How a status is chosen for a role: the first group in `get` (or `post`) that holds the role
wins. A role in no group gets 404 on a page about an object (it cannot see the object) and
403 on any other page. Anonymous users are sent to sign-in (302) unless `public=True`, and
then `ANON` appears in the groups like a role. `post=None` (the default) means the page
takes GET only, so a signed-in POST is 405. The walk POSTs a body with none of the form's
fields (only `WALK_POST_BODY`, as a browser always sends at least the CSRF token), so a
form page usually expects 400 (the error summary) from the roles that may use it.

Objects: `of="child"` says the `pk` argument is a child; arguments named `child_pk`,
`review_pk` or `period_pk` are found by name (`KWARG_KINDS`). Each kind in `OBJECTS`
builds the object for a given child: the walk builds one for a child every restricted
role can see, and one for a child none of them can (the out-of-scope child must be a
404, and its name must never appear).

Forms: `form=Form(...)` lists a POST form's fields by kind so that tests/proof/test_bad_input.py
can throw hypothesis-generated bad input at it. Every form-backed POST page needs one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from accounts.models import Role

ANON = "anonymous"
WALK_POST_BODY = {"submitted": "1"}

EVERYONE = frozenset(Role)  # every signed-in role
IRO_SERVICE = frozenset({Role.IRO, Role.DUTY_IRO, Role.IRO_MANAGER})
CASE_ROLES = frozenset(
    {
        Role.IRO,
        Role.DUTY_IRO,
        Role.IRO_MANAGER,
        Role.SOCIAL_WORKER,
        Role.TEAM_MANAGER,
        Role.SENIOR_MANAGER,
    }
)
SEES_CHILDREN = CASE_ROLES | {Role.BUSINESS_SUPPORT}
CHILD_EDITORS = frozenset({Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.IRO_MANAGER})
MANAGER = frozenset({Role.IRO_MANAGER})
ADMINS = frozenset({Role.ADMINISTRATOR})
# For these roles the "out-of-scope" child is in scope: they see every child.
SEES_EVERY_CHILD = frozenset({Role.IRO_MANAGER, Role.BUSINESS_SUPPORT})


# --- Forms: field kinds for the bad-input fuzzer ---------------------------------


@dataclass(frozen=True)
class Text:
    """A free-text field."""

    max_length: int | None = None


@dataclass(frozen=True)
class DateParts:
    """A GOV.UK date input: posted as `<name>_0`, `_1`, `_2` (day, month, year)."""


@dataclass(frozen=True)
class Choice:
    """A field taking one of a fixed set of codes."""

    codes: tuple[str, ...]


@dataclass(frozen=True)
class Number:
    """A whole-number field (including hidden version numbers)."""


@dataclass(frozen=True)
class Form:
    """A POST form the fuzzer drives.

    fields: name -> kind. valid: builds a valid submission from (object, user); the
    fuzzer mixes valid values with bad ones field by field. ok: the status a valid
    submission gets (302 after saving, 200 for a form that only shows a result).
    as_role: who submits it (ANON for the sign-in form).
    """

    fields: dict[str, object]
    valid: Callable[[object, object], dict[str, object]]
    as_role: str
    ok: int = 302
    also: frozenset[int] = (
        frozenset()
    )  # other statuses that are correct answers, e.g. 409


# --- Pages -------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    get: dict[frozenset, int] = field(default_factory=dict)
    post: dict[frozenset, int] | None = None
    of: str | None = None
    kwargs: dict[str, str] = field(default_factory=dict)
    public: bool = False
    form: Form | None = None
    # Rows a GET may write, with the reason (the no-change test allows only these).
    get_writes: dict[str, str] = field(default_factory=dict)
    # Accessibility: who opens the page for axe (default: the first role with a 200).
    axe_as: str | None = None
    axe_skip: str = ""  # a reason, if axe cannot check this page


def _date(day: date) -> dict[str, str]:
    return {"0": str(day.day), "1": str(day.month), "2": str(day.year)}


def _child_edit_valid(child, user):
    return {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "preferred_name": child.preferred_name,
        "date_of_birth": _date(child.date_of_birth),
        "sex": child.sex,
        "version": str(child.version),
    }


PASSWORD = "correct horse battery staple"  # tests/factories.py TEST_PASSWORD

PAGES: dict[str, Page] = {
    # core
    "core:home": Page(get={EVERYONE: 200}),
    "core:search": Page(
        get={EVERYONE: 200},
        post={EVERYONE: 400},
        form=Form(
            fields={"q": Text(max_length=100)},
            valid=lambda obj, user: {"q": "Inscope"},
            as_role=Role.IRO,
            ok=200,
        ),
    ),
    "core:accessibility": Page(get={EVERYONE | {ANON}: 200}, public=True),
    # accounts
    "accounts:login": Page(
        get={frozenset({ANON}): 200, EVERYONE: 302},
        post={frozenset({ANON}): 400, EVERYONE: 302},
        public=True,
        form=Form(
            fields={"username": Text(max_length=150), "password": Text()},
            valid=lambda obj, user: {"username": user.username, "password": PASSWORD},
            as_role=ANON,
        ),
    ),
    "accounts:logout": Page(get={EVERYONE: 405}, post={EVERYONE: 302}),
    "accounts:password_change": Page(
        get={EVERYONE: 200},
        post={EVERYONE: 400},
        form=Form(
            fields={
                "old_password": Text(),
                "new_password1": Text(),
                "new_password2": Text(),
            },
            valid=lambda obj, user: {
                "old_password": PASSWORD,
                "new_password1": "a much longer new passphrase 42",
                "new_password2": "a much longer new passphrase 42",
            },
            as_role=Role.SOCIAL_WORKER,
        ),
    ),
    "accounts:two_factor": Page(
        get={EVERYONE: 200},
        post={EVERYONE: 400},
        get_writes={
            "otp_totp.totpdevice": "the first visit creates the unconfirmed authenticator "
            "(get_or_create) so that the QR code stays the same between GET and POST"
        },
        form=Form(
            fields={"token": Text(max_length=6)},
            valid=lambda obj, user: {"token": "123456"},  # never right: always 400
            as_role=Role.IRO,
            ok=400,
        ),
    ),
    "accounts:profile": Page(get={EVERYONE: 200}),
    # children
    "children:list": Page(get={SEES_CHILDREN: 200}),
    "children:detail": Page(of="child", get={SEES_CHILDREN: 200}),
    "children:edit": Page(
        of="child",
        get={CHILD_EDITORS: 200, SEES_CHILDREN: 403},
        post={CHILD_EDITORS: 400, SEES_CHILDREN: 403},
        form=Form(
            fields={
                "first_name": Text(max_length=100),
                "last_name": Text(max_length=100),
                "preferred_name": Text(max_length=100),
                "date_of_birth": DateParts(),
                "sex": Choice(("M", "F", "U")),
                "version": Number(),
            },
            valid=_child_edit_valid,
            as_role=Role.SOCIAL_WORKER,
            also=frozenset({409}),  # a wrong version number is an edit conflict
        ),
    ),
    "children:audit": Page(of="child", get={MANAGER: 200, SEES_CHILDREN: 403}),
    # reviews
    "reviews:timescales": Page(
        get={EVERYONE: 200},
        post={EVERYONE: 400},
        form=Form(
            fields={
                "looked_after_on": DateParts(),
                "reviews_held": Text(max_length=2000),
                "review_on": DateParts(),
                "authority_to_place_on": DateParts(),
                "placed_for_adoption_on": DateParts(),
                "placement_ended_on": DateParts(),
                "secure_started_on": DateParts(),
                "date_of_birth": DateParts(),
            },
            valid=lambda obj, user: {
                "looked_after_on": _date(date(2025, 1, 6)),
                "reviews_held": "30/01/2025",
                "date_of_birth": _date(date(2015, 3, 1)),
            },
            as_role=Role.IRO,
            ok=200,
        ),
    ),
    # The admin (users, roles and teams only). Its sign-in is the service's own.
    "manage/login/": Page(get={EVERYONE: 302}, post={EVERYONE: 302}),
    # The admin's views do their own sign-in check: staff only, others to /manage/login/.
    "admin:index": Page(
        get={ADMINS: 200, EVERYONE | {ANON}: 302},
        post={ADMINS: 200, EVERYONE | {ANON}: 302},
        public=True,
        axe_skip="Django's own admin templates (not GOV.UK; used by administrators only)",
    ),
}

# The admin's other pages are Django's own, tested by Django; they show no case data
# (no case model is registered) and only staff may open them.
SKIPPED_PREFIXES = {
    "manage/": "the Django admin's own pages (users, roles, teams); its index is walked",
}
SKIP_EXCEPT = {"admin:index", "manage/login/"}


# --- Objects: how to build each kind of URL argument for a given child -------------


def _period(child):
    return child.periods_of_care.order_by("pk").first()


def _review(child):
    from reviews.services import review_plan_next

    return review_plan_next(period=_period(child), by=None)


OBJECTS: dict[str, Callable[[object], object]] = {
    "child": lambda child: child,
    "period": _period,
    "review": _review,
}
KWARG_KINDS = {"child_pk": "child", "period_pk": "period", "review_pk": "review"}


# --- Documents (reporting) -------------------------------------------------------

# can_make_documents / can_attach_translation: business support and the chair (the
# IRO or the Duty IRO covering), and the service manager (the IRO's own text).
DOCUMENT_MAKERS = frozenset(
    {Role.IRO, Role.DUTY_IRO, Role.IRO_MANAGER, Role.BUSINESS_SUPPORT}
)


def _document(child):
    """A stored invitation letter for the child's review (a row and a small file)."""
    from django.core.files.base import ContentFile

    from reporting.models import Document

    review = _review(child)
    existing = Document.objects.filter(key=f"invitation:review={review.pk}:walk")
    if existing.exists():
        return existing.get()
    document = Document(
        key=f"invitation:review={review.pk}:walk",
        version=1,
        kind=Document.Kind.INVITATION,
        child=child,
        review=review,
        audience="Walk",
        title="Invitation to a review meeting",
        sha256="0" * 64,
        size=9,
    )
    document.file.save("walk.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    document.save()
    return document


def _allocation(child):
    from iro.models import IroAllocation

    current = IroAllocation.objects.filter(child=child, ended_on__isnull=True).first()
    return current or IroAllocation.objects.create(
        child=child, iro=child.iro, started_on=_today()
    )


PAGES.update(
    {
        "reporting:download": Page(of="document", get={SEES_CHILDREN: 200}),
        "reporting:translation": Page(
            of="document",
            get={DOCUMENT_MAKERS: 200, SEES_CHILDREN: 403},
            post={DOCUMENT_MAKERS: 400, SEES_CHILDREN: 403},
        ),
        "reporting:review": Page(
            get={SEES_CHILDREN: 200},
            post={DOCUMENT_MAKERS: 302, SEES_CHILDREN: 403},
        ),
        "reporting:allocation": Page(
            get={DOCUMENT_MAKERS: 200, SEES_CHILDREN: 403},
            post={DOCUMENT_MAKERS: 302, SEES_CHILDREN: 403},
        ),
    }
)
OBJECTS.update({"document": _document, "allocation": _allocation})
KWARG_KINDS.update({"allocation_pk": "allocation"})
