from django import template

from disputes.permissions import can_raise_challenge, can_record_acknowledgement
from disputes.selectors import challenges_of_child

register = template.Library()


@register.simple_tag
def child_challenges(child, user) -> dict:
    """The child's open and closed challenges this user may see, and what they may add."""
    return {
        **challenges_of_child(child, user),
        "can_raise": can_raise_challenge(user, child),
        "can_acknowledge": can_record_acknowledgement(user, child),
    }
