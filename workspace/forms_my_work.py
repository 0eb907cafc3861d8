"""The filters of My work: when a task is due, what kind it is, which child."""

from django import forms

from core.forms import GovUKForm
from workspace import my_work


class MyWorkFilterForm(GovUKForm):
    when = forms.ChoiceField(
        label="Due",
        required=False,
        choices=[("", "Any time"), *my_work.WHEN_LABELS.items()],
        error_messages={"invalid_choice": "Choose when the tasks are due"},
    )
    kind = forms.ChoiceField(
        label="Task",
        required=False,
        error_messages={"invalid_choice": "Choose a kind of task you have"},
    )
    child = forms.TypedChoiceField(
        label="Child",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a child you have tasks for"},
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Every task"), *my_work.kind_choices(items)]
        self.fields["child"].choices = [
            ("", "Every child"),
            *((str(pk), name) for pk, name in my_work.child_choices(items)),
        ]

    def filters(self) -> my_work.Filters:
        if not self.is_bound or not self.is_valid():
            return my_work.Filters()
        data = self.cleaned_data
        return my_work.Filters(data["when"], data["kind"], data["child"])
