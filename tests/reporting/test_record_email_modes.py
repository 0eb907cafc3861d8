"""How the record's email reaches each reader (D-SENT), read back from a real SMTP
server: a member of staff gets a link behind sign-in to their own copy (no single-use
link is made for them); anyone else a single-use link, or, where the council's
setting says so, the PDF itself attached, the very file the log names."""
# ruff: noqa: F811 (smtp_server is a fixture, imported for the tests' arguments)

import hashlib
import re

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.models import OutboundEmail
from core.notifications import send_queued_emails
from documents import services as document_services
from documents.delivery import recipient_account
from documents.models import Distribution
from reviews.models import AccessLink, Invitee
from tests.reporting.conftest import build_cycle
from tests.smtp_server import smtp_server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

CAROL = "carol@example.org"
SIGNED_IN = re.compile(r"https?://\S+/documents/copy/(\d+)/")
SINGLE_USE = re.compile(r"https?://\S+/documents/record/\S+/")


def _send(world, review):
    """The record finalised and sent: the carer (no account) and two members of staff
    by email, the child's social worker and South's social worker (supervising the
    placement: a user of the service who does not otherwise see this child)."""
    review, people = build_cycle(world, review)
    Invitee.objects.filter(pk=people["carer"].pk).update(method="email", email=CAROL)
    staff = {
        "sw": Invitee.objects.create(
            review=review,
            name="Sam Social",
            role="sw",
            method="email",
            email=world["sw_north"].email.upper(),  # the same address, as typed
        ),
        "supervising": Invitee.objects.create(
            review=review,
            name="Sue Pervising",
            role="supervising_sw",
            method="email",
            email=world["sw_south"].email,
        ),
    }
    recipients = [people["carer"], *staff.values()]
    copies = document_services.review_distribute(
        review=review,
        by=User.objects.get(username="bs"),
        now=timezone.now(),
        recipients=list(Invitee.objects.filter(pk__in=[p.pk for p in recipients])),
    )
    by_role = {copy.invitee.role: copy for copy in copies}
    return review, {
        "carer": by_role["carer"],
        "sw": by_role["sw"],
        "supervising": by_role["supervising_sw"],
    }


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _stored(copy) -> bytes:
    with copy.document.file.open("rb") as stored:
        return stored.read()


def _downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


def test_staff_get_a_signed_in_link_to_their_own_copy_and_others_a_single_use_link(
    world, review, smtp_server, client_as
):
    review, copies = _send(world, review)
    send_queued_emails()
    (to_sw,) = smtp_server.to(world["sw_north"].email.upper())
    body = _text(to_sw)
    (pk,) = SIGNED_IN.findall(body)
    assert int(pk) == copies["sw"].pk and not SINGLE_USE.search(body)
    assert not list(to_sw.iter_attachments())
    child = review.child
    for detail in (child.first_name, child.last_name, child.known_as):
        assert detail not in body and detail not in to_sw["Subject"]
    # No single-use link was made for staff; the carer has one in her email.
    assert not AccessLink.objects.filter(invitee__role__in=["sw", "supervising_sw"])
    (to_carol,) = smtp_server.to(CAROL)
    assert SINGLE_USE.search(_text(to_carol)) and not SIGNED_IN.search(_text(to_carol))

    url = reverse("documents:record_copy", args=[copies["sw"].pk])
    assert SIGNED_IN.search(body).group(0).endswith(url)
    # Behind sign-in: the link alone opens nothing.
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    sw = world["sw_north"]
    download = client_as(sw).get(url)
    assert download.status_code == 200
    assert _downloaded(download) == _stored(copies["sw"])
    assert download["Cache-Control"].startswith("no-store")
    entries = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(copies["sw"].document.pk)
    )
    assert [entry.actor for entry in entries] == [sw]
    assert "the copy sent to Sam Social" in entries[0].additional_data["via"]
    assert entries[0].additional_data["child"] == child.pk


def test_a_staff_recipient_outside_the_childs_team_opens_their_own_copy_only(
    world, review, smtp_server, client_as
):
    review, copies = _send(world, review)
    south = client_as(world["sw_south"])
    own = south.get(reverse("documents:record_copy", args=[copies["supervising"].pk]))
    assert own.status_code == 200
    assert _downloaded(own) == _stored(copies["supervising"])
    # Anyone else's copy of a child they do not see is not there at all.
    for other in ("sw", "carer"):
        url = reverse("documents:record_copy", args=[copies[other].pk])
        assert south.get(url).status_code == 404
    # Someone else in the child's scope may download it (they may download the PDF).
    url = reverse("documents:record_copy", args=[copies["supervising"].pk])
    assert client_as(world["tm_north"]).get(url).status_code == 200
    # Business support see the child, but a sent record is no longer theirs (N-BS).
    assert client_as(world["bs"]).get(url).status_code == 403
    assert client_as(world["sw_north"]).post(url).status_code == 405


def test_a_closed_account_is_not_staff_so_its_reader_gets_a_single_use_link(world):
    invitee = Invitee(email=world["sw_south"].email, method="email")
    assert recipient_account(invitee) == world["sw_south"]
    User.objects.filter(pk=world["sw_south"].pk).update(is_active=False)
    assert recipient_account(invitee) is None
    assert recipient_account(Invitee(email="", method="email")) is None


@pytest.mark.parametrize("attach", [True, False], ids=["attached", "link"])
def test_the_councils_setting_attaches_the_pdf_for_people_without_an_account(
    world, review, smtp_server, settings, attach
):
    settings.RECORD_EMAIL_ATTACH_PDF = attach
    review, copies = _send(world, review)
    send_queued_emails()
    (to_carol,) = smtp_server.to(CAROL)
    attachments = list(to_carol.iter_attachments())
    carers = copies["carer"]
    has_link = bool(SINGLE_USE.search(_text(to_carol)))
    made_link = AccessLink.objects.filter(invitee=carers.invitee).exists()
    if attach:
        (pdf,) = attachments
        assert pdf.get_content_type() == "application/pdf"
        assert pdf.get_filename() == carers.document.download_name()
        assert pdf.get_content() == _stored(carers)
        assert "attached" in _text(to_carol)
        assert not has_link and not made_link  # no link nobody receives (D-LINK)
    else:
        assert attachments == [] and has_link and made_link
    # Staff always get the signed-in link, never the file.
    (to_sw,) = smtp_server.to(world["sw_north"].email.upper())
    assert not list(to_sw.iter_attachments()) and SIGNED_IN.search(_text(to_sw))
    carers.refresh_from_db()
    assert carers.state == "Sent"


def test_once_sent_the_outbox_keeps_the_attachments_name_size_and_checksum_only(
    world, review, smtp_server, settings
):
    """The PDF attached to the carer's email stays in the outbox while it waits and
    while it fails (it is sent again from there); once it has gone, the row keeps its
    file name, type, size and SHA-256 for the history, and not the record itself."""
    settings.RECORD_EMAIL_ATTACH_PDF = True
    review, copies = _send(world, review)
    email = copies["carer"].email
    stored = _stored(copies["carer"])
    facts = {
        "attachment_name": copies["carer"].document.download_name(),
        "attachment_type": "application/pdf",
        "attachment_size": len(stored),
        "attachment_sha256": hashlib.sha256(stored).hexdigest(),
    }
    assert facts["attachment_sha256"] == copies["carer"].document.sha256
    email.refresh_from_db()
    assert bytes(email.attachment) == stored  # queued: the bytes wait to go
    assert {name: getattr(email, name) for name in facts} == facts

    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # nothing listens: the send fails and will be retried
    send_queued_emails()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert bytes(email.attachment) == stored

    settings.EMAIL_PORT = port
    send_queued_emails()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attachment is None
    assert {name: getattr(email, name) for name in facts} == facts
    (to_carol,) = smtp_server.to(CAROL)
    (pdf,) = to_carol.iter_attachments()
    assert pdf.get_content() == stored
    # Sending the outbox again sends nothing more, and the copy still counts as sent.
    assert send_queued_emails() == 0
    assert Distribution.objects.get(pk=copies["carer"].pk).state == "Sent"
