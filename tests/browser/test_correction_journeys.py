"""Putting mistakes right in Chromium (C1-C4): a decision set the team manager returned
is changed and cut down, then authorised; a final record is amended and its new
version reaches everyone who had the old one; a held review's date is corrected from
the review page, with the reason kept beside it."""

import re
from datetime import datetime, time, timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import User
from children.services import social_worker_allocate
from documents.models import Distribution, Document
from documents.services import review_distribute
from iro.services import iro_allocate
from reviews import services
from reviews.models import Review, ReviewCorrection
from reviews.services.register import child_register
from reviews.timescales import add_months

pytestmark = pytest.mark.browser

PASSWORD = "reviews-demo"
S = Review.Status


@pytest.fixture
def demo_staff(transactional_db, settings, tmp_path):
    """The demo's staff as `make demo` loads them, without its forty children (each
    journey makes the child it needs); the PDFs go to a throwaway folder."""
    from demo.management.commands.seed_demo import Command

    settings.MEDIA_ROOT = tmp_path
    return Command()._users()


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()


def fill_date(page: Page, prefix: str, day) -> None:
    page.locator(f"#id_{prefix}_0").fill(str(day.day))
    page.locator(f"#id_{prefix}_1").fill(str(day.month))
    page.locator(f"#id_{prefix}_2").fill(str(day.year))


def long_date(day) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _held_review(child_id: str, first_name: str, *, held_ago: int = 0) -> Review:
    """A 12-year-old in care for ten days (sw1's, iro1's), whose first review was held
    `held_ago` days ago, with a parent by letter and a teacher by email on its list."""
    today = timezone.localdate()
    sw1, iro1 = _user("sw1"), _user("iro1")
    held_on = today - timedelta(days=held_ago)
    child = child_register(
        child_id=child_id,
        first_name=first_name,
        last_name="Mendwell",
        date_of_birth=today - timedelta(days=12 * 365),
        looked_after_on=today - timedelta(days=10),
        by=None,
    )
    social_worker_allocate(
        child=child, social_worker=sw1, team=sw1.team, on=today, by=None
    )
    iro_allocate(child=child, iro=iro1, on=today, by=None)
    review = Review.objects.get(child=child)
    for name, role, contact in (
        (
            "Jane Mendwell",
            "parent",
            {"method": "letter", "postal_address": "1 Mill Lane"},
        ),
        ("Ms Page", "teacher", {"method": "email", "email": "page@school.example"}),
    ):
        services.invitee_save(review=review, by=sw1, name=name, role=role, **contact)
    services.review_schedule(
        review=review,
        by=iro1,
        scheduled_for=timezone.make_aware(datetime.combine(held_on, time(15, 30))),
        venue="The youth club",
        format="face_to_face",
    )
    services.child_contact_record(
        child=child, review=review, by=iro1, on=held_on, how="visit", alone="yes"
    )
    services.review_start(
        review=review, by=iro1, held_on=held_on, social_worker_present=True
    )
    services.review_hold(
        review=review,
        by=iro1,
        participation="PN1",
        chaired_by="iro",
        next_review_date=held_on + timedelta(days=80),
        today=today,
    )
    review.refresh_from_db()
    return review


def _decision(review: Review, what: str):
    return services.decision_save(
        review=review,
        by=_user("iro1"),
        what=what,
        child_wording="Something will happen for you.",
        owner_name="Tom Bennett",
        owner_role="sw",
        due_date=timezone.localdate() + timedelta(days=60),
        success_measure="Done by the next review",
    )


def _confirm(page: Page) -> None:
    """Tick the page's "yes, I am sure" box, when the step asks for one."""
    box = page.locator("input[name=confirm]")
    if box.count():
        box.check()


# 1. Decisions the team manager returned: one changed, one removed, authorised -------

WRONG = "Refer the stepfather for a parenting assessment"
RIGHT = "Swimming lessons every week"
BETTER = "Swimming lessons every Saturday at the leisure centre"
RETURNED = "The first decision is for another child; the second needs a day."


def test_a_returned_decision_is_changed_another_removed_and_the_set_authorised(
    page: Page, live_server, demo_staff
):
    base = live_server.url
    review = _held_review("CORRECT1", "Ellis")
    wrong, right = _decision(review, WRONG), _decision(review, RIGHT)
    services.review_submit_decisions(
        review=review, by=_user("iro1"), today=timezone.localdate()
    )
    review_url = f"{base}/reviews/{review.pk}/"

    # tm1 (the North team's manager) returns them with a comment.
    sign_in(page, base, "tm1")
    page.goto(review_url)
    page.get_by_role("link", name="Authorise the decisions").click()
    expect(page.get_by_role("cell", name=WRONG)).to_be_visible()
    page.get_by_label("Return them to the IRO with comments").check()
    page.get_by_role("textbox", name="Comments").fill(RETURNED)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The decisions are returned to the IRO.")).to_be_visible()
    review.refresh_from_db()
    assert review.status == S.HELD

    # iro1 sees the comment on the decisions page, and changes the second decision.
    sign_in(page, base, "iro1")
    page.goto(review_url)
    page.get_by_role("link", name="Decisions and recommendations").click()
    expect(page.get_by_text(f"Team manager's comments: {RETURNED}")).to_be_visible()
    rows = page.locator("table.govuk-table tbody tr")
    rows.filter(has_text=RIGHT).get_by_role("link", name=re.compile("^Change")).click()
    expect(page.get_by_role("heading", name="Change a decision")).to_be_visible()
    what = page.get_by_label("What will happen (specific and measurable)")
    expect(what).to_have_value(RIGHT)
    what.fill(BETTER)
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("The decision is changed.")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Decisions and recommendations")
    ).to_be_visible()
    expect(rows.filter(has_text=BETTER)).to_have_count(1)
    expect(rows.filter(has_text=RIGHT)).to_have_count(0)

    # ... and removes the first, which was never meant for this child.
    rows.filter(has_text=WRONG).get_by_role("link", name=re.compile("^Remove")).click()
    expect(page.get_by_role("heading", name="Remove a decision")).to_be_visible()
    expect(
        page.get_by_text(f"Remove “{WRONG}”? The history keeps its text.")
    ).to_be_visible()
    _confirm(page)
    page.get_by_role("button", name="Remove the decision").click()
    expect(page.get_by_text("The decision is removed.")).to_be_visible()
    expect(rows.filter(has_text=WRONG)).to_have_count(0)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(BETTER)

    page.get_by_role("button", name="Send the decisions to the team manager").click()
    expect(
        page.get_by_text("The decisions are sent to the team manager.")
    ).to_be_visible()
    review.refresh_from_db()
    assert review.status == S.RD_SUBMITTED

    # tm1 sees the corrected set and authorises it.
    sign_in(page, base, "tm1")
    page.goto(review_url)
    page.get_by_role("link", name="Authorise the decisions").click()
    expect(page.get_by_role("cell", name=BETTER)).to_be_visible()
    expect(page.get_by_role("cell", name=WRONG)).to_have_count(0)
    page.get_by_label("Authorise the decisions").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The decisions are authorised.")).to_be_visible()

    review.refresh_from_db()
    assert review.status == S.RD_AUTHORISED
    assert [(d.pk, d.what) for d in review.decisions.all()] == [(right.pk, BETTER)]
    removed = review.events.get(action="decision_removed")
    assert removed.note == f"Removed: {WRONG}" and removed.by == _user("iro1")
    assert not review.decisions.filter(pk=wrong.pk).exists()
    # The review's history shows the removal, with the words, to those who read it.
    page.goto(review_url)
    expect(page.locator(".app-timeline")).to_contain_text(f"Removed: {WRONG}")


# 2. A final record amended, and the new version sent to everyone who had it ---------

OLD_TEXT = "You are doing well at Ashfield School."
NEW_TEXT = "You are doing well at Ashworth School."
REASON = "The school's name was wrong"


def _sent(review: Review) -> list:
    """The record written, finalised and sent by business support to both people."""
    today = timezone.localdate()
    iro1 = _user("iro1")
    services.review_submit_decisions(
        review=review, by=iro1, today=today, no_new_decisions=True
    )
    services.review_authorise_decisions(review=review, by=_user("tm1"), today=today)
    services.record_save(
        review=review,
        by=iro1,
        band="8_to_12",
        translation_language="",
        sections={"going_well": OLD_TEXT},
        withheld={},
    )
    services.record_finalise(review=review, by=iro1, today=today)
    people = list(review.invitees.order_by("pk"))
    review_distribute(
        review=review, by=_user("bs1"), now=timezone.now(), recipients=people
    )
    return people


def _pdf_text(document: Document) -> str:
    document.file.open("rb")
    try:
        pages = PdfReader(BytesIO(document.file.read())).pages
        return " ".join(" ".join(page.extract_text() for page in pages).split())
    finally:
        document.file.close()


def test_an_amended_record_reaches_everyone_who_had_it_as_the_new_version(
    page: Page, live_server, demo_staff
):
    base = live_server.url
    review = _held_review("CORRECT2", "Frankie")
    mum, teacher = _sent(review)
    review.refresh_from_db()
    assert review.status == S.DISTRIBUTED
    old_version = review.record.version
    review_url = f"{base}/reviews/{review.pk}/"

    # The social worker reads the record but is offered no way to amend it.
    sign_in(page, base, "sw1")
    page.goto(review_url)
    expect(page.get_by_role("link", name="The child's record")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("amend", re.I))).to_have_count(0)
    page.get_by_role("link", name="The child's record").click()
    expect(page.get_by_text(OLD_TEXT)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("amend", re.I))).to_have_count(0)
    refused = page.goto(f"{review_url}record/amend/")
    assert refused is not None and refused.status == 403

    # iro1 opens the final record, amends it with a reason and changes a section.
    sign_in(page, base, "iro1")
    page.goto(f"{review_url}record/")
    expect(page.get_by_role("button", name="Save the record")).to_have_count(0)
    page.get_by_role("link", name="amend the record").click()
    expect(page.get_by_role("heading", name="Amend the final record")).to_be_visible()
    page.get_by_role("button", name="Start amending the record").click()
    expect(
        page.get_by_text("Enter why the record needs amending").first
    ).to_be_visible()
    page.get_by_label("What needs putting right, and why?").fill(REASON)
    page.get_by_role("button", name="Start amending the record").click()
    expect(
        page.get_by_text(
            "You are amending the record. Issue the amendment when it is right."
        )
    ).to_be_visible()
    expect(
        page.get_by_text(
            f"You are amending version {old_version} of the final record: {REASON}."
        )
    ).to_be_visible()
    # The amendment's other ways in open (the decisions, the review's facts).
    for link, heading in (
        ("the decisions", "Decisions and recommendations"),
        ("the review's facts", "Correct the review's facts"),
    ):
        page.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        page.go_back()
    going_well = page.get_by_label("What is going well, and your achievements")
    expect(going_well).to_have_value(OLD_TEXT)
    going_well.fill(NEW_TEXT)
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_text("The record is saved.")).to_be_visible()

    # The issue page names both people who had the old version, and how they had it.
    page.get_by_role("link", name="Issue the amended record").click()
    expect(page.get_by_role("heading", name="Issue the amended record")).to_be_visible()
    people = page.locator("ul.govuk-list--bullet li")
    expect(people).to_have_text(
        [
            "Jane Mendwell (parent), by letter",
            "Ms Page (teacher or designated teacher), by email",
        ]
    )
    _confirm(page)
    page.get_by_role("button", name="Issue the amended record").click()
    review.refresh_from_db()
    amendment = review.record.amendments.get()
    new_version = amendment.to_version
    assert new_version == review.record.version > old_version
    expect(
        page.get_by_text(
            f"Version {new_version} of the record is issued and sent to the 2 people "
            "who had the old one."
        )
    ).to_be_visible()
    assert review.status == S.DISTRIBUTED and amendment.reason == REASON

    # The documents page lists every record document at the new version.
    page.goto(f"{base}/documents/review/{review.pk}/")
    record_rows = page.locator("table.govuk-table tbody tr").filter(
        has_text="Record of review"
    )
    kinds = Document.RECORD_KINDS
    expected_rows = (
        Document.objects.filter(review=review, kind__in=kinds)
        .values("key")
        .distinct()
        .count()
    )
    assert expected_rows >= 3  # the child's letter, Jane's version, the professional
    expect(record_rows).to_have_count(expected_rows)
    for row in record_rows.all():
        expect(row).to_contain_text(f"From version {new_version} of the record")
    expect(
        record_rows.filter(has_text="a parent's version").filter(
            has_text="Jane Mendwell"
        )
    ).to_contain_text(f"Sent to Jane Mendwell on {timezone.localdate():%-d %b %Y}")

    # The distribution log has each person twice: the old version and the new one.
    page.goto(f"{base}/documents/review/{review.pk}/distribute/")
    log = page.locator("table.govuk-table", has_text="Copies of the record").locator(
        "tbody tr"
    )
    for person in (mum, teacher):
        for version in (old_version, new_version):
            expect(
                log.filter(has_text=person.name).filter(has_text=f"(version {version})")
            ).to_have_count(1)
    with page.expect_download() as download_info:
        log.filter(has_text=f"(version {new_version})").filter(
            has_text=mum.name
        ).get_by_role("link", name=re.compile("^PDF version")).click()
    downloaded = " ".join(
        " ".join(
            p.extract_text() for p in PdfReader(download_info.value.path()).pages
        ).split()
    )
    assert NEW_TEXT in downloaded and "corrected" in downloaded

    # In the database: a distribution of the new version for each, and Jane's stored
    # copy says the corrected words and that it was corrected.
    sent = Distribution.objects.filter(review=review, record_version=new_version)
    assert {d.invitee for d in sent} == {mum, teacher}
    assert {d.method for d in sent} == {"letter", "email"}
    mums = sent.get(invitee=mum)
    text = _pdf_text(mums.document)
    assert NEW_TEXT in text and "corrected" in text and OLD_TEXT not in text
    assert mums.document.record_version == new_version


# 3. A held review's date corrected from the review page ---------------------------


def test_a_held_reviews_date_is_corrected_with_a_reason(
    page: Page, live_server, demo_staff
):
    base, today = live_server.url, timezone.localdate()
    review = _held_review("CORRECT3", "Harper", held_ago=2)
    was, corrected = today - timedelta(days=2), today - timedelta(days=4)
    assert review.record_date == was
    review_url = f"{base}/reviews/{review.pk}/"

    sign_in(page, base, "iro1")
    page.goto(review_url)
    held = page.locator(".govuk-summary-list__row", has_text="Held (record date)")
    expect(held).to_contain_text(long_date(was))
    page.get_by_role("link", name="Correct the review's facts").click()
    expect(
        page.get_by_role("heading", name="Correct the review's facts")
    ).to_be_visible()

    # A date still to come is refused beside the field, and in the summary.
    fill_date(page, "held_on", today + timedelta(days=3))
    page.get_by_label("Why are you correcting it?").fill("Typed the wrong day")
    page.get_by_role("button", name="Save the correction").click()
    message = re.compile(r"Date of the meeting must be today or in the past")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name=message)).to_be_visible()
    field = page.locator(".govuk-form-group--error", has=page.locator("#id_held_on_0"))
    expect(field.locator(".govuk-error-message")).to_contain_text(message)
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert not ReviewCorrection.objects.exists()

    # The right, earlier date with the reason is saved in place.
    fill_date(page, "held_on", corrected)
    expect(page.get_by_label("Why are you correcting it?")).to_have_value(
        "Typed the wrong day"
    )
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("The correction is saved.")).to_be_visible()
    expect(held).to_contain_text(long_date(corrected))
    corrections = page.locator("table.govuk-table", has_text="What changed")
    row = corrections.locator("tbody tr")
    expect(row).to_have_count(1)
    for fact in ("Date held", "Record date"):
        expect(row).to_contain_text(
            f"{fact}: {was.day} {was:%B %Y} to {corrected.day} {corrected:%B %Y}"
        )
    expect(row).to_contain_text("Typed the wrong day")
    expect(row).to_contain_text(str(_user("iro1")))

    review.refresh_from_db()
    assert review.record_date == corrected and review.status == S.HELD
    correction = ReviewCorrection.objects.get(review=review)
    assert correction.changes["held_on"] == [was.isoformat(), corrected.isoformat()]
    assert correction.reason == "Typed the wrong day"
    # The next review, planned from the wrong date, is due by the corrected one's.
    following = review.period.reviews.open().get()
    assert following.due_date == add_months(corrected, 3)
    page.goto(f"{base}/reviews/{following.pk}/")
    due = page.locator(".govuk-summary-list__row", has_text="Due by")
    expect(due).to_contain_text(long_date(following.due_date))
