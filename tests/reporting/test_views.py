"""Documents through the pages: authorised, audited downloads; translations; IRO letters."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_q.models import OrmQ

from documents import services as document_services
from documents.models import Document
from documents.services import (
    documents_build_for_allocation,
    documents_build_for_review,
)
from documents.translations import translation_due_on
from iro.models import IroAllocation
from tests.factories import IroAllocationFactory
from tests.reporting.conftest import build_cycle
from tests.reporting.test_documents import text_of

pytestmark = pytest.mark.django_db
Kind = Document.Kind
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def documents(written):
    review, people = written
    documents_build_for_review(review=review)
    return review, people


def doc(review, kind, invitee=None) -> Document:
    found = Document.objects.filter(review=review, kind=kind)
    if invitee is not None:
        found = found.filter(invitee=invitee)
    return found.order_by("-version").first()


def download(client, document):
    return client.get(reverse("documents:download", args=[document.pk]))


def test_a_download_is_an_attachment_not_cached_and_audited(
    world, documents, client_as
):
    review, _ = documents
    letter = doc(review, Kind.RECORD_CHILD)
    response = download(client_as(world["iro_a"]), letter)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="record-child-review-{review.pk}-v1.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    entry = LogEntry.objects.get(
        action=LogEntry.Action.ACCESS, object_pk=str(letter.pk)
    )
    assert entry.actor == world["iro_a"]
    assert entry.content_type.model == "document"


def test_out_of_scope_documents_are_404_and_name_nobody(world, documents, client_as):
    review, people = documents
    for user in ("iro_b", "sw_south", "admin"):
        for document in Document.objects.filter(review=review):
            response = download(client_as(world[user]), document)
            assert response.status_code == 404
            assert b"Inscope" not in response.content
    url = reverse("documents:review", args=[review.pk])
    assert client_as(world["sw_south"]).get(url).status_code == 404


def test_business_support_gets_letters_and_the_record_only_once_finalised(
    world, review, client_as
):
    review, people = build_cycle(world, review, finalise=False)
    documents_build_for_review(review=review)
    bs = client_as(world["bs"])
    assert download(bs, doc(review, Kind.INVITATION, people["mum"])).status_code == 200
    assert download(bs, doc(review, Kind.RECORD_CHILD)).status_code == 403
    from reviews import services

    services.record_finalise(review=review, by=world["iro_a"], today=date(2025, 2, 10))
    documents_build_for_review(review=review)
    assert download(bs, doc(review, Kind.RECORD_CHILD)).status_code == 200
    assert download(bs, doc(review, Kind.RECORD_PARENT)).status_code == 200


def test_the_documents_page_lists_versions_and_translations_due(
    world, documents, client_as
):
    review, _ = documents
    response = client_as(world["iro_a"]).get(
        reverse("documents:review", args=[review.pk])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Record of review: the letter to the child" in body
    assert "Arabic for Northa" in body and "Polish for Maria Inscope" in body
    assert "Overdue: was due by 10 March 2025" in body  # today is long after
    assert (
        reverse("documents:download", args=[doc(review, Kind.RECORD_CHILD).pk]) in body
    )


def test_pressing_make_the_documents_queues_one_task(
    world, documents, client_as, django_capture_on_commit_callbacks
):
    review, _ = documents
    url = reverse("documents:review", args=[review.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world["bs"]).post(url)
    assert response.status_code == 302
    queued = OrmQ.objects.all()
    assert queued.count() == 1
    assert queued.get().func() == "documents.tasks.review_documents_build"
    assert client_as(world["sw_north"]).post(url).status_code == 403


def test_the_translation_rule_is_20_working_days_after_finalising(written):
    review, _ = written
    assert review.record.finalised_on == date(2025, 2, 10)
    assert translation_due_on(review.record) == date(2025, 3, 10)
    review.record.finalised_on = date(2025, 4, 10)  # Easter and the May bank holiday
    assert translation_due_on(review.record) == date(2025, 5, 13)
    review.record.finalised_on = None
    assert translation_due_on(review.record) is None


def test_the_record_says_a_translation_is_coming_and_when(documents):
    review, people = documents
    assert (
        "translated into Arabic. You will get the translation by 10 March 2025"
        in text_of(doc(review, Kind.RECORD_CHILD))
    )
    assert (
        "A copy in Polish is being made; you will get it by 10 March 2025"
        in text_of(doc(review, Kind.RECORD_PARENT, people["mum"]))
    )
    assert "Arabic, due by 10 March 2025" in text_of(
        doc(review, Kind.RECORD_PROFESSIONAL)
    )


def test_a_translation_is_attached_beside_the_english_document(
    world, documents, client_as
):
    review, people = documents
    english = doc(review, Kind.RECORD_PARENT, people["mum"])
    url = reverse("documents:translation", args=[english.pk])
    client = client_as(world["bs"])
    page = client.get(url)
    assert page.status_code == 200 and 'value="Polish"' in page.content.decode()
    response = client.post(
        url,
        {
            "language": "Polish",
            "file": SimpleUploadedFile("tlumaczenie.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    translation = Document.objects.get(translation_of=english)
    assert (translation.language, translation.kind, translation.invitee) == (
        "Polish",
        Kind.RECORD_PARENT,
        people["mum"],
    )
    assert "tlumaczenie" not in translation.file.name  # a generated name
    assert translation.created_by == world["bs"]
    assert review.events.filter(action="translation_attached").exists()
    listing = client.get(reverse("documents:review", args=[review.pk])).content.decode()
    assert "Polish translation" in listing and "Attached on" in listing
    assert download(client, translation).status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "photo.pdf", b"\xff\xd8\xff\xe0JFIF", "not a real PDF", id="jpeg-renamed"
        ),
        pytest.param("notes.txt", PDF, "must be a PDF", id="wrong-extension"),
        pytest.param(
            "big.pdf",
            PDF + b"0" * (10 * 1024 * 1024),
            "smaller than 10MB",
            id="too-big",
        ),
        pytest.param("empty.pdf", b"", "empty", id="empty"),
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused_with_a_400(
    world, documents, client_as, name, content, message
):
    review, people = documents
    english = doc(review, Kind.RECORD_CHILD)
    before = Document.objects.count()
    response = client_as(world["iro_a"]).post(
        reverse("documents:translation", args=[english.pk]),
        {"language": "Arabic", "file": SimpleUploadedFile(name, content)},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body and message in body
    assert Document.objects.count() == before


def test_a_social_worker_cannot_attach_a_translation(world, documents, client_as):
    review, _ = documents
    url = reverse("documents:translation", args=[doc(review, Kind.RECORD_CHILD).pk])
    assert client_as(world["sw_north"]).get(url).status_code == 403


# --- The IRO's introduction and farewell letters ----------------------------------


def test_introduction_letter_with_profile_card_and_farewell_with_the_new_iro(
    world, client_as
):
    child = world["north_child"]
    iro = world["iro_a"]
    iro.phone, iro.email = "01632 960 001", "iro.a@council.example"
    iro.save()
    old = IroAllocationFactory(child=child, iro=iro, started_on=date(2025, 1, 8))
    intro = documents_build_for_allocation(allocation=old)
    assert [d.kind for d in intro] == [Kind.IRO_INTRODUCTION]
    text = text_of(intro[0])
    assert f"My name is {iro}" in text and "Cut out this card and keep it" in text
    assert "01632 960 001" in text and "iro.a@council.example" in text
    old.ended_on, old.end_reason = date(2025, 6, 30), "IRO leaving"
    old.save()
    IroAllocation.objects.create(
        child=child, iro=world["iro_b"], started_on=date(2025, 7, 1)
    )
    made = documents_build_for_allocation(allocation=old)
    assert [d.kind for d in made] == [Kind.IRO_FAREWELL]
    farewell = text_of(made[0])
    assert "after 30 June 2025 I will not be your reviewing officer" in farewell
    assert f"Your new reviewing officer is {world['iro_b']}" in farewell
    assert documents_build_for_allocation(allocation=old) == []  # nothing changed

    page = client_as(iro).get(reverse("documents:allocation", args=[old.pk]))
    assert page.status_code == 200
    assert "IRO introduction letter and profile card" in page.content.decode()
    assert (
        client_as(world["iro_b"])
        .get(reverse("documents:allocation", args=[old.pk]))
        .status_code
        == 404
    )
    assert (
        client_as(world["sw_north"])
        .get(reverse("documents:allocation", args=[old.pk]))
        .status_code
        == 403
    )


def test_the_introduction_letter_is_worded_for_the_childs_age(world):
    young = world["north_child"]
    young.date_of_birth = date(2020, 5, 1)
    young.save()
    allocation = IroAllocationFactory(
        child=young, iro=world["iro_a"], started_on=date(2025, 1, 8)
    )
    text = text_of(documents_build_for_allocation(allocation=allocation)[0])
    assert "I check you are safe and happy." in text
    assert "People sometimes shorten this to IRO" not in text


def test_the_review_pages_link_to_the_documents_and_the_version_sent(
    world, documents, client_as
):
    from django.utils import timezone

    review, people = documents
    IroAllocationFactory(
        child=review.child, iro=world["iro_a"], started_on=date(2025, 1, 8)
    )
    iro = client_as(world["iro_a"])
    detail = iro.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert reverse("documents:review", args=[review.pk]) in detail
    assert "The IRO's introduction and farewell letters" in detail
    record_page = iro.get(reverse("reviews:record", args=[review.pk])).content.decode()
    assert reverse("documents:review", args=[review.pk]) in record_page
    sent = document_services.review_distribute(
        review=review, by=world["bs"], now=timezone.now(), recipients=[people["mum"]]
    )
    page = client_as(world["bs"]).get(reverse("documents:distribute", args=[review.pk]))
    body = page.content.decode()
    assert reverse("documents:download", args=[sent[0].document.pk]) in body
    assert "PDF version 1" in body


def test_a_document_whose_file_is_gone_is_a_404_not_an_error(
    world, documents, client_as
):
    review, _ = documents
    letter = doc(review, Kind.RECORD_CHILD)
    letter.file.delete(save=False)
    assert download(client_as(world["iro_a"]), letter).status_code == 404


def test_finalising_the_record_queues_its_documents(
    world, review, django_capture_on_commit_callbacks
):
    """Reviews tells the documents app through its registry (DocumentsConfig.ready)."""
    with django_capture_on_commit_callbacks(execute=True):
        review, _ = build_cycle(world, review)
    funcs = [task.func() for task in OrmQ.objects.all()]
    assert funcs and set(funcs) == {"documents.tasks.review_documents_build"}
    assert review.pk in {task.args()[0] for task in OrmQ.objects.all()}
