from django import forms

from accounts.models import Role, User
from core.forms import GovUKDateField, GovUKForm, text_area


def _iros():
    return User.objects.filter(is_active=True, groups__name=Role.IRO).order_by(
        "last_name", "first_name"
    )


class IroChoiceField(forms.ModelChoiceField):
    def __init__(self, *, caseloads=None, **kwargs):
        self.caseloads = caseloads or {}
        super().__init__(queryset=_iros(), **kwargs)

    def label_from_instance(self, obj):
        load = self.caseloads.get(obj.pk)
        if load is None:
            return str(obj)
        return (
            f"{obj} – {load.children} children, {load.per_fte} per full-time equivalent"
        )


class AllocateForm(GovUKForm):
    def __init__(self, *args, caseloads=None, changing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["iro"] = IroChoiceField(
            caseloads=caseloads,
            label="IRO",
            widget=forms.RadioSelect,
            error_messages={"required": "Select an IRO"},
        )
        self.fields["on"] = GovUKDateField(
            label="Date of the change" if changing else "Date allocated"
        )
        self.fields["reason"] = forms.CharField(
            label="Reason for the change" if changing else "Note (optional)",
            max_length=200,
            required=changing,
            error_messages={"required": "Enter the reason for the change of IRO"},
        )
        self.fields["child_told_on"] = GovUKDateField(
            label="Date the child was given their IRO's contact details",
            required=False,
            help_text="Leave empty if the child has not been told yet.",
        )
        self.order_fields(["iro", "on", "reason", "child_told_on"])


class DutyCoverForm(GovUKForm):
    duty_iro = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Duty IRO",
        error_messages={"required": "Select the Duty IRO"},
    )
    covered_iro = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="IRO being covered (optional)",
        required=False,
        help_text="Leave empty for the duty rota: the children who have no IRO yet.",
    )
    starts_on = GovUKDateField(label="Start date")
    ends_on = GovUKDateField(label="End date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duty_iro"].queryset = _iros()
        self.fields["covered_iro"].queryset = _iros()


class LetterForm(GovUKForm):
    LETTERS = [
        ("introduction", "Introduction letter"),
        ("profile_card", "Profile card"),
        ("farewell", "Farewell letter"),
        ("child_told", "Child given their IRO's contact details"),
    ]
    letter = forms.ChoiceField(
        choices=LETTERS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what was sent"},
    )
    on = GovUKDateField(label="Date sent")


class DiaryForm(GovUKForm):
    week = GovUKDateField(label="Week beginning", required=False)


class AllocationDatesForm(GovUKForm):
    """Correct an allocation's start (and its end, once it has ended): C5. The dates'
    ranges are the service's (core.dates, DR-10)."""

    started_on = GovUKDateField(label="Start date")
    ended_on = GovUKDateField(label="End date")
    reason = text_area(
        "Why are you correcting the dates?",
        rows=3,
        max_length=2000,
        required=True,
        error_messages={"required": "Enter why the dates are being corrected"},
    )

    def __init__(self, *args, ended: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not ended:
            del self.fields["ended_on"]
