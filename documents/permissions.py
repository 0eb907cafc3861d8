"""Stored documents (letters, records and their translations): who sees, makes and
downloads them.
"""

from __future__ import annotations

from accounts.models import Role, User
from children.permissions import can_read_case_record, children_visible_to
from reviews.models import Invitee
from reviews.permissions import can_edit_iro_text, can_send_for_review


def documents_visible_to(user: User):
    """Return the stored documents of the children this user may see at all."""
    from documents.models import Document

    return Document.objects.filter(child__in=children_visible_to(user))


def can_download_document(user: User, document) -> bool:
    """Records: case readers, and business support only while the record waits for
    them to send it (finalised, not yet distributed) or a letter of it waits for them
    to post it (N-BS); letters, forms and IRO letters: case readers and business
    support."""
    if can_read_case_record(user, document.child):
        return True
    if not user.has_role(Role.BUSINESS_SUPPORT):
        return False
    if document.is_record:
        review = document.review
        record = getattr(review, "record", None)
        waiting = (
            record is not None
            and record.finalised_on is not None
            and review.status == review.Status.RECORD_WRITTEN
        )
        return waiting or _a_letter_to_post(document)
    return True


def _a_letter_to_post(document) -> bool:
    return document.distributions.filter(
        method=Invitee.Method.LETTER, posted_on__isnull=True
    ).exists()


def can_download_record_copy(user: User, copy) -> bool:
    """A copy of the record behind sign-in, the link a staff reader's email carries
    (D-SENT): its recipient (the active account whose address it went to), even for
    a child they do not otherwise see; anyone else who may download the document."""
    from documents.delivery import recipient_account

    if copy.document is None or not user.is_active:
        return False
    if copy.method == Invitee.Method.EMAIL and recipient_account(copy.invitee) == user:
        return True
    return can_download_document(user, copy.document)


def can_make_documents(user: User, review) -> bool:
    """The child's IRO (or the Duty IRO covering), the service manager and business support."""
    return can_send_for_review(user, review) or can_edit_iro_text(user, review)


def can_attach_translation(user: User, review) -> bool:
    """Whoever sends the record (business support, the IRO) attaches its translations."""
    return can_make_documents(user, review)
