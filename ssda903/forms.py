"""Input for the SSDA903 import and export pages."""

from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.forms import GovUKForm
from core.uploads import MAX_UPLOAD_BYTES
from ssda903.years import FIRST_YEAR, YEARS


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


def _year_field(*, required: bool = True, more: str = "") -> forms.IntegerField:
    first = YEARS[FIRST_YEAR].label
    return forms.IntegerField(
        label="Collection year ending 31 March",
        required=required,
        help_text=f"For example 2026, for 1 April 2025 to 31 March 2026.{more}",
        min_value=FIRST_YEAR,
        max_value=2100,
        error_messages={
            "required": "Enter the year the collection ends",
            "invalid": "The year must be a number, like 2026",
            "min_value": f"The year must be {FIRST_YEAR} or later: the earliest "
            f"return this service reads and writes is {first}",
            "max_value": "The year must be 2100 or earlier",
        },
    )


def _not_ahead(year: int | None) -> int | None:
    if year is None:
        return None
    latest = current_collection_year(timezone.localdate())
    if year > latest:
        raise ValidationError(f"The year must be {latest} or earlier")
    return year


class Import903Form(GovUKForm):
    year = _year_field(
        required=False,
        more=" The year's columns and codes are used; left empty, the current year's.",
    )
    header = _file_field("header file (header.csv)")
    episodes = _file_field("episodes file (episodes.csv)")
    reviews = _file_field("reviews file (reviews.csv)")
    dolo = _file_field(
        "deprivation of liberty orders file (dolo.csv, from 2026/27; optional)",
        required=False,
    )
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
        "dolo": "deprivation of liberty orders file",
        "companion": "companion file",
    }

    def clean_year(self):
        return _not_ahead(self.cleaned_data["year"])

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
    year = _year_field()

    def clean_year(self):
        return _not_ahead(self.cleaned_data["year"])
