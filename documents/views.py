"""Documents: the list for a review or an IRO allocation, downloads and translations.

Every view starts from what the user may see (out of scope is a 404); a stored file is
served only here, with Content-Disposition, no-store and an audit-log access entry.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from children.permissions import children_visible_to
from core.audit import record_access, record_access_each, showing
from core.http import render_form_page
from documents import delivery, print_pack
from documents.documents import invitation_spec
from documents.forms import LettersPostedForm, RecordDownloadForm, TranslationForm
from documents.models import Distribution, Document
from documents.pdf import pdf_response
from documents.permissions import (
    can_attach_translation,
    can_download_document,
    can_download_record_copy,
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
from reviews.models import AccessLink, Invitee
from reviews.permissions import (
    can_chair_review,
    can_read_review_case_content,
    can_send_for_review,
)
from reviews.services import corrections, invitations
from reviews.services.links import CODE_ATTEMPTS, USABLE, LinkUnusable
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
    response = _file_response(document)
    showing(request, document, what="download")
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

    def get_form_kwargs(self):
        return {"review": self.review}

    def get_context(self):
        return {
            "own_versions": review_services.people_needing_their_own_version(
                self.review
            ),
            "log": self.review.distributions.select_related(
                "invitee", "sent_by", "email", "document"
            ),
            "to_post": delivery.letters_to_post(self.review).count(),
        }

    def perform(self, data, form):
        sent = review_distribute(
            review=self.review,
            by=self.request.user,
            now=timezone.now(),
            recipients=list(data["recipients"]),
        )
        emails = sum(1 for copy in sent if copy.email_id)
        letters = sum(1 for copy in sent if copy.method == "letter")
        messages.success(
            self.request,
            f"The record is on its way: {emails} by email (each counts as sent when "
            f"it leaves the outbox), {letters} by letter (each counts as sent when you "
            "confirm it was posted).",
        )


@require_POST
def record_resend_view(request, pk, distribution_pk):
    """Send an email reader a new link to their copy (D-SENT)."""
    review = load_review(request, pk)
    if not can_send_for_review(request.user, review):
        raise PermissionDenied
    copy = get_object_or_404(review.distributions, pk=distribution_pk)
    try:
        delivery.record_link_resend(
            distribution=copy, by=request.user, now=timezone.now()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"The record's email is on its way again to {copy.invitee.name}."
        )
    return redirect("documents:distribute", review.pk)


class LettersPostedView(ReviewStepView):
    """Business support says which letters went in the post, and when (D-SENT): a
    letter counts as sent from that day, not from when its copy was made."""

    title = "Confirm the letters were posted"
    template_name = "documents/letters_posted.html"
    allowed = staticmethod(can_send_for_review)
    button = "Confirm they were posted"

    def get_form(self, data=None, files=None):
        return LettersPostedForm(data, copies=delivery.letters_to_post(self.review))

    def get_context(self):
        waiting = list(delivery.letters_to_post(self.review))
        return {"printable": sum(1 for copy in waiting if copy.document_id)}

    def render(self, form, status: int = 200):
        if not delivery.letters_to_post(self.review).exists():
            self.not_now = "There are no letters of the record waiting to be posted."
        return super().render(form, status)

    def perform(self, data, form):
        posted = delivery.letters_posted(
            review=self.review,
            by=self.request.user,
            posted_on=data["posted_on"],
            copies=list(data["copies"]),
            today=timezone.localdate(),
        )
        messages.success(
            self.request,
            f"{posted} {'letter is' if posted == 1 else 'letters are'} recorded as "
            "posted.",
        )
        return redirect("documents:distribute", self.review.pk)


@require_POST
def letters_pack_view(request, pk):
    """The print pack (D-SENT): one PDF of the review's letters to post, in posting
    order, each after its address page; printing is recorded on each copy, and every
    letter handed over is an access entry."""
    review = load_review(request, pk)
    if not can_send_for_review(request.user, review):
        raise PermissionDenied
    try:
        pdf, copies = print_pack.letters_print_pack(
            review=review, by=request.user, now=timezone.now()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("documents:letters_posted", review.pk)
    record_access_each(
        [copy.document for copy in copies], request=request, what="print pack"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="letters-to-post-review-{review.pk}.pdf"'
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def record_copy_view(request, distribution_pk):
    """A staff reader's copy of the record, the link their email carried (D-SENT):
    behind sign-in, for its recipient or anyone else who may download it; a copy
    neither may see is a 404, as if it did not exist."""
    copy = get_object_or_404(
        Distribution.objects.select_related(
            "invitee", "document__child", "document__review__record"
        ),
        pk=distribution_pk,
        document__isnull=False,
    )
    if not can_download_record_copy(request.user, copy):
        visible = documents_visible_to(request.user).filter(pk=copy.document_id)
        if not visible.exists():
            raise Http404
        raise PermissionDenied
    document = copy.document
    response = _file_response(document)
    showing(
        request, document, what="download", via=f"the copy sent to {copy.invitee.name}"
    )
    return response


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

    GET: a copy, the same letter as the stored one. POST: the letter printed to post
    (its latest version: an invitation, an update, a cancellation or a withdrawal,
    D-CAL2; it counts as sent once business support says it was posted).
    For someone invited by letter and asked for their views it prints a new
    consultation link, and on a separate page for the service the link's short code,
    to be given by phone or in person (docs/rules.md, D-CODE).
    """
    review = load_review(request, pk)
    if not can_send_for_review(request.user, review):
        raise PermissionDenied
    invitee = get_object_or_404(Invitee.everything.filter(review=review), pk=invitee_pk)
    if not invitations.gets_a_letter(invitee):
        raise Http404("No letter is made for this person.")
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


def _file_response(document: Document) -> FileResponse:
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        logger.error("Stored document %s has no file", document.pk)
        raise Http404("The file is missing.") from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name(),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def record_link_view(request, token):
    """A copy of the record through the single-use link its email carried (D-SENT).

    Opening the page never uses the link up (mail scanners open links first); the
    button does, and the download is logged as an access to the document.
    """
    now = timezone.now()
    link = review_services.link_open(token)
    if link is None or link.purpose != AccessLink.Purpose.RECORD:
        return render(request, "documents/record_link_gone.html", status=404)
    status = review_services.link_status(link, now)
    if status != USABLE or delivery.copy_for_link(link) is None:
        context = {"why": status}
        return render(request, "documents/record_link_gone.html", context, status=410)
    posted = request.POST if request.method == "POST" else None
    form = RecordDownloadForm(posted, initial={"download": "record"})
    if not form.is_valid():
        # Only the page's own button uses the link: any other request shows the page.
        showing(request, link.review, via=f"a record link for {link.invitee.name}")
        context = {"name": link.invitee.name, "form": form}
        return render_form_page(request, "documents/record_link.html", context)
    try:
        document = delivery.record_download_via_link(token=token, now=now)
    except LinkUnusable:
        context = {"why": "used"}
        return render(request, "documents/record_link_gone.html", context, status=410)
    record_access(
        document,
        request=request,
        what="download",
        via=f"a record link for {link.invitee.name}",
    )
    return _file_response(document)
