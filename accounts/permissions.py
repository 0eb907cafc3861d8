"""Role rules that concern no other app's objects: the roles that work with case data, and
who administers accounts. Each app's own rules are in its permissions module
(docs/architecture.md, "Who may see and do what").
"""

from __future__ import annotations

from accounts.models import Role, User

CASE_ROLES = frozenset(
    {
        Role.IRO,
        Role.DUTY_IRO,
        Role.IRO_MANAGER,
        Role.SOCIAL_WORKER,
        Role.TEAM_MANAGER,
        Role.SENIOR_MANAGER,
    }
)


def can_manage_users(user: User) -> bool:
    """Say whether the user administers accounts and settings."""
    return user.is_authenticated and user.has_role(Role.ADMINISTRATOR)


def can_reset_two_factor(admin: User, user: User) -> bool:
    """Say whether `admin` may issue a setup code for `user` or reset their two-factor
    sign-in: an administrator, for someone else (docs/rules.md, D-2FA)."""
    return can_manage_users(admin) and admin.pk != user.pk
