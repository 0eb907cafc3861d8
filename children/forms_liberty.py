"""Forms for a child's deprivation of liberty orders (docs/rules.md, DOL-1 to DOL-3).
The service checks the dates' ranges and the overlaps; these check their own fields."""

from django import forms

from children.models import DeprivationOfLibertyOrder
from core.forms import GovUKDateField, GovUKForm, ServiceCheckedModelForm


class LibertyOrderForm(ServiceCheckedModelForm):
    started_on = GovUKDateField(label="Date the order started")
    ended_on = GovUKDateField(
        label="Date the order ended (leave empty while it is in force)", required=False
    )
    court_review_on = GovUKDateField(
        label="Date the court next reviews the order (optional)", required=False
    )
    accommodation = forms.ChoiceField(
        label="What the order authorises",
        choices=DeprivationOfLibertyOrder.Accommodation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the order authorises"},
    )

    class Meta:
        model = DeprivationOfLibertyOrder
        fields = [
            "started_on",
            "ended_on",
            "accommodation",
            "court_reference",
            "court_review_on",
        ]
        labels = {"court_reference": "Court order reference (the case number)"}
        error_messages = {
            "court_reference": {"required": "Enter the court order reference"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Empty only on an order imported from a 903 return, until completed (DOL-9).
        self.fields["court_reference"].required = True


class RemoveLibertyOrderForm(GovUKForm):
    """Taking back an order recorded by mistake needs a reason (C1)."""

    reason = forms.CharField(
        label="Why is it being removed?",
        help_text="For example: recorded for the wrong child.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why the order is removed"},
    )
