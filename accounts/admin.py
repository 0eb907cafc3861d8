"""Administrators manage users, roles and teams here; case data is not in the admin."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import Team, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "team", "is_active")
    list_filter = ("groups", "team", "is_active")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            "Work",
            {
                "fields": (
                    "team",
                    "job_title",
                    "phone",
                    "fte",
                    "senior_level",
                    "overseen_teams",
                )
            },
        ),
    )
    filter_horizontal = ("groups", "user_permissions", "overseen_teams")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
