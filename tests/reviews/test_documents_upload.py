import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def upload(client, review, name, content):
    return client.post(
        reverse("reviews:documents", args=[review.pk]),
        {
            "kind": "sw_report",
            "shared_on_0": "27",
            "shared_on_1": "1",
            "shared_on_2": "2025",
            "file": SimpleUploadedFile(name, content),
        },
    )


def test_a_jpeg_renamed_pdf_is_refused(world, review, client_as):
    response = upload(client_as(world["sw_north"]), review, "report.pdf", JPEG)
    assert response.status_code == 400
    assert "The selected file is not a real PDF file" in response.content.decode()
    assert not review.documents.exists()


def test_wrong_kind_of_file_is_refused(world, review, client_as):
    response = upload(client_as(world["sw_north"]), review, "report.exe", PDF)
    assert response.status_code == 400
    assert "must be a PDF, DOCX, ODT" in response.content.decode()


def test_real_pdf_is_stored_under_a_generated_name_and_downloaded_with_checks(
    world, review, client_as
):
    assert (
        upload(
            client_as(world["sw_north"]), review, "Northa report.pdf", PDF
        ).status_code
        == 302
    )
    document = review.documents.get()
    assert "Northa" not in document.file.name
    url = reverse("reviews:document_download", args=[review.pk, document.pk])
    response = client_as(world["iro_a"]).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF
    assert client_as(world["sw_south"]).get(url).status_code == 404
    # Shared already: it no longer waits for business support to send it (N-BS).
    assert client_as(world["bs"]).get(url).status_code == 403
