"""Pages for putting mistakes right (reviews.services.corrections, C1-C3): change or
remove a decision, correct a held review's facts, open a final record for amendment.
Issuing the amendment sends documents, so its page is the documents app's."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect

from reviews import forms
from reviews.forms_corrections import AmendRecordForm, ConfirmForm, HeldFactsForm
from reviews.permissions import can_chair_review
from reviews.services import corrections, decision_save
from reviews.views._action import ReviewStepView


class _WhenChangeable(ReviewStepView):
    """A correction page: the chair only, and only while its rule allows (else back to
    the review with the reason)."""

    allowed = staticmethod(can_chair_review)
    refused = ""

    def changeable(self) -> bool:  # pragma: no cover - each subclass sets it
        raise NotImplementedError

    def get(self, request, pk, **kwargs):
        if not self.changeable():
            messages.error(request, self.refused)
            return redirect(self.review)
        return super().get(request, pk, **kwargs)


class DecisionEditView(_WhenChangeable):
    title = "Change a decision"
    form_class = forms.DecisionForm
    button = "Save the decision"
    refused = corrections.DECISIONS_CLOSED

    def changeable(self) -> bool:
        return corrections.decisions_changeable(self.review)

    @property
    def decision(self):
        return get_object_or_404(self.review.decisions, pk=self.kwargs["decision_pk"])

    def get_form(self, data=None, files=None):
        decision = self.decision
        initial = {
            name: getattr(decision, name)
            for name in forms.DecisionForm.Meta.fields
            if name != "withhold_from"
        }
        initial["withhold_from"] = list(decision.withhold_from.all())
        return forms.DecisionForm(data, review=self.review, initial=initial)

    def perform(self, data, form):
        withhold = data.pop("withhold_from")
        decision_save(
            review=self.review,
            by=self.request.user,
            decision=self.decision,
            withhold_from=withhold,
            **data,
        )
        messages.success(self.request, "The decision is changed.")
        return redirect("reviews:decisions", self.review.pk)


class DecisionRemoveView(_WhenChangeable):
    title = "Remove a decision"
    form_class = ConfirmForm
    button = "Remove the decision"
    refused = corrections.DECISIONS_CLOSED

    def changeable(self) -> bool:
        return corrections.decisions_changeable(self.review)

    def get_context(self):
        return {"intro": f"Remove “{self.decision.what}”? The history keeps its text."}

    @property
    def decision(self):
        return get_object_or_404(self.review.decisions, pk=self.kwargs["decision_pk"])

    def perform(self, data, form):
        corrections.decision_remove(
            review=self.review, by=self.request.user, decision=self.decision
        )
        messages.success(self.request, "The decision is removed.")
        return redirect("reviews:decisions", self.review.pk)


class HeldFactsView(_WhenChangeable):
    title = "Correct the review's facts"
    intro = (
        "Put right the date the review was held, how the child took part, who chaired "
        "it or the next review date. The review is not reopened; the history keeps "
        "what it said before and your reason."
    )
    form_class = HeldFactsForm
    button = "Save the correction"
    refused = (
        "The record is final: amend the record, with a reason, to correct the review."
    )

    def changeable(self) -> bool:
        return corrections.held_facts_correctable(self.review)

    def get_form(self, data=None, files=None):
        review = self.review
        meeting = review.meetings.order_by("-held_on", "-pk").first()
        initial = {
            "held_on": meeting.held_on if meeting else None,
            "participation": review.participation,
            "chaired_by": review.chaired_by,
            "next_review_date": review.next_review_date,
        }
        return HeldFactsForm(data, initial=initial)

    def perform(self, data, form):
        correction = corrections.held_facts_correct(
            review=self.review, by=self.request.user, today=self.today, **data
        )
        messages.success(
            self.request,
            "The correction is saved."
            if correction
            else "Nothing was changed: the facts are as they were.",
        )


class AmendRecordView(_WhenChangeable):
    title = "Amend the final record"
    intro = (
        "The record, its decisions and the review's facts can then be changed. When "
        "you issue the amendment, every document is made again as a new version and "
        "sent to everyone who had the old one."
    )
    form_class = AmendRecordForm
    button = "Start amending the record"
    refused = "Only a final record that is not already being amended can be amended."

    def changeable(self) -> bool:
        return (
            corrections.record_is_final(self.review)
            and corrections.open_amendment(self.review) is None
        )

    def perform(self, data, form):
        corrections.record_amendment_open(
            review=self.review, by=self.request.user, reason=data["reason"]
        )
        messages.success(
            self.request,
            "You are amending the record. Issue the amendment when it is right.",
        )
        return redirect("reviews:record", self.review.pk)
