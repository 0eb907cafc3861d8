from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse

from core.models import TimeStampedModel


class Role(models.TextChoices):
    """A role is a Django group of the same name; a user may hold several."""

    IRO = "IRO", "Independent Reviewing Officer"
    IRO_MANAGER = "IRO service manager", "IRO service manager"
    DUTY_IRO = "Duty IRO", "Duty IRO"
    SOCIAL_WORKER = "Social worker", "Social worker"
    TEAM_MANAGER = "Team manager", "Team manager"
    SENIOR_MANAGER = "Senior manager", "Senior manager, children's social care"
    BUSINESS_SUPPORT = "Business support", "Business support"
    ADMINISTRATOR = "Administrator", "Administrator"


class Team(TimeStampedModel):
    """A social-work team (children's social care) or the IRO service's own team."""

    class Kind(models.TextChoices):
        SOCIAL_WORK = "social_work", "Social-work team"
        IRO_SERVICE = "iro_service", "IRO service"

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.SOCIAL_WORK)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A member of staff. What they may do comes from their roles (groups)."""

    class SeniorLevel(models.TextChoices):
        HEAD_OF_SERVICE = "head_of_service", "Head of service"
        ASSISTANT_DIRECTOR = "assistant_director", "Assistant director"
        DIRECTOR = "director", "Director"

    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="Social workers and team managers belong to one team.",
    )
    job_title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    fte = models.DecimalField(
        "full-time equivalent",
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="For IROs: caseloads are counted per full-time equivalent.",
    )
    senior_level = models.CharField(
        max_length=30, choices=SeniorLevel, blank=True, default=""
    )
    overseen_teams = models.ManyToManyField(
        Team,
        blank=True,
        related_name="senior_managers",
        help_text="For senior managers: the teams under them.",
    )
    # Single sign-on (accounts.sso): the provider's tenant and immutable object id,
    # bound once, at the first sign-in (D-SSO2). Never the email address.
    sso_tenant_id = models.CharField("SSO tenant id", max_length=64, blank=True)
    sso_object_id = models.CharField(
        "SSO object id",
        max_length=64,
        blank=True,
        help_text="Set at the first single sign-on; empty until then.",
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fte__isnull=True) | models.Q(fte__gt=0, fte__lte=1),
                name="accounts_fte_between_0_and_1",
            ),
            models.UniqueConstraint(
                fields=["sso_tenant_id", "sso_object_id"],
                condition=~models.Q(sso_object_id=""),
                name="accounts_user_unique_sso_identity",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_absolute_url(self):
        return reverse("accounts:profile")

    @cached_property
    def roles(self) -> frozenset[str]:
        """The names of this user's roles (cached for the request)."""
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def role_labels(self) -> list[str]:
        return [role.label for role in Role if role.value in self.roles]


class TwoFactorSetupCode(models.Model):
    """A one-time code an administrator gives a user so they may set up two-factor sign-in.

    Only a hash of the code is kept; the code itself is shown once, to the administrator.
    The rules are in accounts.two_factor (docs/rules.md, D-2FA).
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="two_factor_setup_codes"
    )
    code_hash = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when issued on the server (manage.py two_factor_setup_code).",
    )
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self):
        return f"Setup code for {self.user} issued {self.issued_at:%d %b %Y %H:%M}"


class TwoFactorEvent(models.Model):
    """What happened to a user's two-factor sign-in: shown in /manage/ and written to
    the security log as well."""

    class Kind(models.TextChoices):
        CODE_ISSUED = "code_issued", "Setup code issued"
        RESET = "reset", "Two-factor reset (new setup code issued)"
        CODE_USED = "code_used", "Setup code used"
        CODE_FAILED = "code_failed", "Wrong setup code entered"
        CODE_LOCKED = "code_locked", "Setup code stopped after too many wrong attempts"
        ENROLLED = "enrolled", "Authenticator app set up"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="two_factor_events"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    at = models.DateTimeField()
    by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The administrator, for an issue or a reset.",
    )
    ip = models.CharField("address", max_length=45, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-at"], name="accounts_2fa_event_user_at")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.user}"


class TwoFactorAccount(User):
    """A user as /manage/ shows them for two-factor sign-in (issue a setup code, reset)."""

    class Meta:
        proxy = True
        verbose_name = "two-factor sign-in"
        verbose_name_plural = "two-factor sign-in"
