"""What a child opens is written for the child (docs/rules.md, D-WORDS): their
invitation email in the words of their age band, scored with the record's reading-age
check (textstat) and read back from a real SMTP server; the letter templates' own text
scored for each band; and no staff wording on the pages a link opens.

Before: the invitation email to a 12-year-old was the adults' ("You are invited to a
review meeting"), the child's consultation page carried the staff banner about
confidential information, and no letter template's text was ever scored."""
# ruff: noqa: F811 (smtp_server is a fixture, imported for the tests' arguments)

import re
from datetime import date, datetime, time, timedelta
from html import unescape

import pytest
from django.conf import settings
from django.utils import timezone

from core.notifications import send_queued_emails
from documents.documents import allocation_specs, review_specs
from documents.pdf import render_html
from iro.services import iro_allocate
from reviews import services
from reviews.models import ConveningChecklist, Invitee
from reviews.readability import BAND_TARGETS, READER_TARGETS, find_jargon, reading_age
from tests.smtp_server import smtp_server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
AGES = {"under_8": 6, "8_to_12": 12, "13_plus": 15}
STAFF_BANNER = "confidential information about children"


def _born(age: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - age) - timedelta(days=30)


def _invited_child(world, band):
    child = world["north_child"]
    child.date_of_birth = _born(AGES[band])
    child.save(update_fields=["date_of_birth"])
    period = child.periods_of_care.get()
    period.started_on = timezone.localdate() - timedelta(days=7)
    period.save()
    review = services.review_plan_next(period=period, by=None)
    day = timezone.localdate() + timedelta(days=10)
    review = services.review_schedule(
        review=review,
        by=world["iro_a"],
        scheduled_for=timezone.make_aware(datetime.combine(day, time(16))),
        venue="Youth club",
        format="face_to_face",
    )
    Invitee.objects.create(
        review=review,
        name=child.full_name,
        role="child",
        method="email",
        email="child@example.org",
        consultation_type="child",
    )
    ConveningChecklist.objects.create(
        review=review,
        submitted_by=world["sw_north"],
        submitted_on=timezone.localdate(),
        confirmed_by=world["iro_a"],
        confirmed_on=timezone.localdate(),
    )
    services.review_issue_invitations(review=review, by=world["bs"], now=timezone.now())
    return review


@pytest.mark.parametrize("band", list(AGES))
def test_the_childs_invitation_email_is_written_for_their_age(world, smtp_server, band):
    review = _invited_child(world, band)
    assert send_queued_emails() == 1
    (message,) = smtp_server.to("child@example.org")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert text.startswith(f"Hello {review.child.known_as},")
    assert "You are invited to a review meeting" not in text
    assert "Youth club" in text and "/respond/" in text
    words = " ".join(line for line in text.splitlines() if "://" not in line)
    score = reading_age(words)
    assert score is not None and score <= BAND_TARGETS[band], (band, score, words)
    assert find_jargon(words) == []


# What the service fills in rather than the template's words: dates, phone numbers
# and email addresses (names are taken out by value).
FILLED_IN = re.compile(
    r"((Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) )?\d{1,2} "
    r"(January|February|March|April|May|June|July|August|September|October|November"
    r"|December)( \d{4})?|\b[\w.+-]+@[\w.-]+\b|\b0\d{3,4}( \d{3,4}){1,2}\b"
)
BLOCK_END = re.compile(r"</(h[1-6]|p|li|dt|dd|td|th|div|caption)>", re.IGNORECASE)


def _own_text(html: str, entries: list[str]) -> str:
    """The document's words with the people's entries taken out: the template's own.

    Each heading, paragraph, list item and cell is read as a sentence of its own, as
    a reader meets it (a heading is not the start of the next paragraph's sentence).
    """
    body = re.sub(r"(?s)<head>.*?</head>", " ", html)
    body = BLOCK_END.sub(" |. ", body)
    text = unescape(re.sub(r"<[^>]+>", " ", body))
    for entry in sorted(filter(None, entries), key=len, reverse=True):
        text = text.replace(entry, " ")
    text = FILLED_IN.sub(" ", text)
    text = re.sub(r"(\s*\|\.)+", " |.", text)
    text = re.sub(r"([.!?:,])\s*\|\.", r"\1", text)  # already ends a sentence
    text = re.sub(r"\s*\|\.", ".", text)
    return re.sub(r"\s+", " ", text)


CHILD_KINDS = {"record_child", "consultation_child", "iro_introduction", "iro_farewell"}
# The letters to adults, and whose reading age each aims at (READER_TARGETS).
ADULT_KINDS = {
    "invitation": "parent",
    "consultation_adult": "parent",
    "record_parent": "parent",
    "record_professional": "professional",
}


def _letters_scored(world, review, band) -> dict[str, int | None]:
    """Every letter template of a review and of a change of IRO, for a child of this
    band, scored on its own words (the people's entries taken out)."""
    from tests.reporting.conftest import build_cycle

    child = review.child
    child.date_of_birth = date(2025, 2, 3).replace(year=2025 - AGES[band])
    child.save(update_fields=["date_of_birth"])
    review, _ = build_cycle(world, review, band=band)
    # A change of IRO: the first one's introduction and farewell, naming the next.
    first = iro_allocate(
        child=child, iro=world["iro_b"], on=date(2025, 1, 2), by=world["manager"]
    )
    iro_allocate(
        child=child, iro=world["iro_a"], on=date(2025, 2, 20), by=world["manager"]
    )
    first.refresh_from_db()
    specs = review_specs(review) + allocation_specs(first)
    people = [world[key] for key in ("iro_a", "iro_b", "sw_north")]
    decisions = list(review.decisions.all())
    entries = [
        *(section.text for section in review.record.sections.all()),
        *(decision.child_wording for decision in decisions),
        *(decision.what for decision in decisions),
        *(str(person) for person in people),
        *(str(decision.owner_name) for decision in decisions),
        child.full_name,
        child.known_as,
        settings.COUNCIL_NAME,
        settings.COUNCIL_ADDRESS,
        review.record.translation_language,
    ]
    scored = {}
    for spec in specs:
        html = render_html(spec.template, spec.full_context())
        assert settings.COUNCIL_ADDRESS in html, spec.kind  # the letterhead's address
        scored[spec.kind] = reading_age(_own_text(html, entries))
    return scored


@pytest.mark.parametrize("band", list(AGES))
def test_every_letter_template_for_the_child_reads_at_their_age(world, review, band):
    scored = _letters_scored(world, review, band)
    assert set(scored) >= CHILD_KINDS, scored
    too_hard = {
        kind: scored[kind]
        for kind in CHILD_KINDS
        if scored[kind] is not None and scored[kind] > BAND_TARGETS[band]
    }
    assert not too_hard, (band, BAND_TARGETS[band], too_hard)


@pytest.mark.parametrize("band", list(AGES))
def test_every_letter_template_for_an_adult_reads_plainly(world, review, band):
    """The letters to parents, carers and professionals, for a child of each band
    (their wording differs by the child's age): every one is scored, none above the
    target for its reader."""
    scored = _letters_scored(world, review, band)
    assert set(scored) == CHILD_KINDS | set(ADULT_KINDS), scored
    too_hard = {
        kind: (scored[kind], READER_TARGETS[reader])
        for kind, reader in ADULT_KINDS.items()
        if scored[kind] is None or scored[kind] > READER_TARGETS[reader]
    }
    assert not too_hard, (band, too_hard)


def test_a_page_opened_by_a_link_carries_no_staff_wording(world, client):
    from reviews.models import AccessLink
    from reviews.services import link_issue

    review = _invited_child(world, "8_to_12")
    child = Invitee.objects.get(review=review, role="child")
    issued = link_issue(
        purpose=AccessLink.Purpose.CONSULTATION,
        recipient=child,
        review=review,
        now=timezone.now(),
    )
    page = client.get(issued.url).content.decode()
    assert "Your review is coming up" in page
    assert STAFF_BANNER not in page
    assert STAFF_BANNER in client.get("/accounts/login/").content.decode()


def _main_text(html: str) -> str:
    """The page's own words: its heading, paragraphs and questions, each a sentence."""
    main = re.search(r"(?s)<main.*?</main>", html)
    assert main is not None
    return _own_text(re.sub(r"(?s)<(script|style).*?</\1>", " ", main.group(0)), [])


@pytest.mark.parametrize("band", list(AGES))
def test_the_childs_consultation_page_is_written_for_their_age(world, client, band):
    """The page the child's link opens: its heading, words and questions in the
    child's band, scored with the record's reading-age check."""
    from reviews.models import AccessLink
    from reviews.services import link_issue

    review = _invited_child(world, band)
    child = Invitee.objects.get(review=review, role="child")
    issued = link_issue(
        purpose=AccessLink.Purpose.CONSULTATION,
        recipient=child,
        review=review,
        now=timezone.now(),
    )
    page = client.get(issued.url).content.decode()
    words = _main_text(page).replace(review.child.known_as, " ")
    score = reading_age(words)
    assert score is not None and score <= BAND_TARGETS[band], (band, score, words)
    assert find_jargon(words) == []
    if band == "under_8":
        assert "Your meeting is soon" in page and "What would help?" in page
    else:
        assert "What would make things better?" in page
