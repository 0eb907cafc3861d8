"""Mistakes put right with their history (C1-C4): a returned decision changed or
removed, a held review's facts corrected in place, a final record amended and sent
again as a new version to everyone who had it."""

import io
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.models import Notification
from documents.models import Distribution, Document
from documents.services import record_amendment_send, review_distribute
from reviews import services
from reviews.models import Consultation, Decision, Review, ReviewCorrection
from reviews.services import corrections
from tests.reviews.test_transitions import TODAY, _held

pytestmark = pytest.mark.django_db
S = Review.Status


def _decision(review, by, what="Referral to CAMHS"):
    return services.decision_save(
        review=review,
        by=by,
        what=what,
        child_wording="You will see someone about your feelings.",
        owner_name="Tom",
        owner_role="sw",
        due_date=date(2025, 3, 1),
        success_measure="Seen by May",
    )


@pytest.fixture
def returned(world, review):
    """Northa's review held, its decisions sent and returned by the team manager."""
    review = _held(world, review)
    _decision(review, world["iro_a"], "Refer the stepfather for a parenting assessment")
    _decision(review, world["iro_a"], "Swimming lessons every week")
    services.review_submit_decisions(review=review, by=world["iro_a"], today=TODAY)
    services.review_return_decisions(
        review=review,
        by=world["tm_north"],
        comments="The first is for the wrong child.",
    )
    review.refresh_from_db()
    return review


def test_a_returned_decision_set_is_changed_and_a_wrong_decision_removed(
    world, returned
):
    wrong, right = returned.decisions.order_by("pk")
    assert returned.status == S.HELD and corrections.decisions_changeable(returned)
    pks = [str(wrong.pk), str(right.pk)]
    corrections.decision_remove(review=returned, by=world["iro_a"], decision=wrong)
    services.decision_save(
        review=returned,
        by=world["iro_a"],
        decision=right,
        what="Swimming lessons every Saturday",
        owner_name="Pat",
        owner_role="carer",
        due_date=date(2025, 4, 1),
        success_measure="Goes every week",
    )
    assert [d.what for d in returned.decisions.all()] == [
        "Swimming lessons every Saturday"
    ]
    removed = returned.events.get(action="decision_removed")
    assert "parenting assessment" in removed.note and removed.by == world["iro_a"]
    # Nothing deleted or silently overwritten: the removed decision keeps its row, and
    # the audit keeps the old words.
    kept = Decision.everything.get(pk=pks[0])
    assert kept.removed_at is not None and kept.removed_by == world["iro_a"]
    entries = LogEntry.objects.filter(object_pk__in=pks)
    assert not entries.filter(action=LogEntry.Action.DELETE).exists()
    update = entries.filter(
        action=LogEntry.Action.UPDATE, object_pk=pks[1], changes__has_key="what"
    ).latest("timestamp")
    assert update.changes_dict["what"] == [
        "Swimming lessons every week",
        "Swimming lessons every Saturday",
    ]


def test_decisions_with_the_team_manager_cannot_be_changed(world, review):
    review = _held(world, review)
    decision = _decision(review, world["iro_a"])
    services.review_submit_decisions(review=review, by=world["iro_a"], today=TODAY)
    review.refresh_from_db()
    with pytest.raises(ValidationError, match="before they go to the team manager"):
        corrections.decision_remove(review=review, by=world["iro_a"], decision=decision)
    with pytest.raises(ValidationError, match="before they go to the team manager"):
        services.decision_save(
            review=review, by=world["iro_a"], decision=decision, what="Changed"
        )


def test_a_decision_of_another_review_cannot_be_changed_through_this_one(
    world, returned, client_as
):
    other = Review.objects.create(
        child=world["south_child"],
        period=world["south_child"].periods_of_care.get(),
        due_date=date(2025, 5, 1),
    )
    stray = Decision.objects.create(
        review=other,
        what="Elsewhere",
        owner_name="X",
        owner_role="sw",
        due_date=date(2025, 5, 1),
        success_measure="-",
    )
    with pytest.raises(ValidationError, match="not part of this review"):
        corrections.decision_remove(review=returned, by=world["iro_a"], decision=stray)
    response = client_as(world["iro_a"]).get(
        reverse("reviews:decision_edit", args=[returned.pk, stray.pk])
    )
    assert response.status_code == 404


def test_the_decision_pages_change_and_remove_for_the_iro_only(
    world, returned, client_as
):
    wrong, right = returned.decisions.order_by("pk")
    iro = client_as(world["iro_a"])
    page = iro.get(reverse("reviews:decisions", args=[returned.pk]))
    edit_url = reverse("reviews:decision_edit", args=[returned.pk, right.pk])
    remove_url = reverse("reviews:decision_remove", args=[returned.pk, wrong.pk])
    assert edit_url in page.content.decode() and remove_url in page.content.decode()
    form = iro.get(edit_url)
    assert "Swimming lessons every week" in form.content.decode()
    bad = iro.post(edit_url, {"kind": "decision", "what": ""})
    assert bad.status_code == 400 and "Enter what will happen" in bad.content.decode()
    saved = iro.post(
        edit_url,
        {
            "kind": "decision",
            "what": "Swimming on Saturdays",
            "child_wording": "",
            "owner_name": "Pat",
            "owner_role": "carer",
            "due_date_0": "1",
            "due_date_1": "4",
            "due_date_2": "2025",
            "success_measure": "Goes",
        },
    )
    assert saved.status_code == 302
    right.refresh_from_db()
    assert right.what == "Swimming on Saturdays"
    wrong_pk = wrong.pk
    assert iro.post(remove_url).status_code == 400  # not confirmed: kept
    assert returned.decisions.filter(pk=wrong_pk).exists()
    assert iro.post(remove_url, {"confirm": "on"}).status_code == 302
    assert not returned.decisions.filter(pk=wrong_pk).exists()
    for user in ("sw_north", "tm_north", "bs"):
        assert client_as(world[user]).get(edit_url).status_code in (403, 404)


def _correct(review, by, **changes):
    meeting = review.meetings.order_by("-held_on").first()
    facts = {
        "held_on": meeting.held_on,
        "participation": review.participation,
        "chaired_by": review.chaired_by,
        "next_review_date": review.next_review_date,
        "reason": "Typed the wrong day",
    }
    return corrections.held_facts_correct(
        review=review, by=by, today=TODAY, **{**facts, **changes}
    )


def test_correcting_the_held_date_recomputes_the_next_reviews_due_date(world, review):
    review = _held(world, review)
    following = review.period.reviews.open().get()
    assert review.record_date == date(2025, 1, 30)
    due_before = following.due_date
    with pytest.raises(ValidationError, match="must be by 28 April 2025"):
        _correct(review, world["iro_a"], held_on=date(2025, 1, 28))
    correction = _correct(
        review,
        world["iro_a"],
        held_on=date(2025, 1, 28),
        next_review_date=date(2025, 4, 28),
    )
    review.refresh_from_db()
    following.refresh_from_db()
    assert review.record_date == date(2025, 1, 28) and review.status == S.HELD
    assert correction.changes["record_date"] == ["2025-01-30", "2025-01-28"]
    assert correction.reason == "Typed the wrong day"
    assert following.due_date < due_before
    assert following.events.filter(action="due_date_recomputed").exists()
    assert review.events.filter(action="held_facts_corrected").exists()
    # Still one open review in the period: the held one was corrected, not reopened.
    assert review.period.reviews.open().count() == 1


def test_a_correction_needs_a_reason_and_a_plausible_date(world, review):
    review = _held(world, review)
    with pytest.raises(ValidationError) as refused:
        _correct(review, world["iro_a"], held_on=date(2025, 1, 29), reason=" ")
    assert "reason" in refused.value.message_dict
    for day in (date(1900, 1, 1), date(2100, 1, 1), date(2024, 12, 1)):
        with pytest.raises(ValidationError) as refused:
            _correct(review, world["iro_a"], held_on=day)
        assert "held_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _correct(review, world["iro_a"], participation="PN0")
    assert "participation" in refused.value.message_dict
    assert _correct(review, world["iro_a"]) is None  # nothing changed, nothing written
    assert not ReviewCorrection.objects.exists()


@pytest.fixture
def sent(world, review, settings, tmp_path):
    """Northa's review with its record finalised and sent to Mum and a teacher."""
    settings.MEDIA_ROOT = tmp_path
    people = [
        services.invitee_save(
            review=review,
            by=world["sw_north"],
            name=name,
            role=role,
            method="letter",
            postal_address="1 High Street",
        )
        for name, role in (("Jane Smith", "parent"), ("Ms Page", "teacher"))
    ]
    review = _held(world, review)
    _decision(review, world["iro_a"])
    services.review_submit_decisions(review=review, by=world["iro_a"], today=TODAY)
    services.review_authorise_decisions(
        review=review, by=world["tm_north"], today=TODAY
    )
    services.record_save(
        review=review,
        by=world["iro_a"],
        band="13_plus",
        translation_language="",
        sections={"going_well": "You are doing well at Ashfield School."},
        withheld={},
    )
    services.record_finalise(review=review, by=world["iro_a"], today=TODAY)
    review_distribute(
        review=review, by=world["bs"], now=timezone.now(), recipients=people
    )
    review.refresh_from_db()
    return review, people


def test_a_final_record_cannot_be_changed_without_an_amendment(world, sent):
    review, _ = sent
    assert not corrections.record_changeable(review)
    assert not corrections.held_facts_correctable(review)
    with pytest.raises(ValidationError, match="amend it"):
        services.record_save(
            review=review,
            by=world["iro_a"],
            band="13_plus",
            translation_language="",
            sections={"going_well": "Changed"},
            withheld={},
        )
    with pytest.raises(ValidationError, match="amend the record"):
        _correct(review, world["iro_a"], held_on=date(2025, 1, 29))


def _text(document) -> str:
    document.file.open("rb")
    try:
        pages = PdfReader(io.BytesIO(document.file.read())).pages
        return " ".join(" ".join(page.extract_text() for page in pages).split())
    finally:
        document.file.close()


def test_an_amendment_issues_a_new_version_to_everyone_who_had_the_old_one(world, sent):
    review, (mum, teacher) = sent
    old_documents = {d.key: d.version for d in Document.objects.filter(review=review)}
    with pytest.raises(ValidationError) as refused:
        corrections.record_amendment_open(review=review, by=world["iro_a"], reason="")
    assert "reason" in refused.value.message_dict
    corrections.record_amendment_open(
        review=review, by=world["iro_a"], reason="The school's name was wrong"
    )
    with pytest.raises(ValidationError, match="already being amended"):
        corrections.record_amendment_open(review=review, by=world["iro_a"], reason="x")
    services.record_save(
        review=review,
        by=world["iro_a"],
        band="13_plus",
        translation_language="",
        sections={"going_well": "You are doing well at Ashworth School."},
        withheld={},
    )
    _correct(review, world["iro_a"], held_on=date(2025, 1, 29))
    amendment, resent = record_amendment_send(
        review=review, by=world["iro_a"], now=timezone.now()
    )
    review.refresh_from_db()
    assert review.status == S.DISTRIBUTED and review.record_date == date(2025, 1, 29)
    assert amendment.to_version == review.record.version > amendment.from_version
    assert {d.invitee for d in resent} == {mum, teacher}
    assert all(d.record_version == amendment.to_version for d in resent)
    # Every document of the record has a new version, and says it was corrected.
    new = {
        d.key: d
        for d in Document.objects.filter(review=review, kind__in=Document.RECORD_KINDS)
        if d.record_version == amendment.to_version
    }
    assert set(new) == {key for key in old_documents if key.startswith("record_")}
    assert all(new[key].version > old_documents[key] for key in new)
    mums = Distribution.objects.get(invitee=mum, record_version=amendment.to_version)
    text = _text(mums.document)
    assert "Ashworth" in text and "corrected" in text and "Ashfield" not in text
    professional = next(d for k, d in new.items() if "professional" in k)
    assert "name was wrong" in _text(professional)
    actions = list(review.events.values_list("action", flat=True))
    assert {"record_amendment_started", "record_amended", "amended_record_sent"} <= set(
        actions
    )
    assert corrections.open_amendment(review) is None
    assert not corrections.record_changeable(review)
    told = Notification.objects.filter(text__contains="was amended (version 2)")
    assert {n.user for n in told} == {world["sw_north"], world["tm_north"]}


def test_only_the_chair_amends_the_record(world, sent, client_as):
    review, _ = sent
    url = reverse("reviews:record_amend", args=[review.pk])
    for user in ("sw_north", "tm_north", "bs", "manager"):
        assert client_as(world[user]).get(url).status_code in (403, 404)
    iro = client_as(world["iro_a"])
    record_page = iro.get(reverse("reviews:record", args=[review.pk])).content.decode()
    assert url in record_page and "Save the record" not in record_page
    assert iro.post(url, {"reason": ""}).status_code == 400
    assert iro.post(url, {"reason": "Wrong school"}).status_code == 302
    issue = reverse("documents:amendment_issue", args=[review.pk])
    page = iro.get(issue).content.decode()
    assert "Jane Smith" in page and "Ms Page" in page
    assert (
        iro.get(reverse("reviews:record", args=[review.pk]))
        .content.decode()
        .count("Save the record")
    )
    assert client_as(world["sw_north"]).post(issue).status_code in (403, 404)
    assert iro.post(issue).status_code == 400
    assert iro.post(issue, {"confirm": "on"}).status_code == 302
    assert review.record.amendments.get().to_version == 2


def test_views_staff_entered_are_changed_or_removed_and_a_persons_own_are_not(
    world, review, client_as
):
    entered = services.consultation_enter(
        review=review,
        by=world["sw_north"],
        respondent_role="carer",
        respondent_name="Pat",
        channel="phone",
        received_on=date(2025, 1, 20),
        going_well="Sleeping well",
    )
    own = Consultation.objects.create(
        review=review,
        respondent_role="parent",
        channel="form",
        received_on=date(2025, 1, 21),
        going_well="Her own words",
    )
    corrections.consultation_correct(
        review=review,
        by=world["sw_north"],
        consultation=entered,
        received_on=date(2025, 1, 19),
        going_well="Sleeping well most nights",
    )
    entered.refresh_from_db()
    assert entered.going_well == "Sleeping well most nights"
    with pytest.raises(ValidationError, match="today or in the past"):
        corrections.consultation_correct(
            review=review,
            by=world["sw_north"],
            consultation=entered,
            received_on=date(2100, 1, 1),
        )
    with pytest.raises(ValidationError, match="own link are theirs"):
        corrections.consultation_correct(
            review=review, by=world["iro_a"], consultation=own, going_well="Changed"
        )
    page = client_as(world["iro_a"]).get(
        reverse("reviews:consultations", args=[review.pk])
    )
    html = page.content.decode()
    assert reverse("reviews:consultation_edit", args=[review.pk, entered.pk]) in html
    assert reverse("reviews:consultation_edit", args=[review.pk, own.pk]) not in html
    sw = client_as(world["sw_north"])
    remove = reverse("reviews:consultation_remove", args=[review.pk, entered.pk])
    assert sw.post(remove).status_code == 400
    assert sw.post(remove, {"confirm": "on"}).status_code == 302
    assert list(review.consultations.all()) == [own]
    assert "Pat" in review.events.get(action="entry_removed").note
    assert client_as(world["bs"]).get(
        reverse("reviews:consultation_edit", args=[review.pk, own.pk])
    ).status_code in (403, 404)


def test_a_contact_with_the_child_is_changed_and_removed(world, review, client_as):
    contact = services.child_contact_record(
        child=review.child,
        review=review,
        by=world["iro_a"],
        on=date(2025, 1, 20),
        how="visit",
        alone="yes",
    )
    iro = client_as(world["iro_a"])
    page = iro.get(reverse("reviews:child_contact", args=[review.pk])).content.decode()
    edit = reverse("reviews:child_contact_edit", args=[review.pk, contact.pk])
    assert edit in page
    bad = iro.post(edit, {"on_0": "1", "on_1": "1", "on_2": "2100", "how": "phone"})
    assert bad.status_code == 400 and "govuk-error-summary" in bad.content.decode()
    good = iro.post(edit, {"on_0": "21", "on_1": "1", "on_2": "2025", "how": "phone"})
    assert good.status_code == 302
    contact.refresh_from_db()
    assert (contact.on, contact.how) == (date(2025, 1, 21), "phone")
    remove = reverse("reviews:child_contact_remove", args=[review.pk, contact.pk])
    assert iro.post(remove, {"confirm": "on"}).status_code == 302
    assert not review.child_contacts.exists()
    assert client_as(world["sw_north"]).get(edit).status_code in (403, 404)


def test_someone_added_by_mistake_comes_off_the_list_until_something_is_sent(
    world, review, client_as
):
    aunt = services.invitee_save(
        review=review,
        by=world["sw_north"],
        name="Aunt Jo",
        role="other",
        method="letter",
        postal_address="2 Low Road",
    )
    kept = services.invitee_save(
        review=review,
        by=world["sw_north"],
        name="Uncle Ray",
        role="other",
        method="letter",
        postal_address="3 Low Road",
    )
    services.sharing_restriction_add(
        review=review, by=world["sw_north"], person=kept, what="The new school"
    )
    sw = client_as(world["sw_north"])
    page = sw.get(reverse("reviews:checklist", args=[review.pk])).content.decode()
    assert reverse("reviews:invitee_remove", args=[review.pk, aunt.pk]) in page
    assert reverse("reviews:invitee_remove", args=[review.pk, kept.pk]) not in page
    with pytest.raises(ValidationError, match="child's wish is kept"):
        corrections.invitee_remove(review=review, by=world["sw_north"], invitee=kept)
    remove = reverse("reviews:invitee_remove", args=[review.pk, aunt.pk])
    assert sw.post(remove, {"confirm": "on"}).status_code == 302
    assert list(review.invitees.all()) == [kept]
    assert "Aunt Jo" in review.events.get(action="entry_removed").note


def test_who_took_part_is_corrected_with_the_held_facts(world, review, client_as):
    mum = services.invitee_save(
        review=review,
        by=world["sw_north"],
        name="Jane Smith",
        role="parent",
        method="letter",
        postal_address="1 High Street",
    )
    review = _held(world, review)
    services.meeting_attendance_record(
        review=review, by=world["iro_a"], attendance={mum: "attended"}
    )
    url = reverse("reviews:held_correct", args=[review.pk])
    iro = client_as(world["iro_a"])
    page = iro.get(url).content.decode()
    assert f"id_took_part_{mum.pk}" in page
    meeting = review.meetings.get()
    posted = {
        "held_on_0": str(meeting.held_on.day),
        "held_on_1": str(meeting.held_on.month),
        "held_on_2": str(meeting.held_on.year),
        "participation": review.participation,
        "chaired_by": review.chaired_by,
        "next_review_date_0": str(review.next_review_date.day),
        "next_review_date_1": str(review.next_review_date.month),
        "next_review_date_2": str(review.next_review_date.year),
        f"took_part_{mum.pk}": "phone",
        "reason": "She joined by phone",
    }
    assert iro.post(url, posted).status_code == 302
    assert meeting.attendance.get(name="Jane Smith").how == "phone"
    correction = review.corrections.get()
    assert correction.lines() == ["How Jane Smith took part: Attended to By phone"]
    assert (
        "How Jane Smith took part"
        in iro.get(review.get_absolute_url()).content.decode()
    )


def test_a_wish_recorded_after_the_record_went_out_is_put_right_by_an_amendment(
    world, sent, client_as
):
    """It changed nothing already sent, and nobody was told (V1, C3, C4)."""
    from children.services import sharing_restriction_record

    review, (mum, teacher) = sent
    assert corrections.wishes_since_final(review) == []
    sharing_restriction_record(
        child=review.child,
        person="Jane Smith",
        applies_to="person",
        what="Her new school",
        agreed_with_child_on=date(2025, 3, 2),
        by=world["sw_north"],
    )
    assert corrections.wishes_since_final(review) == [mum]
    iro = client_as(world["iro_a"])
    amend = reverse("reviews:record_amend", args=[review.pk])
    assert (
        "Since the record was finalised"
        in iro.get(review.get_absolute_url()).content.decode()
    )
    home = iro.get(reverse("workspace:home")).content.decode()
    assert "a wish recorded since it was final" in home and amend in home
    corrections.record_amendment_open(
        review=review, by=world["iro_a"], reason="Her new school is not to be shared"
    )
    with pytest.raises(ValidationError, match="not to be shared with Jane Smith"):
        record_amendment_send(review=review, by=world["iro_a"], now=timezone.now())
    services.record_save(
        review=review,
        by=world["iro_a"],
        band="13_plus",
        translation_language="",
        sections={"going_well": "You are doing well at Ashfield School."},
        withheld={"going_well": [mum]},
    )
    _, resent = record_amendment_send(
        review=review, by=world["iro_a"], now=timezone.now()
    )
    assert {d.invitee for d in resent} == {mum, teacher}
    mums = next(d for d in resent if d.invitee == mum)
    assert "Ashfield" not in _text(mums.document)
    assert corrections.wishes_since_final(review) == []
    assert amend not in iro.get(reverse("workspace:home")).content.decode()


def test_a_record_not_written_or_not_final_cannot_be_sent(world, review):
    """Sending a review with no record raised RelatedObjectDoesNotExist (a 500)."""
    mum = services.invitee_save(
        review=review,
        by=world["sw_north"],
        name="Jane Smith",
        role="parent",
        method="letter",
        postal_address="1 High Street",
    )
    with pytest.raises(ValidationError, match="Finalise the record"):
        review_distribute(
            review=review, by=world["bs"], now=timezone.now(), recipients=[mum]
        )


def _series(world, review):
    """Northa's review held over two meetings: 30 January and 3 February 2025."""
    from tests.reviews.test_transitions import held, schedule, start

    schedule(review, world["iro_a"])
    start(review, world["iro_a"])
    services.review_add_meeting(
        review=review,
        by=world["iro_a"],
        held_on=date(2025, 2, 3),
        reason="Northa wanted to speak to the IRO on her own first",
    )
    held(review, world["iro_a"])
    review.refresh_from_db()
    return review


def _correct_meeting(world, review, meeting, held_on):
    return corrections.meeting_correct(
        review=review,
        by=world["iro_a"],
        today=TODAY,
        meeting=meeting,
        held_on=held_on,
        reason="Typo",
    )


def test_an_earlier_meeting_of_a_series_has_its_date_corrected(
    world, review, client_as
):
    """Only the last meeting of a series could have its date put right (C2)."""
    review = _series(world, review)
    first, last = review.meetings.order_by("held_on")
    iro = client_as(world["iro_a"])
    page = reverse("reviews:meeting_correct", args=[review.pk, first.pk])
    held_page = iro.get(reverse("reviews:held_correct", args=[review.pk]))
    assert page in held_page.content.decode()
    refused = iro.post(page, {"held_on_0": "4", "held_on_1": "2", "held_on_2": "2025"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Enter the reason for the correction" in body
    after_last = iro.post(
        page,
        {"held_on_0": "4", "held_on_1": "2", "held_on_2": "2025", "reason": "Typo"},
    )
    assert after_last.status_code == 400
    assert (
        "on or before its last meeting (3 February 2025)" in after_last.content.decode()
    )
    ok = iro.post(
        page,
        {"held_on_0": "29", "held_on_1": "1", "held_on_2": "2025", "reason": "Typo"},
    )
    assert ok.status_code == 302
    first.refresh_from_db()
    review.refresh_from_db()
    assert first.held_on == date(2025, 1, 29)
    assert review.record_date == date(2025, 1, 30)  # a series: the date it was set for
    correction = review.corrections.get()
    assert correction.lines() == [
        "Date of a meeting: 30 January 2025 to 29 January 2025"
    ]
    assert review.events.filter(action="meeting_corrected", note="Typo").exists()
    with pytest.raises(ValidationError, match="correct it with the review's facts"):
        _correct_meeting(world, review, last, date(2025, 2, 2))
    assert client_as(world["sw_north"]).get(page).status_code == 403


def test_a_meeting_of_a_review_in_progress_is_corrected(world, review, client_as):
    from tests.reviews.test_transitions import schedule, start

    schedule(review, world["iro_a"])
    meeting = start(review, world["iro_a"])
    iro = client_as(world["iro_a"])
    assert (
        reverse("reviews:meeting_correct", args=[review.pk, meeting.pk])
        in iro.get(reverse("reviews:meeting", args=[review.pk])).content.decode()
    )
    with pytest.raises(ValidationError) as future:
        _correct_meeting(world, review, meeting, date(2025, 3, 2))
    assert "held_on" in future.value.error_dict
    _correct_meeting(world, review, meeting, date(2025, 1, 31))
    meeting.refresh_from_db()
    assert meeting.held_on == date(2025, 1, 31)


def test_a_final_records_meetings_are_corrected_only_by_an_amendment(world, sent):
    review, _ = sent
    meeting = review.meetings.get()
    assert not corrections.meetings_correctable(review)
    with pytest.raises(ValidationError, match="amend the record"):
        _correct_meeting(world, review, meeting, date(2025, 1, 29))
