"""A decision reaches the child's copy of the record only in words for the child
(docs/rules.md, D-WORDS): finalising is refused with the decision named, and the words
can still be written while the record is, though the decision itself is settled."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reviews import services
from reviews.models import Review
from tests.reviews.test_transitions import TODAY, _held

pytestmark = pytest.mark.django_db
PROFESSIONAL = "Refer the stepfather for a parenting assessment"


def _authorised_with_record(world, review):
    review = _held(world, review)
    decision = services.decision_save(
        review=review,
        by=world["iro_a"],
        what=PROFESSIONAL,
        owner_name="Sam Social",
        owner_role="sw",
        due_date=date(2025, 4, 1),
        success_measure="Assessment booked",
    )
    services.review_submit_decisions(review=review, by=world["iro_a"], today=TODAY)
    services.review_authorise_decisions(
        review=review, by=world["tm_north"], today=TODAY
    )
    services.record_save(
        review=review,
        by=world["iro_a"],
        band="under_8",
        translation_language="",
        sections={"going_well": "You are doing well at nursery."},
        withheld={},
    )
    review.refresh_from_db()
    return review, decision


def _fields(decision, **changes):
    fields = {
        "what": decision.what,
        "child_wording": decision.child_wording,
        "owner_name": decision.owner_name,
        "owner_role": decision.owner_role,
        "due_date": decision.due_date,
        "success_measure": decision.success_measure,
        "kind": decision.kind,
    }
    return {**fields, **changes}


def test_finalising_is_refused_until_every_decision_has_words_for_the_child(
    world, review
):
    review, decision = _authorised_with_record(world, review)
    iro = world["iro_a"]
    with pytest.raises(ValidationError) as refused:
        services.record_finalise(review=review, by=iro, today=TODAY)
    message = " ".join(refused.value.messages)
    assert PROFESSIONAL in message and review.child.known_as in message
    review.refresh_from_db()
    assert review.status == Review.Status.RD_AUTHORISED

    # The decision the team manager authorised stays as it is ...
    with pytest.raises(ValidationError, match="can be changed after the review"):
        services.decision_save(
            review=review,
            by=iro,
            decision=decision,
            **_fields(decision, what="Something else"),
        )
    # ... but its words for the child are written with the record.
    services.decision_save(
        review=review,
        by=iro,
        decision=decision,
        **_fields(decision, child_wording="Sam will help your family at home."),
    )
    services.record_finalise(review=review, by=iro, today=TODAY)
    review.refresh_from_db()
    assert review.status == Review.Status.RECORD_WRITTEN


def test_the_decisions_page_leads_to_the_words_for_the_child(world, review, client_as):
    review, decision = _authorised_with_record(world, review)
    client = client_as(world["iro_a"])
    page = client.get(reverse("reviews:decisions", args=[review.pk])).content.decode()
    edit = reverse("reviews:decision_edit", args=[review.pk, decision.pk])
    assert edit in page and "No words for" in page
    form = client.get(edit).content.decode()
    assert "only each decision&#x27;s words for the child" in form or (
        "only each decision's words for the child" in form
    )
    data = {
        "kind": decision.kind,
        "what": decision.what,
        "child_wording": "Sam will help your family at home.",
        "owner_name": decision.owner_name,
        "owner_role": decision.owner_role,
        "due_date_0": "1",
        "due_date_1": "4",
        "due_date_2": "2025",
        "success_measure": decision.success_measure,
    }
    assert client.post(edit, data).status_code == 302
    decision.refresh_from_db()
    assert decision.child_wording == "Sam will help your family at home."
    changed = client.post(edit, {**data, "what": "Something else"})
    assert changed.status_code == 400
    decision.refresh_from_db()
    assert decision.what == PROFESSIONAL
