import re
from datetime import date

from django import forms

from core.forms import EARLIEST_YEAR, LATEST_YEAR, GovUKDateField, GovUKForm

_DATE_LINE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
MAX_REVIEWS_HELD = 40


class TimescalesForm(GovUKForm):
    """Dates for the Timescales page: the whole schedule for one child, worked out."""

    looked_after_on = GovUKDateField(label="Date the child became looked after")
    reviews_held = forms.CharField(
        label="Dates of reviews held in this period of care (optional)",
        help_text="One date per line, for example 30/01/2025. Leave empty if none has been held.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    review_on = GovUKDateField(
        label="Date of the next review, if it is scheduled (optional)", required=False
    )
    authority_to_place_on = GovUKDateField(
        label="Date of the placement order or section 19 consent (optional)",
        required=False,
    )
    placed_for_adoption_on = GovUKDateField(
        label="Date placed for adoption (optional)", required=False
    )
    placement_ended_on = GovUKDateField(
        label="Date the adoption placement ended (optional)", required=False
    )
    secure_started_on = GovUKDateField(
        label="Date the secure placement started (optional)", required=False
    )
    date_of_birth = GovUKDateField(label="Date of birth (optional)", required=False)

    def clean_reviews_held(self) -> list[date]:
        lines = [
            line
            for line in self.cleaned_data["reviews_held"].splitlines()
            if line.strip()
        ]
        if len(lines) > MAX_REVIEWS_HELD:
            raise forms.ValidationError(
                f"Enter at most {MAX_REVIEWS_HELD} review dates"
            )
        held = []
        for number, line in enumerate(lines, start=1):
            match = _DATE_LINE.match(line)
            try:
                if match is None:
                    raise ValueError
                day, month, year = (int(part) for part in match.groups())
                if not EARLIEST_YEAR <= year <= LATEST_YEAR:
                    raise ValueError
                held.append(date(year, month, day))
            except ValueError:
                raise forms.ValidationError(
                    f"Review date on line {number} must be a real date, like 30/01/2025"
                ) from None
        return sorted(held)

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("looked_after_on")
        if start is None:
            return cleaned
        if any(held < start for held in cleaned.get("reviews_held") or []):
            self.add_error(
                "reviews_held",
                "Reviews held must be on or after the date the child became looked after",
            )
        placed = cleaned.get("placed_for_adoption_on")
        ended = cleaned.get("placement_ended_on")
        if ended and not placed:
            self.add_error(
                "placement_ended_on",
                "Enter the date placed for adoption as well as the date the placement ended",
            )
        elif ended and placed and ended < placed:
            self.add_error(
                "placement_ended_on",
                "Date the adoption placement ended must be on or after the date placed for adoption",
            )
        born = cleaned.get("date_of_birth")
        if born and born > start:
            self.add_error(
                "date_of_birth",
                "Date of birth must be on or before the date the child became looked after",
            )
        return cleaned
