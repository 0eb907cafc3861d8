"""The professional record of a review carries the child's identifiers (docs/rules.md,
ID-NHS, ID-UPN): the NHS number 3-3-4 and the UPN beside the child ID, and neither when
they are not recorded (a 903 code is not a UPN)."""

import pytest

from children.models import Child
from documents.models import Document
from documents.services import documents_build_for_review
from tests.reporting.test_documents import made, text_of

pytestmark = pytest.mark.django_db


def test_the_professional_record_names_the_nhs_number_and_upn(written):
    review, _ = written
    Child.objects.filter(pk=review.child_id).update(
        nhs_number="9434765919", upn="H801200001001"
    )
    review.refresh_from_db()
    documents_build_for_review(review=review)
    text = text_of(made(review, Document.Kind.RECORD_PROFESSIONAL))
    assert "NHS number 943 476 5919" in text
    assert "UPN H801200001001" in text
    assert "943 476 5919" not in text_of(made(review, Document.Kind.RECORD_CHILD))


def test_without_them_the_professional_record_says_nothing_of_them(written):
    review, _ = written
    Child.objects.filter(pk=review.child_id).update(upn="UN4")
    review.refresh_from_db()
    documents_build_for_review(review=review)
    text = text_of(made(review, Document.Kind.RECORD_PROFESSIONAL))
    assert "NHS number" not in text
    assert "UPN" not in text
