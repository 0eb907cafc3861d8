"""Secure accommodation reviews (T9, W21): their own dates, panel and chair."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from children.models import SecurePlacement
from reviews import services
from reviews.models import SecureReview
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PANEL = [
    {"name": "A Chair", "role": "IRO", "independent": False},
    {"name": "B Member", "role": "Councillor", "independent": False},
    {"name": "C Lay", "role": "Lay member", "independent": True},
]


@pytest.fixture
def placement(world):
    child = world["north_child"]
    return SecurePlacement.objects.create(
        child=child,
        period=child.periods_of_care.get(),
        started_on=date(2025, 1, 31),
        unit="Hill House",
    )


# What the panel found, as recorded (and left as it is by a correction of the date).
FINDINGS = dict(
    views="Child wants to go home",
    criteria_still_met=True,
    placement_still_necessary=True,
    other_accommodation_more_suitable=False,
    recommendation="Continue",
)


def record(review, chair, **overrides):
    data = dict(
        held_on=date(2025, 2, 27), panel=PANEL, today=date(2025, 3, 1), **FINDINGS
    )
    return services.secure_review_record(
        review=review, by=chair, **{**data, **overrides}
    )


def test_first_and_next_secure_review_dates_w21(world, placement):
    review = services.secure_review_plan(placement=placement, by=world["manager"])
    assert review.due_date == date(2025, 2, 28)
    services.secure_review_nominate_chair(
        review=review, by=world["manager"], chair=world["iro_b"]
    )
    _, following = record(review, world["iro_b"])
    assert following.due_date == date(2025, 5, 27)


def test_chair_must_not_be_the_childs_iro_and_is_nominated_by_the_manager(
    world, placement
):
    review = services.secure_review_plan(placement=placement, by=world["manager"])
    with pytest.raises(ValidationError, match="child's own IRO"):
        services.secure_review_nominate_chair(
            review=review, by=world["manager"], chair=world["iro_a"]
        )
    with pytest.raises(ValidationError, match="Only the IRO service manager"):
        services.secure_review_nominate_chair(
            review=review, by=world["iro_b"], chair=world["iro_b"]
        )


def test_panel_needs_three_with_one_independent(world, placement):
    review = services.secure_review_plan(placement=placement, by=world["manager"])
    services.secure_review_nominate_chair(
        review=review, by=world["manager"], chair=world["iro_b"]
    )
    with pytest.raises(ValidationError, match="at least 3"):
        record(review, world["iro_b"], panel=PANEL[:2])
    with pytest.raises(ValidationError, match="independent"):
        record(
            review, world["iro_b"], panel=[{**m, "independent": False} for m in PANEL]
        )
    with pytest.raises(ValidationError, match="nominated chair"):
        record(review, world["iro_a"])


def test_childs_iro_is_told_the_outcome(world, placement):
    review = services.secure_review_plan(placement=placement, by=world["manager"])
    services.secure_review_nominate_chair(
        review=review, by=world["manager"], chair=world["iro_b"]
    )
    record(review, world["iro_b"], criteria_still_met=False)
    note = world["iro_a"].notifications.get(
        text__contains="Secure accommodation review"
    )
    assert "NO LONGER apply" in note.text


def test_chair_sees_the_child_only_while_chairing_and_records_through_the_page(
    world, placement, client_as
):
    review = services.secure_review_plan(placement=placement, by=world["manager"])
    other_iro = make_user(Role.IRO, username="iro_c")
    assert client_as(other_iro).get(review.get_absolute_url()).status_code == 404
    services.secure_review_nominate_chair(
        review=review, by=world["manager"], chair=other_iro
    )
    chair = client_as(other_iro)
    assert chair.get(review.get_absolute_url()).status_code == 200
    url = reverse("reviews:secure_record", args=[review.pk])
    bad = chair.post(url, {"held_on_0": "27", "held_on_1": "2", "held_on_2": "2025"})
    assert bad.status_code == 400
    form = {
        "held_on_0": "27",
        "held_on_1": "2",
        "held_on_2": "2025",
        "views": "Heard",
        "criteria_still_met": "True",
        "placement_still_necessary": "True",
        "other_accommodation_more_suitable": "False",
        "recommendation": "Continue",
    }
    for row, member in enumerate(PANEL, start=1):
        form[f"panel_{row}_name"], form[f"panel_{row}_role"] = (
            member["name"],
            member["role"],
        )
        if member["independent"]:
            form[f"panel_{row}_independent"] = "on"
    saved = chair.post(url, form)
    assert saved.status_code == 302
    review.refresh_from_db()
    assert review.status == SecureReview.Status.HELD and review.panel.count() == 3
    assert client_as(other_iro).get(review.get_absolute_url()).status_code == 404
    # The chair no longer sees the child: sent to My work (the review's page, where
    # it used to send them, is a 404 now), which says the review is recorded.
    assert saved["Location"] == reverse("workspace:home")
    home = chair.get(saved["Location"])
    assert home.status_code == 200
    assert "The review is recorded" in home.content.decode()


def test_manager_plans_from_the_list(world, placement, client_as):
    client = client_as(world["manager"])
    assert "Hill House" in client.get(reverse("reviews:secure_list")).content.decode()
    response = client.post(reverse("reviews:secure_plan", args=[placement.pk]))
    assert response.status_code == 302
    assert placement.reviews.get().due_date == date(2025, 2, 28)
    assert (
        client_as(world["iro_a"]).get(reverse("reviews:secure_list")).status_code == 403
    )


def test_nominating_the_chair_and_holding_the_review_are_tasks_on_my_work(
    world, placement, client_as
):
    """The nomination and the chair's own steps reached nobody's My work."""
    review = services.secure_review_plan(placement=placement, by=world["manager"])
    nominate = reverse("reviews:secure_nominate", args=[review.pk])
    hold = reverse("reviews:secure_record", args=[review.pk])
    home = reverse("workspace:home")
    manager = client_as(world["manager"])
    assert nominate in manager.get(home).content.decode()
    assert nominate not in client_as(world["iro_b"]).get(home).content.decode()
    services.secure_review_nominate_chair(
        review=review, by=world["manager"], chair=world["iro_b"]
    )
    assert nominate not in manager.get(home).content.decode()
    chair = client_as(world["iro_b"])
    body = chair.get(home).content.decode()
    assert hold in body and chair.get(hold).status_code == 200
    assert hold not in client_as(world["iro_a"]).get(home).content.decode()
    record(review, world["iro_b"])
    assert hold not in chair.get(home).content.decode()


def _edit(client, placement, ended: str):
    day, month, year = ended.split("/") if ended else ("", "", "")
    return client.post(
        reverse("children:secure_edit", args=[placement.child.pk, placement.pk]),
        {
            "started_on_0": "31",
            "started_on_1": "1",
            "started_on_2": "2025",
            "unit": "Hill House",
            "ended_on_0": day,
            "ended_on_1": month,
            "ended_on_2": year,
        },
    )


def test_ending_the_placement_cancels_its_planned_review_and_undoing_it_plans_again(
    world, placement, client_as
):
    """C6: a planned secure review does not outlive its placement."""
    review = services.secure_review_plan(placement=placement, by=world["manager"])
    client = client_as(world["sw_north"])
    assert _edit(client, placement, "20/2/2025").status_code == 302
    review.refresh_from_db()
    assert review.status == SecureReview.Status.CANCELLED
    assert review.cancelled_reason == "The secure placement ended on 20 February 2025."
    page = client_as(world["manager"]).get(review.get_absolute_url()).content.decode()
    assert "The secure placement ended on 20 February 2025." in page
    listed = client_as(world["manager"]).get(reverse("reviews:secure_list"))
    assert placement.pk not in [p.pk for p, _ in listed.context["rows"]]
    # The end was entered by mistake: taking it away plans the review again.
    assert _edit(client, placement, "").status_code == 302
    again = placement.reviews.get(status=SecureReview.Status.PLANNED)
    assert again.pk != review.pk and again.due_date == date(2025, 2, 28)


def test_the_end_of_the_period_of_care_cancels_the_planned_secure_review(
    world, placement
):
    from reviews.services.register import period_end

    review = services.secure_review_plan(placement=placement, by=world["manager"])
    period_end(
        period=placement.period,
        ended_on=date(2025, 2, 20),
        reason="E4A",
        by=world["sw_north"],
        today=date(2025, 2, 21),
    )
    review.refresh_from_db()
    assert review.status == SecureReview.Status.CANCELLED
    assert "stopped being looked after on 20 February 2025" in review.cancelled_reason


def _held(world, placement):
    review = services.secure_review_plan(placement=placement, by=world["manager"])
    services.secure_review_nominate_chair(
        review=review, by=world["manager"], chair=world["iro_b"]
    )
    return record(review, world["iro_b"])


CORRECTED = {
    "held_on_0": "20",
    "held_on_1": "2",
    "held_on_2": "2025",
    "views": "Child wants to go home",
    "criteria_still_met": "False",
    "placement_still_necessary": "True",
    "other_accommodation_more_suitable": "False",
    "recommendation": "Continue",
    "reason": "The chair gave the wrong date and outcome",
}


def test_the_manager_corrects_a_held_review_with_a_reason_and_history(
    world, placement, client_as
):
    """C6: the date moves the next review's due date; the child's IRO is told the
    corrected outcome; the page shows what changed, why and who."""
    held, following = _held(world, placement)
    assert following.due_date == date(2025, 5, 27)
    url = reverse("reviews:secure_correct", args=[held.pk])
    manager = client_as(world["manager"])
    assert manager.get(url).status_code == 200
    assert client_as(world["iro_b"]).get(url).status_code in (403, 404)
    no_reason = manager.post(url, {**CORRECTED, "reason": ""})
    assert no_reason.status_code == 400
    assert "Enter why the review is corrected" in no_reason.content.decode()
    future = manager.post(url, {**CORRECTED, "held_on_2": "2100"})
    assert future.status_code == 400
    held.refresh_from_db()
    assert held.held_on == date(2025, 2, 27) and held.corrections.count() == 0

    assert manager.post(url, CORRECTED).status_code == 302
    held.refresh_from_db()
    following.refresh_from_db()
    assert held.held_on == date(2025, 2, 20) and held.criteria_still_met is False
    assert following.due_date == date(2025, 5, 20)
    (correction,) = held.corrections.all()
    assert correction.by == world["manager"]
    assert correction.lines() == [
        "Date of the review: 27 February 2025 to 20 February 2025",
        "Criteria still apply: Yes to No",
    ]
    page = manager.get(held.get_absolute_url()).content.decode()
    assert "The chair gave the wrong date and outcome" in page
    assert "27 February 2025 to 20 February 2025" in page
    told = world["iro_a"].notifications.filter(text__contains="NO LONGER apply")
    assert told.count() == 1
    # The same again changes nothing, and says so.
    same = manager.post(url, CORRECTED)
    assert same.status_code == 400 and "Nothing is changed" in same.content.decode()


def test_a_corrected_date_stays_between_the_reviews_either_side_and_a_planned_one_is_recorded_not_corrected(
    world, placement
):
    first, following = _held(world, placement)
    services.secure_review_nominate_chair(
        review=following, by=world["manager"], chair=world["iro_b"]
    )
    second, _ = record(
        following, world["iro_b"], held_on=date(2025, 5, 1), today=date(2025, 5, 2)
    )
    fields = dict(**FINDINGS, reason="Wrong date", today=date(2025, 6, 1))
    with pytest.raises(ValidationError, match="after the review held on 27 February"):
        services.secure_review_correct(
            review=second, by=world["manager"], held_on=date(2025, 2, 27), **fields
        )
    with pytest.raises(ValidationError, match="before the review held on 1 May"):
        services.secure_review_correct(
            review=first, by=world["manager"], held_on=date(2025, 5, 1), **fields
        )
    with pytest.raises(ValidationError, match="IRO service manager"):
        services.secure_review_correct(
            review=first, by=world["iro_b"], held_on=date(2025, 2, 26), **fields
        )
    planned = placement.reviews.get(status=SecureReview.Status.PLANNED)
    with pytest.raises(ValidationError, match="record it instead"):
        services.secure_review_correct(
            review=planned, by=world["manager"], held_on=date(2025, 5, 2), **fields
        )


def test_a_review_is_recorded_after_the_last_one_held(world, placement):
    """Found by the secure reviews' state machine: two reviews held on one day."""
    _, following = _held(world, placement)
    services.secure_review_nominate_chair(
        review=following, by=world["manager"], chair=world["iro_b"]
    )
    for day in (date(2025, 2, 27), date(2025, 2, 20)):
        with pytest.raises(
            ValidationError, match="after the last secure accommodation"
        ):
            record(following, world["iro_b"], held_on=day, today=date(2025, 3, 1))
    following.refresh_from_db()
    assert following.status == SecureReview.Status.PLANNED
