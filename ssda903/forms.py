"""Input for the SSDA903 import and export pages."""

from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.forms import GovUKForm
from core.uploads import MAX_UPLOAD_BYTES


def _csv_upload(upload, label: str):
    """A CSV has no magic bytes: check its name and size (the import checks the rest)."""
    if PurePath(upload.name).suffix.lower() != ".csv":
        raise ValidationError(f"The {label} must be a CSV file")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(f"The {label} must be smaller than 10MB")
    if upload.size == 0:
        raise ValidationError(f"The {label} is empty")
    return upload


def _file_field(label: str, *, required: bool = True) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        error_messages={
            "required": f"Choose the {label}",
            "empty": f"The {label} is empty",
            "invalid": f"Choose the {label}",
        },
    )


class Import903Form(GovUKForm):
    header = _file_field("header file (header.csv)")
    episodes = _file_field("episodes file (episodes.csv)")
    reviews = _file_field("reviews file (reviews.csv)")
    companion = _file_field(
        "companion file with names and workers (optional)", required=False
    )
    dry_run = forms.BooleanField(
        label="Check the files only: save nothing", required=False
    )

    LABELS = {
        "header": "header file",
        "episodes": "episodes file",
        "reviews": "reviews file",
        "companion": "companion file",
    }

    def clean(self):
        data = super().clean()
        for name, label in self.LABELS.items():
            upload = data.get(name)
            if upload:
                try:
                    _csv_upload(upload, label)
                except ValidationError as error:
                    self.add_error(name, error)
        return data


def current_collection_year(today) -> int:
    """The collection year that contains `today` ends on 31 March of this year."""
    return today.year + (1 if today.month > 3 else 0)


class Export903Form(GovUKForm):
    year = forms.IntegerField(
        label="Collection year ending 31 March",
        help_text="For example 2026, for 1 April 2025 to 31 March 2026.",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Enter the year the collection ends",
            "invalid": "The year must be a number, like 2026",
            "min_value": "The year must be 2000 or later",
            "max_value": "The year must be 2100 or earlier",
        },
    )

    def clean_year(self):
        year = self.cleaned_data["year"]
        latest = current_collection_year(timezone.localdate())
        if year > latest:
            raise ValidationError(f"The year must be {latest} or earlier")
        return year
