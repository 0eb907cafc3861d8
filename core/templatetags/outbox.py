"""Tell the user when emails they caused are still waiting in the outbox."""

from functools import reduce
from operator import or_

from django import template
from django.db.models import Q

from core.models import OutboundEmail

register = template.Library()


@register.inclusion_tag("core/_emails_waiting.html")
def invitation_emails_waiting(review):
    """How many of this review's invitation emails the mail server has not taken yet."""
    count = failed = 0
    # Every version of each person's invitation, and each sent again, is keyed
    # "invitation:<person>:..." (reviews.services.invitations).
    people = list(review.invitees.values_list("pk", flat=True))
    if review.scheduled_for and people:
        about = reduce(or_, (Q(key__startswith=f"invitation:{pk}:") for pk in people))
        unsent = OutboundEmail.objects.filter(about).exclude(
            status=OutboundEmail.Status.SENT
        )
        count = unsent.count()
        failed = unsent.filter(status=OutboundEmail.Status.FAILED).count()
    return {"waiting": count, "failed": failed}
