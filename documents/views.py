"""Documents: the list for a review or an IRO allocation, downloads and translations.

Every view starts from what the user may see (out of scope is a 404); a stored file is
served only here, with Content-Disposition, no-store and an audit-log access entry.
"""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from children.permissions import children_visible_to
from core.audit import showing
from core.http import render_form_page
from documents.documents import invitation_spec
from documents.forms import TranslationForm
from documents.models import Document
from documents.pdf import pdf_response
from documents.permissions import (
    can_attach_translation,
    can_download_document,
    can_make_documents,
    documents_visible_to,
)
from documents.services import (
    documents_request_for_allocation,
    documents_request_for_review,
    record_amendment_send,
    record_holders,
    review_distribute,
    translation_attach,
)
from documents.translations import translation_needs
from iro.models import IroAllocation
from iro.permissions import can_make_iro_letters
from reviews import services as review_services
from reviews.forms import DistributeForm
from reviews.forms_corrections import ConfirmForm
from reviews.permissions import (
    can_chair_review,
    can_read_review_case_content,
    can_send_for_review,
)
from reviews.services import corrections
from reviews.services.links import CODE_ATTEMPTS
from reviews.views._action import load_review
from reviews.views.cycle import ReviewStepView

logger = logging.getLogger(__name__)


def _latest_by_key(documents) -> list[dict]:
    """One row per document: its newest version, how many versions, its translations."""
    rows: dict[str, dict] = {}
    for document in documents:  # newest version of each key first (Meta.ordering)
        if document.is_translation:
            continue
        row = rows.setdefault(
            document.key, {"document": document, "versions": 0, "translations": []}
        )
        row["versions"] += 1
    for document in documents:
        if document.is_translation:
            english = rows.get(document.translation_of.key)
            seen = {t.key for t in english["translations"]} if english else set()
            if english and document.key not in seen:
                english["translations"].append(document)
    return list(rows.values())


@require_http_methods(["GET", "POST"])
def review_documents_view(request, review_pk):
    """The review's documents, newest versions, translations, and a button to make them."""
    review = load_review(request, review_pk)
    user = request.user
    may_make = can_make_documents(user, review)
    if not (may_make or can_read_review_case_content(user, review)):
        raise PermissionDenied
    if request.method == "POST":
        if not may_make:
            raise PermissionDenied
        documents_request_for_review(review=review)
        messages.success(
            request, "The documents are being made. Refresh this page in a minute."
        )
        return redirect("documents:review", review.pk)
    documents = [
        document
        for document in Document.objects.filter(review=review)
        .select_related("translation_of", "created_by", "invitee")
        .prefetch_related("distributions__invitee")
        if can_download_document(user, document)
    ]
    context = {
        "review": review,
        "child": review.child,
        "rows": _latest_by_key(documents),
        "needs": _needs(review, timezone.localdate()),
        "may_make": may_make,
        "may_translate": can_attach_translation(user, review),
    }
    return render(request, "documents/review_documents.html", context)


@require_http_methods(["GET", "POST"])
def allocation_documents_view(request, allocation_pk):
    """The IRO's introduction letter with profile card, and the farewell letter."""
    allocation = get_object_or_404(
        IroAllocation.objects.filter(
            child__in=children_visible_to(request.user)
        ).select_related("child", "iro"),
        pk=allocation_pk,
    )
    if not can_make_iro_letters(request.user, allocation):
        raise PermissionDenied
    showing(request, allocation)
    if request.method == "POST":
        documents_request_for_allocation(allocation=allocation)
        messages.success(
            request, "The letters are being made. Refresh this page in a minute."
        )
        return redirect("documents:allocation", allocation.pk)
    documents = Document.objects.filter(allocation=allocation).select_related(
        "translation_of"
    )
    context = {
        "allocation": allocation,
        "child": allocation.child,
        "rows": _latest_by_key(list(documents)),
    }
    return render(request, "documents/allocation_documents.html", context)


@require_GET
def document_download_view(request, pk):
    """Serve one stored document as a download, and log the access."""
    document = get_object_or_404(
        documents_visible_to(request.user).select_related("child", "review"),
        pk=pk,
    )
    if not can_download_document(request.user, document):
        raise PermissionDenied
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        logger.error("Stored document %s has no file", document.pk)
        raise Http404("The file is missing.") from missing
    showing(request, document, what="download")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name(),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def translation_upload_view(request, pk):
    """Attach a translated PDF beside one English document of a review."""
    english = get_object_or_404(
        documents_visible_to(request.user)
        .filter(review__isnull=False, translation_of__isnull=True)
        .select_related("review__child", "invitee"),
        pk=pk,
    )
    showing(request, english)
    review = english.review
    if not can_attach_translation(request.user, review):
        raise PermissionDenied
    language = _language_needed(english)
    form = TranslationForm(
        request.POST or None, request.FILES or None, language=language
    )
    if request.method == "POST" and form.is_valid():
        try:
            translation_attach(
                english=english,
                language=form.cleaned_data["language"],
                content=form.cleaned_data["file"].read(),
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "The translation is attached.")
            return redirect("documents:review", review.pk)
    context = {
        "form": form,
        "english": english,
        "review": review,
        "child": review.child,
    }
    return render_form_page(request, "documents/translation.html", context)


def _needs(review, today) -> list[dict]:
    return [
        {
            "language": need.language,
            "for_whom": need.for_whom,
            "status": need.status(today),
            "overdue": need.is_overdue(today),
        }
        for need in translation_needs(review)
    ]


def _language_needed(english: Document) -> str:
    if english.invitee is not None:
        return english.invitee.interpreter_language
    record = getattr(english.review, "record", None)
    return record.translation_language if record else ""


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class DistributeView(ReviewStepView):
    title = "Send the record"
    template_name = "reviews/distribute.html"
    form_class = DistributeForm
    allowed = staticmethod(can_send_for_review)
    button = "Send the record"
    success_message = "The record is sent and the distribution is logged."

    def get_form_kwargs(self):
        return {"review": self.review}

    def get_context(self):
        return {
            "own_versions": review_services.people_needing_their_own_version(
                self.review
            ),
            "log": self.review.distributions.select_related("invitee", "sent_by"),
        }

    def perform(self, data, form):
        review_distribute(
            review=self.review,
            by=self.request.user,
            now=timezone.now(),
            recipients=list(data["recipients"]),
        )


class IssueAmendmentView(ReviewStepView):
    """C3, C4: the IRO issues the amended record; whoever had the old version gets the
    new one, and the page says who that is before the button is pressed."""

    title = "Issue the amended record"
    template_name = "documents/amendment_issue.html"
    form_class = ConfirmForm
    allowed = staticmethod(can_chair_review)
    button = "Issue the amended record"

    def get_form(self, data=None, files=None):
        return ConfirmForm(
            data, label="I have checked the amended record and its decisions"
        )

    def render(self, form, status: int = 200):
        if corrections.open_amendment(self.review) is None:
            self.not_now = "There is no amendment of this record to issue."
        return super().render(form, status)

    def get_context(self):
        return {
            "amendment": corrections.open_amendment(self.review),
            "recipients": record_holders(self.review),
        }

    def perform(self, data, form):
        amendment, sent = record_amendment_send(
            review=self.review, by=self.request.user, now=timezone.now()
        )
        messages.success(
            self.request,
            f"Version {amendment.to_version} of the record is issued"
            + (
                f" and sent to the {len(sent)} people who had the old one."
                if sent
                else "."
            ),
        )


@require_http_methods(["GET", "POST"])
def invitation_letter_view(request, pk, invitee_pk):
    """The invitation letter for one invitee, as a PDF.

    GET: a copy, the same letter as the stored one. POST: the letter printed to post.
    For someone invited by letter and asked for their views it prints a new
    consultation link, and on a separate page for the service the link's short code,
    to be given by phone or in person (docs/rules.md, D-CODE).
    """
    review = load_review(request, pk)
    if not can_send_for_review(request.user, review):
        raise PermissionDenied
    invitee = get_object_or_404(
        review.invitees, pk=invitee_pk, child_does_not_want=False
    )
    spec = invitation_spec(review, invitee)
    context = spec.full_context()
    with transaction.atomic():  # no link is left behind if the letter is not made
        if request.method == "POST":
            issued = review_services.consultation_letter_link(
                review=review, invitee=invitee, by=request.user, now=timezone.now()
            )
            if issued is not None:
                context |= {
                    "online_link": issued.url,
                    "short_code": issued.code,
                    "code_attempts": CODE_ATTEMPTS,
                }
        return pdf_response(
            request,
            spec.template,
            context,
            filename=f"invitation-{review.pk}-{invitee.pk}.pdf",
            audit_object=review,
            title=spec.title,
        )
