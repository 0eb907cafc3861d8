"""Pages for putting mistakes right (reviews.services.corrections, C1-C3): change or
remove a decision, correct a held review's facts, open a final record for amendment.
Issuing the amendment sends documents, so its page is the documents app's."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from reviews import forms
from reviews.forms_corrections import (
    AmendRecordForm,
    ConfirmForm,
    HeldFactsForm,
    LaterDateDecisionForm,
    MeetingCorrectForm,
)
from reviews.permissions import (
    can_authorise_out_of_timescale,
    can_chair_review,
    can_prepare_review,
)
from reviews.services import corrections, decision_save, later_dates
from reviews.views._action import ReviewStepView


class _WhenChangeable(ReviewStepView):
    """A correction page: the chair only, and only while its rule allows (else back to
    the review with the reason)."""

    allowed = staticmethod(can_chair_review)
    refused = ""
    not_now = ""

    def changeable(self) -> bool:  # pragma: no cover - each subclass sets it
        raise NotImplementedError

    def render(self, form, status: int = 200):
        # Shown in any state (a submission is refused by the service, beside the
        # form); the page says first why it cannot be used now.
        if not self.changeable():
            self.not_now = self.refused
        return super().render(form, status)


class DecisionEditView(_WhenChangeable):
    title = "Change a decision"
    form_class = forms.DecisionForm
    button = "Save the decision"
    refused = corrections.DECISIONS_CLOSED

    def changeable(self) -> bool:
        # D-WORDS: the words for the child can still be written with the record.
        return corrections.decisions_changeable(
            self.review
        ) or corrections.record_changeable(self.review)

    def render(self, form, status: int = 200):
        if self.changeable() and not corrections.decisions_changeable(self.review):
            self.not_now = corrections.CHILD_WORDING_ONLY
        return super().render(form, status)

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

    def get_form(self, data=None, files=None):
        return ConfirmForm(data, label="Yes, remove this decision")

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
        "it, the next review date or how each person took part. The review is not reopened; the history keeps "
        "what it said before and your reason."
    )
    form_class = HeldFactsForm
    template_name = "reviews/held_correct.html"
    button = "Save the correction"
    refused = (
        "The record is final: amend the record, with a reason, to correct the review."
    )

    def changeable(self) -> bool:
        return corrections.held_facts_correctable(self.review)

    def get_context(self):
        # The last meeting is the date held, above; the earlier ones have their own page.
        return {
            "earlier_meetings": list(self.review.meetings.order_by("held_on", "pk"))[
                :-1
            ]
        }

    def get_form(self, data=None, files=None):
        review = self.review
        meeting = review.meetings.order_by("-held_on", "-pk").first()
        initial = {
            "held_on": meeting.held_on if meeting else None,
            "participation": review.participation,
            "chaired_by": review.chaired_by,
            "next_review_date": review.next_review_date,
        }
        if meeting is not None:
            recorded = {(a.name, a.role): a.how for a in meeting.attendance.all()}
            for person in self.review.invitees.all():
                initial[f"took_part_{person.pk}"] = recorded.get(
                    (person.name, person.role), ""
                )
        return HeldFactsForm(data, initial=initial, review=self.review)

    def perform(self, data, form):
        facts = {name: data[name] for name in (*corrections.HELD_FACTS, "reason")}
        correction = corrections.held_facts_correct(
            review=self.review,
            by=self.request.user,
            today=self.today,
            attendance=form.attendance(),
            **facts,
        )
        messages.success(
            self.request,
            "The correction is saved."
            if correction
            else "Nothing was changed: the facts are as they were.",
        )


class MeetingCorrectView(_WhenChangeable):
    title = "Correct a meeting's date"
    intro = (
        "Put right the date this meeting was held. The history keeps the date it "
        "said before and your reason."
    )
    form_class = MeetingCorrectForm
    button = "Save the correction"
    refused = corrections.MEETINGS_CLOSED

    def changeable(self) -> bool:
        return corrections.meetings_correctable(self.review)

    @property
    def meeting(self):
        return get_object_or_404(self.review.meetings, pk=self.kwargs["meeting_pk"])

    def get_form(self, data=None, files=None):
        return MeetingCorrectForm(data, initial={"held_on": self.meeting.held_on})

    def perform(self, data, form):
        correction = corrections.meeting_correct(
            review=self.review,
            by=self.request.user,
            today=self.today,
            meeting=self.meeting,
            **data,
        )
        messages.success(
            self.request,
            "The correction is saved."
            if correction
            else "Nothing was changed: the date is as it was.",
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


class _EntryView(_WhenChangeable):
    """Change or remove one entry of the review (C1): `kind` finds it among the
    review's own, `fields` are the form's, the services do the rest."""

    related = ""
    kwarg = ""
    back = ""
    refused = corrections.ENTRIES_CLOSED

    def changeable(self) -> bool:
        return corrections.entries_changeable(self.review)

    @property
    def entry(self):
        return get_object_or_404(
            getattr(self.review, self.related), pk=self.kwargs[self.kwarg]
        )

    def done(self, message: str):
        messages.success(self.request, message)
        return redirect(self.back, self.review.pk)


def _may_enter_views(user, review) -> bool:
    return can_chair_review(user, review) or can_prepare_review(user, review)


class ConsultationEditView(_EntryView):
    title = "Change views entered by staff"
    form_class = forms.EnterConsultationForm
    allowed = staticmethod(_may_enter_views)
    button = "Save the views"
    related, kwarg, back = "consultations", "consultation_pk", "reviews:consultations"

    @property
    def entry(self):
        return get_object_or_404(
            self.review.consultations.filter(entered_by__isnull=False),
            pk=self.kwargs[self.kwarg],
        )

    def get_form(self, data=None, files=None):
        consultation = self.entry
        initial = {name: getattr(consultation, name) for name in self.form_fields()}
        return forms.EnterConsultationForm(data, initial=initial)

    @staticmethod
    def form_fields():
        return list(forms.EnterConsultationForm.base_fields)

    def perform(self, data, form):
        corrections.consultation_correct(
            review=self.review, by=self.request.user, consultation=self.entry, **data
        )
        return self.done("The views are changed.")


class ConsultationRemoveView(ConsultationEditView):
    title = "Remove views entered by staff"
    form_class = ConfirmForm
    button = "Remove the views"

    def get_form(self, data=None, files=None):
        return ConfirmForm(data, label="Yes, remove these views")

    def get_context(self):
        return {
            "intro": f"Remove the {self.entry}? The history keeps that it was entered."
        }

    def perform(self, data, form):
        corrections.consultation_remove(
            review=self.review, by=self.request.user, consultation=self.entry
        )
        return self.done("The views are removed.")


class ChildContactEditView(_EntryView):
    title = "Change a contact with the child"
    form_class = forms.ChildContactForm
    button = "Save the contact"
    related, kwarg, back = "child_contacts", "contact_pk", "reviews:child_contact"

    def get_form(self, data=None, files=None):
        contact = self.entry
        initial = {
            name: getattr(contact, name) for name in forms.ChildContactForm.Meta.fields
        }
        return forms.ChildContactForm(data, initial=initial)

    def perform(self, data, form):
        corrections.child_contact_correct(
            review=self.review, by=self.request.user, contact=self.entry, **data
        )
        return self.done("The contact is changed.")


class ChildContactRemoveView(ChildContactEditView):
    title = "Remove a contact with the child"
    button = "Remove the contact"

    def get_form(self, data=None, files=None):
        return ConfirmForm(data, label="Yes, remove this contact")

    def get_context(self):
        return {
            "intro": f"Remove “{self.entry}”? The history keeps that it was recorded."
        }

    def perform(self, data, form):
        corrections.child_contact_remove(
            review=self.review, by=self.request.user, contact=self.entry
        )
        return self.done("The contact is removed.")


class InviteeRemoveView(_EntryView):
    title = "Take someone off the list"
    form_class = ConfirmForm
    allowed = staticmethod(can_prepare_review)
    button = "Take them off the list"
    related, kwarg, back = "invitees", "invitee_pk", "reviews:checklist"

    def get_form(self, data=None, files=None):
        return ConfirmForm(data, label=f"Yes, take {self.entry.name} off the list")

    def get_context(self):
        person = self.entry
        return {
            "intro": f"Take {person.name} off the list? Only someone added by mistake, "
            "before anything was sent to them. The IRO confirms the list again."
        }

    def perform(self, data, form):
        corrections.invitee_remove(
            review=self.review, by=self.request.user, invitee=self.entry
        )
        return self.done("They are off the list.")


class AskLaterDateView(ReviewStepView):
    """T23a: the chair asks the service manager for a date after the due date."""

    title = "Ask for a date after the due date"
    intro = (
        "The IRO service manager decides. Until they authorise it, the review must be "
        "held by its due date."
    )
    form_class = forms.AuthoriseLaterDateForm
    allowed = staticmethod(can_chair_review)
    button = "Ask the service manager"
    success_message = "Your request is with the IRO service manager."

    def render(self, form, status: int = 200):
        if not later_dates.can_ask(self.review):
            self.not_now = "A later date is already waiting for an answer, or the review is not open."
        return super().render(form, status)

    def perform(self, data, form):
        later_dates.later_date_ask(review=self.review, by=self.request.user, **data)


class DecideLaterDateView(ReviewStepView):
    """T23a: the service manager answers the IRO's request."""

    title = "Answer a request for a later date"
    template_name = "reviews/later_date_decide.html"
    form_class = LaterDateDecisionForm
    allowed = staticmethod(lambda user, review: can_authorise_out_of_timescale(user))
    button = "Send your answer"

    def get_context(self):
        request = later_dates.open_request(self.review)
        return {
            "request_asked": request,
            "not_now": ""
            if request
            else "There is no request for a later date to answer.",
        }

    def perform(self, data, form):
        request = later_dates.later_date_decide(
            review=self.review,
            by=self.request.user,
            authorise=data["decision"] == "authorise",
            answer=data["answer"],
            now=timezone.now(),
        )
        messages.success(
            self.request,
            f"The later date is {request.get_outcome_display().lower()}; the IRO is told.",
        )
