"""Form pieces shared by every app: the GOV.UK date input and form helpers."""

import html
import re
from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.models import construct_instance
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def message_subject(label: str) -> str:
    """What a date's messages call it: its label without a note in brackets at the end
    ("Date of birth (optional)" is "Date of birth must be a real date")."""
    return re.sub(r"\s*\([^()]*\)$", "", label)


class GovUKDateWidget(DateInputWidget):
    """The pack's day/month/year inputs without an empty aria-describedby.

    The pack's field filter empties `aria-describedby` on each input of a date with
    an error before adding the ids of the errors tied to that input; a date's errors
    belong to the whole field (its fieldset names them), so the inputs were left with
    `aria-describedby=""`, which is not valid HTML (an IDREFS needs an id).
    """

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget in context["widget"]["subwidgets"]:
            if not str(subwidget["attrs"].get("aria-describedby", "x")).strip():
                del subwidget["attrs"]["aria-describedby"]
        return context


class GovUKDateField(DateInputField):
    """A day/month/year date input whose messages follow the GOV.UK pattern.

    The design-system pack's own field shows Python's text for 31/02 ("day is out
    of range for month"); this one says "<Label> must be a real date". A message
    starts with the label (less a note in brackets, `message_subject`), or with
    `subject` when the label would not read as the start of a sentence.
    """

    widget = GovUKDateWidget

    def __init__(self, *, label: str, subject: str | None = None, **kwargs):
        super().__init__(label=label, **kwargs)
        subject = message_subject(label) if subject is None else subject
        name = subject[:1].upper() + subject[1:]
        self.error_messages = {
            "required": f"Enter {subject[:1].lower() + subject[1:]}",
            "incomplete": f"{name} must include a day, month and year",
            "invalid": f"{name} must be a real date",
        }
        for part, subfield in zip(("day", "month", "year"), self.fields, strict=True):
            subfield.error_messages["incomplete"] = f"{name} must include a {part}"
            subfield.validators = []
        self.message_name = name
        self.real_date_message = f"{name} must be a real date"
        self.range_message = f"{name} must be between {EARLIEST_YEAR} and {LATEST_YEAR}"

    def clean(self, value):
        if isinstance(value, (list, tuple)):
            value = [str(part).strip() if part is not None else part for part in value]
            filled = [part for part in value if part not in self.empty_values]
            if filled and not all(part.isdigit() for part in filled):
                raise ValidationError(self.real_date_message, code="invalid")
            missing = [
                name
                for name, part in zip(("day", "month", "year"), value, strict=False)
                if part in self.empty_values
            ]
            if filled and missing:
                # An optional date half typed in is not an empty one: say what is
                # missing, as GOV.UK's date input does, rather than drop what was typed.
                raise ValidationError(
                    f"{self.message_name} must include a {' and '.join(missing)}",
                    code="incomplete",
                )
        return super().clean(value)

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            year_number = int(year)
            if len(str(year).strip()) != 4:
                raise ValidationError(self.real_date_message, code="invalid")
            if not EARLIEST_YEAR <= year_number <= LATEST_YEAR:
                raise ValidationError(self.range_message, code="out_of_range")
            return date(year_number, int(month), int(day))
        except (ValueError, OverflowError) as error:
            raise ValidationError(self.real_date_message, code="invalid") from error


def escape_text(text) -> str:
    """Escape as conditional_escape does, with the standard library's html.escape
    (Django's escape without its lazy wrapper, for long lists written in Python:
    select options, dashboard table cells)."""
    if hasattr(text, "__html__"):
        return str(text.__html__())
    return html.escape(str(text))


class LongSelect(forms.Select):
    """A select for long lists (one option per IRO: 1,800 in a national service),
    its options written in Python rather than a template each. Plain
    options only, no groups; every value and label is escaped."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = set(self.format_value(value))
        options = []
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            mark = " selected" if option_value in selected else ""
            options.append(
                f'<option value="{escape_text(option_value)}"{mark}>{escape_text(label)}</option>'
            )
        return mark_safe(f"<select{flatatt(final_attrs)}>{''.join(options)}</select>")  # noqa: S308


class _EscapedLabels:
    """Escape every field's label and help text as it is rendered.

    crispy-forms-gds writes labels and help text with |safe, and some labels hold
    what a person typed (an invitee's name, a decision): escaped here, once, they
    render as text. Fields added in a subclass's __init__ are covered too.
    """

    def __getitem__(self, name):
        bound = super().__getitem__(name)
        if not getattr(bound, "_escaped", False):
            bound.label = conditional_escape(bound.label)
            if bound.help_text:
                bound.help_text = conditional_escape(bound.help_text)
            bound._escaped = True
        return bound


class _ServiceErrors:
    """Put a service's ValidationError({field: message}) beside the right field.

    A service names its own fields (`started_on`), which a form may call something else
    (`looked_after_on`): `service_fields` maps them. A name the form does not have goes
    in the error summary, never a ValueError (a 500).
    """

    service_fields: dict[str, str] = {}

    def add_error(self, field, error):
        if field is None and isinstance(error, dict):
            error = ValidationError(error)
        if field is None and hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self._add_one(name, errors)
            return
        self._add_one(field, error)

    def _add_one(self, field, error):
        if field is not None:
            field = self.service_fields.get(field, field)
            if field not in self.fields and field != NON_FIELD_ERRORS:
                field = None
        super().add_error(field, error)  # type: ignore[misc]


class GovUKForm(_ServiceErrors, _EscapedLabels, forms.Form):
    """A form rendered with the GOV.UK layout and no crispy <form> tag of its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class GovUKModelForm(_ServiceErrors, _EscapedLabels, forms.ModelForm):
    """A ModelForm rendered with the GOV.UK layout and no crispy <form> tag of its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ServiceCheckedModelForm(GovUKModelForm):
    """A GovUKModelForm that checks its own fields only, and leaves the model's checks
    (its clean() and constraints) to the service, which checks each date's range first
    (core.dates) and then calls full_clean(). Checked here, the model's order checks
    came first: a date 50 years ahead was reported as out of order with the dates after
    it, beside those, and a constraint's message named no field."""

    def _post_clean(self):
        opts = self._meta
        try:
            self.instance = construct_instance(
                self, self.instance, opts.fields, opts.exclude
            )
        except ValidationError as error:
            self._update_errors(error)


class ChildSearchForm(GovUKForm):
    q = forms.CharField(
        label="Search for a child by name, child ID or NHS number",
        max_length=100,
        strip=True,
        error_messages={
            "required": "Enter a name, child ID or NHS number to search for"
        },
    )


def text_area(
    label: str,
    *,
    rows: int = 3,
    max_length: int = 4000,
    required: bool = False,
    **kwargs,
) -> forms.CharField:
    """A GOV.UK textarea field: optional unless said otherwise, with a length limit."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )
