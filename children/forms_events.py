from django import forms

from children.models import SignificantEvent
from core.forms import GovUKDateField, GovUKForm

YES_NO = [("1", "Yes"), ("0", "No")]


class EventForm(GovUKForm):
    kind = forms.ChoiceField(
        label="What happened",
        choices=[("", "Select")] + SignificantEvent.Kind.choices,
        error_messages={"required": "Select what happened"},
    )
    occurred_on = GovUKDateField(label="Date of the event")
    stated_date = GovUKDateField(
        label="The date it will happen (if it has not happened yet)",
        required=False,
        help_text="For example the date accommodation is to end, or the child leaves detention.",
    )
    description = forms.CharField(
        label="What the IRO needs to know",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Enter what the IRO needs to know"},
    )


class WithdrawEventForm(GovUKForm):
    """Taking back an event recorded by mistake needs a reason."""

    reason = forms.CharField(
        label="Why is it being withdrawn?",
        help_text="For example: recorded for the wrong child.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why the event is withdrawn"},
    )


class EventDecisionForm(GovUKForm):
    decision = forms.ChoiceField(
        choices=SignificantEvent.Decision.choices,
        widget=forms.RadioSelect,
        label="Your decision",
        error_messages={"required": "Select your decision"},
    )
    # Its range is the service's (core.dates, DR-6).
    review_by = GovUKDateField(
        label="Latest date for the additional review", required=False
    )
    reason = forms.CharField(
        label="Reason for your decision",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Enter the reason for your decision"},
    )
    child_consulted = forms.TypedChoiceField(
        label="Was the child consulted?",
        choices=YES_NO,
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the child was consulted"},
    )
    parents_consulted = forms.TypedChoiceField(
        label="Were the parents or carers consulted?",
        choices=YES_NO,
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the parents or carers were consulted"
        },
    )

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        if event is not None and event.is_statutory:
            self.fields["decision"].choices = [
                c
                for c in SignificantEvent.Decision.choices
                if c[0] == "additional_review"
            ]
