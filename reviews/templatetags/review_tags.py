from django import template
from django.utils import timezone

from children.permissions import can_read_case_record
from iro.permissions import acts_as_iro_for
from reviews.models import ChildContact, Decision, Review

register = template.Library()


@register.inclusion_tag("reviews/_child_panel.html")
def child_reviews_panel(child, user):
    """Reviews, the last IRO visit or contact, and open decisions, for the child's page.

    The caller has already loaded the child through accounts.permissions.
    """
    reviews = list(Review.objects.filter(child=child).order_by("-due_date")[:12])
    can_read = can_read_case_record(user, child)
    return {
        "child": child,
        "reviews": reviews,
        "today": timezone.localdate(),
        "last_contact": ChildContact.objects.filter(child=child).first()
        if can_read
        else None,
        "open_decisions": Decision.objects.filter(
            review__child=child, status=Decision.Status.OPEN
        ).order_by("due_date")[:20]
        if can_read
        else None,
        "can_log_visit": acts_as_iro_for(user, child),
    }
