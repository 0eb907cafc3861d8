"""django-q2 entry points for documents: look up by id, call a service.

Delivery is at least once; the services store a new version only when a document's
source changed, so running a task twice makes nothing twice.
"""

from documents.services import (
    documents_build_for_allocation,
    documents_build_for_review,
)
from iro.models import IroAllocation
from reviews.models import Review


def review_documents_build(review_pk: int) -> int:
    """Bring every document of one review up to date; return how many were made."""
    review = Review.objects.filter(pk=review_pk).first()
    if review is None:
        return 0
    return len(documents_build_for_review(review=review))


def allocation_documents_build(allocation_pk: int) -> int:
    """Bring an IRO allocation's introduction and farewell letters up to date."""
    allocation = IroAllocation.objects.filter(pk=allocation_pk).first()
    if allocation is None:
        return 0
    return len(documents_build_for_allocation(allocation=allocation))
