"""Administrators manage users, roles and teams here; case data is not in the admin.

Two-factor sign-in is managed on its own pages ("Two-factor sign-in"): an administrator
issues a setup code or resets a user's two-factor there (accounts.two_factor), and every
event is listed. django-otp's own device admin is removed: through it an administrator
could bind an authenticator of their own to someone else's account, unrecorded.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import (
    Team,
    TwoFactorAccount,
    TwoFactorEvent,
    TwoFactorSetupCode,
    User,
)
from accounts.permissions import can_manage_users, can_reset_two_factor
from accounts.sessions import end_sessions_of

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


class NotSignedInFilter(admin.SimpleListFilter):
    """Users who have not signed in for 90 days (or ever): accounts to review."""

    title = "last sign-in"
    parameter_name = "idle"
    DAYS = 90

    def lookups(self, request, model_admin):
        return [("90", f"Not signed in for {self.DAYS} days")]

    def queryset(self, request, queryset):
        if self.value() != "90":
            return queryset
        since = timezone.now() - timedelta(days=self.DAYS)
        return queryset.filter(Q(last_login__lt=since) | Q(last_login__isnull=True))


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "first_name",
        "last_name",
        "email",
        "team",
        "is_active",
        "last_login",
    )
    list_filter = (NotSignedInFilter, "groups", "team", "is_active")
    readonly_fields = ("two_factor", "last_login", "sso_tenant_id", "sso_object_id")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            "Single sign-on",
            {
                "description": "Set at the user's first sign-in with their council "
                "account (docs/rules.md, D-SSO2).",
                "fields": ("sso_tenant_id", "sso_object_id"),
            },
        ),
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
        ("Two-factor sign-in", {"fields": ("two_factor",)}),
    )
    filter_horizontal = ("groups", "user_permissions", "overseen_teams")

    def get_readonly_fields(self, request, obj=None):
        # An administrator who is not a superuser cannot make one, nor give anyone
        # permissions outside the roles (accounts.roles).
        fields = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ("is_superuser", "user_permissions")
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            end_sessions_of(obj)  # switched off: out at once, everywhere (D-SSO7)

    @admin.display(description="Two-factor sign-in")
    def two_factor(self, user):
        if user.pk is None:
            return "Not set up"
        url = reverse("admin:accounts_twofactoraccount_change", args=[user.pk])
        return format_html(
            '{} (<a href="{}">issue a setup code or reset</a>)',
            two_factor.status_of(user).label,
            url,
        )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)


class _ForAdministrators:
    """Open to the Administrator role (accounts.permissions.can_manage_users), read-only."""

    def has_module_permission(self, request):
        return can_manage_users(request.user)

    def has_view_permission(self, request, obj=None):
        return can_manage_users(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TwoFactorAccount)
class TwoFactorAccountAdmin(_ForAdministrators, admin.ModelAdmin):
    """Each user's two-factor sign-in; their page issues a setup code or resets it."""

    list_display = ("username", "full_name", "status")
    search_fields = ("username", "first_name", "last_name", "email")
    list_filter = ("is_active",)
    actions = None

    def get_queryset(self, request):
        return two_factor.with_status(super().get_queryset(request))

    @admin.display(description="Name")
    def full_name(self, user):
        return user.get_full_name()

    @admin.display(description="Two-factor sign-in")
    def status(self, user):
        return two_factor.status_of(user).label

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not can_manage_users(request.user):
            raise PermissionDenied
        user = User.objects.filter(pk=unquote(object_id)).first()
        if user is None:
            raise Http404
        issued = ""
        if request.method == "POST":
            action = request.POST.get("action")
            if action == "issue":
                issued = two_factor.issue_setup_code(
                    user, by=request.user, request=request
                )
            elif action == "reset":
                issued = two_factor.reset_two_factor(
                    user, by=request.user, request=request
                )
            else:
                messages.error(request, "Choose issue or reset.")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Two-factor sign-in: {user}",
            "subject": user,
            "status": two_factor.status_of(user),
            "issued": issued,
            "code_days": two_factor.code_lifetime().days,
            "may_reset": can_reset_two_factor(request.user, user),
            "codes": TwoFactorSetupCode.objects.filter(user=user).select_related(
                "issued_by"
            )[:20],
            "events": two_factor.events_of(user),
            "max_attempts": two_factor.MAX_FAILED_ATTEMPTS,
        }
        return TemplateResponse(
            request, "accounts/manage_two_factor.html", context, status=200
        )


@admin.register(TwoFactorEvent)
class TwoFactorEventAdmin(_ForAdministrators, admin.ModelAdmin):
    """Every setup code issued, used and refused, every reset and every set-up."""

    list_display = ("at", "user", "kind", "by", "ip", "detail")
    list_filter = ("kind",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    date_hierarchy = "at"
    list_select_related = ("user", "by")
    actions = None
