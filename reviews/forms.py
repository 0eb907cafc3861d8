import re
from datetime import date, datetime, time

from django import forms
from django.utils import timezone

from core.forms import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    GovUKDateField,
    GovUKForm,
    GovUKModelForm,
    text_area,
)
from core.uploads import validate_upload
from reviews.models import (
    ChildContact,
    Coming,
    Consultation,
    ConveningChecklist,
    Decision,
    HearingApart,
    Invitation,
    Invitee,
    KeyDocument,
    MeetingAttendance,
    ParticipantRole,
    RecordSection,
    Review,
    ReviewChoices,
    ReviewRecord,
)
from reviews.services.invitations import what_it_is

_DATE_LINE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
MAX_REVIEWS_HELD = 40


class TimescalesForm(GovUKForm):
    """Dates for the Timescales page: the whole schedule for one child, worked out."""

    looked_after_on = GovUKDateField(label="Date the child became looked after")
    reviews_held = forms.CharField(
        label="Dates of reviews held in this period of care (optional)",
        help_text="One date per line, for example 30/01/2025. Leave empty if none has been held.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    review_on = GovUKDateField(
        label="Date of the next review, if it is scheduled (optional)",
        subject="Date of the next review",
        required=False,
    )
    authority_to_place_on = GovUKDateField(
        label="Date of the placement order or section 19 consent (optional)",
        required=False,
    )
    placed_for_adoption_on = GovUKDateField(
        label="Date placed for adoption (optional)", required=False
    )
    placement_ended_on = GovUKDateField(
        label="Date the adoption placement ended (optional)", required=False
    )
    secure_started_on = GovUKDateField(
        label="Date the secure placement started (optional)", required=False
    )
    date_of_birth = GovUKDateField(label="Date of birth (optional)", required=False)

    def clean_reviews_held(self) -> list[date]:
        lines = [
            line
            for line in self.cleaned_data["reviews_held"].splitlines()
            if line.strip()
        ]
        if len(lines) > MAX_REVIEWS_HELD:
            raise forms.ValidationError(
                f"Enter at most {MAX_REVIEWS_HELD} review dates"
            )
        held = []
        for number, line in enumerate(lines, start=1):
            match = _DATE_LINE.match(line)
            try:
                if match is None:
                    raise ValueError
                day, month, year = (int(part) for part in match.groups())
                if not EARLIEST_YEAR <= year <= LATEST_YEAR:
                    raise ValueError
                held.append(date(year, month, day))
            except ValueError:
                raise forms.ValidationError(
                    f"Review date on line {number} must be a real date, like 30/01/2025"
                ) from None
        return sorted(held)

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("looked_after_on")
        if start is None:
            return cleaned
        if any(held < start for held in cleaned.get("reviews_held") or []):
            self.add_error(
                "reviews_held",
                "Reviews held must be on or after the date the child became looked after",
            )
        placed = cleaned.get("placed_for_adoption_on")
        ended = cleaned.get("placement_ended_on")
        if ended and not placed:
            self.add_error(
                "placement_ended_on",
                "Enter the date placed for adoption as well as the date the placement ended",
            )
        elif ended and placed and ended < placed:
            self.add_error(
                "placement_ended_on",
                "Date the adoption placement ended must be on or after the date placed for adoption",
            )
        born = cleaned.get("date_of_birth")
        if born and born > start:
            self.add_error(
                "date_of_birth",
                "Date of birth must be on or before the date the child became looked after",
            )
        return cleaned


# --- The review cycle -------------------------------------------------------------

_TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")
YES_NO = [(True, "Yes"), (False, "No")]


def yes_no(label: str, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={
            "required": f"Select yes or no: {label[:1].lower()}{label[1:]}"
        },
        **kwargs,
    )


class TimeField(forms.CharField):
    """A 24-hour time typed as HH:MM, with a GOV.UK message."""

    def __init__(self, *, label: str, **kwargs):
        super().__init__(
            label=label, max_length=5, help_text="For example, 14:30", **kwargs
        )
        self.error_messages["required"] = f"Enter the {label.lower()}"

    def clean(self, value):
        value = super().clean(value)
        match = _TIME.match(value or "")
        if match is None:
            raise forms.ValidationError(f"{self.label} must be a real time, like 14:30")
        return f"{int(match.group(1)):02d}:{match.group(2)}"


class ReviewVersionField(forms.IntegerField):
    """The review's version when the form was opened (optimistic locking)."""

    def __init__(self):
        super().__init__(widget=forms.HiddenInput, required=False)


class ScheduleForm(GovUKForm):
    # The review's services check the date as `scheduled_for` (reviews.services.transitions).
    service_fields = {"scheduled_for": "on"}
    version = ReviewVersionField()
    on = GovUKDateField(label="Date of the review")
    at = TimeField(label="Start time")
    venue = forms.CharField(
        label="Where",
        max_length=200,
        help_text="The child's choice where possible: away from offices and schools.",
    )
    format = forms.ChoiceField(
        label="How people take part",
        choices=Review.Format.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how people take part"},
    )
    reason = forms.CharField(
        label="Reason for rearranging",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you change the date of a scheduled review.",
    )

    def scheduled_for(self):
        hour, minute = (int(part) for part in self.cleaned_data["at"].split(":"))
        naive = datetime.combine(self.cleaned_data["on"], time(hour, minute))
        return timezone.make_aware(naive)


class AuthoriseLaterDateForm(GovUKForm):
    until = GovUKDateField(label="Latest date the review may be held")
    reason = forms.CharField(
        label="Why the review cannot be held by its due date",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter why the review cannot be held by its due date"
        },
    )


class CancelForm(GovUKForm):
    reason = forms.ChoiceField(
        label="Why is the review cancelled?",
        # Replacing a review is bringing it forward (an additional review), not this.
        choices=[
            choice
            for choice in Review.CancelReason.choices
            if choice[0] != Review.CancelReason.SUPERSEDED
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the review is cancelled"},
    )
    note = text_area("More detail", rows=3, max_length=2000)


class AdditionalReviewForm(GovUKForm):
    due_by = GovUKDateField(label="Latest date for the additional review")
    reason = text_area(
        "Why the review is brought forward",
        rows=3,
        max_length=2000,
        required=True,
        error_messages={"required": "Enter why the review is brought forward"},
    )


class ReviewChoicesForm(GovUKModelForm):
    version = ReviewVersionField()
    captured_on = GovUKDateField(label="Date you talked with the child")
    wants_to_meet_iro_before = yes_no(
        "Does the child want to meet their IRO before the review?", required=False
    )
    wants_to_speak_alone = yes_no(
        "Does the child want to speak to their IRO on their own?", required=False
    )
    wants_someone_to_speak = yes_no(
        "Does the child want someone to speak for them?", required=False
    )
    wants_explanation_after = yes_no(
        "Does the child want someone to explain what was decided afterwards?",
        required=False,
    )
    wants_copy_of_record = yes_no(
        "Does the child want a copy of the record of the review?", required=False
    )

    class Meta:
        model = ReviewChoices
        fields = [
            "captured_on",
            "not_applicable_reason",
            "wants_to_meet_iro_before",
            "wants_to_speak_alone",
            "who_to_invite",
            "who_not_to_invite",
            "venue",
            "timing",
            "format",
            "topics_to_discuss",
            "topics_not_to_discuss",
            "wants_to_chair",
            "wants_someone_to_speak",
            "snacks",
            "achievements",
            "support_needs",
            "wants_explanation_after",
            "wants_copy_of_record",
        ]
        labels = {
            "not_applicable_reason": "If the child cannot give their choices (too young, or did not want to), say why",
            "who_to_invite": "Who the child wants at the review",
            "who_not_to_invite": "Who the child does not want at the review",
            "venue": "Where the child would like the review",
            "timing": "When suits the child",
            "format": "Face to face or online",
            "topics_to_discuss": "What the child wants to talk about",
            "topics_not_to_discuss": "What the child does not want talked about",
            "wants_to_chair": "Does the child want to chair their review?",
            "snacks": "Snacks or drinks the child would like",
            "achievements": "Achievements the child wants talked about",
            "support_needs": "Support the child needs (interpreter, advocate, transport, other)",
        }
        widgets = {
            "format": forms.RadioSelect,
            "wants_to_chair": forms.RadioSelect,
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in [
                    "not_applicable_reason",
                    "who_to_invite",
                    "who_not_to_invite",
                    "topics_to_discuss",
                    "topics_not_to_discuss",
                    "achievements",
                    "support_needs",
                ]
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = ReviewChoices.Format.choices
        self.fields["wants_to_chair"].choices = ReviewChoices.Chairing.choices


class ChecklistForm(GovUKModelForm):
    class Meta:
        model = ConveningChecklist
        fields = ["parents_plan", "parents_plan_reason"]
        labels = {
            "parents_plan": "How parents take part",
            "parents_plan_reason": "Why (for example, the child's wishes or safety)",
        }
        widgets = {
            "parents_plan": forms.RadioSelect,
            "parents_plan_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parents_plan"].choices = ConveningChecklist.ParentsPlan.choices
        self.fields["parents_plan"].required = False


class InviteeForm(GovUKModelForm):
    class Meta:
        model = Invitee
        fields = [
            "name",
            "role",
            "method",
            "email",
            "postal_address",
            "consultation_type",
            "written_report_only",
            "child_does_not_want",
            "safety_notes",
            "interpreter_language",
        ]
        labels = {
            "method": "How to send the invitation",
            "postal_address": "Postal address",
            "consultation_type": "Consultation form to send",
            "safety_notes": "Safety notes (optional)",
            "interpreter_language": "Interpreter needed for (language, optional)",
        }
        error_messages = {
            "name": {"required": "Enter the person's name"},
            "role": {"required": "Select the person's role"},
        }
        widgets = {
            "method": forms.RadioSelect,
            "consultation_type": forms.RadioSelect,
            "postal_address": forms.Textarea(attrs={"rows": 3}),
            "safety_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Choose a role"), *ParticipantRole.choices]
        self.fields["method"].choices = Invitee.Method.choices
        self.fields["consultation_type"].choices = Invitee.ConsultationType.choices


class SharingRestrictionForm(GovUKForm):
    person = forms.ModelChoiceField(
        label="Who must not be told",
        queryset=Invitee.objects.none(),
        error_messages={"required": "Select the person"},
    )
    what = text_area(
        "What they must not be told",
        rows=3,
        max_length=2000,
        required=True,
        error_messages={"required": "Enter what they must not be told"},
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = review.invitees.all()


class ChildContactForm(GovUKModelForm):
    on = GovUKDateField(label="Date")

    class Meta:
        model = ChildContact
        fields = ["on", "how", "where", "alone", "note"]
        labels = {
            "how": "How",
            "where": "Where (optional)",
            "alone": "Did you speak to the child on their own?",
            "note": "Note (optional)",
        }
        widgets = {
            "how": forms.RadioSelect,
            "alone": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["how"].choices = ChildContact.How.choices
        self.fields["alone"].choices = ChildContact.Alone.choices


class KeyDocumentForm(GovUKForm):
    kind = forms.ChoiceField(
        label="Document",
        choices=KeyDocument.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the document"},
    )
    shared_on = GovUKDateField(label="Date shared with the IRO", required=False)
    shared_with_parents = forms.BooleanField(
        label="Also shared with the parents", required=False
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=200)
    file = forms.FileField(
        label="Upload the document (optional): PDF, Word or OpenDocument, up to 10MB",
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            validate_upload(upload)
        return upload


class StartMeetingForm(GovUKForm):
    held_on = GovUKDateField(label="Date of the meeting")
    social_worker_present = yes_no("Is the social worker or their manager present?")
    social_worker_absent_reason = text_area(
        "If not, why the review goes ahead", rows=2, max_length=2000
    )
    child_not_seen_reason = text_area(
        "If you have not met or spoken to the child beforehand, say why",
        rows=2,
        max_length=2000,
    )


class ReasonForm(GovUKForm):
    reason = text_area(
        "Reason",
        rows=3,
        max_length=2000,
        required=True,
        error_messages={"required": "Enter the reason"},
    )


class MeetingDateForm(GovUKForm):
    held_on = GovUKDateField(label="Date of the meeting")
    reason = text_area("Reason for a further meeting", rows=2, max_length=2000)


class HoldForm(GovUKForm):
    participation = forms.ChoiceField(
        label="How did the child take part? (participation code)",
        choices=Review.Participation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the child took part"},
    )
    chaired_by = forms.ChoiceField(
        label="Who chaired the review?",
        choices=Review.Chair.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who chaired the review"},
    )
    next_review_date = GovUKDateField(label="Date of the next review")
    permanence_plan_ratified = yes_no(
        "Second review: was the permanence plan ratified?", required=False
    )
    not_adjourned_reason = text_area(
        "If the review could have been adjourned but you went ahead, say why (optional)",
        rows=2,
        max_length=4000,
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        add_took_part_fields(self, review, blank="Not recorded")

    def attendance(self) -> dict:
        return took_part(self)


def add_took_part_fields(form, review, *, blank: str) -> None:
    """A "how did they take part" choice for each person invited (the hold and the
    correction of a held review's facts)."""
    form.people = list(review.invitees.filter(child_does_not_want=False))
    for person in form.people:
        form.fields[f"took_part_{person.pk}"] = forms.ChoiceField(
            label=f"How did {person.name} ({person.get_role_display().lower()}) take part?",
            choices=[("", blank), *MeetingAttendance.How.choices],
            required=False,
        )


def took_part(form) -> dict:
    """{person: how} for each person given an answer."""
    return {
        person: form.cleaned_data[f"took_part_{person.pk}"]
        for person in form.people
        if form.cleaned_data.get(f"took_part_{person.pk}")
    }


class DecisionForm(GovUKModelForm):
    due_date = GovUKDateField(label="Date it is due")
    withhold_from = forms.ModelMultipleChoiceField(
        label="Leave this out of the copy for (optional)",
        queryset=Invitee.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Decision
        fields = [
            "kind",
            "what",
            "child_wording",
            "owner_name",
            "owner_role",
            "due_date",
            "success_measure",
            "withhold_from",
        ]
        labels = {
            "what": "What will happen (specific and measurable)",
            "child_wording": "The same, in words the child will understand",
            "owner_name": "Who will do it",
            "owner_role": "Their role",
        }
        error_messages = {
            "what": {"required": "Enter what will happen"},
            "owner_name": {"required": "Enter who will do it"},
            "success_measure": {"required": "Enter how success will be measured"},
        }
        widgets = {
            "kind": forms.RadioSelect,
            "what": forms.Textarea(attrs={"rows": 3}),
            "child_wording": forms.Textarea(attrs={"rows": 2}),
            "success_measure": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Decision.Kind.choices
        self.fields["owner_role"].choices = [
            ("", "Choose a role"),
            *ParticipantRole.choices,
        ]
        self.fields["withhold_from"].queryset = review.invitees.all()


class SubmitDecisionsForm(GovUKForm):
    no_new_decisions = forms.BooleanField(
        label="There are no new decisions from this review", required=False
    )


class AuthoriseDecisionsForm(GovUKForm):
    ACTIONS = [
        ("authorise", "Authorise the decisions"),
        ("return", "Return them to the IRO with comments"),
        ("dispute", "Record that I disagree (this opens an informal challenge)"),
    ]
    action = forms.ChoiceField(
        label="Your decision",
        choices=ACTIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you want to do"},
    )
    comments = text_area("Comments", rows=4, max_length=4000)


class RecordForm(GovUKForm):
    """The record: a text box per section, and who each section is left out for."""

    band = forms.ChoiceField(
        label="Written for a child aged",
        choices=ReviewRecord.Band.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the age band"},
    )
    translation_language = forms.CharField(
        label="Language of a translation needed (optional)",
        required=False,
        max_length=60,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, review, restricted=(), **kwargs):
        super().__init__(*args, **kwargs)
        people = review.invitees.all()
        if restricted:
            self.fields["nothing_to_leave_out_for"] = forms.ModelMultipleChoiceField(
                label="Nothing in this record needs leaving out for (optional)",
                help_text="Tick someone only once you have checked that nothing in "
                "the record is what the child keeps from them.",
                queryset=people.filter(pk__in=[p.pk for p in restricted]),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        for key, heading in RecordSection.Key.choices:
            self.fields[f"section_{key}"] = forms.CharField(
                label=heading,
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
            self.fields[f"withhold_{key}"] = forms.ModelMultipleChoiceField(
                label=f"Leave “{heading}” out of the copy for (optional)",
                queryset=people,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def sections(self) -> dict[str, str]:
        return {
            key: self.cleaned_data[f"section_{key}"] for key in RecordSection.Key.values
        }

    def withheld(self) -> dict[str, list]:
        return {
            key: list(self.cleaned_data[f"withhold_{key}"])
            for key in RecordSection.Key.values
        }

    def nothing_to_leave_out_for(self) -> list | None:
        """None when nobody on the list has a restriction (the field is not shown)."""
        if "nothing_to_leave_out_for" not in self.fields:
            return None
        return list(self.cleaned_data["nothing_to_leave_out_for"])


class DistributeForm(GovUKForm):
    recipients = forms.ModelMultipleChoiceField(
        label="Send the record to",
        queryset=Invitee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select who the record goes to"},
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        # Everyone on the list: someone the child does not want at the meeting still
        # gets the version of the record the child's wishes allow (V-APART).
        self.fields["recipients"].queryset = review.invitees.all()


class _Letter(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        made = timezone.localtime(obj.sent_at)
        return f"{obj.invitee.name}: {what_it_is(obj)}, made {made:%-d %B %Y}"


class InvitationLettersPostedForm(GovUKForm):
    """Which invitation letters went in the post, and on which day (D-SENT)."""

    letters = _Letter(
        label="Letters posted",
        queryset=Invitation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the letters that were posted",
            "invalid_choice": "Select the letters that were posted",
            "invalid_pk_value": "Select the letters that were posted",
        },
    )
    posted_on = GovUKDateField(label="Date the letters were posted")

    def __init__(self, *args, letters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letters"].queryset = letters


class CloseForm(GovUKForm):
    care_plan_updated = forms.BooleanField(
        label="The care plan has been updated and agreed by the team manager",
        required=False,
    )


class ConsultationForm(GovUKForm):
    """Views through a single-use link (or entered by staff): strengths-based questions."""

    going_well = text_area("What is going well?", rows=4, max_length=5000)
    going_less_well = text_area(
        "What is not going so well, or worries you?", rows=4, max_length=5000
    )
    needs_to_happen = text_area("What needs to happen next?", rows=4, max_length=5000)
    # What the paper form asks as well (templates/documents/pdf/consultation_adult.html).
    anything_else = text_area(
        "Is there anything else you want the review to know?", rows=3, max_length=5000
    )
    coming = forms.ChoiceField(
        label="Will you come to the meeting?",
        choices=Coming.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    ANSWERS = ("going_well", "going_less_well", "needs_to_happen", "anything_else")

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name, "").strip() for name in self.ANSWERS):
            raise forms.ValidationError("Write something in at least one box")
        return cleaned


class ChildConsultationForm(ConsultationForm):
    """The child's simpler version, with the questions children asked for."""

    who_i_want = text_area(
        "Who would you like at your review?", rows=2, max_length=2000
    )
    who_i_do_not_want = text_area(
        "Is there anyone you do not want there?", rows=2, max_length=2000
    )
    talk_about = text_area("What do you want to talk about?", rows=2, max_length=2000)
    not_talk_about = text_area(
        "Is there anything you do not want talked about?", rows=2, max_length=2000
    )
    achievements = text_area("What are you proud of?", rows=2, max_length=2000)
    share_with_social_worker = forms.BooleanField(
        label="My social worker can read this", required=False
    )

    def __init__(self, *args, band: str = ReviewRecord.Band.THIRTEEN_PLUS, **kwargs):
        super().__init__(*args, **kwargs)
        # The child's paper form asks neither (consultation_child.html).
        del self.fields["anything_else"]
        del self.fields["coming"]
        for name, label in CHILD_QUESTIONS[band].items():
            self.fields[name].label = label


# The child's questions in the words of their age band (D-WORDS); the 8 to 12 and
# 13 and over forms ask what the child's paper form asks.
_CHILD_QUESTIONS_8_PLUS = {
    "going_well": "What is good at the moment?",
    "going_less_well": "What is not so good?",
    "needs_to_happen": "What would make things better?",
}
CHILD_QUESTIONS = {
    ReviewRecord.Band.UNDER_8: {
        "going_well": "What is good?",
        "going_less_well": "What is not good?",
        "needs_to_happen": "What would help?",
        "who_i_want": "Who do you want at your meeting?",
        "who_i_do_not_want": "Is there anyone you do not want there?",
        "talk_about": "What do you want to talk about?",
        "not_talk_about": "Is there something you do not want to talk about?",
        "achievements": "What are you good at?",
        "share_with_social_worker": "My social worker can see this",
    },
    ReviewRecord.Band.EIGHT_TO_12: _CHILD_QUESTIONS_8_PLUS,
    ReviewRecord.Band.THIRTEEN_PLUS: _CHILD_QUESTIONS_8_PLUS,
}


class ShortCodeForm(GovUKForm):
    """The short code a link printed in a letter also needs (docs/rules.md, D-CODE)."""

    code = forms.CharField(
        label="Short code",
        help_text="8 letters and numbers, for example ABCD-2345. We give it to you by "
        "phone or in person: it is not in your letter.",
        max_length=20,
        error_messages={"required": "Enter the short code"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
            }
        ),
    )


class FeedbackForm(GovUKForm):
    satisfied = yes_no("Were you happy with how the review went?")
    felt_listened_to = yes_no("Did you feel listened to?")
    about_the_record = text_area(
        "What did you think of the record of the review? (optional)",
        rows=3,
        max_length=4000,
    )
    comments = text_area(
        "Anything else you want to tell us? (optional)", rows=3, max_length=4000
    )


class ProgressReviewForm(GovUKForm):
    done_on = GovUKDateField(label="Date of the progress review")
    social_worker_dialogue_on = GovUKDateField(
        label="Date you discussed progress with the social worker (optional)",
        required=False,
    )
    summary = text_area(
        "Summary of progress",
        rows=5,
        max_length=10000,
        required=True,
        error_messages={"required": "Enter a summary of progress"},
    )

    def __init__(self, *args, decisions, progress=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.decisions = list(decisions)
        for decision in self.decisions:
            self.fields[f"status_{decision.pk}"] = forms.ChoiceField(
                label=f"Progress on: {decision.what}",
                choices=Decision.Status.choices,
                initial=decision.status,
            )
            self.fields[f"comment_{decision.pk}"] = forms.CharField(
                label="Comment (optional)", required=False, max_length=2000
            )
        # Once recorded, the progress review is corrected with a reason (C7): the form
        # starts from what it says now.
        if progress is not None and progress.done_on is not None:
            self.initial.update(
                done_on=progress.done_on,
                social_worker_dialogue_on=progress.social_worker_dialogue_on,
                summary=progress.summary,
            )
            self.fields["reason"] = text_area(
                "Why are you correcting the progress review?",
                max_length=2000,
                required=True,
                help_text="The history keeps what it said before and your reason.",
                error_messages={
                    "required": "Enter why you are correcting the progress review"
                },
            )

    def updates(self) -> dict:
        return {
            decision: (
                self.cleaned_data[f"status_{decision.pk}"],
                self.cleaned_data[f"comment_{decision.pk}"],
            )
            for decision in self.decisions
        }


class WithdrawDecisionUpdateForm(GovUKForm):
    """Taking back progress recorded by mistake needs a reason (C7)."""

    reason = text_area(
        "Why is this update being withdrawn?",
        max_length=2000,
        required=True,
        help_text="For example: recorded against the wrong decision.",
        error_messages={"required": "Enter why the update is withdrawn"},
    )


class ChildVisitForm(ChildContactForm):
    """An IRO visit or contact between reviews, logged in one step."""


class CommentForm(GovUKForm):
    text = text_area(
        "Your comment",
        rows=3,
        max_length=4000,
        required=True,
        error_messages={"required": "Enter your comment"},
    )


class NominateChairForm(GovUKForm):
    chair = forms.ModelChoiceField(
        label="Chair of the secure accommodation review",
        queryset=None,
        help_text="An IRO who is not the child's own IRO.",
        error_messages={"required": "Select the chair"},
    )

    def __init__(self, *args, child, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import Role, User

        self.fields["chair"].queryset = (
            User.objects.filter(groups__name=Role.IRO, is_active=True)
            .exclude(pk=child.iro_id)
            .distinct()
        )


PANEL_ROWS = 5


class SecureReviewRecordForm(GovUKForm):
    held_on = GovUKDateField(label="Date of the review")
    views = text_area(
        "Views of the child, parents, carers, independent visitor and the unit",
        rows=4,
        max_length=10000,
        required=True,
        error_messages={"required": "Enter the views heard by the panel"},
    )
    criteria_still_met = yes_no(
        "Do the criteria for keeping the child in secure accommodation still apply?"
    )
    placement_still_necessary = yes_no("Is the placement still necessary?")
    other_accommodation_more_suitable = yes_no(
        "Would any other accommodation be more suitable?"
    )
    recommendation = text_area(
        "The panel's recommendation",
        rows=3,
        max_length=10000,
        required=True,
        error_messages={"required": "Enter the panel's recommendation"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(1, PANEL_ROWS + 1):
            optional = "" if row <= 3 else " (optional)"
            self.fields[f"panel_{row}_name"] = forms.CharField(
                label=f"Panel member {row}: name{optional}",
                required=False,
                max_length=200,
            )
            self.fields[f"panel_{row}_role"] = forms.CharField(
                label=f"Panel member {row}: role", required=False, max_length=120
            )
            self.fields[f"panel_{row}_independent"] = forms.BooleanField(
                label=f"Panel member {row} is independent of the council",
                required=False,
            )

    def panel(self) -> list[dict]:
        return [
            {
                "name": self.cleaned_data[f"panel_{row}_name"],
                "role": self.cleaned_data[f"panel_{row}_role"],
                "independent": self.cleaned_data[f"panel_{row}_independent"],
            }
            for row in range(1, PANEL_ROWS + 1)
        ]


class SecureReviewCorrectForm(GovUKForm):
    """A held secure review's date and findings, with why they are corrected (C6)."""

    held_on = GovUKDateField(label="Date of the review")
    views = SecureReviewRecordForm.base_fields["views"]
    criteria_still_met = SecureReviewRecordForm.base_fields["criteria_still_met"]
    placement_still_necessary = SecureReviewRecordForm.base_fields[
        "placement_still_necessary"
    ]
    other_accommodation_more_suitable = SecureReviewRecordForm.base_fields[
        "other_accommodation_more_suitable"
    ]
    recommendation = SecureReviewRecordForm.base_fields["recommendation"]
    reason = text_area(
        "Why is it corrected?",
        rows=3,
        max_length=2000,
        required=True,
        error_messages={"required": "Enter why the review is corrected"},
    )


class EnterConsultationForm(ConsultationForm):
    """Views given another way (a booklet, a call, a drawing), entered by staff."""

    respondent_role = forms.ChoiceField(
        label="Whose views",
        choices=ParticipantRole.choices,
        error_messages={"required": "Select whose views these are"},
    )
    respondent_name = forms.CharField(
        label="Their name (optional)", required=False, max_length=200
    )
    channel = forms.ChoiceField(
        label="How they gave them",
        choices=Consultation.Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the views were given"},
    )
    received_on = GovUKDateField(label="Date received")
    share_with_social_worker = forms.BooleanField(
        label="A child's views: the child agrees to share them with their social worker",
        required=False,
    )
    field_order = [
        "invitee",
        "respondent_role",
        "respondent_name",
        "channel",
        "received_on",
    ]

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None:
            # Who on the list gave them, so that someone heard apart counts as heard
            # (V-APART); the corrections page keeps the fields it was entered with.
            self.fields["invitee"] = forms.ModelChoiceField(
                label="Who on the list gave them (optional)",
                queryset=review.invitees.exclude(role="child"),
                required=False,
            )
            self.order_fields(self.field_order)


class HeardApartConsultationForm(ConsultationForm):
    """For someone heard apart from the meeting: nothing asks whether they will come."""

    coming = None


class HearingApartForm(GovUKForm):
    how = forms.ChoiceField(
        label="How will you hear their views?",
        choices=HearingApart.How.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you will hear their views"},
    )
    planned_on = GovUKDateField(label="Date planned")
    note = text_area("Anything to remember (optional)", rows=3, max_length=2000)
