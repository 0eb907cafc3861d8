import html

from django import template
from django.utils.safestring import mark_safe

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
    large service), too many for a template loop, or for format_html, on every
    request. Every value and label is escaped as conditional_escape would.
    """
    current = str(field.value())
    parts = []
    for value, label in field.field.choices:
        mark = " selected" if str(value) == current else ""
        parts.append(
            f'<option value="{_escaped(value)}"{mark}>{_escaped(label)}</option>'
        )
    return mark_safe("".join(parts))  # noqa: S308 (each part escaped above)


def _escaped(text) -> str:
    if hasattr(text, "__html__"):
        return str(text.__html__())
    return html.escape(str(text))
