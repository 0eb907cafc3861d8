"""The pages of the review cycle. Each step: load in scope → check role → form → service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from children.services_liberty import for_review
from core.audit import showing
from core.http import render_form_page
from iro.permissions import can_make_iro_letters
from reviews import forms, services, timescales
from reviews.asks import asks_for
from reviews.models import (
    DecisionUpdate,
    Invitee,
    ProgressReview,
    Review,
    ReviewChoices,
)
from reviews.permissions import (
    can_authorise_out_of_timescale,
    can_cancel_review,
    can_chair_review,
    can_comment_on_review,
    can_download_key_document,
    can_edit_iro_text,
    can_prepare_review,
    can_read_child_consultation,
    can_read_review_case_content,
    can_send_for_review,
    can_undo_adjournment,
)
from reviews.readability import check_record
from reviews.selectors import challenges_closed_since_last_review
from reviews.services import apart, corrections, invitations, later_dates, sharing
from reviews.services.preparation import invited_people
from reviews.views._action import ReviewStepView, apply_errors, load_review
from reviews.worklist import preparation_base, review_steps


@require_GET
def review_detail_view(request, pk):
    """The review's page: where it is, what is due, who does what next, and its history."""
    review = load_review(request, pk)
    today = timezone.localdate()
    steps = review_steps(review, request.user, today)
    can_read_case = can_read_review_case_content(request.user, review)
    context = {
        "review": review,
        "child": review.child,
        "steps": steps,
        "today": today,
        "due_explanation": review.due_rule,
        "practical_latest": timescales.practical_latest(review.due_date),
        "events": review.events.select_related("by"),
        # Comments and the notes of the history are case content (need to know).
        "comments": review.comments.select_related("by") if can_read_case else [],
        "can_comment": can_comment_on_review(request.user, review),
        "can_read_case": can_read_case,
        "can_chair": can_chair_review(request.user, review),
        "can_bring_forward": can_chair_review(request.user, review)
        and review.status in Review.REPLACEABLE_STATUSES,
        # One rule for the link and the page: the cycle allows it and the user may.
        "can_cancel": review.can_become(Review.Status.CANCELLED)
        and can_cancel_review(request.user, review),
        "can_undo_adjournment": can_undo_adjournment(request.user, review),
        "can_authorise_date": can_authorise_out_of_timescale(request.user)
        and review.is_open,
        # T23a: the chair asks for a later date; the manager answers what was asked.
        "later_date_asked": later_dates.open_request(review),
        "can_ask_later_date": can_chair_review(request.user, review)
        and later_dates.can_ask(review),
        # C2, C3: put a held review's facts right, or amend its final record.
        "can_correct": can_chair_review(request.user, review)
        and corrections.held_facts_correctable(review),
        "can_amend": can_chair_review(request.user, review)
        and corrections.record_is_final(review)
        and corrections.open_amendment(review) is None,
        "wishes_since_final": corrections.wishes_since_final(review)
        if can_read_case
        else [],
        "corrections": review.corrections.select_related("by") if can_read_case else [],
        "asks": asks_for(review, today=today) if can_read_case else None,
        # DOL-6: the deprivation of liberty orders of the period, and what to consider.
        "liberty_orders": for_review(review) if can_read_case else [],
        "iro_letters": _iro_letters(request.user, review),
        # The documents page's own rule (documents.permissions: case readers, and
        # whoever makes the documents), which this lower app cannot import.
        "can_open_documents": can_read_case
        or can_send_for_review(request.user, review)
        or can_edit_iro_text(request.user, review),
    }
    return render(request, "reviews/review_detail.html", context)


def _iro_letters(user, review):
    """The child's current IRO allocation, if the user makes the IRO's letters."""
    allocation = review.child.iro_allocations.filter(ended_on__isnull=True).first()
    if allocation and can_make_iro_letters(user, allocation):
        return allocation
    return None


# D-CAL2: what a change after the invitations makes, said as it is (emails queued).
UPDATES_MADE = (
    " Everyone invited is sent an updated invitation: the emails are waiting to be"
    " sent, and the updated letters are on the invitations page to print."
)


class ScheduleView(ReviewStepView):
    title = "Set the date, time and place"
    form_class = forms.ScheduleForm
    allowed = staticmethod(can_chair_review)
    button = "Save the arrangements"

    def get_form(self, data=None, files=None):
        initial = {"version": self.review.version}
        if self.review.scheduled_for:
            local = timezone.localtime(self.review.scheduled_for)
            initial.update(
                on=local.date(),
                at=f"{local:%H:%M}",
                venue=self.review.venue,
                format=self.review.format,
            )
        return self.form_class(data, initial=initial)

    def get_context(self):
        return {
            "due_note": f"Due by {timescales.long_date(self.review.due_date)}; practical latest date "
            f"{timescales.long_date(timescales.practical_latest(self.review.due_date))}."
        }

    def perform(self, data, form):
        if self.review.scheduled_for is None:
            services.review_schedule(
                review=self.review,
                by=self.request.user,
                scheduled_for=form.scheduled_for(),
                venue=data["venue"],
                format=data["format"],
            )
            messages.success(self.request, "The review is scheduled.")
        else:
            versions = self.review.invitations.count()
            services.review_rearrange(
                review=self.review,
                by=self.request.user,
                scheduled_for=form.scheduled_for(),
                venue=data["venue"],
                format=data["format"],
                reason=data["reason"],
            )
            messages.success(
                self.request,
                "The review is rearranged."
                + (UPDATES_MADE if self.review.invitations.count() > versions else ""),
            )


class AuthoriseLaterDateView(ReviewStepView):
    title = "Authorise a date after the due date"
    form_class = forms.AuthoriseLaterDateForm
    allowed = staticmethod(lambda user, review: can_authorise_out_of_timescale(user))
    success_message = "The later date is authorised."

    def perform(self, data, form):
        services.review_authorise_out_of_timescale(
            review=self.review, by=self.request.user, **data
        )


class CancelView(ReviewStepView):
    title = "Cancel the review"
    form_class = forms.CancelForm
    button = "Cancel the review"
    allowed = staticmethod(can_cancel_review)
    # The child is still in care: the next review is planned at once (G-OPEN).
    success_message = "The review is cancelled. The next review is planned."

    def perform(self, data, form):
        services.review_cancel(
            review=self.review, by=self.request.user, today=self.today, **data
        )


class AdditionalReviewView(ReviewStepView):
    title = "Bring the review forward"
    intro = "An additional review replaces this one. It keeps this review's due date for reporting."
    form_class = forms.AdditionalReviewForm
    allowed = staticmethod(can_chair_review)
    success_message = "The additional review is planned."

    def perform(self, data, form):
        additional = services.review_request_additional(
            review=self.review, by=self.request.user, today=self.today, **data
        )
        return redirect(additional)


class ChoicesView(ReviewStepView):
    title = "Review Choices"
    intro = "Talk with the child about what they want from their review. Write their answers in their words."
    template_name = "reviews/choices.html"
    form_class = forms.ReviewChoicesForm
    allowed = staticmethod(can_prepare_review)
    success_message = "The child's Review Choices are saved."
    button = "Save Review Choices"

    def get_form(self, data=None, files=None):
        instance = getattr(self.review, "choices", None) or ReviewChoices(
            review=self.review
        )
        return self.form_class(
            data, instance=instance, initial={"version": self.review.version}
        )

    def perform(self, data, form):
        data.pop("version", None)
        services.review_choices_save(review=self.review, by=self.request.user, **data)


class ChecklistView(ReviewStepView):
    title = "Convening checklist"
    template_name = "reviews/checklist.html"
    form_class = forms.ChecklistForm
    allowed = staticmethod(can_prepare_review)
    success_message = "The convening checklist is sent to the IRO."
    button = "Send the checklist to the IRO"

    def get_form(self, data=None, files=None):
        return self.form_class(data, instance=getattr(self.review, "checklist", None))

    def get_context(self):
        return {
            "invitees": self.review.invitees.all(),
            "restrictions": sharing.restrictions_at(self.review),
            "unmatched_wishes": sharing.unmatched_wishes(self.review),
            "removable": corrections.removable_invitees(self.review),
        }

    def perform(self, data, form):
        services.checklist_submit(
            review=self.review, by=self.request.user, today=self.today, **data
        )


class InviteeView(ReviewStepView):
    title = "Add a person"
    form_class = forms.InviteeForm
    allowed = staticmethod(can_prepare_review)
    button = "Save this person"

    def dispatch(self, request, pk, invitee_pk=None, **kwargs):
        self.invitee_pk = invitee_pk
        return super().dispatch(request, pk, **kwargs)

    def get_form(self, data=None, files=None):
        invitee = (
            get_object_or_404(self.review.invitees, pk=self.invitee_pk)
            if self.invitee_pk
            else None
        )
        if invitee:
            self.title = f"Change {invitee.name}'s details"
        return self.form_class(data, instance=invitee)

    def perform(self, data, form):
        services.invitee_save(
            review=self.review,
            by=self.request.user,
            invitee=form.instance if form.instance.pk else None,
            **data,
        )
        messages.success(self.request, f"{data['name']} is on the list.")
        return redirect("reviews:checklist", self.review.pk)


class SharingRestrictionView(ReviewStepView):
    title = "Something the child does not want shared"
    intro = "Name the person and what they must not be told. Their copy of the record will leave it out."
    form_class = forms.SharingRestrictionForm
    allowed = staticmethod(can_prepare_review)

    def get_form_kwargs(self):
        return {"review": self.review}

    def perform(self, data, form):
        services.sharing_restriction_add(
            review=self.review, by=self.request.user, **data
        )
        messages.success(self.request, "The child's wish is recorded.")
        return redirect("reviews:checklist", self.review.pk)


class ConfirmView(ReviewStepView):
    title = "Confirm the invite list"
    template_name = "reviews/confirm.html"
    allowed = staticmethod(can_chair_review)
    success_message = "The invite list is confirmed."
    button = "Confirm the invite list"

    def get_context(self):
        return {
            "invitees": self.review.invitees.all(),
            "choices": getattr(self.review, "choices", None),
            "restrictions": sharing.restrictions_at(self.review),
            "unmatched_wishes": sharing.unmatched_wishes(self.review),
        }

    def perform(self, data, form):
        services.checklist_confirm(
            review=self.review, by=self.request.user, today=self.today
        )


class InvitationsView(ReviewStepView):
    title = "Send invitations"
    template_name = "reviews/invitations.html"
    allowed = staticmethod(can_send_for_review)
    success_message = "Invitations are made. The emails are waiting to be sent and go out in the background; print the letters below."
    button = "Send invitations"

    def get_context(self):
        latest = invitations.latest_for_review(self.review)
        return {
            "invited": invited_people(self.review),
            "not_invited": self.review.invitees.filter(child_does_not_want=True),
            "sent": self.review.invitations.exists(),
            # D-CAL2: each person's latest version, and what really happened to it.
            "latest": latest,
            "to_post": any(row.to_post for row in latest),
            # Added to the list (or invited again) since the invitations went out.
            "awaiting": list(invitations.awaiting(self.review)),
            "list_confirmed": invitations.list_confirmed(self.review),
        }

    def perform(self, data, form):
        services.review_issue_invitations(
            review=self.review, by=self.request.user, now=timezone.now()
        )
        return redirect("reviews:invitations", self.review.pk)


@require_POST
def invitation_resend_view(request, pk, invitee_pk):
    """Send one person's latest invitation again by email (D-CAL2)."""
    review = load_review(request, pk)
    if not can_send_for_review(request.user, review):
        raise PermissionDenied
    invitee = get_object_or_404(Invitee.everything.filter(review=review), pk=invitee_pk)
    try:
        invitation = invitations.invitation_resend(
            review=review, invitee=invitee, by=request.user, now=timezone.now()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        what = invitation.get_calendar_method_display().lower()
        messages.success(
            request,
            f"The {what} to {invitee.name} is sent again: its email is waiting to go.",
        )
    return redirect("reviews:invitations", review.pk)


class ChildContactView(ReviewStepView):
    title = "Meeting or speaking to the child"
    form_class = forms.ChildContactForm
    allowed = staticmethod(can_chair_review)
    success_message = "Your contact with the child is recorded."
    template_name = "reviews/child_contact.html"

    def get_context(self):
        return {
            "contacts": self.review.child_contacts.select_related("iro"),
            "changeable": corrections.entries_changeable(self.review),
        }

    def perform(self, data, form):
        services.child_contact_record(
            child=self.review.child, review=self.review, by=self.request.user, **data
        )


class DocumentsView(ReviewStepView):
    title = "The report, care plan and key documents"
    template_name = "reviews/documents.html"
    form_class = forms.KeyDocumentForm
    allowed = staticmethod(can_prepare_review)
    success_message = "The document is recorded."

    def get_context(self):
        return {
            "documents": self.review.documents.all(),
            "report_due": timescales.social_worker_report_due(self.preparation_base()),
        }

    def preparation_base(self):
        return preparation_base(self.review)

    def perform(self, data, form):
        services.key_document_mark(review=self.review, by=self.request.user, **data)
        return redirect("reviews:documents", self.review.pk)


class MeetingView(ReviewStepView):
    """Start the meeting; or for a review in progress, adjourn it or add a meeting."""

    title = "Hold the meeting"
    template_name = "reviews/meeting.html"
    allowed = staticmethod(can_chair_review)

    def get_form(self, data=None, files=None):
        if self.review.status in (
            Review.Status.SCHEDULED,
            Review.Status.INVITATIONS_ISSUED,
        ):
            return forms.StartMeetingForm(data)
        if self.review.status == Review.Status.ADJOURNED:
            return forms.MeetingDateForm(data)
        if self.review.status == Review.Status.IN_PROGRESS:
            return forms.MeetingDateForm(data, prefix="series")
        raise PermissionDenied

    def get_context(self):
        return {
            "meetings": self.review.meetings.all(),
            "adjourn_form": forms.ReasonForm(prefix="adjourn"),
            "not_heard": apart.still_to_hear_apart(self.review),
            "liberty_orders": for_review(self.review),  # DOL-6
        }

    def perform(self, data, form):
        user = self.request.user
        if isinstance(form, forms.StartMeetingForm):
            services.review_start(review=self.review, by=user, **data)
            messages.success(
                self.request, "The meeting is logged. The review is in progress."
            )
        elif self.review.status == Review.Status.ADJOURNED:
            services.review_reconvene(
                review=self.review, by=user, held_on=data["held_on"]
            )
            messages.success(self.request, "The review is reconvened.")
        else:
            services.review_add_meeting(
                review=self.review,
                by=user,
                held_on=data["held_on"],
                reason=data["reason"],
            )
            messages.success(self.request, "The further meeting is logged.")


class AdjournView(ReviewStepView):
    title = "Adjourn the review"
    intro = "A review can be adjourned once, for no more than 20 working days. The service manager is told."
    form_class = forms.ReasonForm
    allowed = staticmethod(can_chair_review)
    button = "Adjourn the review"

    def perform(self, data, form):
        review = services.review_adjourn(
            review=self.review, by=self.request.user, reason=data["reason"]
        )
        messages.success(
            self.request,
            f"The review is adjourned. Reconvene by {timescales.long_date(review.reconvene_by)}.",
        )


class UndoAdjournmentView(ReviewStepView):
    title = "Undo the adjournment"
    intro = (
        "If the review was adjourned by mistake, it goes back to being in progress: "
        "no meeting is added, and it can still be adjourned once. The adjournment "
        "stays in the history."
    )
    form_class = forms.ReasonForm
    allowed = staticmethod(can_undo_adjournment)
    button = "Undo the adjournment"
    success_message = "The adjournment is undone. The review is in progress."

    def perform(self, data, form):
        services.review_undo_adjournment(
            review=self.review, by=self.request.user, reason=data["reason"]
        )


class HoldView(ReviewStepView):
    title = "Participation and the next review"
    form_class = forms.HoldForm
    allowed = staticmethod(can_chair_review)
    button = "Record the review as held"

    def get_form_kwargs(self):
        return {"review": self.review}

    def get_context(self):
        return {
            "pn0": timescales.participation_pn0_required(
                self.review.child.date_of_birth, self.today
            ),
            "not_heard": apart.still_to_hear_apart(self.review),
        }

    def perform(self, data, form):
        services.meeting_attendance_record(
            review=self.review, by=self.request.user, attendance=form.attendance()
        )
        fields = (
            "participation",
            "chaired_by",
            "next_review_date",
            "permanence_plan_ratified",
            "not_adjourned_reason",
        )
        _, following = services.review_hold(
            review=self.review,
            by=self.request.user,
            today=self.today,
            **{name: data[name] for name in fields},
        )
        if following is not None:
            messages.success(
                self.request,
                f"The review is held. The next review is due by {timescales.long_date(following.due_date)}.",
            )


class DecisionsView(ReviewStepView):
    title = "Decisions and recommendations"
    template_name = "reviews/decisions.html"
    form_class = forms.DecisionForm
    allowed = staticmethod(can_chair_review)
    button = "Add this decision"

    def get_form_kwargs(self):
        return {"review": self.review}

    def get_context(self):
        return {
            "decisions": self.review.decisions.prefetch_related("withhold_from"),
            "submit_form": forms.SubmitDecisionsForm(prefix="submit"),
            "changeable": corrections.decisions_changeable(self.review),
            # D-WORDS: the words for the child are written with the record.
            "wording_changeable": corrections.record_changeable(self.review),
            "amendment": corrections.open_amendment(self.review),
        }

    def perform(self, data, form):
        withhold = data.pop("withhold_from")
        services.decision_save(
            review=self.review, by=self.request.user, withhold_from=withhold, **data
        )
        messages.success(self.request, "The decision is added.")
        return redirect("reviews:decisions", self.review.pk)


class SubmitDecisionsView(ReviewStepView):
    form_class = forms.SubmitDecisionsForm
    allowed = staticmethod(can_chair_review)
    success_message = "The decisions are sent to the team manager."

    def get_form(self, data=None, files=None):
        return self.form_class(data, prefix="submit")

    def perform(self, data, form):
        services.review_submit_decisions(
            review=self.review, by=self.request.user, today=self.today, **data
        )

    def render(self, form, status=200):
        messages.error(
            self.request,
            " ".join(str(e) for e in form.non_field_errors()) or "Check the decisions.",
        )
        return redirect("reviews:decisions", self.review.pk)


class RecordView(ReviewStepView):
    title = "Write the record to the child"
    template_name = "reviews/record.html"
    form_class = forms.RecordForm
    allowed = staticmethod(can_edit_iro_text)
    button = "Save the record"

    def get_form(self, data=None, files=None):
        record = getattr(self.review, "record", None)
        initial = {
            "band": services.band_for_age(
                self.review.child.date_of_birth, self.review.record_date or self.today
            )
        }
        if record is not None:
            initial = {
                "band": record.band,
                "translation_language": record.translation_language,
                "version": record.version,
            }
            for section in record.sections.prefetch_related("withhold_from"):
                initial[f"section_{section.key}"] = section.text
                initial[f"withhold_{section.key}"] = list(section.withhold_from.all())
            initial["nothing_to_leave_out_for"] = list(
                record.nothing_to_leave_out_for.all()
            )
        return self.form_class(
            data,
            review=self.review,
            restricted=sharing.restricted_people(self.review),
            initial=initial,
        )

    def get_context(self):
        record = getattr(self.review, "record", None)
        return {
            "check": check_record(record) if record else None,
            "restrictions": sharing.restrictions_at(self.review),
            "unmatched_wishes": sharing.unmatched_wishes(self.review),
            "undecided": sharing.undecided_people(self.review),
            "closed_challenges": challenges_closed_since_last_review(self.review),
            "can_finalise": self.review.status
            in (Review.Status.RD_AUTHORISED, Review.Status.RD_DISPUTED),
            # C3: amending a final record is for the chair (the IRO or the Duty IRO).
            "amendment": corrections.open_amendment(self.review),
            "can_amend": corrections.record_is_final(self.review)
            and can_chair_review(self.request.user, self.review),
            # A final record changes only through an amendment: no form to save.
            "changeable": corrections.record_changeable(self.review)
            or not corrections.record_is_final(self.review),
            "wishes_since_final": corrections.wishes_since_final(self.review),
        }

    def perform(self, data, form):
        services.record_save(
            review=self.review,
            by=self.request.user,
            band=data["band"],
            translation_language=data["translation_language"],
            sections=form.sections(),
            withheld=form.withheld(),
            nothing_to_leave_out_for=form.nothing_to_leave_out_for(),
            expected_version=data.get("version"),
        )
        messages.success(self.request, "The record is saved.")
        return redirect("reviews:record", self.review.pk)


class FinaliseRecordView(ReviewStepView):
    allowed = staticmethod(can_edit_iro_text)
    success_message = "The record is finalised and ready to send."

    def perform(self, data, form):
        record = getattr(self.review, "record", None)
        if record is None:
            raise ValidationError("Write the record before finalising it.")
        warning = check_record(record).warning_text()
        services.record_finalise(
            review=self.review,
            by=self.request.user,
            today=self.today,
            readability_warning=warning,
        )


class CloseView(ReviewStepView):
    title = "Close the review"
    form_class = forms.CloseForm
    allowed = staticmethod(can_chair_review)
    button = "Close the review"
    success_message = "The review is closed."

    def perform(self, data, form):
        services.review_close(review=self.review, by=self.request.user, **data)


@require_GET
def record_version_view(request, pk, invitee_pk=None):
    """Show one person's version of the record (the child's when no one is named)."""
    review = load_review(request, pk)
    if not can_read_review_case_content(request.user, review) or not hasattr(
        review, "record"
    ):
        raise PermissionDenied
    invitee = get_object_or_404(review.invitees, pk=invitee_pk) if invitee_pk else None
    version = services.record_version_for(review, invitee)
    # The professional record summarises challenges closed since the last review.
    closed = challenges_closed_since_last_review(review) if invitee is None else []
    return render(
        request,
        "reviews/record_version.html",
        {
            "review": review,
            "child": review.child,
            "version": version,
            "invitee": invitee,
            "closed_challenges": closed,
        },
    )


@require_GET
def consultations_view(request, pk):
    """The consultations received: the child's only for those the child allows (D-CONSULT)."""
    review = load_review(request, pk)
    if not can_read_review_case_content(request.user, review):
        raise PermissionDenied
    visible = [
        c
        for c in review.consultations.all()
        if can_read_child_consultation(request.user, c)
    ]
    return render(
        request,
        "reviews/consultations.html",
        {
            "review": review,
            "child": review.child,
            "consultations": visible,
            "hidden": len(review.consultations.all()) - len(visible),
            "can_enter_views": EnterConsultationView.allowed(request.user, review),
            # C1: views staff entered can be changed until the record is final.
            "can_change_views": EnterConsultationView.allowed(request.user, review)
            and corrections.entries_changeable(review),
        },
    )


class ProgressReviewView(ReviewStepView):
    title = "Progress review"
    intro = (
        "Half-way to the next review: check progress on each decision with the social "
        "worker, and raise any concern formally."
    )
    form_class = forms.ProgressReviewForm
    allowed = staticmethod(can_chair_review)
    button = "Save the progress review"
    success_message = "The progress review is recorded."

    template_name = "reviews/progress_form.html"

    @cached_property
    def progress(self) -> ProgressReview:
        return get_object_or_404(ProgressReview, review=self.review)

    def get_form_kwargs(self):
        return {"decisions": self.review.decisions.all(), "progress": self.progress}

    def get_context(self):
        target = self.progress.target_date
        decisions = self.review.decisions.prefetch_related(
            Prefetch(
                "updates",
                queryset=DecisionUpdate.everything.select_related("by", "removed_by"),
                to_attr="history",
            )
        )
        return {
            "due_note": f"Target date {timescales.long_date(target)}; practical date "
            f"{timescales.long_date(timescales.practical_latest(target))}.",
            "progress": self.progress,
            "decisions": [decision for decision in decisions if decision.history],
        }

    def perform(self, data, form):
        services.progress_review_record(
            progress=self.progress,
            by=self.request.user,
            done_on=data["done_on"],
            social_worker_dialogue_on=data["social_worker_dialogue_on"],
            summary=data["summary"],
            updates=form.updates(),
            today=self.today,
            reason=data.get("reason", ""),
        )


@require_http_methods(["GET", "POST"])
def decision_update_withdraw_view(request, pk, update_pk):
    """C7: the IRO (or the IRO covering) withdraws progress recorded by mistake."""
    review = load_review(request, pk)
    if not can_chair_review(request.user, review):
        raise PermissionDenied
    update = get_object_or_404(
        DecisionUpdate.objects.select_related("decision", "by"),
        pk=update_pk,
        decision__review=review,
    )
    form = forms.WithdrawDecisionUpdateForm(request.POST or None)
    if form.is_valid():
        try:
            services.decision_update_withdraw(
                update=update, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                "The update is withdrawn. The decision's progress is again what was "
                "recorded before it.",
            )
            return redirect("reviews:progress", review.pk)
    context = {"form": form, "review": review, "child": review.child, "update": update}
    return render_form_page(request, "reviews/decision_update_withdraw.html", context)


@require_GET
def document_download_view(request, pk, document_pk):
    """Download an uploaded key document: in scope, by the roles that need it, audited."""
    review = load_review(request, pk)
    document = get_object_or_404(review.documents.exclude(file=""), pk=document_pk)
    if not can_download_key_document(request.user, document):
        raise PermissionDenied
    showing(request, document, what=document.get_kind_display())
    suffix = document.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.get_kind_display()} - review {review.pk}.{suffix}",
    )
    response["Cache-Control"] = "no-store, private"
    return response


class CommentView(ReviewStepView):
    title = "Comment on the review"
    intro = "The IRO's record and decisions are theirs to write. Your comment is kept beside them, and the IRO is told."
    form_class = forms.CommentForm
    allowed = staticmethod(can_comment_on_review)
    button = "Add the comment"
    success_message = "Your comment is added."

    def perform(self, data, form):
        services.review_comment_add(review=self.review, by=self.request.user, **data)


class EnterConsultationView(ReviewStepView):
    title = "Enter views given another way"
    intro = "For views given in a booklet, a call, a drawing, a text or Mind Of My Own."
    form_class = forms.EnterConsultationForm
    allowed = staticmethod(
        lambda user, review: (
            can_chair_review(user, review) or can_prepare_review(user, review)
        )
    )
    button = "Save the views"
    success_message = "The views are saved."

    def get_form(self, data=None, files=None):
        # From "Who has been heard": the person whose views these are (V-APART).
        raw = self.request.GET.get("invitee", "")
        person = (
            self.review.invitees.filter(pk=int(raw)).first()
            if raw.isdigit() and len(raw) < 10
            else None
        )
        initial = (
            {"invitee": person.pk, "respondent_role": person.role}
            if person is not None
            else {}
        )
        return forms.EnterConsultationForm(data, review=self.review, initial=initial)

    def perform(self, data, form):
        services.consultation_enter(review=self.review, by=self.request.user, **data)
        return redirect("reviews:consultations", self.review.pk)
