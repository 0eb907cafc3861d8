"""The role groups and the Django permissions they carry for the admin pages (/manage/).

Every role is a group (accounts.models.Role). Case pages check roles themselves (each
app's permissions module); only the admin pages use Django's model permissions, so only
the Administrator role carries any: users, teams and the roles' list, and django-axes'
sign-in attempts (to unlock a user). Two-factor sign-in has its own pages, open to the
role (accounts.admin). Nobody but a superuser can make a superuser or give a user
permissions of their own (accounts.admin.UserAdmin).
"""

from django.contrib.auth.models import Group, Permission

from accounts.models import Role

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.ADMINISTRATOR: (
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "accounts.add_team",
        "accounts.change_team",
        "accounts.view_team",
        "auth.view_group",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accessfailurelog",
        "axes.view_accesslog",
    ),
}


def grant_role_permissions(using: str = "default") -> None:
    """Make every role's group and give it its permissions (adds, never removes: a
    permission an administrator added by hand stays)."""
    for role in Role:
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        wanted = ROLE_PERMISSIONS.get(role, ())
        if not wanted:
            continue
        candidates = Permission.objects.using(using).select_related("content_type")
        found = [
            permission
            for permission in candidates.filter(
                codename__in=[name.split(".")[1] for name in wanted]
            )
            if f"{permission.content_type.app_label}.{permission.codename}" in wanted
        ]
        group.permissions.add(*found)
