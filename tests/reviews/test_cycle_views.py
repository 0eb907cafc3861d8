"""One review through the whole cycle, through the pages, as each role (test client)."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.models import OutboundEmail
from core.notifications import send_queued_emails
from documents.models import Distribution
from reviews.models import (
    AccessLink,
    Consultation,
    Invitation,
    MeetingAttendance,
    Review,
)
from reviews.services import record_version_for
from reviews.timescales import add_months

pytestmark = pytest.mark.django_db
S = Review.Status


def d(prefix, day: date) -> dict:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


@pytest.fixture
def soon_review(world):
    """A review due in 20 working days from today, so dates in the pages are real."""
    from reviews.services import review_plan_next

    period = world["north_child"].periods_of_care.get()
    period.started_on = timezone.localdate() - timedelta(days=7)
    period.save()
    return review_plan_next(period=period, by=None)


def url(name, review, *args):
    return reverse(f"reviews:{name}", args=[review.pk, *args])


def test_the_whole_cycle_through_the_pages(
    world, soon_review, client_as, django_capture_on_commit_callbacks
):
    review = soon_review
    today = timezone.localdate()
    meeting_day = today  # held today: the meeting is logged on the day
    sw, iro, bs, tm = (
        client_as(world[k]) for k in ("sw_north", "iro_a", "bs", "tm_north")
    )

    # The social worker captures Review Choices with the child.
    response = sw.post(
        url("choices", review),
        {
            **d("captured_on", today),
            "wants_to_meet_iro_before": "True",
            "wants_to_speak_alone": "True",
            "who_not_to_invite": "Dad",
            "venue": "Youth club",
            "format": "face_to_face",
            "wants_to_chair": "co_chair",
            "achievements": "Football team",
            "wants_copy_of_record": "True",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    # The IRO schedules it.
    response = iro.post(
        url("schedule", review),
        {
            **d("on", meeting_day),
            "at": "16:00",
            "venue": "Youth club, High St",
            "format": "face_to_face",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    # The social worker builds the convening list and submits the checklist.
    people = [
        {
            "name": "Northa Inscope",
            "role": "child",
            "method": "email",
            "email": "child@example.org",
            "consultation_type": "child",
        },
        {
            "name": "Mum Inscope",
            "role": "parent",
            "method": "email",
            "email": "mum@example.org",
            "consultation_type": "adult",
        },
        {
            "name": "Dad Inscope",
            "role": "parent",
            "method": "letter",
            "postal_address": "1 Road",
            "consultation_type": "adult",
            "child_does_not_want": "on",
        },
        {
            "name": "Carer Person",
            "role": "carer",
            "method": "letter",
            "postal_address": "2 Lane",
            "consultation_type": "none",
        },
    ]
    for person in people:
        assert sw.post(url("invitee_add", review), person).status_code == 302
    mum = review.invitees.get(name="Mum Inscope")
    sw.post(
        url("restriction_add", review),
        {"person": mum.pk, "what": "My new school's name"},
    )
    assert (
        sw.post(
            url("checklist", review),
            {"parents_plan": "separate", "parents_plan_reason": "Child's wish"},
        ).status_code
        == 302
    )

    # The IRO confirms; business support sends the invitations twice: sent once.
    assert iro.post(url("confirm", review)).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert bs.post(url("invitations", review)).status_code == 302
        assert bs.post(url("invitations", review)).status_code == 302
    assert Invitation.objects.filter(review=review).count() == 3
    assert not Invitation.objects.filter(invitee__name="Dad Inscope").exists(), (
        "the child did not want Dad"
    )
    emails = OutboundEmail.objects.filter(key__startswith="invitation:")
    assert emails.count() == 2
    send_queued_emails()
    assert len(mail.outbox) == 2
    ics = mail.outbox[0].attachments[0]
    assert (
        "METHOD:REQUEST" in ics[1].decode()
        if isinstance(ics[1], bytes)
        else "METHOD:REQUEST" in ics[1]
    )
    letter = bs.get(
        reverse(
            "documents:invitation_letter",
            args=[review.pk, review.invitees.get(name="Carer Person").pk],
        )
    )
    assert letter["Content-Type"] == "application/pdf"
    assert (
        "Invitation to a review meeting"
        in PdfReader(BytesIO(letter.content)).pages[0].extract_text()
    )

    # The mother answers through her single-use link; the link then stops working.
    mum_email = next(m for m in mail.outbox if m.to == ["mum@example.org"])
    link = re.search(r"/reviews/respond/[^/\s]+/", mum_email.body).group(0)
    assert client_as(world["admin"]).logout() is None
    from django.test import Client

    anonymous = Client()
    assert anonymous.get(link).status_code == 200
    answered = anonymous.post(
        link,
        {
            "going_well": "Contact is better",
            "going_less_well": "",
            "needs_to_happen": "More time",
        },
    )
    assert answered.status_code == 200 and "Thank you" in answered.content.decode()
    assert anonymous.post(link, {"going_well": "Again"}).status_code == 410
    assert (
        Consultation.objects.filter(review=review, respondent_role="parent").count()
        == 1
    )

    # The IRO sees the child, holds the meeting, and records the decisions.
    assert (
        iro.post(
            url("child_contact", review),
            {**d("on", today), "how": "visit", "alone": "yes"},
        ).status_code
        == 302
    )
    assert (
        iro.post(
            url("meeting", review),
            {**d("held_on", meeting_day), "social_worker_present": "True"},
        ).status_code
        == 302
    )
    next_date = today + timedelta(days=60)
    response = iro.post(
        url("hold", review),
        {
            "participation": "PN1",
            f"took_part_{mum.pk}": "separate_meeting",
            "chaired_by": "co_chaired",
            **d("next_review_date", next_date),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    review.refresh_from_db()
    assert review.status == S.HELD
    attendance = MeetingAttendance.objects.get(meeting__review=review)
    assert (attendance.name, attendance.how) == ("Mum Inscope", "separate_meeting")
    following = Review.objects.get(period=review.period, status=S.PLANNED)
    assert following.kind == Review.Kind.SECOND
    assert following.due_date == add_months(review.record_date, 3)

    response = iro.post(
        url("decisions", review),
        {
            "kind": "decision",
            "what": "Move to the new school in September",
            "child_wording": "You will start your new school in September",
            "owner_name": "Tom",
            "owner_role": "sw",
            **d("due_date", today + timedelta(days=90)),
            "success_measure": "Enrolled",
            "withhold_from": [mum.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert iro.post(url("decisions_submit", review), {}).status_code == 302
    assert (
        tm.post(
            reverse("disputes:authorise", args=[review.pk]),
            {"action": "authorise", "comments": ""},
        ).status_code
        == 302
    )

    # The IRO writes the record; Mum's copy leaves out what the child restricted.
    record = {
        "band": "13_plus",
        "translation_language": "",
        "section_going_well": "You were picked for the football team.",
        "section_plan": "You will move to your new school, Hillside Academy.",
        "withhold_plan": [mum.pk],
    }
    assert iro.post(url("record", review), record).status_code == 302
    assert iro.post(url("record_finalise", review)).status_code == 302
    review.refresh_from_db()
    assert review.status == S.RECORD_WRITTEN
    childs = record_version_for(review, None)
    mums = record_version_for(review, mum)
    assert any("Hillside Academy" in s.text for s in childs.sections)
    assert not any("Hillside Academy" in s.text for s in mums.sections)
    assert [dec.what for dec in mums.decisions] == []

    # Business support distributes; the next review is planned with its due date.
    recipients = list(
        review.invitees.filter(name__in=["Northa Inscope", "Mum Inscope"]).values_list(
            "pk", flat=True
        )
    )
    assert (
        bs.post(
            reverse("documents:distribute", args=[review.pk]),
            {"recipients": recipients},
        ).status_code
        == 302
    )
    assert Distribution.objects.get(invitee=mum).version == Distribution.Version.PARENT
    assert (
        iro.post(url("close", review), {"care_plan_updated": "on"}).status_code == 302
    )
    review.refresh_from_db()
    assert review.status == S.CLOSED
    # Feedback is asked by email of the child and Mum: not Dad, whom the child did
    # not want, and not the carer, who has no email address (no link nobody gets).
    assert set(
        AccessLink.objects.filter(review=review, purpose="feedback").values_list(
            "invitee__name", flat=True
        )
    ) == {"Northa Inscope", "Mum Inscope"}


def test_business_support_cannot_open_consultations_or_the_record(
    world, review, client_as
):
    response = client_as(world["bs"]).get(url("consultations", review))
    assert response.status_code == 403


def test_enter_views_is_linked_only_for_those_who_may_enter_them(
    world, review, client_as
):
    """The service manager reads the consultations but neither chairs nor prepares
    the review: the link to the page that would refuse them is not shown."""
    enter = url("consultation_enter", review)
    for person, shown in (("manager", False), ("iro_a", True), ("sw_north", True)):
        client = client_as(world[person])
        html = client.get(url("consultations", review)).content.decode()
        assert (f'href="{enter}"' in html) is shown, person
        assert client.get(enter).status_code == (200 if shown else 403), person


def test_out_of_scope_review_is_404(world, review, client_as):
    for name in ("detail", "schedule", "choices", "record"):
        response = client_as(world["sw_south"]).get(url(name, review))
        assert response.status_code == 404
        assert "Inscope" not in response.content.decode()


def test_other_roles_cannot_schedule(world, review, client_as):
    assert client_as(world["sw_north"]).get(url("schedule", review)).status_code == 403
    assert client_as(world["iro_a"]).get(url("schedule", review)).status_code == 200


def test_bad_schedule_input_is_a_400_with_messages(world, review, client_as):
    response = client_as(world["iro_a"]).post(
        url("schedule", review),
        {"on_0": "31", "on_1": "2", "on_2": "2025", "at": "25:00", "venue": "<b>x</b>"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Date of the review must be a real date" in body
    assert "Start time must be a real time" in body
    assert "&lt;b&gt;x&lt;/b&gt;" in body


def test_expired_link_is_gone(world, review):
    from django.test import Client

    from reviews.models import Invitee
    from reviews.services import link_issue

    person = Invitee.objects.create(
        review=review, name="Aunt", role="other", method="email", email="a@example.org"
    )
    link = link_issue(
        purpose=AccessLink.Purpose.CONSULTATION,
        recipient=person,
        review=review,
        now=timezone.now(),
    ).url
    path = link.split("127.0.0.1:8000")[-1]
    AccessLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert Client().get(path).status_code == 410
    assert Client().get("/reviews/respond/not-a-real-token/").status_code == 404


def test_social_worker_comments_but_cannot_change_the_iro_text(
    world, review, client_as
):
    sw = client_as(world["sw_north"])
    assert sw.get(url("record", review)).status_code == 403
    assert sw.get(url("decisions", review)).status_code == 403
    response = sw.post(url("comment", review), {"text": "Please add the school's view"})
    assert response.status_code == 302
    assert review.comments.get().by == world["sw_north"]
    body = client_as(world["iro_a"]).get(url("detail", review)).content.decode()
    assert "Please add the school&#x27;s view" in body
    assert world["iro_a"].notifications.filter(text__contains="commented").exists()


def test_staff_enter_views_given_another_way(world, review, client_as):
    response = client_as(world["sw_north"]).post(
        url("consultation_enter", review),
        {
            "respondent_role": "child",
            "channel": "drawing",
            "received_on_0": "20",
            "received_on_1": "1",
            "received_on_2": "2025",
            "going_well": "A drawing of my dog",
            "share_with_social_worker": "on",
        },
    )
    assert response.status_code == 302
    consultation = review.consultations.get()
    assert (
        consultation.entered_by == world["sw_north"]
        and consultation.channel == "drawing"
    )
    bad = client_as(world["sw_north"]).post(
        url("consultation_enter", review), {"respondent_role": "child"}
    )
    assert bad.status_code == 400


def test_my_work_and_the_child_page_show_challenges(world, review, client_as):
    from disputes.services import challenge_raise

    challenge_raise(
        child=review.child,
        by=world["iro_a"],
        category="school",
        description="No school place",
        impact_for_child="Missing lessons",
        raised_on=date(2025, 1, 10),
    )
    body = client_as(world["tm_north"]).get(reverse("workspace:home")).content.decode()
    assert "Your response" in body
    page = (
        client_as(world["iro_a"]).get(review.child.get_absolute_url()).content.decode()
    )
    assert 'id="challenges-heading"' in page


def test_record_lists_challenges_closed_since_the_last_review(world, client_as):
    from disputes.services import challenge_raise, challenge_resolve
    from reviews.services import review_plan_next
    from tests.reviews.test_transitions import _held

    period = world["north_child"].periods_of_care.get()
    review = _held(world, review_plan_next(period=period, by=None))
    challenge = challenge_raise(
        child=review.child,
        by=world["iro_a"],
        category="school",
        description="x",
        impact_for_child="y",
        raised_on=date(2025, 1, 10),
    )
    challenge_resolve(
        challenge=challenge,
        by=world["iro_a"],
        outcome="resolved",
        outcome_impact="School place found",
        on=date(2025, 1, 20),
    )
    body = client_as(world["iro_a"]).get(url("record", review)).content.decode()
    assert "Challenges closed since the last review" in body
    # The professional record lists them in the page, not in its <title>.
    from reviews.services import record_save

    record_save(
        review=review,
        by=world["iro_a"],
        band="13_plus",
        translation_language="",
        sections={"going_well": "School is going well."},
        withheld={},
    )
    record = client_as(world["iro_a"]).get(url("record_version", review))
    title = re.search(r"<title>(.*?)</title>", record.content.decode(), re.S)[1]
    assert title.startswith("Record of review – "), title
    assert "School place found" in record.content.decode()


def test_invitations_before_the_date_is_set_and_finalising_without_a_record_are_refused(
    world, review, client_as
):
    """Both were 500s, found by the URL walk."""
    bs, iro = client_as(world["bs"]), client_as(world["iro_a"])
    response = bs.post(url("invitations", review), follow=True)
    assert (
        "Set the date of the review before sending invitations."
        in response.content.decode()
    )
    assert not review.invitations.exists()
    response = iro.post(url("record_finalise", review), follow=True)
    assert "Write the record before finalising it." in response.content.decode()


def test_the_cancel_link_follows_the_rule_the_cancel_page_applies(
    world, review, client_as
):
    """One rule for the link and the page: the cycle allows it, and the user may."""
    cancel = url("cancel", review)
    for who, shown in [("iro_a", True), ("manager", True), ("sw_north", False)]:
        page = client_as(world[who]).get(url("detail", review)).content.decode()
        assert (cancel in page) is shown, who
        status = client_as(world[who]).get(cancel).status_code
        assert (status == 200) is shown, (who, status)
    # A review in progress can still be cancelled (a child leaving care ends it).
    review.status = S.IN_PROGRESS
    review.save()
    page = client_as(world["iro_a"]).get(url("detail", review)).content.decode()
    assert cancel in page
    review.status, review.cancel_reason = S.CANCELLED, Review.CancelReason.OTHER
    review.save()
    page = client_as(world["manager"]).get(url("detail", review)).content.decode()
    assert cancel not in page


def test_nobody_authorises_decisions_on_a_review_they_chaired(world, review):
    """I-1: a team manager who is also the IRO and held the review cannot authorise it."""
    from accounts.models import Role
    from reviews.models import ReviewEvent
    from reviews.permissions import can_authorise_decisions
    from tests.factories import make_user

    both = make_user(
        Role.TEAM_MANAGER, Role.IRO, username="tm_and_iro", team=review.child.team
    )
    assert can_authorise_decisions(both, review)
    ReviewEvent.objects.create(
        review=review, to_status=review.status, action="held", by=both
    )
    assert not can_authorise_decisions(both, review)
    assert can_authorise_decisions(world["tm_north"], review)


def test_no_team_on_either_side_gives_no_authority_to_authorise(world, review):
    """I-1: a team manager with no team never matches a child with no team."""
    from accounts.models import Role
    from reviews.permissions import can_authorise_decisions
    from tests.factories import make_user

    no_team = make_user(Role.TEAM_MANAGER, username="tm_no_team", team=None)
    child = review.child
    child.team = None
    child.save()
    review.refresh_from_db()
    assert not can_authorise_decisions(no_team, review)


def test_a_name_typed_by_one_user_is_text_in_another_users_form(
    world, review, client_as
):
    """An invitee's name and a decision are labels on the IRO's forms: escaped."""
    from crispy_forms.utils import render_crispy_form

    from reviews.forms import HoldForm, ProgressReviewForm
    from reviews.models import Decision, Invitee

    hostile = '<meta http-equiv="refresh" content="0;url=https://elsewhere.example/">'
    Invitee.objects.create(
        review=review, name=hostile, role="other", method="email", email="a@example.org"
    )
    html = render_crispy_form(HoldForm(review=review))
    assert "<meta" not in html and "&lt;meta" in html
    decision = Decision(review=review, what=hostile)
    decision.pk = 1
    html = render_crispy_form(ProgressReviewForm(decisions=[decision]))
    assert "<meta" not in html and "&lt;meta" in html


def test_a_consultation_link_ends_with_the_review_and_is_never_cached(world, review):
    """Open, the page is not stored by browsers; once the review is cancelled (or
    held), the link answers 410 and cannot be used to submit."""
    from django.test import Client

    from reviews.models import Invitee
    from reviews.services import link_issue

    person = Invitee.objects.create(
        review=review, name="Aunt", role="other", method="email", email="a@example.org"
    )
    link = link_issue(
        purpose=AccessLink.Purpose.CONSULTATION,
        recipient=person,
        review=review,
        now=timezone.now(),
    ).url
    path = link.split("127.0.0.1:8000")[-1]
    page = Client().get(path)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    review.status, review.cancel_reason = S.CANCELLED, Review.CancelReason.OTHER
    review.save()
    gone = Client().get(path)
    assert gone.status_code == 410
    assert "no-store" in gone["Cache-Control"]
    posted = Client().post(path, {"going_well": "x"})
    assert posted.status_code == 410
    assert not review.consultations.exists()


def test_business_support_sees_logistics_not_comments_or_the_history_notes(
    world, review, client_as
):
    """Need to know: a social-care comment and a team manager's words are case content."""
    from reviews.models import ReviewComment, ReviewEvent

    ReviewComment.objects.create(review=review, by=world["sw_north"], text="Mum drinks")
    ReviewEvent.objects.create(
        review=review,
        to_status=review.status,
        action="decisions_returned",
        by=world["tm_north"],
        note="Contact plan is unsafe",
    )
    body = client_as(world["bs"]).get(url("detail", review)).content.decode()
    assert "Mum drinks" not in body and "Contact plan is unsafe" not in body
    assert "Decisions returned" in body or "decisions returned" in body.lower()
    iro = client_as(world["iro_a"]).get(url("detail", review)).content.decode()
    assert "Mum drinks" in iro and "Contact plan is unsafe" in iro
