"""Input for documents: attaching a translation (an uploaded PDF, checked)."""

from django import forms

from core.forms import GovUKForm
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
