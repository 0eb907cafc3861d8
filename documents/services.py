"""Making, storing and attaching documents. Every write to reporting goes through here."""

import hashlib
import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import Role, User
from core.notifications import notify
from core.tasks import enqueue
from core.uploads import MAX_UPLOAD_BYTES
from documents.delivery import record_email_queue
from documents.documents import (
    DocumentSpec,
    allocation_specs,
    record_specs,
    review_specs,
)
from documents.models import Distribution, Document
from documents.pdf import html_to_pdf, render_html
from documents.translations import translation_key
from iro.models import IroAllocation
from reviews.models import Invitee, RecordAmendment, Review
from reviews.services import record_version_for
from reviews.services._base import lock, move, record_event
from reviews.services.corrections import record_amendment_issue

logger = logging.getLogger(__name__)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def latest_document(key: str) -> Document | None:
    return Document.objects.filter(key=key).order_by("-version").first()


def document_store(
    *, spec: DocumentSpec, by: User | None = None
) -> tuple[Document, bool]:
    """Store a new version of the document if its source changed; return it and whether it is new.

    The caller holds a lock on the review or allocation, so two workers running the
    same task (delivery is at least once) cannot both make the next version.
    """
    html = render_html(spec.template, spec.full_context())
    source = _sha256(html.encode())
    latest = latest_document(spec.key)
    if latest is not None and latest.source_sha256 == source:
        return latest, False
    pdf = html_to_pdf(html)
    document = Document(
        key=spec.key,
        version=latest.version + 1 if latest else 1,
        kind=spec.kind,
        child=spec.child,
        review=spec.review,
        allocation=spec.allocation,
        invitee=spec.invitee,
        audience=spec.audience[:60],
        title=spec.title[:200],
        record_version=spec.record_version,
        source_sha256=source,
        sha256=_sha256(pdf),
        size=len(pdf),
        created_by=by,
    )
    _save_with_file(document, pdf)
    return document, True


def _save_with_file(document: Document, content: bytes) -> None:
    document.file.save("document.pdf", ContentFile(content), save=False)
    try:
        document.full_clean()
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise


@transaction.atomic
def documents_build_for_review(
    *, review: Review, by: User | None = None, record_only: bool = False
) -> list[Document]:
    """Make every document of the review whose source changed since its last version."""
    review = (
        Review.objects.select_for_update().select_related("child").get(pk=review.pk)
    )
    made = []
    specs = record_specs(review) if record_only else review_specs(review)
    for spec in specs:
        document, new = document_store(spec=spec, by=by)
        if new:
            made.append(document)
    if made:
        record_event(
            review,
            action="documents_made",
            by=by,
            note="; ".join(f"{d.title} (version {d.version})" for d in made)[:1000],
        )
    return made


@transaction.atomic
def documents_build_for_allocation(
    *, allocation: IroAllocation, by: User | None = None
) -> list[Document]:
    """Make the IRO's introduction letter (and the farewell letter once it has ended)."""
    allocation = (
        IroAllocation.objects.select_for_update()
        .select_related("child", "iro")
        .get(pk=allocation.pk)
    )
    return [
        document
        for document, new in (
            document_store(spec=spec, by=by) for spec in allocation_specs(allocation)
        )
        if new
    ]


def documents_request_for_review(*, review: Review) -> None:
    """Ask the background worker to bring the review's documents up to date."""
    enqueue("documents.tasks.review_documents_build", review.pk)


def review_documents_request(review: Review) -> None:
    """When a review's invitations or record change, its PDFs are made again."""
    documents_request_for_review(review=review)


def documents_request_for_allocation(*, allocation: IroAllocation) -> None:
    enqueue("documents.tasks.allocation_documents_build", allocation.pk)


def record_documents_for(review: Review, people: list[Invitee]) -> dict[int, Document]:
    """The stored copy of the record each person gets, made now if not made yet.

    Called by the distribution, so the log can say which version each person was sent.
    """
    documents_build_for_review(review=review, record_only=True)
    kinds = {
        "child": Document.Kind.RECORD_CHILD,
        "parent": Document.Kind.RECORD_PARENT,
        "professional": Document.Kind.RECORD_PROFESSIONAL,
    }
    found = {}
    for person in people:
        version = record_version_for(review, person).kind
        key = f"{kinds[version]}:review={review.pk}"
        if version == "parent":
            key += f":invitee={person.pk}"
        found[person.pk] = latest_document(key)
    return found


MAX_TRANSLATION_BYTES = MAX_UPLOAD_BYTES


@transaction.atomic
def translation_attach(
    *, english: Document, language: str, content: bytes, by: User
) -> Document:
    """Attach a translated PDF beside the English document it translates."""
    if english.is_translation:
        raise ValidationError("Attach a translation to the English document.")
    if not content.startswith(b"%PDF-"):
        raise ValidationError({"file": "The file must be a PDF"})
    if len(content) > MAX_TRANSLATION_BYTES:
        raise ValidationError({"file": "The file must be smaller than 10 MB"})
    language = language.strip()
    if not language:
        raise ValidationError({"language": "Enter the language of the translation"})
    review = Review.objects.select_for_update().get(pk=english.review_id)
    key = translation_key(english.key, language)
    latest = latest_document(key)
    translation = Document(
        key=key,
        version=latest.version + 1 if latest else 1,
        kind=english.kind,
        child=english.child,
        review=english.review,
        invitee=english.invitee,
        audience=english.audience,
        title=f"{english.title} ({language})"[:200],
        language=language,
        translation_of=english,
        record_version=english.record_version,
        sha256=_sha256(content),
        size=len(content),
        created_by=by,
    )
    _save_with_file(translation, content)
    record_event(
        review,
        action="translation_attached",
        by=by,
        note=f"{language} translation of {english.title} (version {english.version})",
    )
    return translation


@transaction.atomic
def review_distribute(
    *, review: Review, by: User, now: datetime, recipients: list[Invitee]
) -> list[Distribution]:
    """Send the record to each recipient once, logging which version went to whom (T19, V1)."""
    review = lock(review)
    if not hasattr(review, "record") or review.record.finalised_on is None:
        raise ValidationError("Finalise the record before sending it.")
    if not recipients:
        raise ValidationError("Choose who the record goes to.")
    sent = _send_record(review, by=by, now=now, recipients=recipients)
    move(
        review,
        Review.Status.DISTRIBUTED,
        action="record_distributed",
        by=by,
        note=f"{len(sent)} recipients",
    )
    return sent


def _send_record(
    review: Review, *, by: User, now: datetime, recipients: list[Invitee]
) -> list[Distribution]:
    """One distribution of the record's current version to each recipient."""
    record = review.record
    documents = record_documents_for(review, recipients)
    sent = []
    for person in recipients:
        if person.review_id != review.pk:
            raise ValidationError(
                "Only people on this review's list can receive the record."
            )
        if (
            person.method == Invitee.Method.EMAIL
            and not person.email
            or person.method == Invitee.Method.LETTER
            and not person.postal_address
        ):
            raise ValidationError(
                f"{person.name} has no address for their delivery method."
            )
        version = record_version_for(review, person)
        distribution, created = Distribution.objects.get_or_create(
            invitee=person,
            record_version=record.version,
            defaults={
                "review": review,
                "version": version.kind,
                "method": person.method,
                "sent_by": by,
                "sent_at": now,
                "document": documents.get(person.pk),
            },
        )
        if created and person.method == Invitee.Method.EMAIL:
            record_email_queue(distribution, now=now)
        sent.append(distribution)
    return sent


def record_holders(review: Review) -> list[Invitee]:
    """Everyone who has been sent a version of the record (C4)."""
    return list(
        review.invitees.filter(pk__in=review.distributions.values("invitee")).order_by(
            "pk"
        )
    )


def earlier_recipients(review: Review) -> list[Invitee]:
    """Everyone sent a version of the record but not its current one (C4)."""
    newest = set(
        review.distributions.filter(record_version=review.record.version).values_list(
            "invitee", flat=True
        )
    )
    return [person for person in record_holders(review) if person.pk not in newest]


@transaction.atomic
def record_amendment_send(
    *, review: Review, by: User, now: datetime
) -> tuple[RecordAmendment, list[Distribution]]:
    """C3, C4: issue the amended record, make a new version of each of its documents,
    and send the new version to everyone who had an earlier one; the child's social
    worker and the team's managers (who authorised the decisions) are told."""
    amendment = record_amendment_issue(review=review, by=by, now=now)
    review = lock(review)
    documents_build_for_review(review=review, by=by, record_only=True)
    sent = _send_record(review, by=by, now=now, recipients=earlier_recipients(review))
    if sent:
        record_event(
            review,
            action="amended_record_sent",
            by=by,
            note=f"Version {amendment.to_version} to {len(sent)} people who had an "
            "earlier version",
        )
    child = review.child
    told = {child.social_worker} | set(
        User.objects.filter(
            groups__name=Role.TEAM_MANAGER, team_id=child.team_id, is_active=True
        )
    )
    for person in sorted(told - {None, by}, key=lambda user: user.pk):
        notify(
            person,
            f"The record of {child.known_as}'s review was amended (version "
            f"{amendment.to_version}): {amendment.reason}",
            review.get_absolute_url(),
        )
    return amendment, sent
