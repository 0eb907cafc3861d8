"""People the child does not want at the meeting keep their voice (docs/rules.md,
V-APART): they are heard apart (a meeting, a call or a form of their own), planned and
tracked as a task on the IRO's My work until their views are in, and still get the
version of the record the child's wishes allow; so is someone who asked to speak to
the IRO separately. The IRO sees who has and has not been heard before holding the
review.

Before: a parent the child did not want at the meeting dropped out entirely: no
invitation (right), but no consultation, no record, and nothing told the IRO."""
# ruff: noqa: F811 (smtp_server is a fixture, imported for the tests' arguments)

import re
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.notifications import send_queued_emails
from reviews import services
from reviews.forms import DistributeForm
from reviews.models import (
    Coming,
    Consultation,
    ConveningChecklist,
    HearingApart,
    Invitee,
    RecordAudience,
    ReviewEvent,
    ReviewRecord,
)
from reviews.services import apart
from tests.smtp_server import smtp_server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
How = HearingApart.How


@pytest.fixture
def scheduled(world):
    """A review ten days ahead; the child does not want their mother there."""
    period = world["north_child"].periods_of_care.get()
    period.started_on = timezone.localdate() - timedelta(days=7)
    period.save()
    review = services.review_plan_next(period=period, by=None)
    day = timezone.localdate() + timedelta(days=10)
    review = services.review_schedule(
        review=review,
        by=world["iro_a"],
        scheduled_for=timezone.make_aware(datetime.combine(day, time(16))),
        venue="Youth club, 4 Hill Street",
        format="face_to_face",
    )
    people = {
        "mum": Invitee.objects.create(
            review=review,
            name="Mandy Mother",
            role="parent",
            method="email",
            email="mum@example.org",
            child_does_not_want=True,
        ),
        "uncle": Invitee.objects.create(
            review=review,
            name="Ulric Uncle",
            role="other",
            method="email",
            email="uncle@example.org",
            consultation_type="adult",
        ),
    }
    ConveningChecklist.objects.create(
        review=review,
        submitted_by=world["sw_north"],
        submitted_on=timezone.localdate(),
        confirmed_by=world["iro_a"],
        confirmed_on=timezone.localdate(),
    )
    return review, people, day


def _plan(world, review, person, how=How.PHONE, on=None, **more):
    return apart.hearing_apart_plan(
        review=review,
        invitee=person,
        by=world["iro_a"],
        how=how,
        planned_on=on or timezone.localdate() + timedelta(days=3),
        now=timezone.now(),
        **more,
    )


def _apart_tasks(client, world):
    client.force_login(world["iro_a"])
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 200
    return [
        item
        for group in response.context["groups"]
        for item in group.items
        if item.kind == "apart"
    ]


def _enter_views(world, review, person, **fields):
    return services.consultation_enter(
        review=review,
        by=world["iro_a"],
        invitee=person,
        respondent_role=person.role,
        respondent_name=person.name,
        channel=Consultation.Channel.PHONE,
        received_on=timezone.localdate(),
        going_well="School is better.",
        **fields,
    )


def test_someone_the_child_does_not_want_there_is_a_task_until_heard(
    world, scheduled, client
):
    review, people, day = scheduled
    rows = {row.invitee.name: row for row in apart.who_has_been_heard(review)}
    assert rows["Mandy Mother"].apart == apart.NOT_WANTED
    assert not rows["Mandy Mother"].heard
    assert rows["Ulric Uncle"].apart == ""
    assert [r.invitee for r in apart.still_to_hear_apart(review)] == [people["mum"]]

    (task,) = _apart_tasks(client, world)
    assert task.name == "Plan how to hear Mandy Mother apart from the meeting"
    assert task.due == day  # by the meeting, with no plan yet
    assert task.url == reverse("reviews:heard", args=[review.pk])

    planned_on = timezone.localdate() + timedelta(days=3)
    _plan(world, review, people["mum"], on=planned_on, note="After school run")
    (task,) = _apart_tasks(client, world)
    assert (
        task.name
        == "Hear Mandy Mother: a phone or video call with the reviewing officer"
    )
    assert task.due == planned_on
    assert ReviewEvent.objects.filter(
        review=review, action="hearing_apart_planned"
    ).exists()

    _enter_views(world, review, people["mum"])
    assert _apart_tasks(client, world) == []
    assert apart.still_to_hear_apart(review) == []
    row = next(r for r in apart.who_has_been_heard(review) if r.apart)
    assert row.heard_on == timezone.localdate()


def test_removing_the_views_puts_the_task_back(world, scheduled, client):
    review, people, _ = scheduled
    views = _enter_views(world, review, people["mum"])
    assert _apart_tasks(client, world) == []
    views.removed_at, views.removed_by = timezone.now(), world["iro_a"]
    views.save()
    assert len(_apart_tasks(client, world)) == 1


def test_asking_to_speak_separately_is_a_task_until_spoken_to(world, scheduled, client):
    review, people, _ = scheduled
    uncle = people["uncle"]
    _enter_views(world, review, uncle, coming=Coming.SEPARATELY)
    row = next(r for r in apart.who_has_been_heard(review) if r.invitee == uncle)
    assert row.apart == apart.ASKED
    assert not row.heard  # asking to be heard apart is not being heard
    names = [task.name for task in _apart_tasks(client, world)]
    assert "Plan how to hear Ulric Uncle apart from the meeting" in names
    _plan(world, review, uncle, how=How.MEETING)
    _enter_views(world, review, uncle)
    assert [t for t in _apart_tasks(client, world) if "Ulric" in t.name] == []


def test_a_form_by_email_says_nothing_of_the_meeting_and_its_answers_count(
    world, scheduled, smtp_server, client
):
    review, people, _ = scheduled
    _plan(world, review, people["mum"], how=How.FORM)
    assert send_queued_emails() == 1
    (message,) = smtp_server.to("mum@example.org")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Youth club" not in text and "Hill Street" not in text
    assert "4:00" not in text and "16:00" not in text
    (url,) = re.findall(r"https?://\S+/respond/\S+/", text)
    path = url.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200
    assert "Will you come to the meeting" not in page.content.decode()
    sent = client.post(
        f"/{path}",
        {
            "going_well": "Contact is going well.",
            "going_less_well": "",
            "needs_to_happen": "",
        },
    )
    assert sent.status_code == 200
    assert apart.still_to_hear_apart(review) == []


@pytest.mark.parametrize(
    ("who", "how", "shift", "field"),
    [
        pytest.param("uncle", How.PHONE, 3, None, id="invited-to-the-meeting"),
        pytest.param("mum", How.PHONE, 11, "planned_on", id="after-the-meeting"),
        pytest.param("mum", How.PHONE, -30, "planned_on", id="before-care-began"),
        pytest.param("mum", How.PHONE, None, "planned_on", id="no-date"),
    ],
)
def test_an_implausible_plan_is_refused_and_saves_nothing(
    world, scheduled, who, how, shift, field
):
    review, people, _ = scheduled
    on = None if shift is None else timezone.localdate() + timedelta(days=shift)
    with pytest.raises(ValidationError) as error:
        apart.hearing_apart_plan(
            review=review,
            invitee=people[who],
            by=world["iro_a"],
            how=how,
            planned_on=on,
            now=timezone.now(),
        )
    if field:
        assert field in error.value.message_dict
    assert not HearingApart.objects.exists()


def test_a_form_needs_an_email_address(world, scheduled):
    review, people, _ = scheduled
    people["mum"].email, people["mum"].method = "", "letter"
    people["mum"].postal_address = "1 Lane"
    people["mum"].save()
    with pytest.raises(ValidationError) as error:
        _plan(world, review, people["mum"], how=How.FORM)
    assert "no email address" in error.value.message_dict["how"][0]


def test_they_still_get_their_own_version_of_the_record(world, scheduled):
    review, people, _ = scheduled
    aunt = Invitee.objects.create(
        review=review,
        name="Ava Aunt",
        role="other",
        method="email",
        email="aunt@example.org",
        child_does_not_want=True,
    )
    offered = set(DistributeForm(review=review).fields["recipients"].queryset)
    assert {people["mum"], aunt} <= offered
    assert aunt in services.people_needing_their_own_version(review)


def test_the_pages_show_who_has_been_heard(world, scheduled, client):
    review, people, _ = scheduled
    client.force_login(world["iro_a"])
    page = client.get(reverse("reviews:heard", args=[review.pk])).content.decode()
    assert "Not heard yet: Mandy Mother" in page
    plan_url = reverse("reviews:hearing_apart_plan", args=[review.pk, people["mum"].pk])
    assert plan_url in page
    hold = client.get(reverse("reviews:meeting", args=[review.pk])).content.decode()
    assert "Not heard yet: Mandy Mother" in hold

    bad = client.post(
        plan_url,
        {
            "how": "phone",
            "planned_on_0": "1",
            "planned_on_1": "1",
            "planned_on_2": "1900",
        },
    )
    assert bad.status_code == 400
    assert "govuk-error-summary" in bad.content.decode()
    day = timezone.localdate() + timedelta(days=2)
    good = client.post(
        plan_url,
        {
            "how": "meeting",
            "planned_on_0": str(day.day),
            "planned_on_1": str(day.month),
            "planned_on_2": str(day.year),
        },
    )
    assert good.status_code == 302
    assert HearingApart.objects.get().planned_on == day

    entry = client.get(
        reverse("reviews:consultation_enter", args=[review.pk]),
        {"invitee": people["mum"].pk},
    )
    assert entry.context["form"].initial["invitee"] == people["mum"].pk

    client.force_login(world["iro_b"])  # not this child's IRO
    assert client.get(plan_url).status_code == 404


def test_the_version_of_someone_not_wanted_is_their_own(world, scheduled):
    """Not the shared professional copy: only what the child's wishes allow them."""
    review, people, _ = scheduled
    aunt = Invitee.objects.create(
        review=review,
        name="Ava Aunt",
        role="other",
        method="email",
        email="aunt@example.org",
        child_does_not_want=True,
    )
    ReviewRecord.objects.create(review=review, author=world["iro_a"], band="13_plus")
    review.refresh_from_db()
    assert services.record_version_for(review, aunt).kind == RecordAudience.PARENT
    assert (
        services.record_version_for(review, people["uncle"]).kind
        == RecordAudience.PROFESSIONAL
    )
