"""Forms for putting mistakes right: a held review's facts, and amending a final record."""

from django import forms

from core.forms import GovUKDateField, GovUKForm, text_area
from reviews.forms import HoldForm, add_took_part_fields, took_part


def correction_reason() -> forms.CharField:
    """Every correction asks why (C2): the history keeps the reason."""
    return text_area(
        "Why are you correcting it?",
        rows=3,
        max_length=2000,
        required=True,
        error_messages={"required": "Enter the reason for the correction"},
    )


class HeldFactsForm(GovUKForm):
    """The facts recorded when the review was held, and who took part in its meeting."""

    held_on = GovUKDateField(label="Date the meeting was held")
    # The same questions as when the review was held (reviews.forms.HoldForm).
    participation = HoldForm.base_fields["participation"]
    chaired_by = HoldForm.base_fields["chaired_by"]
    next_review_date = GovUKDateField(label="Date of the next review")
    reason = correction_reason()

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        add_took_part_fields(self, review, blank="As recorded")
        self.order_fields(
            ["held_on", "participation", "chaired_by", "next_review_date"]
        )

    def attendance(self) -> dict:
        return took_part(self)


class MeetingCorrectForm(GovUKForm):
    held_on = GovUKDateField(label="Date the meeting was held")
    reason = correction_reason()


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
