"""The print pack (D-SENT): one PDF of the review's letters to post, in posting order
(surname, then address), each after a page that holds only its recipient's name and
address inside a DL envelope's window; read back with pypdf. Printing is recorded on
each copy; only the posting date makes a letter sent. A confidential placement
address never reaches the parent's envelope."""

from datetime import timedelta
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from documents import services as document_services
from documents.models import Distribution
from documents.print_pack import address_lines
from reporting.queries import timeliness
from reporting.queries.base import Filters, Period
from reviews.models import Invitee
from tests.reporting.conftest import build_cycle

pytestmark = pytest.mark.django_db

PLACEMENT = "12 Secret Close\nHideaway\nHD1 2XY"  # the child's placement, confidential
MUMS = "3 Mum Street\nTown\nTN1 1AA"
MM = 72 / 25.4  # points in a millimetre
A4_HEIGHT = 297 * MM
# The window of a DL envelope on the folded A4 page (documents/print_pack.py).
WINDOW_LEFT, WINDOW_RIGHT, WINDOW_TOP, WINDOW_BOTTOM = 20, 110, 49, 84


@pytest.fixture
def letters(world, review):
    """The record sent by letter to the child and the carer at the placement, whose
    address is confidential, and to the child's mother at hers."""
    review, people = build_cycle(world, review)
    child = review.child
    child.confidential_address = True
    child.save(update_fields=["confidential_address"])
    for key, address in (("child", PLACEMENT), ("carer", PLACEMENT), ("mum", MUMS)):
        Invitee.objects.filter(pk=people[key].pk).update(postal_address=address)
    document_services.review_distribute(
        review=review,
        by=world["bs"],
        now=timezone.now(),
        recipients=list(Invitee.objects.filter(pk__in=[p.pk for p in people.values()])),
    )
    copies = {c.invitee.role: c for c in review.distributions.select_related("invitee")}
    return review, copies


def _pack(client, review):
    return client.post(reverse("documents:letters_pack", args=[review.pk]))


def _pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def _stored_pages(copy) -> list[str]:
    with copy.document.file.open("rb") as stored:
        return _pages_text(stored.read())


def _text_boxes(page) -> list[tuple[str, float, float]]:
    """Each piece of text on the page and where it starts, in mm from the top left."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x / MM, (A4_HEIGHT - y) / MM))

    page.extract_text(visitor_text=visit)
    return found


def test_the_pack_holds_each_letter_after_its_address_page_in_posting_order(
    letters, client_as
):
    review, copies = letters
    bs = User.objects.get(username="bs")
    response = _pack(client_as(bs), review)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"].startswith("no-store")
    reader = PdfReader(BytesIO(response.content))
    # Surname, then address: Carer; then the two Inscopes, "12 Secret Close" first.
    order = [copies["carer"], copies["child"], copies["parent"]]
    letter_pages = {copy.pk: _stored_pages(copy) for copy in order}
    assert len(reader.pages) == sum(len(p) + 1 for p in letter_pages.values())
    envelopes = {}  # each copy's pages: its address page, then its letter
    page = 0
    for copy in order:
        panel = reader.pages[page]
        boxes = _text_boxes(panel)
        lines = [text for text, _x, _y in boxes]
        assert lines == [copy.invitee.name, *copy.invitee.postal_address.splitlines()]
        for text, x, y in boxes:  # inside the window, with the line's height below
            assert WINDOW_LEFT < x < WINDOW_RIGHT - 40, (text, x)
            assert WINDOW_TOP < y < WINDOW_BOTTOM, (text, y)
        end = page + 1 + len(letter_pages[copy.pk])
        texts = [p.extract_text() for p in reader.pages[page:end]]
        assert texts[1:] == letter_pages[copy.pk]
        envelopes[copy.pk] = "\n".join(texts)
        page = end
    # The mother's envelope (her address page and her letter) never holds the
    # confidential placement, though the pack itself does, for the child and carer.
    mothers = envelopes[copies["parent"].pk]
    assert "Maria" in mothers and "3 Mum Street" in mothers
    for secret in ("Secret Close", "Hideaway", "HD1 2XY"):
        assert secret not in mothers
    assert "Secret Close" in reader.pages[0].extract_text()


def test_printing_is_recorded_and_audited_but_is_not_sending(letters, client_as):
    review, copies = letters
    bs = User.objects.get(username="bs")
    client = client_as(bs)
    before = timezone.now()
    assert _pack(client, review).status_code == 200
    for copy in Distribution.objects.filter(review=review):
        assert copy.printed_by == bs and copy.printed_at >= before
        assert copy.posted_on is None
        assert copy.state.startswith("Printed ") and copy.state.endswith(", to post")
        entries = LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, object_pk=str(copy.document_id)
        )
        assert [(e.actor, e.additional_data["what"]) for e in entries] == [
            (bs, "print pack")
        ]
    assert review.events.filter(action="letters_printed").count() == 1
    # Printed is not sent: the 20-working-day measure does not count the review.
    held = review.record_date
    period = Period(held.replace(day=1), held + timedelta(days=1))
    figure = timeliness.record_sent_in_time(period, Filters(today=timezone.localdate()))
    assert review.pk not in figure.numerator_ids
    # The letters page and the distribution log say they were printed.
    page = client.get(reverse("documents:letters_posted", args=[review.pk]))
    assert "Printed " in page.content.decode()
    log = client.get(reverse("documents:distribute", args=[review.pk]))
    assert ", to post" in log.content.decode()


def test_only_who_sends_the_record_gets_the_pack_and_only_letters_still_to_post(
    letters, client_as, world
):
    review, copies = letters
    url = reverse("documents:letters_pack", args=[review.pk])
    bs = client_as(world["bs"])
    assert bs.get(url).status_code == 405
    assert client_as(world["sw_north"]).post(url).status_code == 403
    assert client_as(world["sw_south"]).post(url).status_code == 404
    assert client_as(world["iro_a"]).post(url).status_code == 200
    # Business support open each waiting letter on the letters page (N-BS) ...
    page = bs.get(reverse("documents:letters_posted", args=[review.pk])).content
    assert url in page.decode()
    mums = reverse("documents:download", args=[copies["parent"].document_id])
    assert bs.get(mums).status_code == 200
    # ... until it is posted; then the pack leaves it out.
    Distribution.objects.filter(pk=copies["parent"].pk).update(
        posted_on=timezone.localdate(), posted_by=world["bs"]
    )
    assert bs.get(mums).status_code == 403
    texts = _pages_text(bs.post(url).content)
    assert not any("Maria" in text for text in texts)
    Distribution.objects.filter(review=review).update(posted_on=timezone.localdate())
    refused = bs.post(url, follow=True)
    assert "There are no letters of the record to print" in refused.content.decode()
    assert url not in refused.content.decode()


@pytest.mark.parametrize(
    ("typed", "lines"),
    [
        pytest.param(
            "1 Road\n\n Town \nTN1 1AA", ["1 Road", "Town", "TN1 1AA"], id="lines"
        ),
        pytest.param(
            "1 Road, Town, TN1 1AA", ["1 Road", "Town", "TN1 1AA"], id="commas"
        ),
        pytest.param(
            "\n".join("abcdefgh"), ["a", "b", "c", "d", "e", "f, g, h"], id="too-many"
        ),
    ],
)
def test_an_address_is_put_on_the_lines_the_window_shows(typed, lines):
    assert address_lines(typed) == lines
