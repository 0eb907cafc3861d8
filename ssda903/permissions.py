"""Who exchanges SSDA903 returns."""

from __future__ import annotations

from accounts.models import Role, User


def can_exchange_903(user: User) -> bool:
    """The IRO service manager imports and exports SSDA903 files."""
    return user.is_authenticated and user.has_role(Role.IRO_MANAGER)
