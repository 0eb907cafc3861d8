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

Forms: every page whose POST can answer 400 is fuzzed by tests/proof/test_bad_input.py,
which reads the form's fields from the page; `form=Form(...)` adds what it cannot read
(values a valid submission needs, the success status).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

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
# Sets of roles the table uses often, named for who is left out.
NOT_CHILD_EDITORS = SEES_CHILDREN - CHILD_EDITORS
NOT_THE_IRO = SEES_CHILDREN - {Role.IRO, Role.DUTY_IRO}
NOT_SOCIAL_WORK_TEAM = SEES_CHILDREN - {Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
SOCIAL_WORK_TEAM = frozenset({Role.SOCIAL_WORKER, Role.TEAM_MANAGER})
CHAIR_OR_TEAM = frozenset({Role.IRO, Role.DUTY_IRO}) | SOCIAL_WORK_TEAM
NOT_CHAIR_OR_TEAM = SEES_CHILDREN - CHAIR_OR_TEAM
OUTSIDE_IRO_SERVICE = SEES_CHILDREN - IRO_SERVICE
NOT_MANAGER = SEES_CHILDREN - MANAGER
CASE_ROLES_NOT_IRO = CASE_ROLES - {Role.IRO, Role.DUTY_IRO}
# Who sends, prints and posts what a review sends out: business support and the chair.
SENDERS = frozenset({Role.BUSINESS_SUPPORT, Role.DUTY_IRO, Role.IRO})
# For these roles the "out-of-scope" child is in scope: they see every child.
SEES_EVERY_CHILD = frozenset({Role.IRO_MANAGER, Role.BUSINESS_SUPPORT})


# --- Forms: what the bad-input fuzzer needs beyond what it reads from the page ----------


@dataclass(frozen=True)
class Form:
    """How the fuzzer drives a POST form; it reads the fields themselves from the page.

    Every page whose POST can answer 400 is fuzzed, with these defaults unless its
    entry gives `form=Form(...)`. as_role: who submits it (default: the first role
    the table gives a 400 POST; ANON for the sign-in form). valid: values a valid
    submission needs that the empty page does not show, from (object, user), dates
    as `date`; it may put the object where a valid submission needs it first (below,
    "What a valid submission needs"). On a form with a date field it must be
    accepted as it is (tests/proof/test_dates.py). ok: what a valid submission gets
    (302 after saving; 200 for a form that only shows a result). also: other correct
    answers (409 for a stale version). writes: rows a refused submission may still
    write, each with the reason.
    """

    as_role: str | None = None
    valid: Callable[[object, object], dict[str, object]] | None = None
    ok: int = 302
    also: frozenset[int] = frozenset()
    writes: dict[str, str] = field(default_factory=dict)


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
    # False for a page opened by a token rather than by who the user is (no out-of-scope walk).
    scoped: bool = True
    # A bug found by the walk and not fixed yet: a POST that raises is reported, not failed.
    known_bug: str = ""
    # The audit walk (tests/proof/test_audit_walk.py): a page about an object must write
    # an access entry naming its child, unless this says why it shows no case content;
    # a page about no object that shows case content all the same sets access_entry.
    no_access_entry: str = ""
    access_entry: bool = False


PASSWORD = "correct horse battery staple"  # tests/factories.py TEST_PASSWORD

PAGES: dict[str, Page] = {
    # core
    "workspace:home": Page(get={EVERYONE: 200}),
    "workspace:search": Page(
        get={EVERYONE: 200},
        post={EVERYONE: 400},
        form=Form(valid=lambda obj, user: {"q": "Inscope"}, ok=200),
    ),
    "core:accessibility": Page(get={EVERYONE | {ANON}: 200}, public=True),
    "children:record_export": Page(of="child", get={MANAGER: 200, SEES_CHILDREN: 403}),
    # A POST asks for the export, made in the background (children/downloads.py).
    "children:record_download": Page(
        of="child", get={EVERYONE: 405}, post={MANAGER: 302, SEES_CHILDREN: 403}
    ),
    "workspace:notifications": Page(
        get={EVERYONE: 200},
        post={EVERYONE: 400},
        form=Form(valid=lambda obj, user: {"notification": "all"}),
    ),
    "workspace:notification_preferences": Page(
        get={EVERYONE: 200},
        post={EVERYONE: 400},
        form=Form(valid=lambda obj, user: {"email": "digest"}),
    ),
    "workspace:jobs": Page(
        get={MANAGER | ADMINS: 200},
        post={MANAGER | ADMINS: 400},
        form=Form(valid=lambda obj, user: {"retry": "emails"}),
    ),
    # accounts
    "accounts:login": Page(
        get={frozenset({ANON}): 200, EVERYONE: 302},
        post={frozenset({ANON}): 400, EVERYONE: 302},
        public=True,
        form=Form(
            valid=lambda obj, user: {"username": user.username, "password": PASSWORD},
            as_role=ANON,
            writes={
                "axes.accessattempt": "django-axes counts failed sign-ins (lockout)",
                "axes.accessfailurelog": "django-axes logs failed sign-ins",
            },
        ),
    ),
    "accounts:logout": Page(get={EVERYONE: 405}, post={EVERYONE: 302}),
    # Single sign-on is off unless OIDC_ENABLED (tests/accounts/test_sso.py signs in
    # through a real provider).
    "accounts:sso_start": Page(
        get={EVERYONE | {ANON}: 404}, post={EVERYONE | {ANON}: 405}, public=True
    ),
    "accounts:sso_callback": Page(
        get={EVERYONE | {ANON}: 404}, post={EVERYONE | {ANON}: 405}, public=True
    ),
    "accounts:password_change": Page(
        get={EVERYONE: 200},
        post={EVERYONE: 400},
        form=Form(
            valid=lambda obj, user: {
                "old_password": PASSWORD,
                "new_password1": "a much longer new passphrase 42",
                "new_password2": "a much longer new passphrase 42",
            },
        ),
    ),
    "accounts:two_factor": Page(
        get={EVERYONE: 200},
        post={EVERYONE: 400},
        get_writes={
            "otp_totp.totpdevice": "the first visit in a session makes that session's "
            "unconfirmed authenticator (a new key per session: accounts.two_factor."
            "enrolment_device), so the QR code stays the same between GET and POST"
        },
        # No valid code can be known in advance: every submission is refused.
        form=Form(ok=400),
    ),
    "accounts:profile": Page(get={EVERYONE: 200}),
    # children
    "children:list": Page(get={SEES_CHILDREN: 200}),
    "children:detail": Page(of="child", get={SEES_CHILDREN: 200}),
    "children:edit": Page(
        of="child",
        get={CHILD_EDITORS: 200, SEES_CHILDREN: 403},
        post={CHILD_EDITORS: 400, SEES_CHILDREN: 403},
        form=Form(also=frozenset({409})),  # a wrong version number is an edit conflict
    ),
    "children:audit": Page(of="child", get={MANAGER: 200, SEES_CHILDREN: 403}),
    "ssda903:import": Page(
        get={MANAGER: 200, EVERYONE: 403}, post={MANAGER: 400, EVERYONE: 403}
    ),
    "ssda903:export": Page(get={MANAGER: 200, EVERYONE: 403}),
    # reviews
    "reviews:timescales": Page(
        get={EVERYONE: 200},
        post={EVERYONE: 400},
        form=Form(
            valid=lambda obj, user: {
                "looked_after_on": date(2025, 1, 6),
                "reviews_held": "30/01/2025",
                "date_of_birth": date(2015, 3, 1),
            },
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


def _episode(child):
    from children.services import episode_add

    period = _period(child)
    return period.episodes.order_by("pk").first() or episode_add(
        period=period,
        by=None,
        started_on=period.started_on,
        reason_new="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
    )


def _event(child):
    from datetime import timedelta

    from children.models import SignificantEvent

    day = _today()
    return SignificantEvent.objects.create(
        child=child,
        period=_period(child),
        kind=SignificantEvent.Kind.values[0],
        occurred_on=day,
        description="Walk: an event",
        recorded_by=child.social_worker,
        iro_notified_on=day,
        decision_due=day + timedelta(days=5),
    )


def _iro_allocation(child):
    from iro.models import IroAllocation

    return child.iro_allocations.order_by("pk").first() or IroAllocation.objects.create(
        child=child, iro=child.iro, started_on=_period(child).started_on
    )


def _secure_placement(child):
    from children.models import SecurePlacement

    period = _period(child)
    return SecurePlacement.objects.create(
        child=child, period=period, started_on=period.started_on, unit="Hill House"
    )


def _liberty_order(child):
    from children.models import DeprivationOfLibertyOrder

    period = _period(child)
    return child.liberty_orders.order_by("pk").first() or (
        DeprivationOfLibertyOrder.objects.create(
            child=child,
            started_on=period.started_on + timedelta(days=1),
            accommodation=DeprivationOfLibertyOrder.Accommodation.RELEVANT,
            court_reference="WALK 1",
        )
    )


def _sharing_restriction(child):
    from children.models import ParentSharingRestriction

    return ParentSharingRestriction.objects.create(
        child=child,
        person="Walk Dad",
        what="Walk: a secret",
        agreed_with_child_on=_today(),
    )


def _secure_review(child):
    from reviews.services.secure import secure_review_plan

    return secure_review_plan(placement=_secure_placement(child), by=None)


def _secure_review_held(child):
    from reviews.models import SecureReview

    placement = _secure_placement(child)
    return SecureReview.objects.create(
        secure_placement=placement,
        status=SecureReview.Status.HELD,
        due_date=_today(),
        held_on=_today(),
        views="Walk: the child's views",
        criteria_still_met=True,
        placement_still_necessary=True,
        other_accommodation_more_suitable=False,
        recommendation="Walk: continue",
    )


def _invitee(child):
    from reviews.models import Invitee

    return Invitee.objects.create(
        review=_review(child),
        name="Walk Aunt",
        role="other",
        method="email",
        email="aunt@example.org",
    )


def _decision(child):
    from reviews.models import Decision

    return Decision.objects.create(
        review=_review(child),
        what="Walk: a decision",
        owner_name="Walk Owner",
        owner_role="sw",
        due_date=_today(),
        success_measure="Walk",
    )


def _decision_update(child):
    """Progress recorded on one of the walk's review's decisions (C7: withdrawn)."""
    from reviews.services import decision_status_update

    decision = _decision(child)
    return decision_status_update(
        decision=decision, by=child.iro, status="achieved", comment="Walk: progress"
    )


def _meeting(child):
    """A meeting of the walk's review (C2: its date is corrected): not its central
    meeting, and on the day that meeting is held, so a review held later keeps its
    record date and this meeting is never its last."""
    from reviews.models import ReviewMeeting

    review = _review(child)
    return review.meetings.filter(
        central=False
    ).first() or ReviewMeeting.objects.create(
        review=review, held_on=WALK_REVIEW_DAY, central=False
    )


def _consultation(child):
    """Views entered by staff (only those can be changed)."""
    from reviews.models import Consultation

    return Consultation.objects.create(
        review=_review(child),
        respondent_role="carer",
        channel="phone",
        received_on=_today(),
        entered_by=child.social_worker,
        going_well="Walk: views",
    )


def _contact(child):
    from reviews.models import ChildContact

    return ChildContact.objects.create(
        child=child, review=_review(child), iro=child.iro, on=_today(), how="visit"
    )


def _document(child):
    from django.core.files.base import ContentFile

    from reviews.models import KeyDocument

    document = KeyDocument(
        review=_review(child), kind="sw_report", by=child.social_worker
    )
    document.file.save("report.pdf", ContentFile(b"%PDF-1.4 walk"), save=True)
    return document


def _copy(invitee, document=None):
    """A copy of the record made for `invitee`, by their method (D-SENT)."""
    from documents.models import Distribution

    return Distribution.objects.create(
        review=invitee.review,
        invitee=invitee,
        version=Distribution.Version.values[0],
        record_version=1,
        method=invitee.method,
        sent_by=invitee.review.child.social_worker,
        document=document,
    )


def _letter_copy(review):
    """A copy of the record made for a letter, waiting to be posted (D-SENT)."""
    from reviews.models import Invitee

    waiting = review.distributions.filter(method="letter", posted_on=None).first()
    if waiting is not None:
        return waiting
    invitee = Invitee.objects.create(
        review=review,
        name="Walk Uncle",
        role="other",
        method="letter",
        postal_address="1 Walk Road",
    )
    return _copy(invitee)


def _invitation_letter(review):
    """An invitation letter waiting to be posted (D-CAL2, D-SENT): the latest version
    for a person invited by letter, about a meeting still ahead."""
    from datetime import datetime, time

    from django.utils import timezone

    from reviews.models import Invitation, Invitee

    waiting = review.invitations.filter(method="letter", posted_on=None).first()
    if waiting is not None:
        return waiting
    invitee = Invitee.objects.create(
        review=review,
        name="Walk Cousin",
        role="other",
        method="letter",
        postal_address="2 Walk Road",
    )
    ahead = timezone.make_aware(
        datetime.combine(_today() + timedelta(days=7), time(10))
    )
    return Invitation.objects.create(
        review=review,
        invitee=invitee,
        scheduled_for=ahead,
        method="letter",
        sent_by=review.child.social_worker,
    )


def _email_copy(child):
    """A copy of the record sent by email (D-SENT), on the child's review."""
    review = _review(child)
    existing = review.distributions.filter(method="email").first()
    if existing is not None:
        return existing
    return _copy(_invitee(child))


def _walk_pdf(review, *, key: str, kind: str, title: str, content=b"%PDF-1.7\n"):
    """A stored document of the review: its row and a small file."""
    from django.core.files.base import ContentFile

    from documents.models import Document

    document = Document(
        key=f"{key}:review={review.pk}:walk",
        version=1,
        kind=kind,
        child=review.child,
        review=review,
        audience="Walk",
        title=title,
        sha256="0" * 64,
        size=9,
    )
    document.file.save(f"{key}.pdf", ContentFile(content), save=False)
    document.save()
    return document


def _record_token(child):
    """A record link's token, for a copy of the record sent by email (D-SENT)."""
    from django.utils import timezone

    from documents.models import Document
    from reviews.models import AccessLink
    from reviews.services import link_issue

    invitee = _invitee(child)
    review = invitee.review
    document = _walk_pdf(
        review,
        key="record",
        kind=Document.Kind.RECORD_PROFESSIONAL,
        title="Record of review",
    )
    _copy(invitee, document=document)
    issued = link_issue(
        purpose=AccessLink.Purpose.RECORD,
        recipient=invitee,
        review=review,
        now=timezone.now(),
    )
    return issued.url.rstrip("/").rsplit("/", 1)[-1]


def _record_copy(child):
    """A copy of the record sent by email, with its PDF: the page behind sign-in that
    a staff reader's email links to (D-SENT)."""
    from documents.models import Document

    review = _review(child)
    made = review.distributions.filter(document__key__startswith="record_copy:")
    if made.exists():
        return made.first()
    invitee = _invitee(child)
    document = _walk_pdf(
        invitee.review,
        key="record_copy",
        kind=Document.Kind.RECORD_PROFESSIONAL,
        title="Record of review",
    )
    return _copy(invitee, document=document)


def _review_with_printable_letter(child):
    """The review with a letter copy of the record to post whose PDF is a real one
    (the print pack reads it, D-SENT)."""
    from io import BytesIO

    import pikepdf

    from documents.models import Document

    review = _review(child)
    copy = _letter_copy(review)
    if copy.document is None:
        blank = pikepdf.new()
        blank.add_blank_page()
        content = BytesIO()
        blank.save(content)
        copy.document = _walk_pdf(
            review,
            key="record_letter",
            kind=Document.Kind.RECORD_PROFESSIONAL,
            title="Record of review",
            content=content.getvalue(),
        )
        copy.save(update_fields=["document"])
    return review


def _access_token(child):
    """A consultation link's token (the page needs no account)."""
    from django.utils import timezone

    from reviews.models import AccessLink
    from reviews.services import link_issue

    invitee = _invitee(child)
    issued = link_issue(
        purpose=AccessLink.Purpose.CONSULTATION,
        recipient=invitee,
        review=invitee.review,
        now=timezone.now(),
    )
    return issued.url.rstrip("/").rsplit("/", 1)[-1]


# Each builder returns an object (its pk goes in the URL) or the URL value itself.
OBJECTS: dict[str, Callable[[object], object]] = {
    "child": lambda child: child,
    "period": _period,
    "review": _review,
    "episode": _episode,
    "event": _event,
    "iro_allocation": _iro_allocation,
    "secure_placement": _secure_placement,
    "liberty_order": _liberty_order,
    "sharing_restriction": _sharing_restriction,
    "secure_review": _secure_review,
    "secure_review_held": _secure_review_held,
    "invitee": _invitee,
    "decision": _decision,
    "decision_update": _decision_update,
    "consultation": _consultation,
    "contact": _contact,
    "meeting": _meeting,
    "document": _document,
    "access_token": _access_token,
    "record_token": _record_token,
    "email_copy": _email_copy,
    "review_with_letter": lambda child: _letter_copy(_review(child)).review,
    "review_with_invitation_letter": lambda child: (
        _invitation_letter(_review(child)).review
    ),
    "record_copy": _record_copy,
    "review_with_printable_letter": _review_with_printable_letter,
}
KWARG_KINDS = {
    "child_pk": "child",
    "period_pk": "period",
    "review_pk": "review",
    "invitee_pk": "invitee",
    "decision_pk": "decision",
    "update_pk": "decision_update",
    "consultation_pk": "consultation",
    "contact_pk": "contact",
    "meeting_pk": "meeting",
    "document_pk": "document",
    "placement_pk": "secure_placement",
    "restriction_pk": "sharing_restriction",
    "token": "access_token",
}


# --- Challenges, disputes and quality of practice (disputes) -------------------------

PRACTICE = frozenset(
    {Role.IRO, Role.DUTY_IRO, Role.IRO_MANAGER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
)
CHILDS_IRO = frozenset({Role.IRO, Role.DUTY_IRO})  # the IRO, or the Duty IRO covering
STAGE_OWNER = frozenset({Role.TEAM_MANAGER})  # informal resolution: the team manager


def _team_manager_for(child):
    from accounts.models import User
    from tests.factories import make_user

    existing = User.objects.filter(groups__name=Role.TEAM_MANAGER, team=child.team)
    return existing.first() or make_user(
        Role.TEAM_MANAGER, username=f"p_tm_{child.team_id}", team=child.team
    )


def _challenge(child):
    from django.utils import timezone

    from disputes.services import challenge_raise

    _team_manager_for(child)
    return challenge_raise(
        child=child,
        by=child.iro,
        category="other",
        description="Walk: a concern",
        impact_for_child="Walk: its impact",
        raised_on=timezone.localdate(),
    )


def _responded_stage(child):
    """The walk's challenge's informal stage, answered by its owner (D8: corrected)."""
    from disputes.services import challenge_respond

    challenge = _challenge(child)
    stage = challenge.current_stage
    if stage.responded_at is None:
        challenge_respond(challenge=challenge, by=stage.owner, response="Walk: agreed")
        stage.refresh_from_db()
    return stage


def _cafcass_referral(child):
    from django.utils import timezone

    from disputes.services import cafcass_referral_record

    challenge = _challenge(child)
    return cafcass_referral_record(
        challenge=challenge,
        by=challenge.raised_by,
        referred_on=timezone.localdate(),
        reason="Walk: a referral",
    )


def _acknowledgement(child):
    from django.utils import timezone

    from disputes.services import acknowledgement_record

    _team_manager_for(child)
    return acknowledgement_record(
        child=child,
        by=child.iro,
        kind="good_practice_acknowledgement",
        description="Walk: good practice",
        impact_for_child="Walk: its impact",
        recorded_on=timezone.localdate(),
    )


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _week_after(day):
    from datetime import timedelta

    return day + timedelta(days=7)


def _an_iro_pk():
    from accounts.models import User

    return User.objects.filter(groups__name=Role.IRO).order_by("pk").first().pk


def _a_child_id():
    from children.models import Child

    return Child.objects.order_by("pk").first().child_id


def _iro_action(valid) -> Page:
    return Page(
        of="challenge",
        get={IRO_SERVICE: 200, CASE_ROLES: 403},
        post={IRO_SERVICE: 400, CASE_ROLES: 403},
        form=Form(as_role=Role.IRO, valid=valid),
    )


PAGES.update(
    {
        "disputes:mine": Page(get={CASE_ROLES: 200}),
        "disputes:raise": Page(
            get={IRO_SERVICE: 200, SEES_CHILDREN: 403},
            post={IRO_SERVICE: 400, SEES_CHILDREN: 403},
            form=Form(
                as_role=Role.IRO,
                valid=lambda obj, user: {
                    "category": "other",
                    "description": "A concern",
                    "impact_for_child": "Its impact",
                    "raised_on": _today(),
                    "stage": "0",
                },
            ),
        ),
        "disputes:detail": Page(of="challenge", get={CASE_ROLES: 200}),
        "disputes:respond": Page(
            of="challenge",
            get={STAGE_OWNER: 200, CASE_ROLES: 403},
            post={STAGE_OWNER: 400, CASE_ROLES: 403},
            form=Form(
                as_role=Role.TEAM_MANAGER,
                valid=lambda obj, user: {"response": "Agreed"},
            ),
        ),
        # D8: whoever gave the response (the stage's owner) corrects it.
        "disputes:response_correct": Page(
            of="challenge_stage",
            get={STAGE_OWNER: 200, CASE_ROLES: 403},
            post={STAGE_OWNER: 400, CASE_ROLES: 403},
            form=Form(
                as_role=Role.TEAM_MANAGER,
                valid=lambda obj, user: {
                    "response": "Walk: agreed, in writing",
                    "reason": "Walk: a word left out",
                },
            ),
        ),
        "disputes:escalate": _iro_action(lambda obj, user: {"to_stage": "1"}),
        "disputes:extend": _iro_action(
            lambda obj, user: {
                "extend_to": _week_after(obj.current_stage.due_on),
                "reason": "Leave",
            }
        ),
        "disputes:resolve": _iro_action(
            lambda obj, user: {"outcome": "resolved", "outcome_impact": "Better"}
        ),
        "disputes:cafcass": _iro_action(
            lambda obj, user: {"referred_on": _today(), "reason": "Breach"}
        ),
        "disputes:comment": Page(
            of="challenge",
            get={CASE_ROLES: 200},
            post={CASE_ROLES: 400},
            form=Form(
                as_role=Role.SOCIAL_WORKER, valid=lambda obj, user: {"note": "Seen"}
            ),
        ),
        "disputes:cafcass_outcome": Page(
            of="cafcass_referral",
            get={IRO_SERVICE: 200, CASE_ROLES: 403},
            post={IRO_SERVICE: 400, CASE_ROLES: 403},
            form=Form(as_role=Role.IRO, valid=lambda obj, user: {"outcome": "Advice"}),
        ),
        "disputes:acknowledge": Page(
            get={CHILDS_IRO: 200, SEES_CHILDREN: 403},
            post={CHILDS_IRO: 400, SEES_CHILDREN: 403},
            form=Form(
                as_role=Role.IRO,
                valid=lambda obj, user: {
                    "kind": "good_practice_acknowledgement",
                    "description": "Good work",
                    "impact_for_child": "Its impact",
                },
            ),
        ),
        "disputes:acknowledgements": Page(get={PRACTICE: 200}),
        "disputes:acknowledgement_detail": Page(
            of="acknowledgement", get={PRACTICE: 200}
        ),
        "disputes:quality_assurance": Page(get={IRO_SERVICE: 200}),
        "disputes:observation_record": Page(
            get={MANAGER: 200},
            post={MANAGER: 400},
            form=Form(
                valid=lambda obj, user: {
                    "iro": str(_an_iro_pk()),
                    "observed_on": _today(),
                    "findings": "Child-centred",
                }
            ),
        ),
        "disputes:audit_record": Page(
            get={MANAGER: 200},
            post={MANAGER: 400},
            form=Form(
                valid=lambda obj, user: {
                    "child_id": _a_child_id(),
                    "audited_on": _today(),
                    "findings": "Clear decisions",
                }
            ),
        ),
    }
)
OBJECTS.update(
    {
        "challenge": _challenge,
        "challenge_stage": _responded_stage,
        "cafcass_referral": _cafcass_referral,
        "acknowledgement": _acknowledgement,
    }
)


# --- Documents (reporting) -------------------------------------------------------

# can_make_documents / can_attach_translation: business support and the chair (the
# IRO or the Duty IRO covering), and the service manager (the IRO's own text).
DOCUMENT_MAKERS = frozenset(
    {Role.IRO, Role.DUTY_IRO, Role.IRO_MANAGER, Role.BUSINESS_SUPPORT}
)


def _document(child):
    """A stored invitation letter for the child's review (a row and a small file)."""
    from documents.models import Document

    review = _review(child)
    existing = Document.objects.filter(key=f"invitation:review={review.pk}:walk")
    if existing.exists():
        return existing.get()
    return _walk_pdf(
        review,
        key="invitation",
        kind=Document.Kind.INVITATION,
        title="Invitation to a review meeting",
    )


def _allocation(child):
    from iro.models import IroAllocation

    current = IroAllocation.objects.filter(child=child, ended_on__isnull=True).first()
    return current or IroAllocation.objects.create(
        child=child, iro=child.iro, started_on=_today()
    )


PAGES.update(
    {
        "documents:download": Page(
            of="document",
            get={SEES_CHILDREN: 200},
            axe_skip="a PDF download, not a page (the PDFs are tagged PDF/UA: tests/reporting)",
        ),
        "documents:translation": Page(
            of="document",
            get={DOCUMENT_MAKERS: 200, SEES_CHILDREN: 403},
            post={DOCUMENT_MAKERS: 400, SEES_CHILDREN: 403},
        ),
        "documents:review": Page(
            get={SEES_CHILDREN: 200},
            post={DOCUMENT_MAKERS: 302, SEES_CHILDREN: 403},
        ),
        "documents:allocation": Page(
            get={DOCUMENT_MAKERS: 200, SEES_CHILDREN: 403},
            post={DOCUMENT_MAKERS: 302, SEES_CHILDREN: 403},
        ),
    }
)
OBJECTS.update({"document": _document, "allocation": _allocation})


def _prepared_download(child):
    """The walk's service manager's annual report, made and ready to download."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import User
    from core.models import PreparedDownload

    now = timezone.now()
    download, _ = PreparedDownload.objects.get_or_create(
        title="Walk annual report",
        defaults={
            "kind": "annual_report_pdf",
            "params": {"year": 2025, "today": "2026-04-01"},
            # The walk's service manager (p_manager), or the axe world's.
            "requested_by": User.objects.filter(username="p_manager").first()
            or User.objects.filter(groups__name=Role.IRO_MANAGER).order_by("pk")[0],
            "requested_at": now,
            "status": PreparedDownload.Status.READY,
            "finished_at": now,
            "expires_at": now + timedelta(days=1),
            "filename": "walk.pdf",
            "content_type": "application/pdf",
            "content": b"%PDF-1.7 walk",
            "size": 13,
        },
    )
    return download


OBJECTS["prepared_download"] = _prepared_download
KWARG_KINDS.update({"allocation_pk": "allocation"})


# --- Dashboards and the annual report (reporting) -------------------------------------

DASHBOARD = frozenset({Role.IRO_MANAGER, Role.TEAM_MANAGER, Role.SENIOR_MANAGER})
OWN_FIGURES = DASHBOARD | {Role.IRO, Role.DUTY_IRO}  # an IRO: their own figures only

PAGES.update(
    {
        "dashboard:service": Page(get={DASHBOARD: 200}),
        "dashboard:drilldown": Page(get={OWN_FIGURES: 200}),
        "dashboard:download": Page(get={OWN_FIGURES: 200}),
        "dashboard:iro": Page(get={frozenset({Role.IRO, Role.DUTY_IRO}): 200}),
        "dashboard:annual_report": Page(get={MANAGER: 200}),
        # A POST asks for the PDF, made in the background (core/downloads.py); with no
        # year given it is last year's.
        "dashboard:annual_report_pdf": Page(
            get={EVERYONE: 405}, post={MANAGER: 302, EVERYONE: 403}
        ),
        "core:download": Page(
            of="prepared_download",
            get={MANAGER: 200, EVERYONE: 404},
            scoped=False,  # the requester's own: anyone else gets a 404
            no_access_entry="the download's title and state, no case content",
        ),
        "core:download_file": Page(
            of="prepared_download",
            get={MANAGER: 200, EVERYONE: 404},
            scoped=False,
            no_access_entry="the annual report names no child",
            axe_skip="a PDF download, not a page",
        ),
    }
)


# --- Children, IRO and review pages -------------------------------------------------
# Drafted by the proof harnesses' owner from each page's behaviour with the proof world
# (a child whose first review is planned, not yet scheduled): owners, please check
# them. Pages that depend on the review's stage answer 403 to everyone at "planned".

SOCIAL_CARE = frozenset({Role.SOCIAL_WORKER, Role.TEAM_MANAGER})


# --- What a valid submission needs, for the date fuzzer (tests/proof/test_dates.py) -----
# Some forms save only once the object is further on than the walk's (a first episode to
# follow, a meeting logged, a review held): these `valid` functions put it there first,
# through the services, as the object builders do. Both fuzzers call them in each
# example's savepoint, before the snapshot that proves a refusal saved nothing.

WALK_REVIEW_DAY = date(2025, 1, 29)  # the walk's first review: before its due date


def _after_the_first_episode(child, user) -> dict:
    _episode(child)  # the episode this one follows
    return {
        "reason_new": "L",  # a change of legal status
        "legal_status": "C1",
        "category_of_need": "N1",
        "placement": "U4",
        "placement_provider": "PR1",
    }


def _meeting_logged(review) -> None:
    from datetime import datetime

    from django.utils import timezone

    from reviews import services

    iro = review.child.iro
    services.review_schedule(
        review=review,
        by=iro,
        scheduled_for=timezone.make_aware(datetime(2025, 1, 29, 10)),
        venue="Walk: the school",
        format="face_to_face",
    )
    services.child_contact_record(
        child=review.child,
        review=review,
        by=iro,
        on=date(2025, 1, 20),
        how="visit",
        alone="yes",
    )
    services.review_start(
        review=review, by=iro, held_on=WALK_REVIEW_DAY, social_worker_present=True
    )


HOLD = {
    "participation": "PN1",
    "chaired_by": "iro",
    "next_review_date": date(2025, 4, 28),  # within 3 months of the first review
}


def _hold_valid(review, user) -> dict:
    _meeting_logged(review)
    return dict(HOLD)


def _decisions_valid(review, user) -> dict:
    from django.utils import timezone

    from reviews import services

    _meeting_logged(review)
    services.review_hold(
        review=review, by=review.child.iro, today=timezone.localdate(), **HOLD
    )
    return {"due_date": date(2025, 3, 3), "owner_role": "sw"}


def _held_and_confirmed(review, user) -> dict:
    _decisions_valid(review, user)
    return {"confirm": "on"}


def _held_correct_valid(review, user) -> dict:
    _decisions_valid(review, user)
    return {**HOLD, "held_on": date(2025, 1, 28), "reason": "Walk: the wrong day"}


def _not_wanted_at_the_meeting(review, user) -> dict:
    """Someone to hear apart (V-APART): the child does not want the walk's invitee
    there."""
    review.invitees.update(child_does_not_want=True)
    return {"how": "phone", "planned_on": WALK_REVIEW_DAY}


def _meeting_correct_valid(review, user) -> dict:
    _meeting_logged(review)
    return {"held_on": date(2025, 1, 28), "reason": "Walk: the wrong day"}


def _later_date_valid(review, user) -> dict:
    from datetime import timedelta

    return {
        "until": review.due_date + timedelta(days=10),
        "reason": "Walk: in hospital",
    }


def _later_date_asked(review, user) -> dict:
    from reviews.services.later_dates import later_date_ask

    later_date_ask(
        review=review, by=review.child.iro, **_later_date_valid(review, user)
    )
    return {"decision": "refuse", "answer": "Walk: hold it on time"}


# A removal is confirmed by ticking its box (reviews.forms_corrections.ConfirmForm).
CONFIRMED = Form(valid=lambda obj, user: {"confirm": "on"})


def _additional_valid(review, user) -> dict:
    """The walk's review has been overdue since February 2025, and an additional review
    replaces only one still to come: its due date is put 60 days ahead."""
    from datetime import timedelta

    from reviews.models import Review

    Review.objects.filter(pk=review.pk).update(due_date=_today() + timedelta(days=60))
    return {"due_by": _week_after(_today()), "reason": "Placement at risk"}


def _post18_valid(child, user) -> dict:
    from core import dates

    return {"until": dates.years_after(child.date_of_birth, 20)}


PAGES.update(
    {
        "children:create": Page(get={CHILD_EDITORS: 200}, post={CHILD_EDITORS: 400}),
        "children:to_complete": Page(get={MANAGER: 200}),
        "children:episode_add": Page(
            of="child",
            get={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 200,
            },
            post={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 400,
            },
            form=Form(valid=_after_the_first_episode),
        ),
        "children:episode_edit": Page(
            of="episode",
            get={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 200,
            },
            post={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 400,
            },
        ),
        "children:period_edit": Page(
            of="period",
            get={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 200,
            },
            post={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 400,
            },
        ),
        "children:period_end": Page(
            of="child",
            get={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 200,
            },
            post={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 400,
            },
        ),
        "children:period_start": Page(
            of="child", get={SEES_CHILDREN: 403}, post={SEES_CHILDREN: 403}
        ),
        "children:secure_add": Page(
            of="child",
            get={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 200,
            },
            post={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 400,
            },
        ),
        "children:secure_edit": Page(
            of="child",
            get={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 200,
            },
            post={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 400,
            },
        ),
        "children:liberty_add": Page(
            of="child",
            get={NOT_CHILD_EDITORS: 403, CHILD_EDITORS: 200},
            post={NOT_CHILD_EDITORS: 403, CHILD_EDITORS: 400},
            form=Form(
                valid=lambda obj, user: {
                    "started_on": _period(obj).started_on + timedelta(days=1),
                    "accommodation": "relevant",
                    "court_reference": "ZW25C00001",
                }
            ),
        ),
        "children:liberty_edit": Page(
            of="liberty_order",
            get={NOT_CHILD_EDITORS: 403, CHILD_EDITORS: 200},
            post={NOT_CHILD_EDITORS: 403, CHILD_EDITORS: 400},
        ),
        "children:liberty_remove": Page(
            of="liberty_order",
            get={NOT_CHILD_EDITORS: 403, CHILD_EDITORS: 200},
            post={NOT_CHILD_EDITORS: 403, CHILD_EDITORS: 400},
            form=Form(
                valid=lambda obj, user: {"reason": "Recorded for the wrong child"}
            ),
        ),
        "children:sharing_end": Page(
            of="child",
            get={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 200,
            },
            post={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 400,
            },
        ),
        "children:pathway": Page(
            of="child",
            get={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 200,
            },
            post={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 400,
            },
        ),
        "children:post18": Page(
            of="child",
            get={
                NOT_MANAGER: 403,
                MANAGER: 200,
            },
            post={
                NOT_MANAGER: 403,
                MANAGER: 400,
            },
            form=Form(valid=_post18_valid),
        ),
        "children:sharing_add": Page(
            of="child",
            get={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 200,
            },
            post={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 400,
            },
        ),
        "children:event_add": Page(
            of="child",
            get={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 200,
            },
            post={
                NOT_CHILD_EDITORS: 403,
                CHILD_EDITORS: 400,
            },
            form=Form(valid=lambda obj, user: {"stated_date": _week_after(_today())}),
        ),
        # C1: corrected until the IRO decides, by whoever tells the IRO of events.
        "children:event_edit": Page(
            of="event",
            get={NOT_CHILD_EDITORS: 403, CHILD_EDITORS: 200},
            post={NOT_CHILD_EDITORS: 403, CHILD_EDITORS: 400},
            form=Form(valid=lambda obj, user: {"stated_date": _week_after(_today())}),
        ),
        # C1: withdrawn, with a reason, until the IRO decides.
        "children:event_withdraw": Page(
            of="event",
            get={NOT_CHILD_EDITORS: 403, CHILD_EDITORS: 200},
            post={NOT_CHILD_EDITORS: 403, CHILD_EDITORS: 400},
            form=Form(
                valid=lambda obj, user: {"reason": "Recorded for the wrong child"}
            ),
        ),
        "children:event": Page(
            of="event",
            get={CASE_ROLES: 200, frozenset({Role.BUSINESS_SUPPORT}): 403},
            post={
                OUTSIDE_IRO_SERVICE: 403,
                IRO_SERVICE: 400,
            },
        ),
        "iro:queue": Page(get={MANAGER: 200}),
        "iro:allocate": Page(
            get={MANAGER: 200, EVERYONE: 403}, post={MANAGER: 400, EVERYONE: 403}
        ),
        "iro:letters": Page(
            of="iro_allocation",
            get={
                frozenset(
                    {
                        Role.BUSINESS_SUPPORT,
                        Role.DUTY_IRO,
                        Role.SENIOR_MANAGER,
                        Role.SOCIAL_WORKER,
                        Role.TEAM_MANAGER,
                    }
                ): 403,
                frozenset({Role.IRO, Role.IRO_MANAGER}): 200,
            },
            post={
                frozenset(
                    {
                        Role.BUSINESS_SUPPORT,
                        Role.DUTY_IRO,
                        Role.SENIOR_MANAGER,
                        Role.SOCIAL_WORKER,
                        Role.TEAM_MANAGER,
                    }
                ): 403,
                frozenset({Role.IRO, Role.IRO_MANAGER}): 400,
            },
        ),
        # C5: the service manager corrects an allocation's dates.
        "iro:allocation_correct": Page(
            of="iro_allocation",
            get={MANAGER: 200, EVERYONE: 403},
            post={MANAGER: 400, EVERYONE: 403},
            form=Form(
                valid=lambda obj, user: {
                    "started_on": obj.started_on,
                    "reason": "Walk: the wrong day",
                }
            ),
        ),
        "iro:cover": Page(get={MANAGER: 200}, post={MANAGER: 400}),
        "reviews:diary": Page(
            get={
                frozenset({Role.BUSINESS_SUPPORT, Role.DUTY_IRO, Role.IRO_MANAGER}): 200
            }
        ),
        "iro:caseloads": Page(get={MANAGER: 200}),
        "reviews:respond": Page(
            get={EVERYONE | {ANON}: 200},
            post={EVERYONE | {ANON}: 400},
            public=True,
            scoped=False,  # a single-use link: the token, not the user, decides
            form=Form(as_role=ANON, ok=200),  # the thank-you page
        ),
        # D-SENT: a copy of the record through its email's single-use link; only the
        # page's own button (download=record) uses it, so the walk's POST is a 400.
        "documents:record_link": Page(
            kwargs={"token": "record_token"},
            get={EVERYONE | {ANON}: 200},
            post={EVERYONE | {ANON}: 400},
            public=True,
            scoped=False,  # a single-use link: the token, not the user, decides
            form=Form(as_role=ANON, ok=200),  # the download itself
        ),
        # D-SENT: a new link to an email reader's copy.
        "documents:record_resend": Page(
            of="review",
            kwargs={"distribution_pk": "email_copy"},
            get={EVERYONE: 405},
            post={
                CASE_ROLES_NOT_IRO: 403,
                SENDERS: 302,
            },
        ),
        # D-SENT: business support confirms the day letters were posted.
        "documents:letters_posted": Page(
            get={
                CASE_ROLES_NOT_IRO: 403,
                SENDERS: 200,
            },
            post={
                CASE_ROLES_NOT_IRO: 403,
                SENDERS: 400,
            },
            form=Form(
                as_role=Role.BUSINESS_SUPPORT,
                valid=lambda review, user: {
                    "copies": [str(_letter_copy(review).pk)],
                    "posted_on": _today(),
                },
            ),
            of="review_with_letter",
        ),
        # D-SENT: the print pack of the letters to post; printing them is recorded
        # on each copy (a POST: the walk's POST gets the PDF).
        "documents:letters_pack": Page(
            of="review_with_printable_letter",
            get={EVERYONE: 405},
            post={
                CASE_ROLES_NOT_IRO: 403,
                SENDERS: 200,
            },
        ),
        # D-SENT: a staff reader's copy of the record, behind sign-in: its recipient
        # or whoever may download the record (business support only while it waits
        # for them, and the walk's record is not finalised).
        "documents:record_copy": Page(
            kwargs={"distribution_pk": "record_copy"},
            get={CASE_ROLES: 200, frozenset({Role.BUSINESS_SUPPORT}): 403},
        ),
        "reviews:child_visit": Page(
            get={CHILDS_IRO: 200, SEES_CHILDREN: 403},
            post={CHILDS_IRO: 400, SEES_CHILDREN: 403},
        ),
        "reviews:secure_list": Page(get={MANAGER: 200}),
        "reviews:secure_plan": Page(
            get={EVERYONE: 405}, post={MANAGER: 302, EVERYONE: 403}
        ),
        "reviews:secure_detail": Page(of="secure_review", get={SEES_CHILDREN: 200}),
        "reviews:secure_nominate": Page(
            of="secure_review",
            get={
                NOT_MANAGER: 403,
                MANAGER: 200,
            },
            post={
                NOT_MANAGER: 403,
                MANAGER: 400,
            },
        ),
        "reviews:secure_record": Page(
            of="secure_review", get={SEES_CHILDREN: 403}, post={SEES_CHILDREN: 403}
        ),
        # C6: the service manager corrects a held secure review's date or findings.
        "reviews:secure_correct": Page(
            of="secure_review_held",
            get={NOT_MANAGER: 403, MANAGER: 200},
            post={NOT_MANAGER: 403, MANAGER: 400},
            form=Form(
                as_role=Role.IRO_MANAGER,
                valid=lambda obj, user: {
                    "held_on": _today() - timedelta(days=1),
                    "reason": "The chair gave the wrong date",
                },
            ),
        ),
        "reviews:detail": Page(of="review", get={SEES_CHILDREN: 200}),
        "reviews:schedule": Page(
            of="review",
            get={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 200,
            },
            post={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 400,
            },
            form=Form(valid=lambda obj, user: {"on": WALK_REVIEW_DAY}),
        ),
        "reviews:authorise_date": Page(
            of="review",
            get={
                NOT_MANAGER: 403,
                MANAGER: 200,
            },
            post={
                NOT_MANAGER: 403,
                MANAGER: 400,
            },
        ),
        "reviews:cancel": Page(
            of="review",
            get={
                OUTSIDE_IRO_SERVICE: 403,
                IRO_SERVICE: 200,
            },
            post={
                OUTSIDE_IRO_SERVICE: 403,
                IRO_SERVICE: 400,
            },
        ),
        "reviews:additional": Page(
            of="review",
            get={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 200,
            },
            post={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 400,
            },
            form=Form(valid=_additional_valid),
        ),
        "reviews:choices": Page(
            of="review",
            get={
                NOT_SOCIAL_WORK_TEAM: 403,
                SOCIAL_CARE: 200,
            },
            post={
                NOT_SOCIAL_WORK_TEAM: 403,
                SOCIAL_CARE: 400,
            },
        ),
        "reviews:checklist": Page(
            of="review",
            get={
                NOT_SOCIAL_WORK_TEAM: 403,
                SOCIAL_CARE: 200,
            },
            post={
                NOT_SOCIAL_WORK_TEAM: 403,
                SOCIAL_CARE: 302,
            },
        ),
        "reviews:invitee_add": Page(
            of="review",
            get={
                NOT_SOCIAL_WORK_TEAM: 403,
                SOCIAL_CARE: 200,
            },
            post={
                NOT_SOCIAL_WORK_TEAM: 403,
                SOCIAL_CARE: 400,
            },
        ),
        "reviews:invitee_edit": Page(
            of="review",
            get={
                NOT_SOCIAL_WORK_TEAM: 403,
                SOCIAL_CARE: 200,
            },
            post={
                NOT_SOCIAL_WORK_TEAM: 403,
                SOCIAL_CARE: 400,
            },
        ),
        "reviews:restriction_add": Page(
            of="review",
            get={
                NOT_SOCIAL_WORK_TEAM: 403,
                SOCIAL_CARE: 200,
            },
            post={
                NOT_SOCIAL_WORK_TEAM: 403,
                SOCIAL_CARE: 400,
            },
        ),
        "reviews:confirm": Page(
            of="review",
            get={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 200,
            },
            post={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 302,
            },
        ),
        "reviews:invitations": Page(
            of="review",
            get={
                CASE_ROLES_NOT_IRO: 403,
                SENDERS: 200,
            },
            post={
                CASE_ROLES_NOT_IRO: 403,
                SENDERS: 302,
            },
        ),
        # Sending one person's latest invitation again (D-CAL2): the walk's person was
        # sent none, so the service refuses it with a message and the page redirects.
        "reviews:invitation_resend": Page(
            of="review",
            get={EVERYONE: 405},
            post={
                CASE_ROLES_NOT_IRO: 403,
                SENDERS: 302,
            },
        ),
        # After the invitations went out, one to someone added since (D-CAL2): the
        # walk's review has sent none, so the service refuses with a message.
        "reviews:invitation_send": Page(
            of="review",
            get={EVERYONE: 405},
            post={
                CASE_ROLES_NOT_IRO: 403,
                SENDERS: 302,
            },
        ),
        # D-SENT: business support confirms the day invitation letters were posted.
        "reviews:invitation_letters_posted": Page(
            get={
                CASE_ROLES_NOT_IRO: 403,
                SENDERS: 200,
            },
            post={
                CASE_ROLES_NOT_IRO: 403,
                SENDERS: 400,
            },
            form=Form(
                as_role=Role.BUSINESS_SUPPORT,
                valid=lambda review, user: {
                    "letters": [str(_invitation_letter(review).pk)],
                    "posted_on": _today(),
                },
            ),
            of="review_with_invitation_letter",
        ),
        "documents:invitation_letter": Page(
            of="review",
            get={
                CASE_ROLES_NOT_IRO: 403,
                SENDERS: 200,
            },
            post={
                CASE_ROLES_NOT_IRO: 403,
                SENDERS: 200,
            },
        ),
        "reviews:child_contact": Page(
            of="review",
            get={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 200,
            },
            post={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 400,
            },
        ),
        "reviews:documents": Page(
            of="review",
            get={
                NOT_SOCIAL_WORK_TEAM: 403,
                SOCIAL_CARE: 200,
            },
            post={
                NOT_SOCIAL_WORK_TEAM: 403,
                SOCIAL_CARE: 400,
            },
        ),
        # TODO(reviews): the walk's key document (OBJECTS["document"]) gives 404 for every
        # role: give it a builder the view accepts, then the readers get 200 here.
        "reviews:document_download": Page(of="review", get={}),
        "reviews:meeting": Page(
            of="review", get={SEES_CHILDREN: 403}, post={SEES_CHILDREN: 403}
        ),
        "reviews:adjourn": Page(
            of="review",
            get={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 200,
            },
            post={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 400,
            },
        ),
        # Only while the review is adjourned (the walk's review is planned): 403.
        "reviews:undo_adjournment": Page(
            of="review", get={SEES_CHILDREN: 403}, post={SEES_CHILDREN: 403}
        ),
        "reviews:hold": Page(
            of="review",
            get={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 200,
            },
            post={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 400,
            },
            form=Form(valid=_hold_valid),
        ),
        "reviews:decisions": Page(
            of="review",
            get={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 200,
            },
            post={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 400,
            },
            form=Form(valid=_decisions_valid),
        ),
        # Corrections (C1-C3): the walk's review is planned, so each page says why it
        # cannot be used yet, and a POST is refused; the fuzzers hold the review first.
        **{
            name: Page(
                of="review",
                get={NOT_THE_IRO: 403, CHILDS_IRO: 200},
                post={NOT_THE_IRO: 403, CHILDS_IRO: 400},
                form=form,
            )
            for name, form in (
                ("reviews:decision_edit", Form(valid=_decisions_valid)),
                ("reviews:decision_remove", Form(valid=_held_and_confirmed)),
                ("reviews:held_correct", Form(valid=_held_correct_valid)),
                ("reviews:meeting_correct", Form(valid=_meeting_correct_valid)),
                ("reviews:record_amend", None),
                ("documents:amendment_issue", None),
            )
        },
        # C1: the walk's review is planned, so its entries can be changed now.
        **{
            name: Page(
                of="review",
                get={NOT_CHAIR_OR_TEAM: 403, CHAIR_OR_TEAM: 200},
                post={NOT_CHAIR_OR_TEAM: 403, CHAIR_OR_TEAM: 400},
            )
            for name in ("reviews:consultation_edit", "reviews:consultation_remove")
        },
        "reviews:consultation_remove": Page(
            of="review",
            get={NOT_CHAIR_OR_TEAM: 403, CHAIR_OR_TEAM: 200},
            post={NOT_CHAIR_OR_TEAM: 403, CHAIR_OR_TEAM: 400},
            form=CONFIRMED,
        ),
        **{
            name: Page(
                of="review",
                get={NOT_THE_IRO: 403, CHILDS_IRO: 200},
                post={NOT_THE_IRO: 403, CHILDS_IRO: 400},
            )
            for name in ("reviews:child_contact_edit", "reviews:child_contact_remove")
        },
        "reviews:child_contact_remove": Page(
            of="review",
            get={NOT_THE_IRO: 403, CHILDS_IRO: 200},
            post={NOT_THE_IRO: 403, CHILDS_IRO: 400},
            form=CONFIRMED,
        ),
        # T23a: the chair asks for a later date, the service manager answers.
        "reviews:later_date_ask": Page(
            of="review",
            get={NOT_THE_IRO: 403, CHILDS_IRO: 200},
            post={NOT_THE_IRO: 403, CHILDS_IRO: 400},
            form=Form(valid=_later_date_valid),
        ),
        "reviews:later_date_decide": Page(
            of="review",
            get={NOT_MANAGER: 403, MANAGER: 200},
            post={NOT_MANAGER: 403, MANAGER: 400},
            form=Form(valid=_later_date_asked),
        ),
        "reviews:invitee_remove": Page(
            of="review",
            get={NOT_SOCIAL_WORK_TEAM: 403, SOCIAL_WORK_TEAM: 200},
            post={NOT_SOCIAL_WORK_TEAM: 403, SOCIAL_WORK_TEAM: 400},
            form=CONFIRMED,
        ),
        "reviews:decisions_submit": Page(
            of="review",
            get={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 302,
            },
            post={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 302,
            },
        ),
        "disputes:authorise": Page(
            of="review",
            get={
                frozenset(
                    {
                        Role.BUSINESS_SUPPORT,
                        Role.DUTY_IRO,
                        Role.IRO,
                        Role.IRO_MANAGER,
                        Role.SENIOR_MANAGER,
                        Role.SOCIAL_WORKER,
                    }
                ): 403,
                frozenset({Role.TEAM_MANAGER}): 200,
            },
            post={
                frozenset(
                    {
                        Role.BUSINESS_SUPPORT,
                        Role.DUTY_IRO,
                        Role.IRO,
                        Role.IRO_MANAGER,
                        Role.SENIOR_MANAGER,
                        Role.SOCIAL_WORKER,
                    }
                ): 403,
                frozenset({Role.TEAM_MANAGER}): 400,
            },
        ),
        "reviews:record": Page(
            of="review",
            get={
                OUTSIDE_IRO_SERVICE: 403,
                IRO_SERVICE: 200,
            },
            post={
                OUTSIDE_IRO_SERVICE: 403,
                IRO_SERVICE: 400,
            },
        ),
        "reviews:record_finalise": Page(
            of="review",
            get={
                OUTSIDE_IRO_SERVICE: 403,
                IRO_SERVICE: 200,
            },
            post={
                OUTSIDE_IRO_SERVICE: 403,
                # Fixed: without a record this was a 500; now the review page says why.
                IRO_SERVICE: 302,
            },
        ),
        "reviews:record_version": Page(of="review", get={SEES_CHILDREN: 403}),
        "reviews:record_version_for": Page(of="review", get={SEES_CHILDREN: 403}),
        "documents:distribute": Page(
            of="review",
            get={
                CASE_ROLES_NOT_IRO: 403,
                SENDERS: 200,
            },
            post={
                CASE_ROLES_NOT_IRO: 403,
                SENDERS: 400,
            },
        ),
        "reviews:close": Page(
            of="review",
            get={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 200,
            },
            post={
                NOT_THE_IRO: 403,
                CHILDS_IRO: 400,
            },
        ),
        "reviews:comment": Page(
            of="review",
            get={
                frozenset(
                    {Role.BUSINESS_SUPPORT, Role.DUTY_IRO, Role.IRO, Role.IRO_MANAGER}
                ): 403,
                frozenset(
                    {Role.SENIOR_MANAGER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
                ): 200,
            },
            post={
                frozenset(
                    {Role.BUSINESS_SUPPORT, Role.DUTY_IRO, Role.IRO, Role.IRO_MANAGER}
                ): 403,
                frozenset(
                    {Role.SENIOR_MANAGER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
                ): 400,
            },
        ),
        "reviews:progress": Page(
            of="review",
            get={NOT_THE_IRO: 403},
            post={NOT_THE_IRO: 403},
        ),
        # C7: progress recorded by mistake is withdrawn, with a reason, by the IRO.
        "reviews:decision_update_withdraw": Page(
            of="review",
            get={NOT_THE_IRO: 403, CHILDS_IRO: 200},
            post={NOT_THE_IRO: 403, CHILDS_IRO: 400},
            form=Form(valid=lambda obj, user: {"reason": "Walk: the wrong decision"}),
        ),
        "reviews:consultations": Page(
            of="review", get={CASE_ROLES: 200, frozenset({Role.BUSINESS_SUPPORT}): 403}
        ),
        "reviews:heard": Page(
            of="review", get={CASE_ROLES: 200, frozenset({Role.BUSINESS_SUPPORT}): 403}
        ),
        "reviews:hearing_apart_plan": Page(
            of="review",
            get={NOT_THE_IRO: 403, CHILDS_IRO: 200},
            post={NOT_THE_IRO: 403, CHILDS_IRO: 400},
            form=Form(valid=_not_wanted_at_the_meeting),
        ),
        "reviews:consultation_enter": Page(
            of="review",
            get={
                frozenset(
                    {Role.DUTY_IRO, Role.IRO, Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
                ): 200,
                frozenset(
                    {Role.BUSINESS_SUPPORT, Role.IRO_MANAGER, Role.SENIOR_MANAGER}
                ): 403,
            },
            post={
                frozenset(
                    {Role.DUTY_IRO, Role.IRO, Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
                ): 400,
                frozenset(
                    {Role.BUSINESS_SUPPORT, Role.IRO_MANAGER, Role.SENIOR_MANAGER}
                ): 403,
            },
        ),
    }
)
