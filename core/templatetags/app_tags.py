from django import template

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
