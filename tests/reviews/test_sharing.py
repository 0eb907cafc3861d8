"""What the child does not want shared, from the child's page and from the review, is
one set of restrictions that every copy of the record and finalising honour (V1)."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from children.models import ParentSharingRestriction
from children.services import sharing_restriction_end, sharing_restriction_record
from reviews import services
from reviews.models import RecordAudience
from reviews.services import sharing
from tests.reviews.test_transitions import TODAY, _held

pytestmark = pytest.mark.django_db

Who = ParentSharingRestriction.Who
SECRET = "You have a new boyfriend, Sam."


def _person(review, by, name, role, **fields):
    return services.invitee_save(
        review=review,
        by=by,
        name=name,
        role=role,
        method="letter",
        postal_address="1 High Street",
        **fields,
    )


@pytest.fixture
def authorised(world, review):
    """Northa's review held, its decisions authorised, with Mum, Dad, a carer and a
    teacher on the list and a record that mentions the boyfriend."""
    people = {
        "mum": _person(review, world["sw_north"], "Jane Smith", "parent"),
        "dad": _person(review, world["sw_north"], "John Smith", "parent"),
        "carer": _person(review, world["sw_north"], "Pat Carer", "carer"),
        "teacher": _person(review, world["sw_north"], "Ms Page", "teacher"),
    }
    review = _held(world, review)
    services.review_submit_decisions(
        review=review, by=world["iro_a"], today=TODAY, no_new_decisions=True
    )
    services.review_authorise_decisions(
        review=review, by=world["tm_north"], today=TODAY
    )
    _write(review, world["iro_a"], withheld={})
    review.refresh_from_db()
    return review, people


def _write(review, by, *, withheld, nothing=None):
    return services.record_save(
        review=review,
        by=by,
        band="13_plus",
        translation_language="",
        sections={"going_well": "School is going well.", "wishes": SECRET},
        withheld=withheld,
        nothing_to_leave_out_for=nothing,
    )


def _wish(world, person, applies_to=Who.PERSON, what="Her boyfriend"):
    return sharing_restriction_record(
        child=world["north_child"],
        person=person,
        applies_to=applies_to,
        what=what,
        agreed_with_child_on=date(2025, 1, 20),
        by=world["sw_north"],
    )


def test_a_wish_on_the_childs_page_blocks_finalising_until_it_is_decided(
    world, authorised
):
    """It used to stop at the child's page: finalising went ahead and Mum's copy held
    what the child asked to keep from her."""
    review, people = authorised
    _wish(world, "Mum (Jane Smith)")
    with pytest.raises(ValidationError, match="Jane Smith"):
        services.record_finalise(review=review, by=world["iro_a"], today=TODAY)
    _write(review, world["iro_a"], withheld={"wishes": [people["mum"]]})
    services.record_finalise(review=review, by=world["iro_a"], today=TODAY)
    mums = services.record_version_for(review, people["mum"])
    assert mums.kind == RecordAudience.PARENT
    assert SECRET not in [s.text for s in mums.sections]
    dads = services.record_version_for(review, people["dad"])
    assert SECRET in [s.text for s in dads.sections], "the wish names Mum only"


def test_a_wish_about_every_carer_gives_the_carer_their_own_copy(world, authorised):
    review, people = authorised
    _wish(world, "Carers", applies_to=Who.CARERS)
    assert sharing.restricted_people(review) == [people["carer"]]
    _write(review, world["iro_a"], withheld={"wishes": [people["carer"]]})
    services.record_finalise(review=review, by=world["iro_a"], today=TODAY)
    carers = services.record_version_for(review, people["carer"])
    assert carers.kind == RecordAudience.PARENT  # "a person's own version"
    assert SECRET not in [s.text for s in carers.sections]
    assert people["carer"] in services.people_needing_their_own_version(review)


@pytest.mark.parametrize(
    "applies_to, covered",
    [
        (Who.PARENTS, {"mum", "dad"}),
        (Who.CARERS, {"carer"}),
        (Who.PROFESSIONALS, {"teacher"}),
        (Who.EVERYONE, {"mum", "dad", "carer", "teacher"}),
    ],
)
def test_who_a_wish_covers(world, authorised, applies_to, covered):
    review, people = authorised
    _wish(world, "x", applies_to=applies_to)
    assert {k for k, p in people.items() if p in sharing.restricted_people(review)} == (
        covered
    )


def test_nothing_to_leave_out_is_a_decision_and_is_audited(world, authorised):
    review, people = authorised
    _wish(world, "Jane Smith")
    record = _write(review, world["iro_a"], withheld={}, nothing=[people["mum"]])
    services.record_finalise(review=review, by=world["iro_a"], today=TODAY)
    entry = LogEntry.objects.get_for_object(record).filter(
        changes_text="", action=LogEntry.Action.UPDATE
    ) | LogEntry.objects.get_for_object(record).filter(action=LogEntry.Action.UPDATE)
    assert any("nothing_to_leave_out_for" in (e.changes_dict or {}) for e in entry), (
        "who is told what is a change the audit log keeps (V2)"
    )


def test_a_wish_ended_before_the_review_does_not_apply(world, authorised):
    review, people = authorised
    wish = _wish(world, "Jane Smith")
    sharing_restriction_end(
        restriction=wish, ended_on=date(2025, 1, 25), by=world["sw_north"]
    )
    assert sharing.restricted_people(review) == []
    services.record_finalise(review=review, by=world["iro_a"], today=TODAY)


def test_a_wish_about_someone_not_on_the_list_is_shown_on_the_record_page(
    world, authorised, client_as
):
    review, _ = authorised
    _wish(world, "Uncle Bob")
    page = client_as(world["iro_a"]).get(reverse("reviews:record", args=[review.pk]))
    assert page.status_code == 200
    assert "nobody on this review's list has that name" in page.content.decode()


def test_the_record_page_offers_nothing_to_leave_out_for_restricted_people_only(
    world, authorised, client_as
):
    review, people = authorised
    _wish(world, "Jane Smith")
    page = client_as(world["iro_a"]).get(reverse("reviews:record", args=[review.pk]))
    field = page.context["form"].fields["nothing_to_leave_out_for"]
    assert list(field.queryset) == [people["mum"]]


def test_a_restriction_on_the_review_and_one_on_the_childs_page_are_one_list(
    world, authorised
):
    review, people = authorised
    services.sharing_restriction_add(
        review=review, by=world["sw_north"], person=people["dad"], what="The move"
    )
    _wish(world, "Jane Smith")
    found = {(r.invitee.name, r.recorded_on) for r in sharing.restrictions_at(review)}
    assert found == {
        ("John Smith", sharing.FROM_THIS_REVIEW),
        ("Jane Smith", sharing.FROM_CHILDS_PAGE),
    }
    with pytest.raises(ValidationError, match="Jane Smith, John Smith"):
        services.record_finalise(review=review, by=world["iro_a"], today=TODAY)


def test_the_iro_sees_every_restriction_when_confirming_the_invite_list(
    world, review, client_as
):
    """The invitation tells its person where the meeting is: the IRO confirms the list
    seeing what the child keeps from each person, from both places."""
    _person(review, world["sw_north"], "Jane Smith", "parent")
    _wish(world, "Every parent", applies_to=Who.PARENTS, what="Where I live now")
    page = client_as(world["iro_a"]).get(reverse("reviews:confirm", args=[review.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert (
        "with Jane Smith: Where I live now (recorded on the child&#x27;s page)" in body
    )
    choices = client_as(world["sw_north"]).get(
        reverse("reviews:choices", args=[review.pk])
    )
    assert (
        reverse("reviews:restriction_add", args=[review.pk]) in choices.content.decode()
    )


def test_the_iro_saves_the_record_again_without_a_conflict(
    world, authorised, client_as
):
    """The record form's version is the record's own; the step view also compared it
    with the review's version, so saving the record a second time was a 409."""
    review, _ = authorised
    iro = client_as(world["iro_a"])
    url = reverse("reviews:record", args=[review.pk])
    for text in ("School is going well.", "School is going very well."):
        version = iro.get(url).context["form"].initial["version"]
        saved = iro.post(
            url, {"band": "13_plus", "version": version, "section_going_well": text}
        )
        assert saved.status_code == 302
    review.record.refresh_from_db()
    assert review.record.version == 3
    assert review.record.sections.get(key="going_well").text == text
    stale = iro.post(
        url, {"band": "13_plus", "version": version, "section_going_well": "Old"}
    )
    assert stale.status_code == 409, "the record's own version is still checked"


def test_someone_the_child_keeps_something_from_is_not_sent_the_place(world, review):
    """The invitation email, its calendar entry and the letter gave them the place (V3)."""
    from icalendar import Calendar

    from documents.documents import invitation_spec
    from documents.pdf import render_html
    from reviews.models import Invitation
    from reviews.services.invitations import email_text, invitation_ics
    from tests.reviews.test_transitions import schedule

    mum = _person(review, world["sw_north"], "Jane Smith", "parent")
    teacher = _person(review, world["sw_north"], "Ms Page", "teacher")
    _wish(world, mum)
    review = schedule(review, world["iro_a"])
    assert review.venue == "The child's school"
    for person, told in ((mum, False), (teacher, True)):
        text = email_text(review, person, Invitation(sequence=0), None)
        event = Calendar.from_ical(invitation_ics(review, person)).walk("VEVENT")[0]
        spec = invitation_spec(review, person)
        letter = render_html(spec.template, spec.full_context())
        # D-CAL1: no LOCATION at all for them, and no place in the description.
        assert ("LOCATION" in event) is told
        calendar_text = f"{event.get('location', '')} {event['description']}"
        for shown in (text, calendar_text, letter):
            assert ("school" in shown) is told, (person.name, shown[:200])
        if not told:
            assert sharing.PLACE_TOLD_SEPARATELY in text
