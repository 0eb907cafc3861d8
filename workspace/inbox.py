"""A user's own notifications and email preference: reads and writes (services)."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from core.models import Notification, NotificationPreference


def notifications_for(user: User) -> QuerySet[Notification]:
    """Return the user's own notifications, newest first (nobody sees anyone else's)."""
    return Notification.objects.filter(user=user)


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return notifications_for(user).filter(read_at__isnull=True).count()


def preference_for(user: User) -> NotificationPreference:
    """Return the user's email preference; immediate emails unless they chose (unsaved)."""
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


@transaction.atomic
def notifications_mark_read(*, by: User, notification: Notification | None) -> int:
    """Mark one of the user's notifications read, or all of them (None); return how many."""
    unread = notifications_for(by).filter(read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notification_preference_set(*, by: User, email: str) -> NotificationPreference:
    """Save how the user wants reminders by email (each one, or a daily digest)."""
    preference = preference_for(by)
    preference.email = email
    preference.full_clean()
    preference.save()
    return preference
