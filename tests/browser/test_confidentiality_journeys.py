"""What is kept from whom, in Chromium: the child's sharing wishes through to a parent's
own copy of the record (V1), the child's audit page and its spreadsheet, setting up
two-factor sign-in with an administrator's setup code (D-2FA), and a posted letter's
short code (D-CODE)."""

import csv
import re
from base64 import b32decode
from datetime import datetime, time, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import TwoFactorEvent, User
from children.records import audit_entries_about, audit_trail
from children.services import social_worker_allocate
from iro.services import iro_allocate
from reviews import services
from reviews.models import AccessLink, Consultation, Review
from reviews.services.links import CODE_ALPHABET, CODE_ATTEMPTS
from reviews.services.register import child_register

pytestmark = pytest.mark.browser

PASSWORD = "reviews-demo"
LINK = re.compile(r"/reviews/respond/[A-Za-z0-9_-]+/")
SHORT_CODE = re.compile(rf"\b[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}\b")


@pytest.fixture
def demo_staff(transactional_db):
    """The demo's staff as `make demo` loads them (users, roles, teams, the password),
    without its forty children: each journey here makes the child it needs, and
    loading the whole demo four times would take most of a minute."""
    from demo.management.commands.seed_demo import Command

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


def _child(child_id: str, first_name: str, last_name: str):
    """A 12-year-old in care for three days: sw1 their social worker, iro1 their IRO."""
    today = timezone.localdate()
    sw1, iro1 = User.objects.get(username="sw1"), User.objects.get(username="iro1")
    child = child_register(
        child_id=child_id,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=today - timedelta(days=12 * 365),
        looked_after_on=today - timedelta(days=3),
        by=None,
    )
    social_worker_allocate(
        child=child, social_worker=sw1, team=sw1.team, on=today, by=None
    )
    iro_allocate(child=child, iro=iro1, on=today, by=None)
    return child


def _parent(review, name: str):
    return services.invitee_save(
        review=review,
        by=User.objects.get(username="sw1"),
        name=name,
        role="parent",
        method="letter",
        postal_address="4 Mill Lane",
        consultation_type="adult",
    )


def _schedule(review, iro):
    today = timezone.localdate()
    return services.review_schedule(
        review=review,
        by=iro,
        scheduled_for=timezone.make_aware(datetime.combine(today, time(15, 30))),
        venue="The youth club",
        format="face_to_face",
    )


# 1. What the child does not want shared, from Review Choices to a parent's copy ------

SECRET = "I have a new friend called Sam at the climbing club."
GOING_WELL = "You got your climbing badge. Well done!"


def _hold_and_authorise(review):
    """The meeting held and no new decisions, authorised by the team manager."""
    today = timezone.localdate()
    iro1, tm1 = User.objects.get(username="iro1"), User.objects.get(username="tm1")
    services.child_contact_record(
        child=review.child, review=review, by=iro1, on=today, how="visit", alone="yes"
    )
    services.review_start(
        review=review, by=iro1, held_on=today, social_worker_present=True
    )
    services.review_hold(
        review=review,
        by=iro1,
        participation="PN1",
        chaired_by="iro",
        next_review_date=today + timedelta(days=80),
        today=today,
    )
    services.review_submit_decisions(
        review=review, by=iro1, today=today, no_new_decisions=True
    )
    services.review_authorise_decisions(review=review, by=tm1, today=today)


def test_a_wish_from_review_choices_reaches_the_parents_own_copy(
    page: Page, live_server, demo_staff
):
    base, today = live_server.url, timezone.localdate()
    child = _child("SHARE1", "Ash", "Lockwood")
    review = Review.objects.get(child=child)
    mum, dad = _parent(review, "Pat Lockwood"), _parent(review, "Lee Lockwood")
    review_url = f"{base}/reviews/{review.pk}/"

    # sw1 records what Ash does not want each parent told: the first from Review
    # Choices, the second from the convening checklist it leads to.
    sign_in(page, base, "sw1")
    page.goto(review_url)
    page.get_by_role("link", name="Review Choices with the child").click()
    for link, person, what in (
        ("something the child does not want shared", mum, "My new friend Sam"),
        ("Record something the child does not want shared", dad, "Where I go climbing"),
    ):
        page.get_by_role("link", name=link, exact=True).click()
        expect(
            page.get_by_role("heading", name="Something the child does not want shared")
        ).to_be_visible()
        page.get_by_label("Who must not be told").select_option(label=str(person))
        page.get_by_label("What they must not be told").fill(what)
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_text("The child's wish is recorded.")).to_be_visible()
        expect(
            page.get_by_text(
                f"Not to be shared with {person.name}: {what} (recorded on this review)"
            )
        ).to_be_visible()
    page.get_by_role("button", name="Send the checklist to the IRO").click()
    expect(
        page.get_by_text("The convening checklist is sent to the IRO.")
    ).to_be_visible()
    assert {(r.person.name, r.what) for r in review.sharing_restrictions.all()} == {
        ("Pat Lockwood", "My new friend Sam"),
        ("Lee Lockwood", "Where I go climbing"),
    }

    # iro1 sees both wishes as they confirm the invite list.
    iro1 = User.objects.get(username="iro1")
    _schedule(review, iro1)
    sign_in(page, base, "iro1")
    page.goto(review_url)
    page.get_by_role("link", name="Confirm the invite list").click()
    wishes = page.locator(".govuk-inset-text", has_text="does not want these shared")
    expect(wishes).to_contain_text(
        "with Pat Lockwood: My new friend Sam (recorded on this review)"
    )
    expect(wishes).to_contain_text(
        "with Lee Lockwood: Where I go climbing (recorded on this review)"
    )
    page.get_by_role("button", name="Confirm the invite list").click()
    expect(page.get_by_text("The invite list is confirmed.")).to_be_visible()

    # The review is held and its decisions authorised; iro1 writes the record.
    _hold_and_authorise(review)
    page.goto(review_url)
    page.get_by_role("link", name="Write the record to the child").click()
    asked = page.locator(".govuk-inset-text", has_text="asked for these not to be")
    expect(asked).to_contain_text("with Pat Lockwood: My new friend Sam")
    expect(asked).to_contain_text(
        "Before the record is finalised, for each of Pat Lockwood, Lee Lockwood"
    )
    page.get_by_label("What is going well, and your achievements").fill(GOING_WELL)
    page.get_by_label("What you told us", exact=True).fill(SECRET)
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_text("The record is saved.")).to_be_visible()

    # Finalising before deciding for each parent is refused, naming both.
    page.get_by_role("button", name="Finalise the record").click()
    expect(
        page.get_by_text(
            "The child asked for things not to be shared with Lee Lockwood, "
            "Pat Lockwood: mark which parts of the record to leave out for them, "
            "or say that nothing in it needs leaving out."
        )
    ).to_be_visible()
    review.refresh_from_db()
    assert review.record.finalised_on is None
    assert review.status == Review.Status.RD_AUTHORISED

    # "What you told us" is left out of Pat's copy; nothing needs leaving out for Lee.
    page.get_by_role("link", name="Write the record to the child").click()
    page.get_by_role(
        "group", name="Leave “What you told us” out of the copy for (optional)"
    ).get_by_label(str(mum)).check()
    page.get_by_role(
        "group", name="Nothing in this record needs leaving out for (optional)"
    ).get_by_label(str(dad)).check()
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_text("The record is saved.")).to_be_visible()
    expect(
        page.get_by_text("Before the record is finalised, for each of")
    ).to_have_count(0)
    page.get_by_role("button", name="Finalise the record").click()
    expect(
        page.get_by_text("The record is finalised and ready to send.")
    ).to_be_visible()
    review.refresh_from_db()
    assert review.record.finalised_on == today
    assert review.status == Review.Status.RECORD_WRITTEN

    # Pat's own version leaves the section out; Lee's and the child's keep it.
    page.goto(f"{review_url}record/version/{mum.pk}/")
    expect(page).to_have_title(re.compile(r"^Record of review – "))
    expect(page.get_by_text("for Pat Lockwood")).to_be_visible()
    expect(page.get_by_text(GOING_WELL)).to_be_visible()
    expect(page.get_by_role("heading", name="What you told us")).to_have_count(0)
    assert SECRET not in page.content()
    page.goto(f"{review_url}record/version/{dad.pk}/")
    expect(page.get_by_text("for Lee Lockwood")).to_be_visible()
    expect(page.get_by_text(SECRET)).to_be_visible()
    page.goto(review_url)
    page.get_by_role("link", name="The child's record").click()
    expect(page.get_by_text(SECRET)).to_be_visible()


# 2. Who viewed or changed the child's record: filters and the spreadsheet -------------


def _show_entries(page: Page) -> None:
    # The rows are read without waiting (locator.all()), so wait for the new page to
    # load first: read mid-navigation, the table is not there yet.
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Show entries").click()


def _rows(page: Page) -> list[list[str]]:
    table = page.locator("table.govuk-table tbody tr")
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in table.all()
    ]


def test_the_audit_page_filters_and_its_spreadsheet_matches(
    page: Page, live_server, demo_staff, tmp_path: Path
):
    base, today = live_server.url, timezone.localdate()
    child = _child("AUDIT1", "Rowan", "Trailfield")
    sw1, iro1 = User.objects.get(username="sw1"), User.objects.get(username="iro1")

    # sw1 and iro1 each open Rowan's page today.
    for username in ("sw1", "iro1"):
        sign_in(page, base, username)
        page.goto(f"{base}{child.get_absolute_url()}")
        expect(page.get_by_role("heading", name="Rowan Trailfield")).to_be_visible()
    # sw1 had also looked ten days ago (the log is append-only: a copy, dated then).
    ten_days_ago = timezone.now() - timedelta(days=10)
    earlier = audit_entries_about(child).filter(
        actor=sw1, action=LogEntry.Action.ACCESS
    )[0]
    earlier.pk, earlier.timestamp = None, ten_days_ago
    earlier.save()

    sign_in(page, base, "manager")
    page.goto(f"{base}{child.get_absolute_url()}")
    page.get_by_role("link", name="Who viewed or changed this record").click()
    expect(
        page.get_by_role("heading", name="Who viewed or changed Rowan Trailfield's")
    ).to_be_visible()

    # iro1's views only.
    page.get_by_label("Person").select_option(label=str(iro1))
    page.get_by_label("Viewed or changed").select_option(label="Viewed")
    _show_entries(page)
    expected = audit_trail(child, person=iro1, kind="viewed").count()
    assert expected >= 1
    rows = _rows(page)
    assert len(rows) == expected
    assert {(row[1], row[2]) for row in rows} == {(str(iro1), "Viewed")}
    entries = "entry" if expected == 1 else "entries"
    expect(page.get_by_text(f"{expected} {entries}, newest first")).to_be_visible()

    # The spreadsheet holds the same entries, and downloading it is itself recorded.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these entries (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"child-{child.pk}-audit-trail-")
    saved = tmp_path / "audit.csv"
    download.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as f:
        spreadsheet = list(csv.reader(f))
    assert spreadsheet[0] == [
        "When",
        "Who",
        "Username",
        "What",
        "Record",
        "Details",
        "From",
    ]
    assert len(spreadsheet) - 1 == expected
    assert {(row[1], row[2], row[3]) for row in spreadsheet[1:]} == {
        (str(iro1), "iro1", "Viewed")
    }
    manager = User.objects.get(username="manager")
    assert (
        audit_entries_about(child)
        .filter(
            actor=manager,
            action=LogEntry.Action.ACCESS,
            additional_data__what="who viewed or changed, as a spreadsheet",
        )
        .exists()
    )

    # Everyone, from eleven to nine days ago: only sw1's earlier visit.
    page.get_by_label("Person").select_option(label="Everyone")
    page.get_by_label("Viewed or changed").select_option(label="Both")
    fill_date(page, "since", today - timedelta(days=11))
    fill_date(page, "until", today - timedelta(days=9))
    _show_entries(page)
    rows = _rows(page)
    assert len(rows) == 1
    assert {(row[1], row[2]) for row in rows} == {(str(sw1), "Viewed")}
    day = timezone.localtime(ten_days_ago)
    assert all(row[0].startswith(f"{day.day} {day:%b %Y}") for row in rows)

    # A day with nothing in it says so.
    fill_date(page, "since", today - timedelta(days=30))
    fill_date(page, "until", today - timedelta(days=29))
    _show_entries(page)
    expect(page.get_by_text("No entries match.")).to_be_visible()


# 3. Two-factor sign-in with an administrator's setup code ----------------------------


def _code_now(key: bytes) -> str:
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def _sign_in_with_password(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_setup_code_from_an_administrator_lets_a_user_set_up_two_factor(
    page: Page, live_server, demo_staff, settings
):
    settings.REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    base = live_server.url
    admin1, sw1 = User.objects.get(username="admin1"), User.objects.get(username="sw1")
    phone = TOTPDevice.objects.create(user=admin1, confirmed=True, name="Phone")
    # sw1's account is old: the time to set up without a code has long passed.
    User.objects.filter(pk=sw1.pk).update(
        date_joined=timezone.now() - timedelta(days=30)
    )

    # admin1 signs in with their authenticator and issues sw1 a setup code.
    _sign_in_with_password(page, base, "admin1")
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    page.get_by_label("Security code").fill(_code_now(phone.bin_key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    page.goto(f"{base}/manage/")
    page.get_by_role("link", name="Two-factor sign-in", exact=True).click()
    page.get_by_role("link", name="sw1", exact=True).click()
    expect(page.get_by_text("Not set up: needs a setup code")).to_be_visible()
    page.get_by_role("button", name="Issue a setup code").click()
    code = page.locator("#setup-code code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code), code
    expect(page.get_by_text("Not set up: setup code valid until")).to_be_visible()

    # sw1 signs in: a wrong code is refused, the right one shows a new key.
    _sign_in_with_password(page, base, "sw1")
    expect(page.get_by_role("heading", name="Enter your setup code")).to_be_visible()
    page.get_by_label("Setup code").fill("ABCD-EFGH-JKMN")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "The setup code is not right. Check it and try again (4 tries left)"
    )
    expect(page).to_have_title(re.compile(r"^Error: "))
    page.get_by_label("Setup code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_role("heading", name="Set up two-factor sign-in")
    ).to_be_visible()
    key = page.locator("p", has_text="Key:").locator("code").inner_text()
    secret = b32decode(key.replace(" ", "") + "=" * (-len(key.replace(" ", "")) % 8))
    page.get_by_label("Security code").fill(_code_now(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    expect(page.get_by_text("Children you are the social worker for")).to_be_visible()

    device = TOTPDevice.objects.get(user=sw1, confirmed=True)
    assert device.bin_key == secret
    kinds = list(
        TwoFactorEvent.objects.filter(user=sw1).order_by("at").values_list("kind", "by")
    )
    K = TwoFactorEvent.Kind
    assert kinds == [
        (K.CODE_ISSUED, admin1.pk),
        (K.CODE_FAILED, None),
        (K.CODE_USED, None),
        (K.ENROLLED, None),
    ]

    # The code was spent: signing in again asks for the authenticator's code only.
    _sign_in_with_password(page, base, "sw1")
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()


# 4. A posted letter's link needs its short code ---------------------------------------


def test_a_posted_letters_link_asks_for_its_short_code(
    page: Page, live_server, demo_staff
):
    base, today = live_server.url, timezone.localdate()
    child = _child("CODE1", "Kit", "Postlethwaite")
    review = Review.objects.get(child=child)
    dana = _parent(review, "Dana Postlethwaite")
    sw1, iro1 = User.objects.get(username="sw1"), User.objects.get(username="iro1")
    services.checklist_submit(review=review, by=sw1, today=today)
    services.checklist_confirm(review=review, by=iro1, today=today)
    _schedule(review, iro1)
    services.review_issue_invitations(
        review=review, by=User.objects.get(username="bs1"), now=timezone.now()
    )

    # bs1 prints Dana's letter to post: its link, and on a separate page the code.
    sign_in(page, base, "bs1")
    page.goto(f"{base}/reviews/{review.pk}/invitations/")
    with page.expect_download() as download_info:
        page.get_by_role(
            "button", name="Print the letter to post to Dana Postlethwaite (PDF)"
        ).click()
    pdf = download_info.value
    pages = [
        p.extract_text()
        for p in PdfReader(BytesIO(Path(pdf.path()).read_bytes())).pages
    ]
    path = LINK.search(re.sub(r"\s+", "", pages[0])).group(0)
    code = SHORT_CODE.search(pages[-1]).group(0)
    assert code not in pages[0], "the code does not travel with the link"

    # Dana opens the link: first the code; a wrong one is a GOV.UK error.
    page.context.clear_cookies()
    page.goto(f"{base}{path}")
    expect(page.get_by_role("heading", name="Enter your short code")).to_be_visible()
    assert "Kit" not in page.locator("main").inner_text(), "nothing about the child yet"
    page.get_by_label("Short code").fill("ZZZZ-ZZZZ")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text(
        "That is not the code for this link. Check it and try again "
        f"({CODE_ATTEMPTS - 1} tries left)"
    )
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Short code")).to_be_focused()

    # The right code, typed as it is read out over the phone, opens the questions.
    page.get_by_label("Short code").fill(code.lower())
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_role("heading", name="Your views before the review")
    ).to_be_visible()
    page.get_by_label("What is going well?").fill("Kit is doing well at school")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_text("We have your answers.")).to_be_visible()

    link = AccessLink.objects.get(invitee=dana, used_at__isnull=False)
    assert link.code_attempts == 1
    answer = Consultation.objects.get(review=review, invitee=dana)
    assert answer.going_well == "Kit is doing well at school"
    # The link is spent: opening it again says so and shows nothing about Kit.
    page.goto(f"{base}{path}")
    expect(
        page.get_by_role("heading", name="You have sent your answers")
    ).to_be_visible()
    assert "Kit" not in page.locator("main").inner_text()
