"""The documents themselves, read back with pypdf: words, redaction, metadata and tags."""

import re
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from documents import services as document_services
from documents.models import Document
from documents.services import documents_build_for_review
from documents.tasks import review_documents_build
from reviews import services
from tests.reporting.conftest import (
    OLDER_WORDING,
    RESTRICTED,
    UNDER_8_WORDING,
    build_cycle,
)

pytestmark = pytest.mark.django_db
Kind = Document.Kind


def text_of(document: Document) -> str:
    """Every page's text, with line breaks and repeated spaces folded to one space."""
    with document.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def reader_of(document: Document) -> PdfReader:
    with document.file.open("rb") as handle:
        return PdfReader(BytesIO(handle.read()))


def made(review, kind, invitee=None) -> Document:
    documents = Document.objects.filter(review=review, kind=kind)
    if invitee is not None:
        documents = documents.filter(invitee=invitee)
    return documents.order_by("-version").first()


@pytest.mark.parametrize(
    ("band", "wording", "own_words"),
    [
        pytest.param(
            "under_8",
            UNDER_8_WORDING,
            ["Hello Northa!", "Good things", "What we will do"],
            id="under-8",
        ),
        pytest.param(
            "8_to_12",
            OLDER_WORDING,
            ["Dear Northa", "What is going well", "What we decided"],
            id="8-to-12",
        ),
        pytest.param(
            "13_plus",
            OLDER_WORDING,
            [
                "This is the record of your review",
                "your achievements",
                "ask for an advocate",
            ],
            id="13-plus",
        ),
    ],
)
def test_the_childs_letter_has_the_decisions_in_the_bands_words(
    world, review, band, wording, own_words
):
    """The IRO's child wording of each decision, and the band's own text, reach the letter."""
    review, _ = build_cycle(world, review, band=band)
    documents_build_for_review(review=review)
    text = text_of(made(review, Kind.RECORD_CHILD))
    assert wording in text
    assert "You will stay at Hillside Academy and get a taxi to school." in text
    for words in own_words:
        assert words in text
    # The professional wording of a decision is not what the child reads.
    assert "maternal grandmother" not in text
    others = {
        "under_8": "Dear Northa",
        "8_to_12": "Hello Northa!",
        "13_plus": "Hello Northa!",
    }
    assert others[band] not in text


def test_the_letter_puts_what_is_going_well_first(written):
    review, _ = written
    documents_build_for_review(review=review)
    text = text_of(made(review, Kind.RECORD_CHILD))
    order = [
        text.index(s)
        for s in (
            "picked for the football team",
            "you like living with Carol",
            RESTRICTED[:30],
            "Your next review",
            "Who you can talk to",
        )
    ]
    assert order == sorted(order)
    assert "29 April 2025" in text  # the next review date


def test_a_sentence_the_child_restricted_is_in_their_letter_and_not_in_the_parents(
    written,
):
    review, people = written
    documents_build_for_review(review=review)
    childs = text_of(made(review, Kind.RECORD_CHILD))
    mums = text_of(made(review, Kind.RECORD_PARENT, people["mum"]))
    professional = text_of(made(review, Kind.RECORD_PROFESSIONAL))
    assert RESTRICTED in childs
    assert RESTRICTED not in mums
    assert "Hillside" not in mums  # the withheld decision is left out too
    assert "picked for the football team" in mums  # the rest is there, unchanged
    assert RESTRICTED in professional


def test_every_pdf_is_tagged_pdf_ua_with_title_language_author_and_embedded_fonts(
    written,
):
    review, _ = written
    documents = documents_build_for_review(review=review)
    assert {d.kind for d in documents} == {
        Kind.INVITATION,
        Kind.CONSULTATION_CHILD,
        Kind.CONSULTATION_ADULT,
        Kind.RECORD_CHILD,
        Kind.RECORD_PARENT,
        Kind.RECORD_PROFESSIONAL,
    }
    for document in documents:
        reader = reader_of(document)
        root = reader.trailer["/Root"]
        assert reader.metadata.title == document.title
        assert world_iro_name(review) in reader.metadata.author
        assert root["/Lang"] == "en-GB"
        assert bool(root["/MarkInfo"]["/Marked"])
        assert "/StructTreeRoot" in root
        xmp = root["/Metadata"].get_object().get_data().decode()
        assert "pdfuaid:part" in xmp or 'pdfuaid:part="1"' in xmp
        fonts = _fonts(reader)
        assert fonts and all("Liberation" in name for name in fonts), fonts
        assert all(embedded for embedded in fonts.values()), fonts
        assert reader.pages[0].extract_text().strip()  # real, selectable text


def world_iro_name(review) -> str:
    return (
        str(review.record.author)
        if hasattr(review, "record")
        else str(review.child.iro)
    )


def _fonts(reader: PdfReader) -> dict[str, bool]:
    """Every font on every page: its name, and whether its file is embedded."""
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object()
                if "/DescendantFonts" in font
                else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


def test_structure_tags_follow_the_reading_order(written):
    """Headings and paragraphs are tagged; the first heading is the letter's title."""
    review, _ = written
    documents_build_for_review(review=review)
    reader = reader_of(made(review, Kind.RECORD_CHILD))
    tags = []

    def walk(node):
        node = node.get_object()
        if "/S" in node:
            tags.append(str(node["/S"]))
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if hasattr(kid, "get") and "/S" in kid:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert "/H1" in tags and "/H2" in tags and "/P" in tags
    assert tags.index("/H1") < tags.index("/H2")
    assert "/L" in tags and "/LI" in tags  # the decisions are a real list


def test_a_new_version_only_when_the_source_changes_with_checksum(world, review):
    review, people = build_cycle(world, review, finalise=False)
    first = documents_build_for_review(review=review)
    assert documents_build_for_review(review=review) == []
    letter = made(review, Kind.RECORD_CHILD)
    assert (letter.version, letter.record_version) == (1, 1)
    assert "Draft" in text_of(letter)
    with letter.file.open("rb") as handle:
        import hashlib

        assert hashlib.sha256(handle.read()).hexdigest() == letter.sha256
    services.record_finalise(review=review, by=world["iro_a"], today=date(2025, 2, 10))
    again = {d.key: d for d in documents_build_for_review(review=review)}
    new_letter = again[letter.key]
    assert (new_letter.version, new_letter.record_version) == (2, 1)
    assert "Draft" not in text_of(new_letter)
    # Invitations and forms did not change, so they keep version 1.
    assert all(d.kind in Document.RECORD_KINDS for d in again.values())
    assert Document.objects.filter(key=letter.key).count() == 2  # the old one is kept
    assert len(first) == 9
    assert review.events.filter(action="documents_made").count() == 2


def test_the_task_takes_an_id_and_running_it_twice_makes_nothing_twice(written):
    review, _ = written
    assert review_documents_build(review.pk) == 9
    assert review_documents_build(review.pk) == 0
    assert review_documents_build(999999) == 0


def test_names_and_text_are_escaped_in_pdfs(world, review):
    review, _ = build_cycle(
        world,
        review,
        sections={
            "going_well": "<b>Not bold</b> & {{ not a variable }} <script>alert(1)</script>"
        },
    )
    documents_build_for_review(review=review)
    text = text_of(made(review, Kind.RECORD_CHILD))
    assert "<b>Not bold</b> & {{ not a variable }} <script>alert(1)</script>" in text


def test_the_distribution_log_names_the_document_version_each_person_got(written):
    review, people = written
    sent = document_services.review_distribute(
        review=review,
        by=world_bs(review),
        now=review.record.updated_at,
        recipients=[people["child"], people["mum"], people["carer"]],
    )
    by_person = {d.invitee.name: d for d in sent}
    assert by_person["Northa Inscope"].document.kind == Kind.RECORD_CHILD
    assert by_person["Maria Inscope"].document.kind == Kind.RECORD_PARENT
    assert by_person["Maria Inscope"].document.invitee == people["mum"]
    assert by_person["Carol Carer"].document.kind == Kind.RECORD_PROFESSIONAL
    assert all(d.document.record_version == d.record_version for d in sent)
    assert RESTRICTED not in text_of(by_person["Maria Inscope"].document)


def world_bs(review):
    from accounts.models import User

    return User.objects.get(username="bs")


def test_invitations_and_consultation_forms_say_what_each_person_needs(written):
    review, people = written
    documents_build_for_review(review=review)
    childs_invitation = text_of(made(review, Kind.INVITATION, people["child"]))
    assert "You are invited to your review" in childs_invitation
    assert "Thursday 30 January 2025 at 4pm" in childs_invitation
    mums_invitation = text_of(made(review, Kind.INVITATION, people["mum"]))
    assert "review meeting for Northa" in mums_invitation
    assert "An interpreter in Polish will be arranged" in mums_invitation
    childs_form = text_of(made(review, Kind.CONSULTATION_CHILD, people["child"]))
    assert "What is going well for you?" in childs_form
    assert "Can your social worker see this form?" in childs_form
    adults_form = text_of(made(review, Kind.CONSULTATION_ADULT, people["carer"]))
    assert "What is going well for Northa?" in adults_form
    assert "Will you come to the meeting?" in adults_form


def test_what_the_child_keeps_from_a_carer_never_reaches_the_carer(written):
    """Not only parents: anyone the child keeps something from gets their own copy,
    made and logged without it (the shared professional copy is never sent to them)."""
    from django.utils import timezone

    from reviews.models import RecordSection

    review, people = written
    carer = people["carer"]
    RecordSection.objects.get(record__review=review, key="plan").withhold_from.add(
        carer
    )
    assert services.record_version_for(review, carer).kind == "parent"
    assert carer in services.people_needing_their_own_version(review)
    documents_build_for_review(review=review)
    carers = made(review, Kind.RECORD_PARENT, carer)
    assert carers is not None and RESTRICTED not in text_of(carers)
    sent = document_services.review_distribute(
        review=review, by=review.child.iro, now=timezone.now(), recipients=[carer]
    )
    assert sent[0].document == carers
    assert RESTRICTED not in text_of(sent[0].document)
