"""Tell the user when emails they caused are still waiting in the outbox."""

from django import template
from django.utils import timezone

from core.models import OutboundEmail

register = template.Library()


@register.inclusion_tag("core/_emails_waiting.html")
def invitation_emails_waiting(review):
    """How many of this review's invitation emails the mail server has not taken yet."""
    count = failed = 0
    if review.scheduled_for:
        when = f"{timezone.localtime(review.scheduled_for):%Y%m%d%H%M}"
        keys = [
            f"invitation:{pk}:{when}"
            for pk in review.invitees.values_list("pk", flat=True)
        ]
        unsent = OutboundEmail.objects.filter(key__in=keys).exclude(
            status=OutboundEmail.Status.SENT
        )
        count = unsent.count()
        failed = unsent.filter(status=OutboundEmail.Status.FAILED).count()
    return {"waiting": count, "failed": failed}
