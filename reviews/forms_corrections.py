"""Forms for putting mistakes right: a held review's facts, and amending a final record."""

from django import forms

from core.forms import GovUKDateField, GovUKForm, text_area
from reviews.models import MeetingAttendance, Review


class HeldFactsForm(GovUKForm):
    """The facts recorded when the review was held, and who took part in its meeting."""

    held_on = GovUKDateField(label="Date the meeting was held")
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
    reason = text_area(
        "Why are you correcting it?",
        rows=3,
        max_length=2000,
        required=True,
        error_messages={"required": "Enter the reason for the correction"},
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = list(review.invitees.filter(child_does_not_want=False))
        for person in self.people:
            self.fields[f"took_part_{person.pk}"] = forms.ChoiceField(
                label=f"How did {person.name} ({person.get_role_display().lower()}) take part?",
                choices=[("", "As recorded"), *MeetingAttendance.How.choices],
                required=False,
            )
        self.order_fields(
            ["held_on", "participation", "chaired_by", "next_review_date"]
        )

    def attendance(self) -> dict:
        return {
            person: self.cleaned_data.get(f"took_part_{person.pk}", "")
            for person in self.people
        }


class AmendRecordForm(GovUKForm):
    reason = text_area(
        "What needs putting right, and why?",
        rows=3,
        max_length=2000,
        required=True,
        error_messages={"required": "Enter why the record needs amending"},
    )


class ConfirmForm(GovUKForm):
    """A step that cannot be taken back needs its box ticked: a form sent empty (or by
    mistake) changes nothing."""

    confirm = forms.BooleanField(
        label="Yes, I am sure",
        error_messages={"required": "Tick the box to say you are sure"},
    )

    def __init__(self, *args, label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["confirm"].label = label


class LaterDateDecisionForm(GovUKForm):
    decision = forms.ChoiceField(
        label="Your answer",
        choices=[
            ("authorise", "Authorise the date asked for"),
            ("refuse", "Refuse it: the review must be held by its due date"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to authorise the later date"},
    )
    answer = text_area(
        "Your reason (the IRO is told)",
        rows=3,
        max_length=2000,
        required=True,
        error_messages={"required": "Enter the reason for your answer"},
    )
