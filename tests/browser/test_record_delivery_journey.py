"""The record really reaching its readers, in Chromium (docs/rules.md, D-SENT): the
child's social worker follows the link in their email, signs in and gets their own
copy; business support download the print pack of the letters from the letters page,
and the page then says they were printed, not yet posted. The outbox sends for real,
to an SMTP server in the test process."""

import re
from io import BytesIO

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import User
from core.notifications import send_queued_emails
from documents.services import review_distribute
from reviews.models import Invitee
from reviews.services import review_plan_next
from tests.browser.test_confidentiality_journeys import PASSWORD, demo_staff
from tests.factories import ChildFactory
from tests.reporting.conftest import build_cycle
from tests.smtp_server import smtp_server

pytestmark = pytest.mark.browser
__all__ = ["demo_staff", "smtp_server"]  # fixtures the journey uses


def _sent_review():
    """Pax's review held and its record finalised; sent to the child, Mum and the
    carer by letter and to the social worker (sw1) by email."""
    staff = {name: User.objects.get(username=name) for name in ("iro1", "sw1", "tm1")}
    child = ChildFactory(
        first_name="Pax",
        last_name="Printpack",
        team=staff["sw1"].team,
        social_worker=staff["sw1"],
        iro=staff["iro1"],
    )
    review = review_plan_next(period=child.periods_of_care.get(), by=None)
    world = {"iro_a": staff["iro1"], "sw_north": staff["sw1"], "tm_north": staff["tm1"]}
    review, people = build_cycle(world, review)
    worker = Invitee.objects.create(
        review=review,
        name="Tom Bennett",
        role="sw",
        method="email",
        email=staff["sw1"].email,
    )
    copies = review_distribute(
        review=review,
        by=User.objects.get(username="bs1"),
        now=timezone.now(),
        recipients=[*people.values(), worker],
    )
    return review, {copy.invitee.pk: copy for copy in copies}, worker


def _sign_in_form(page: Page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)


def test_a_staff_reader_signs_in_from_the_email_and_letters_go_as_a_print_pack(
    page: Page, live_server, demo_staff, smtp_server
):
    base = live_server.url
    review, copies, worker = _sent_review()
    assert send_queued_emails() == 1
    smtp_server.wait_for(1)
    (email,) = smtp_server.to(worker.email)
    body = email.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/documents/copy/\d+/", body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    # Signed out, the link asks for sign-in, then downloads the worker's own copy.
    page.goto(f"{base}{path}")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    _sign_in_form(page, "sw1")
    with page.expect_download() as download:
        page.get_by_role("button", name="Sign in").click()
    with open(download.value.path(), "rb") as pdf:
        received = pdf.read()
    with copies[worker.pk].document.file.open("rb") as stored:
        assert received == stored.read()

    # Business support print the letters from the letters page.
    page.context.clear_cookies()
    page.goto(f"{base}/account/sign-in/")
    _sign_in_form(page, "bs1")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=re.compile("Post the record's letters")).click()
    expect(page.get_by_role("heading", name="Print the letters")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Download the print pack")).click()
    with open(download.value.path(), "rb") as pdf:
        pack = PdfReader(BytesIO(pdf.read()))
    letters = [copy for copy in copies.values() if copy.method == "letter"]
    pages = 0
    for copy in letters:
        with copy.document.file.open("rb") as stored:
            pages += 1 + len(PdfReader(stored).pages)
    assert len(pack.pages) == pages
    page.reload()
    for copy in letters:
        expect(page.get_by_text(copy.invitee.name, exact=False).first).to_be_visible()
    expect(page.get_by_text("to post (by Jenny Morgan)").first).to_be_visible()
