from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models import TimeStampedModel


class ChildQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def search(self, term: str):
        """Match a name (first, last, preferred) or the 903 CHILD id."""
        term = term.strip()
        if not term:
            return self.none()
        query = Q(child_id__iexact=term)
        for word in term.split()[:4]:
            query |= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
        return self.filter(query)


class Child(TimeStampedModel):
    """A child or young person looked after by the council."""

    class Sex(models.TextChoices):
        MALE = "M", "Male"
        FEMALE = "F", "Female"
        UNKNOWN = "U", "Not known"

    child_id = models.CharField(
        "child ID",
        max_length=10,
        unique=True,
        help_text="The SSDA903 CHILD identifier used by the council's case system.",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex, default=Sex.UNKNOWN)
    # The current allocations, kept in step with the history tables by the
    # allocation services (children.services, iro.services); scoping reads them.
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="social_work_children",
    )
    iro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="iro_children",
        verbose_name="IRO",
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "child_id"]
        verbose_name_plural = "children"
        indexes = [
            models.Index(fields=["team"], name="children_child_team_idx"),
            models.Index(fields=["iro"], name="children_child_iro_idx"),
            models.Index(fields=["last_name", "first_name"], name="children_name_idx"),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("children:detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.first_name


class PeriodOfCare(TimeStampedModel):
    """A continuous period of being looked after; only a new one restarts the clock."""

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="periods_of_care"
    )
    started_on = models.DateField("date the child became looked after")
    started_at_time = models.TimeField(
        "time the child became looked after", null=True, blank=True
    )
    ended_on = models.DateField(
        "date the child ceased to be looked after", null=True, blank=True
    )
    reason_ended = models.CharField("reason ceased (903 REC)", max_length=3, blank=True)
    # The adoption review tracks (AAR reg 36) start from these dates.
    authority_to_place_on = models.DateField(
        "date of authority to place for adoption", null=True, blank=True
    )
    placed_for_adoption_on = models.DateField(
        "date placed for adoption", null=True, blank=True
    )
    adoption_placement_ended_on = models.DateField(
        "date the adoption placement ended (child returned to the agency)",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="children_period_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ended_on__isnull=True),
                name="children_one_open_period_per_child",
            ),
        ]

    def __str__(self):
        end = f"{self.ended_on:%d %b %Y}" if self.ended_on else "now"
        return f"Period of care {self.started_on:%d %b %Y} to {end}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class SocialWorkerAllocation(TimeStampedModel):
    """Who the child's social worker and team were, and when."""

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="social_worker_allocations"
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ended_on__isnull=True),
                name="children_one_current_social_worker",
            ),
        ]

    def __str__(self):
        return f"{self.social_worker} ({self.team}) from {self.started_on:%d %b %Y}"
