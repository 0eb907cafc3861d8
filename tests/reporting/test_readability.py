"""Plain language before finalising: reading age against the band's target, jargon with
plain words, and the warning recorded when the IRO finalises anyway."""

import pytest
from django.urls import reverse

from reviews.models import ReviewEvent, ReviewRecord
from reviews.readability import BAND_TARGETS, RecordCheck, find_jargon, reading_age
from tests.reporting.conftest import build_cycle

HARD = (
    "The multidisciplinary professionals' network considered the comprehensive "
    "documentation regarding educational provision, therapeutic intervention and "
    "the sustainability of the arrangements, concluding that consolidation was "
    "appropriate notwithstanding considerable administrative complications."
)
EASY = (
    "You are doing well at school. You like your new bike. You play in the park "
    "with your friends. You want to see your nan more. We will ask her to come on "
    "Saturdays. Your carer is happy with you."
)
JARGON_TEXT = (
    "Your LAC review looked at your PEP and the R&D. Contact with your siblings "
    "continues. Your placement is stable under s20. The IRO spoke to CAMHS."
)


@pytest.mark.parametrize(
    ("word", "plain"),
    [
        ("lac", "children in care"),
        ("pep", "your school plan"),
        ("r&d", "what we decided"),
        ("contact", "time with your family"),
        ("placement", "where you live"),
        ("s20", "living here with your parents' agreement"),
        ("iro", "your reviewing officer (say their name)"),
        ("camhs", "the people who help with feelings and worries"),
        ("siblings", "brothers and sisters"),
    ],
)
def test_jargon_is_found_with_a_plain_alternative(word, plain):
    assert (word, plain) in find_jargon(JARGON_TEXT)


def test_jargon_inside_other_words_is_not_flagged():
    assert find_jargon("Placid lacrosse players escape the plaza.") == []


def test_each_band_has_its_own_target_and_the_same_text_can_fail_one_and_pass_another():
    age = reading_age(EASY)
    assert BAND_TARGETS == {"under_8": 7, "8_to_12": 10, "13_plus": 13}
    assert age is not None and age <= BAND_TARGETS["under_8"]
    hard = reading_age(HARD)
    assert hard > BAND_TARGETS["13_plus"]
    middling = RecordCheck(reading_age=9, target=BAND_TARGETS["under_8"])
    assert middling.too_hard
    assert not RecordCheck(reading_age=9, target=BAND_TARGETS["8_to_12"]).too_hard
    assert reading_age("Too short to score.") is None


@pytest.mark.django_db
def test_the_record_page_shows_reading_age_target_and_plain_words(
    world, review, client_as
):
    review, _ = build_cycle(
        world,
        review,
        band="under_8",
        sections={"going_well": HARD + " " + JARGON_TEXT},
        finalise=False,
    )
    body = (
        client_as(world["iro_a"])
        .get(reverse("reviews:record", args=[review.pk]))
        .content.decode()
    )
    assert "the aim for this age band is 7 or below" in body
    assert "“placement” (try “where you live”)" in body
    assert "“pep” (try “your school plan”)" in body


@pytest.mark.django_db
def test_finalising_with_warnings_is_allowed_and_the_warning_is_recorded(
    world, review, client_as
):
    review, _ = build_cycle(
        world,
        review,
        band="under_8",
        sections={"going_well": HARD + " " + JARGON_TEXT},
        finalise=False,
    )
    response = client_as(world["iro_a"]).post(
        reverse("reviews:record_finalise", args=[review.pk])
    )
    assert response.status_code == 302
    record = ReviewRecord.objects.get(review=review)
    assert record.finalised_on is not None
    assert "above the target of 7" in record.readability_warning
    assert (
        "Jargon: lac" in record.readability_warning
        and "placement" in record.readability_warning
    )
    event = ReviewEvent.objects.get(review=review, action="record_finalised")
    assert event.note == record.readability_warning
    assert event.by == world["iro_a"]


@pytest.mark.django_db
def test_a_plain_record_is_finalised_without_a_warning(world, review, client_as):
    review, _ = build_cycle(
        world, review, band="13_plus", sections={"going_well": EASY}, finalise=False
    )
    client_as(world["iro_a"]).post(reverse("reviews:record_finalise", args=[review.pk]))
    record = ReviewRecord.objects.get(review=review)
    assert record.finalised_on is not None
    assert record.readability_warning == ""
