"""What each document is: its key, template, audience and the context it is made from.

Contexts hold only stored facts (no "today"), so the same source always renders the
same HTML, and a document gets a new version only when its source changes.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from children.models import Child
from documents.models import Document
from documents.translations import translation_due_on
from iro.models import IroAllocation
from reviews.models import Invitee, RecordAudience, Review
from reviews.readability import BAND_TARGETS
from reviews.services import band_for_age, record_version_for, sharing
from reviews.services.corrections import issued_amendments
from reviews.services.invitations import is_withdrawal
from reviews.services.invitations import latest as latest_invitation
from reviews.services.preparation import invited_people

Kind = Document.Kind

# The order of the letter to the child: what is going well first (S-ESX).
LETTER_ORDER = (
    "going_well",
    "wishes",
    "less_well",
    "plan",
    "iro_view",
    "next",
    "contributors",
)

# Each band's own headings: shorter, warmer words for younger children.
BAND_HEADINGS = {
    "under_8": {
        "going_well": "Good things",
        "wishes": "What you told me",
        "less_well": "Things that are hard",
        "plan": "The plan",
        "iro_view": "What I think",
        "next": "What happens next",
        "contributors": "Who came",
        "decisions": "What we will do",
        "contact": "Who you can talk to",
        "next_review": "Your next review",
    },
    "8_to_12": {
        "going_well": "What is going well",
        "wishes": "What you told us",
        "less_well": "What is not going so well",
        "plan": "Your plan",
        "iro_view": "What I think about your plan",
        "next": "What happens next",
        "contributors": "Who took part",
        "decisions": "What we decided",
        "contact": "Who you can talk to",
        "next_review": "Your next review",
    },
    "13_plus": {
        "going_well": "What is going well, and your achievements",
        "wishes": "What you told us",
        "less_well": "What is not going so well",
        "plan": "The plan for you",
        "iro_view": "What I think about your plan",
        "next": "What happens next",
        "contributors": "Who took part",
        "decisions": "What we decided",
        "contact": "Who to contact",
        "next_review": "Your next review",
    },
}


@dataclass
class DocumentSpec:
    """Everything needed to make (or find) one document."""

    key: str
    kind: str
    template: str
    title: str
    audience: str
    child: Child
    context: dict
    author: str
    review: Review | None = None
    allocation: IroAllocation | None = None
    invitee: Invitee | None = None
    record_version: int | None = None
    lang: str = "en-GB"
    extra: dict = field(default_factory=dict)

    def full_context(self) -> dict:
        return {
            **self.context,
            "title": self.title,
            "author": self.author,
            "council": settings.COUNCIL_NAME,
            "council_address": settings.COUNCIL_ADDRESS,
            "lang": self.lang,
            "subject": self.get_kind_display(),
        }

    def get_kind_display(self) -> str:
        return Kind(self.kind).label


def clock(moment) -> str:
    """A time the GOV.UK way, in the service's time zone: 4pm, 10:30am."""
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def _iro_author(user) -> str:
    name = str(user) if user else "The Independent Reviewing Officer service"
    return f"{name}, {settings.COUNCIL_NAME}"


def _person(user) -> dict | None:
    if user is None:
        return None
    return {
        "name": str(user),
        "job_title": user.job_title,
        "phone": user.phone,
        "email": user.email,
    }


# --- The record of review ------------------------------------------------------


def record_specs(review: Review) -> list[DocumentSpec]:
    """The child's letter, a version for each parent on the list, and the professional record."""
    record = getattr(review, "record", None)
    if record is None or not record.sections.exclude(text="").exists():
        return []
    specs = [_record_spec(review, None, Kind.RECORD_CHILD)]
    for person in review.invitees.all():
        # A parent's copy, or anyone's from whom the child asked to keep something.
        if record_version_for(review, person).kind == RecordAudience.PARENT:
            specs.append(_record_spec(review, person, Kind.RECORD_PARENT))
    specs.append(_record_spec(review, None, Kind.RECORD_PROFESSIONAL))
    return specs


def _record_spec(review: Review, person: Invitee | None, kind: str) -> DocumentSpec:
    record = review.record
    child = review.child
    if kind == Kind.RECORD_PROFESSIONAL:
        version = record_version_for(review, None)
        title = f"Record of review: {child.full_name}"
        audience, template, key = "Professionals", "record_professional", ""
    elif kind == Kind.RECORD_PARENT:
        version = record_version_for(review, person)
        title = f"Record of {child.known_as}'s review: copy for {person.name}"
        audience, template, key = person.name, "record_parent", f":invitee={person.pk}"
    else:
        version = record_version_for(review, None)
        title = f"A letter to {child.known_as} about your review"
        audience, template, key = child.known_as, "record_child", ""
    sections = {section.key: section for section in version.sections}
    band = record.band
    amendments = issued_amendments(record)
    context = {
        "review": review,
        "record": record,
        "child": child,
        "person": person,
        "band": band,
        "reading_age_target": BAND_TARGETS[band],
        "headings": BAND_HEADINGS[band],
        "sections": _letter_sections(sections, band),
        "has_plan": "plan" in sections,
        "decisions": version.decisions,
        "iro": _person(record.author),
        "social_worker": _person(child.social_worker),
        "letter_date": record.finalised_on,
        "translation_language": _translation_language(record, person),
        "translation_due": translation_due_on(record),
        "meetings": list(review.meetings.prefetch_related("attendance")),
        # An amended record says so, in every version (C3).
        "amendments": amendments,
        "amended_on": timezone.localtime(amendments[-1].issued_at).date()
        if amendments
        else None,
    }
    return DocumentSpec(
        key=f"{kind}:review={review.pk}{key}",
        kind=kind,
        template=f"documents/pdf/{template}.html",
        title=title,
        audience=audience,
        child=child,
        context=context,
        author=_iro_author(record.author),
        review=review,
        invitee=person,
        record_version=record.version,
    )


def _letter_sections(sections: dict, band: str) -> list[dict]:
    """The record's sections in the letter's order, each under its band's heading."""
    return [
        {
            "key": key,
            "heading": BAND_HEADINGS[band][key],
            "label": sections[key].get_key_display(),
            "text": sections[key].text,
        }
        for key in LETTER_ORDER
        if key in sections
    ]


def _translation_language(record, person: Invitee | None) -> str:
    if person is None:
        return record.translation_language
    return person.interpreter_language


# --- Before the review: invitations and consultation forms ----------------------


def invitation_specs(review: Review) -> list[DocumentSpec]:
    """An invitation letter for each person invited (never someone the child does not
    want), and for each person whose invitation by letter was withdrawn, the letter
    saying so (D-CAL2)."""
    if review.scheduled_for is None:
        return []
    people = list(invited_people(review))
    invited = {person.pk for person in people}
    for person in Invitee.everything.filter(review=review).exclude(pk__in=invited):
        last = latest_invitation(person)
        if (
            last is not None
            and last.method == Invitee.Method.LETTER
            and is_withdrawal(last)
        ):
            people.append(person)
    return [invitation_spec(review, person) for person in people]


def invitation_spec(review: Review, person: Invitee) -> DocumentSpec:
    """The invitation letter for one person (also rendered on demand by the reviews pages)."""
    # Its latest version (D-CAL2): an update says it replaces the earlier letter, a
    # cancellation says the meeting is off.
    invitation = latest_invitation(person)
    child = review.child
    return DocumentSpec(
        key=f"{Kind.INVITATION}:review={review.pk}:invitee={person.pk}",
        kind=Kind.INVITATION,
        template="documents/pdf/invitation_letter.html",
        title="Invitation to a review meeting",
        audience=person.name,
        child=child,
        context={
            "review": review,
            "child": child,
            "invitee": person,
            "is_child": person.role == "child",
            "clock": clock(review.scheduled_for),
            # V3: the place, or that the IRO will say where.
            "place": sharing.meeting_place_for(review, person),
            "iro": _person(child.iro),
            "letter_date": timezone.localtime(invitation.sent_at).date()
            if invitation
            else None,
            "updated": bool(invitation and invitation.sequence),
            # The review is cancelled, or this person's invitation alone: a letter
            # withdrawing it says no more than that (never the place).
            "cancelled": bool(invitation and invitation.is_cancellation),
            "withdrawn": bool(invitation and is_withdrawal(invitation)),
        },
        author=_iro_author(child.iro),
        review=review,
        invitee=person,
    )


def consultation_specs(review: Review) -> list[DocumentSpec]:
    """A printable consultation form for each person who is asked for one."""
    specs = []
    for person in invited_people(review):
        if person.consultation_type == Invitee.ConsultationType.CHILD:
            specs.append(_consultation_spec(review, person, Kind.CONSULTATION_CHILD))
        elif person.consultation_type == Invitee.ConsultationType.ADULT:
            specs.append(_consultation_spec(review, person, Kind.CONSULTATION_ADULT))
    return specs


def _consultation_spec(review: Review, person: Invitee, kind: str) -> DocumentSpec:
    child = review.child
    on = review.scheduled_for.date() if review.scheduled_for else review.due_date
    is_child = kind == Kind.CONSULTATION_CHILD
    return DocumentSpec(
        key=f"{kind}:review={review.pk}:invitee={person.pk}",
        kind=kind,
        template=f"documents/pdf/{kind}.html",
        title="Your views for your review"
        if is_child
        else f"Your views for {child.known_as}'s review",
        audience=person.name,
        child=child,
        context={
            "review": review,
            "child": child,
            "invitee": person,
            "band": band_for_age(child.date_of_birth, on),
            "iro": _person(child.iro),
        },
        author=_iro_author(child.iro),
        review=review,
        invitee=person,
    )


def review_specs(review: Review) -> list[DocumentSpec]:
    """Every document a review has at this point of its cycle."""
    return invitation_specs(review) + consultation_specs(review) + record_specs(review)


# --- The child's IRO: introduction (with profile card) and farewell ----------------


def allocation_specs(allocation: IroAllocation) -> list[DocumentSpec]:
    """The introduction letter with a profile card; the farewell letter once it has ended."""
    specs = [_allocation_spec(allocation, Kind.IRO_INTRODUCTION)]
    if allocation.ended_on is not None:
        specs.append(_allocation_spec(allocation, Kind.IRO_FAREWELL))
    return specs


def _allocation_spec(allocation: IroAllocation, kind: str) -> DocumentSpec:
    child = allocation.child
    farewell = kind == Kind.IRO_FAREWELL
    on = allocation.ended_on if farewell else allocation.started_on
    successor = (
        IroAllocation.objects.filter(child=child, started_on__gte=on)
        .exclude(pk=allocation.pk)
        .select_related("iro")
        .order_by("started_on", "pk")
        .first()
        if farewell
        else None
    )
    return DocumentSpec(
        key=f"{kind}:allocation={allocation.pk}",
        kind=kind,
        template=f"documents/pdf/{kind}.html",
        title=f"Goodbye from {allocation.iro}"
        if farewell
        else f"Hello from {allocation.iro}, your reviewing officer",
        audience=child.known_as,
        child=child,
        context={
            "child": child,
            "allocation": allocation,
            "band": band_for_age(child.date_of_birth, on),
            "iro": _person(allocation.iro),
            "successor": _person(successor.iro) if successor else None,
            "social_worker": _person(child.social_worker),
            "letter_date": on,
        },
        author=_iro_author(allocation.iro),
        allocation=allocation,
    )
