"""The background-work page."""

from __future__ import annotations

from accounts.models import Role, User


def can_view_background_jobs(user: User) -> bool:
    """The IRO service manager and administrators see and retry background work."""
    return user.is_authenticated and user.has_role(Role.IRO_MANAGER, Role.ADMINISTRATOR)
