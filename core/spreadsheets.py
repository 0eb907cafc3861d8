"""Cells that a spreadsheet would run as a formula (CSV injection).

A value that starts with =, +, -, @, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets. Every CSV the service writes passes its cells
through `neutralise` (the dashboards' tables: reporting.dashboard.as_csv_rows) (OWASP's advice: a leading apostrophe, so the cell reads as
text); where a file must round-trip unchanged (the SSDA903 return), such a value is
refused where it enters instead (`refuse_formula_start`).
"""

from django.core.exceptions import ValidationError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_a_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def neutralise(value):
    """The cell as text a spreadsheet will not run: numbers and dates pass as they are."""
    if isinstance(value, str) and starts_like_a_formula(value):
        return "'" + value
    return value


def refuse_formula_start(value: str) -> None:
    """A validator for identifiers that go into files which must round-trip unchanged."""
    if isinstance(value, str) and starts_like_a_formula(value):
        raise ValidationError(
            "It cannot start with =, +, -, @, a tab or a line break",
            code="formula_start",
        )
