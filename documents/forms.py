"""Input for documents: attaching a translation (an uploaded PDF, checked), and
confirming that letters were posted."""

from django import forms

from core.forms import GovUKDateField, GovUKForm
from core.uploads import validate_upload


class TranslationForm(GovUKForm):
    """The translated document: a PDF (by its name and its first bytes), at most 10 MB."""

    language = forms.CharField(
        label="Language of the translation",
        max_length=60,
        error_messages={"required": "Enter the language of the translation"},
    )
    file = forms.FileField(
        label="The translated document (PDF, up to 10 MB)",
        error_messages={
            "required": "Choose the translated PDF",
            "empty": "The chosen file is empty",
            "invalid": "Choose the translated PDF",
        },
    )

    def __init__(self, *args, language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = language

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload, allowed=(".pdf",))
        return upload


class _Copy(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.invitee.name}: {obj.get_version_display()}, version {obj.record_version}"


class LettersPostedForm(GovUKForm):
    """Which of the review's letters went in the post, and on which day (D-SENT)."""

    copies = _Copy(
        label="Letters posted",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the letters that were posted"},
    )
    posted_on = GovUKDateField(label="Date the letters were posted")

    def __init__(self, *args, copies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copies"].queryset = copies


class RecordDownloadForm(forms.Form):
    """The download page's one button: only it uses the single-use link (D-SENT)."""

    download = forms.ChoiceField(
        choices=[("record", "record")],
        widget=forms.HiddenInput,
        error_messages={
            "required": "Use the button to download the record",
            "invalid_choice": "Use the button to download the record",
        },
    )
