"""The mid-point progress review is corrected, not overwritten, and progress recorded by
mistake is withdrawn with a reason (docs/rules.md, C7)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import Decision, DecisionUpdate, ProgressReview, ReviewEvent
from reviews.services import corrections
from tests.reviews.test_transitions import _held

pytestmark = pytest.mark.django_db

RECORDED = {
    "done_on_0": "14",
    "done_on_1": "3",
    "done_on_2": "2025",
    "summary": "On track",
}


@pytest.fixture
def held(world, review):
    return _held(world, review)


def _decision(review, by, what="CAMHS referral"):
    return services.decision_save(
        review=review,
        by=by,
        what=what,
        owner_name="Tom",
        owner_role="sw",
        due_date=date(2025, 3, 1),
        success_measure="Seen",
    )


def _record(progress, by, decision, status, **overrides):
    fields = {
        "done_on": date(2025, 3, 14),
        "social_worker_dialogue_on": None,
        "summary": "On track",
        "updates": {decision: (status, "")},
        "today": timezone.localdate(),
    }
    return services.progress_review_record(
        progress=progress, by=by, **{**fields, **overrides}
    )


def test_a_recorded_progress_review_is_corrected_with_a_reason_and_its_history(
    world, held
):
    iro = world["iro_a"]
    decision = _decision(held, iro)
    progress = ProgressReview.objects.get(review=held)
    _record(progress, iro, decision, "achieved")
    with pytest.raises(ValidationError) as refused:
        _record(progress, iro, decision, "achieved", summary="Drifting")
    assert "Enter why you are correcting" in str(refused.value)
    progress.refresh_from_db()
    assert progress.summary == "On track"

    _record(
        progress,
        iro,
        decision,
        "achieved",
        done_on=date(2025, 3, 12),
        summary="Drifting",
        reason="I typed the wrong day and summary",
    )
    progress.refresh_from_db()
    assert (progress.done_on, progress.summary) == (date(2025, 3, 12), "Drifting")
    correction = held.corrections.get()
    assert correction.changes == {
        "progress_done_on": ["2025-03-14", "2025-03-12"],
        "progress_summary": ["On track", "Drifting"],
    }
    assert correction.lines() == [
        "Date of the progress review: 14 March 2025 to 12 March 2025",
        "Summary of progress: “On track” to “Drifting”",
    ]
    # The decision's progress did not change: no second update.
    assert decision.updates.count() == 1
    assert ReviewEvent.objects.filter(
        review=held,
        action="progress_review_corrected",
        note="I typed the wrong day and summary",
    ).exists()


def test_a_withdrawn_update_leaves_the_status_recorded_before_it(world, held):
    iro = world["iro_a"]
    decision = _decision(held, iro)
    first = services.decision_status_update(decision=decision, by=iro, status="partly")
    wrong = services.decision_status_update(
        decision=decision, by=iro, status="achieved"
    )
    with pytest.raises(ValidationError):
        services.decision_update_withdraw(update=wrong, by=iro, reason=" ")
    services.decision_update_withdraw(
        update=wrong, by=iro, reason="It was the other decision"
    )
    decision.refresh_from_db()
    assert decision.status == Decision.Status.PARTLY
    assert list(decision.updates.all()) == [first]
    kept = DecisionUpdate.everything.get(pk=wrong.pk)
    assert kept.withdrawn_reason == "It was the other decision"
    assert kept.removed_by == iro
    assert ReviewEvent.objects.filter(
        review=held, action="decision_update_withdrawn"
    ).exists()

    services.decision_update_withdraw(update=first, by=iro, reason="Not yet checked")
    decision.refresh_from_db()
    assert decision.status == Decision.Status.OPEN
    # With no progress left standing, the decision can be removed again (C1).
    corrections.decision_remove(review=held, by=iro, decision=decision)
    assert not Decision.objects.filter(pk=decision.pk).exists()


def test_the_iro_withdraws_an_update_from_the_progress_review_page(
    world, held, client_as
):
    iro = world["iro_a"]
    decision = _decision(held, iro)
    progress_url = reverse("reviews:progress", args=[held.pk])
    client = client_as(iro)
    response = client.post(
        progress_url, {**RECORDED, f"status_{decision.pk}": "achieved"}
    )
    assert response.status_code == 302
    update = decision.updates.get()

    page = client.get(progress_url).content.decode()
    assert "was recorded on 14 March 2025" in page
    assert 'value="On track"' not in page  # a textarea: its text, not a value
    assert "On track</textarea>" in page
    withdraw = reverse("reviews:decision_update_withdraw", args=[held.pk, update.pk])
    assert withdraw in page

    assert client_as(world["sw_north"]).get(withdraw).status_code == 403
    empty = client.post(withdraw, {"reason": ""})
    assert empty.status_code == 400
    assert "Enter why the update is withdrawn" in empty.content.decode()
    done = client.post(withdraw, {"reason": "Recorded on the wrong decision"})
    assert done.status_code == 302
    decision.refresh_from_db()
    assert decision.status == Decision.Status.OPEN
    page = client.get(progress_url).content.decode()
    assert "Recorded on the wrong decision" in page
    assert withdraw not in page
    # A withdrawn update cannot be withdrawn again.
    assert client.get(withdraw).status_code == 404


def test_correcting_on_the_page_asks_for_the_reason_and_keeps_what_was_typed(
    world, held, client_as
):
    iro = world["iro_a"]
    decision = _decision(held, iro)
    url = reverse("reviews:progress", args=[held.pk])
    client = client_as(iro)
    client.post(url, {**RECORDED, f"status_{decision.pk}": "achieved"})
    again = client.post(
        url,
        {**RECORDED, "summary": "Drifting", f"status_{decision.pk}": "not_achieved"},
    )
    assert again.status_code == 400
    body = again.content.decode()
    assert "Enter why you are correcting the progress review" in body
    assert "Drifting</textarea>" in body
    decision.refresh_from_db()
    assert decision.status == "achieved"
    fixed = client.post(
        url,
        {
            **RECORDED,
            "summary": "Drifting",
            f"status_{decision.pk}": "not_achieved",
            "reason": "The referral was refused",
        },
    )
    assert fixed.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "not_achieved"
    assert [u.status for u in decision.updates.all()] == ["achieved", "not_achieved"]
    assert held.corrections.get().changes == {
        "progress_summary": ["On track", "Drifting"]
    }
