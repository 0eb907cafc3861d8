"""Forms of the notifications pages."""

from django import forms

from core.forms import GovUKForm, GovUKModelForm
from core.models import NotificationPreference


class NotificationPreferenceForm(GovUKModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email"]
        labels = {"email": "How do you want reminders by email?"}
        widgets = {"email": forms.RadioSelect}
        error_messages = {
            "email": {
                "required": "Choose how you want reminders by email",
                "invalid_choice": "Choose how you want reminders by email",
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].choices = NotificationPreference.Email.choices


class MarkReadForm(GovUKForm):
    """Which notification to mark as read: one of the user's own, or "all"."""

    notification = forms.CharField(
        max_length=20,
        error_messages={"required": "Choose a notification to mark as read"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_notification(self):
        from workspace.inbox import notifications_for

        value = self.cleaned_data["notification"].strip()
        if value == "all":
            return None
        if not (value.isascii() and value.isdigit() and len(value) <= 18):
            raise forms.ValidationError("Choose a notification to mark as read")
        notification = notifications_for(self.user).filter(pk=int(value)).first()
        if notification is None:
            raise forms.ValidationError("That notification is not in your list")
        return notification
