from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.filter
def entered_value(value) -> str:
    """Show what a user typed into a field, including a day/month/year date input."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "/".join(str(part) for part in value if part not in (None, ""))
    return str(value)


@register.filter
def humanise(value: str) -> str:
    """Turn an identifier such as "decisions_submitted" into "Decisions submitted"."""
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


@register.filter
def select_options(field) -> str:
    """A select field's <option> elements, the current value selected.

    Built in Python: the child list's IRO filter has one option per IRO (1,800 in a
    large service), too many for a template loop on every request.
    """
    current = str(field.value())
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, " selected" if str(value) == current else "", label)
            for value, label in field.field.choices
        ),
    )
