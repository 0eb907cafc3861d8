"""Ending a person's sessions at once (docs/rules.md, D-SSO7): when an administrator
switches a user off, every session signed in as them is deleted, so no open browser
keeps working until its next request or its timeout."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone


def end_sessions_of(user) -> int:
    """Delete every live session signed in as `user`; how many there were. Sessions
    are in the database (SESSION_ENGINE's default); a council's few thousand live
    sessions are read once."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
