"""Slow downloads made off the request (core/downloads.py), followed through the annual
report's PDF: asked for with a POST, made by the task a worker runs (`prepare`, called
here as the worker calls it), watched on its page, downloaded once ready by the person
who asked only, while they still may, until it expires; a task that fails, or is lost
with its worker, leaves a download the page explains or the schedule puts back."""

from datetime import timedelta
from io import BytesIO

import pikepdf
import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.models import OrmQ

from accounts.models import Role
from core import downloads
from core.models import PreparedDownload
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

Status = PreparedDownload.Status


@pytest.fixture
def manager():
    return make_user(Role.IRO_MANAGER, username="d_manager")


def ask(client, year=None) -> PreparedDownload:
    response = client.post(
        reverse("dashboard:annual_report_pdf"), {"year": year} if year else {}
    )
    assert response.status_code == 302
    download = PreparedDownload.objects.get()
    assert response["Location"] == reverse("core:download", args=[download.pk])
    return download


def test_the_annual_report_pdf_is_made_in_the_background_and_downloaded_once_ready(
    manager, client_as
):
    client = client_as(manager)
    download = ask(client)
    assert download.status == Status.QUEUED
    assert OrmQ.objects.count() == 1  # the task is on the queue, not run in the request
    page = client.get(reverse("core:download", args=[download.pk]))
    assert page.status_code == 200
    assert "waiting to be prepared" in page.content.decode()
    early = client.get(reverse("core:download_file", args=[download.pk]))
    assert early.status_code == 409

    assert downloads.prepare(str(download.pk)).endswith("bytes")
    download.refresh_from_db()
    assert download.status == Status.READY and download.done == download.total == 2
    assert downloads.prepare(str(download.pk)) == "nothing to do"  # once only

    page = client.get(reverse("core:download", args=[download.pk])).content.decode()
    assert "Your file is ready" in page and download.filename in page
    file = client.get(reverse("core:download_file", args=[download.pk]))
    assert file.status_code == 200
    assert file["Content-Disposition"] == f'attachment; filename="{download.filename}"'
    assert "no-store" in file["Cache-Control"]
    with pikepdf.open(BytesIO(file.content)) as pdf:
        assert len(pdf.pages) >= 1
        assert "annual report" in str(pdf.docinfo.get("/Title", "")).lower()


def test_only_the_person_who_asked_may_see_it_and_only_while_they_may(
    manager, client_as
):
    download = ask(client_as(manager))
    downloads.prepare(str(download.pk))
    other = client_as(make_user(Role.IRO_MANAGER, username="d_other"))
    for name in ("core:download", "core:download_file"):
        assert other.get(reverse(name, args=[download.pk])).status_code == 404

    manager.groups.clear()  # no longer a service manager: the rule is asked again
    gone = client_as(manager).get(reverse("core:download_file", args=[download.pk]))
    assert gone.status_code == 403
    assert "can no longer download" in gone.content.decode()


def test_an_expired_download_is_refused_and_purged(manager, client_as):
    client = client_as(manager)
    download = ask(client)
    downloads.prepare(str(download.pk))
    PreparedDownload.objects.filter(pk=download.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    refused = client.get(reverse("core:download_file", args=[download.pk]))
    assert refused.status_code == 410
    assert "expired" in refused.content.decode()
    assert downloads.downloads_purge(now=timezone.now()) == 1
    assert not PreparedDownload.objects.exists()


def test_a_failed_download_says_so_and_a_lost_one_is_put_back_on_the_queue(
    manager, client_as
):
    client = client_as(manager)
    # A year the report cannot be made for: the task fails, the page says so.
    download = ask(client)
    PreparedDownload.objects.filter(pk=download.pk).update(params={"year": "x"})
    assert downloads.prepare(str(download.pk)) == "failed"
    page = client.get(reverse("core:download", args=[download.pk])).content.decode()
    assert "could not be prepared" in page

    lost = PreparedDownload.objects.create(
        kind="annual_report_pdf",
        params={"year": 2025, "today": "2026-04-01"},
        title="Lost",
        requested_by=manager,
        requested_at=timezone.now() - timedelta(hours=1),
    )
    OrmQ.objects.all().delete()
    assert downloads.downloads_restart(now=timezone.now()) == 1
    assert OrmQ.objects.count() == 1
    downloads.prepare(str(lost.pk))
    lost.refresh_from_db()
    assert lost.status == Status.READY


def test_asking_for_a_year_not_offered_is_refused_beside_the_field(manager, client_as):
    response = client_as(manager).post(
        reverse("dashboard:annual_report_pdf"), {"year": "1999"}
    )
    assert response.status_code == 400
    assert "Choose a financial year from the list" in response.content.decode()
    assert not PreparedDownload.objects.exists()


def test_nobody_else_may_ask_for_it(client_as):
    iro = make_user(Role.IRO, username="d_iro2")
    assert (
        client_as(iro).post(reverse("dashboard:annual_report_pdf")).status_code == 403
    )
    assert not PreparedDownload.objects.exists()
