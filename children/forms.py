from django import forms

from children.models import Child
from core.forms import GovUKDateField, GovUKModelForm


class ChildDetailsForm(GovUKModelForm):
    date_of_birth = GovUKDateField(label="Date of birth")
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Child
        fields = ["first_name", "last_name", "preferred_name", "date_of_birth", "sex"]
        labels = {"preferred_name": "Preferred name (optional)"}
        error_messages = {
            "first_name": {"required": "Enter the child's first name"},
            "last_name": {"required": "Enter the child's last name"},
        }
        widgets = {"sex": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version
        self.fields["sex"].choices = Child.Sex.choices
