from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from children import codes_903
from core import dates, identifiers
from core.models import Removable, TimeStampedModel
from core.spreadsheets import refuse_formula_start


class ChildQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def search(self, term: str):
        """Match a name (first, last, preferred), the 903 CHILD id or the NHS number
        (its spaces and dashes ignored)."""
        term = term.strip()
        if not term:
            return self.none()
        query = Q(child_id__iexact=term)
        digits = identifiers.nhs_number_digits(term)
        if len(digits) == identifiers.NHS_NUMBER_LENGTH and digits.isdigit():
            return self.filter(query | Q(nhs_number=digits) | Q(child_id=digits))
        for word in term.split()[:4]:
            query |= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
        return self.filter(query)

    def looked_after(self):
        """Children with an open period of care."""
        return self.filter(periods_of_care__ended_on__isnull=True).distinct()

    def awaiting_iro(self):
        """Looked-after children with no IRO, short breaks excluded (the queue)."""
        return self.filter(
            iro__isnull=True,
            periods_of_care__ended_on__isnull=True,
            periods_of_care__short_breaks=False,
        ).distinct()


# No two children share an NHS number (ID-DUP): what a person is told, whoever has it.
NHS_NUMBER_TAKEN = (
    "A child with this NHS number is already recorded: check it against the child's "
    "health record, or ask the IRO service manager"
)


class IdentifierAbsent(models.TextChoices):
    """Why the child's NHS number or UPN is not recorded (Children Act 2004 s.16LC,
    inserted by the Children's Wellbeing and Schools Act 2026: the consistent
    identifier is included unless one of these applies; docs/rules.md, ID-ABS)."""

    NOT_YET_KNOWN = "not_yet_known", "Not yet known"
    NOT_RELEVANT = "not_relevant", "Not relevant"
    DETRIMENTAL = (
        "detrimental",
        "Including it would be more detrimental to the child than not including it",
    )
    UNDUE_DELAY = "undue_delay", "It cannot be found without undue delay"


class Child(TimeStampedModel):
    """A child or young person looked after by the council."""

    Sex = codes_903.Sex
    IdentifierAbsent = IdentifierAbsent

    class Contact(models.TextChoices):
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"
        EMAIL = "email", "Email"
        MOMO = "momo", "Mind Of My Own app"
        VISIT = "visit", "Visit in person"

    child_id = models.CharField(
        "child ID",
        max_length=10,
        unique=True,
        help_text="The SSDA903 CHILD identifier used by the council's case system.",
        validators=[refuse_formula_start],
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex, default=Sex.UNKNOWN)
    ethnicity = models.CharField(
        "ethnicity (903 ETHNIC)",
        max_length=4,
        choices=codes_903.Ethnicity,
        default=codes_903.Ethnicity.NOBT,
    )
    # The identifiers (docs/rules.md, ID-NHS, ID-UPN, ID-ABS). The NHS number is held
    # without spaces; no two children share one (the register's check, ID-DUP, says
    # whose it is before the database would refuse it).
    nhs_number = models.CharField(
        "NHS number",
        max_length=10,
        null=True,
        blank=True,
        unique=True,
        help_text="10 digits, the last a check digit; held without spaces.",
        error_messages={"unique": NHS_NUMBER_TAKEN},
    )
    nhs_number_absent_reason = models.CharField(
        "why there is no NHS number",
        max_length=20,
        choices=IdentifierAbsent,
        blank=True,
    )
    upn = models.CharField(
        "unique pupil number (UPN)",
        max_length=13,
        blank=True,
        help_text="13 characters with its check letter, or UN1 to UN5 when the child has none.",
    )
    upn_absent_reason = models.CharField(
        "why there is no UPN", max_length=20, choices=IdentifierAbsent, blank=True
    )
    former_upn = models.CharField(
        "former unique pupil number", max_length=13, blank=True
    )
    first_language = models.CharField(max_length=60, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    disability_and_communication_needs = models.TextField(blank=True)
    uasc = models.BooleanField(
        "unaccompanied asylum-seeking child (UASC)", default=False
    )
    # 903 MOTHER (is the young person a mother?) and MC_DOB (her child's birth).
    is_mother = models.BooleanField(
        "the young person is a mother", null=True, blank=True
    )
    mother_child_dob = models.DateField(
        "date of birth of the young person's child", null=True, blank=True
    )
    confidential_address = models.BooleanField(
        "placement address is confidential", default=False
    )
    sibling_group = models.CharField(
        max_length=20,
        blank=True,
        help_text="The same reference for brothers and sisters; siblings normally share an IRO.",
    )
    contact_preferences = models.JSONField(
        "how the child likes to be contacted", default=list, blank=True
    )
    details_to_complete = models.BooleanField(
        default=False,
        help_text="Imported without names or workers: the service manager completes them.",
    )
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
            models.Index(fields=["sibling_group"], name="children_sibling_group_idx"),
            # The few imported children still to complete (a count on the child list).
            models.Index(
                fields=["id"],
                condition=Q(details_to_complete=True),
                name="children_to_complete_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(mother_child_dob__isnull=True) | Q(is_mother=True),
                name="children_mc_dob_only_for_a_mother",
            ),
            # ID-ABS: a reason only for an identifier that is not recorded.
            models.CheckConstraint(
                condition=Q(nhs_number__isnull=True) | Q(nhs_number_absent_reason=""),
                name="children_nhs_reason_only_when_absent",
            ),
            models.CheckConstraint(
                condition=Q(upn="") | Q(upn__startswith="UN") | Q(upn_absent_reason=""),
                name="children_upn_reason_only_when_absent",
            ),
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

    @property
    def nhs_number_display(self) -> str:
        """The NHS number as people read it, 3-3-4 ("943 476 5919")."""
        return identifiers.format_nhs_number(self.nhs_number or "")

    @property
    def has_upn(self) -> bool:
        """A UPN is recorded (not empty, and not a 903 code saying why there is none)."""
        return bool(self.upn) and self.upn.upper() not in codes_903.UPN_REASON_CODES

    @property
    def contact_preference_labels(self) -> list[str]:
        labels = dict(self.Contact.choices)
        return [labels.get(code, code) for code in self.contact_preferences]

    def clean(self):
        self.upn = identifiers.normalise_upn(self.upn)
        self.former_upn = identifiers.normalise_upn(self.former_upn)
        errors = child_details_problems(
            date_of_birth=self.date_of_birth,
            nhs_number=self.nhs_number or "",
            nhs_number_absent_reason=self.nhs_number_absent_reason,
            upn=self.upn,
            upn_absent_reason=self.upn_absent_reason,
            former_upn=self.former_upn,
            sex=self.sex,
            is_mother=self.is_mother,
            mother_child_dob=self.mother_child_dob,
            contact_preferences=self.contact_preferences,
        )
        if errors:
            raise ValidationError(errors)

    def open_period(self):
        return self.periods_of_care.filter(ended_on__isnull=True).first()


def child_details_problems(
    *,
    date_of_birth,
    upn: str,
    sex: str,
    nhs_number: str = "",
    nhs_number_absent_reason: str = "",
    upn_absent_reason: str = "",
    former_upn: str = "",
    is_mother,
    mother_child_dob,
    contact_preferences,
    today: date | None = None,
) -> dict[str, str]:
    """Return GOV.UK error messages for implausible child details, by field."""
    today = today or timezone.localdate()
    # DR-1: the range is core.dates's; Child.clean is where the services enforce it.
    born = dates.date_of_birth(today=today)
    errors = dates.problems(
        {
            "date_of_birth": ("Date of birth", date_of_birth, born),
            "mother_child_dob": (
                "Date of birth of the young person's child",
                mother_child_dob,
                born,
            ),
        }
    )
    errors |= identifier_problems(
        nhs_number=nhs_number,
        nhs_number_absent_reason=nhs_number_absent_reason,
        upn=upn,
        upn_absent_reason=upn_absent_reason,
        former_upn=former_upn,
    )
    if is_mother and sex == codes_903.Sex.MALE:
        errors["is_mother"] = "Only a young woman can be recorded as a mother"
    if (
        mother_child_dob is not None
        and date_of_birth is not None
        and mother_child_dob <= date_of_birth
    ):
        errors["mother_child_dob"] = (
            "Date of birth of the young person's child must be after the young person's own"
        )
    known = set(Child.Contact.values)
    if any(code not in known for code in contact_preferences or []):
        errors["contact_preferences"] = "Select how the child likes to be contacted"
    return errors


def identifier_problems(
    *,
    nhs_number: str,
    nhs_number_absent_reason: str,
    upn: str,
    upn_absent_reason: str,
    former_upn: str,
) -> dict[str, str]:
    """GOV.UK messages for the child's identifiers, by field (ID-NHS, ID-UPN, ID-ABS).

    `nhs_number` is held without separators (the form takes them out).
    """
    errors = {}
    if nhs_number:
        if problem := identifiers.nhs_number_problem(nhs_number):
            errors["nhs_number"] = problem
        if nhs_number_absent_reason:
            errors["nhs_number_absent_reason"] = (
                "Give a reason only when there is no NHS number"
            )
    upn_reason_code = upn.upper() in codes_903.UPN_REASON_CODES
    if upn and not upn_reason_code:
        if problem := identifiers.upn_problem(upn):
            # The 903 takes a code saying why there is none in its place (rule 168).
            shape = not identifiers.upn_shape_ok(upn)
            errors["upn"] = problem + (
                ", or UN1 to UN5 if there is none" if shape else ""
            )
        if upn_absent_reason:
            errors["upn_absent_reason"] = "Give a reason only when there is no UPN"
    if former_upn:
        if problem := identifiers.upn_problem(former_upn, what="former UPN"):
            errors["former_upn"] = problem
        elif former_upn == upn:
            errors["former_upn"] = "The former UPN must be different from the UPN"
    return errors


class AuthorityToPlace(models.TextChoices):
    PLACEMENT_ORDER = "placement_order", "Placement order"
    S19_CONSENT = (
        "s19_consent",
        "Consent under section 19 (Adoption and Children Act 2002)",
    )


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
    authority_to_place_type = models.CharField(
        "authority to place for adoption",
        max_length=20,
        choices=AuthorityToPlace,
        blank=True,
    )
    adoption_order_on = models.DateField(
        "date of the adoption order", null=True, blank=True
    )
    iro_service_notified_at = models.DateTimeField(
        "when the IRO service was notified (T1)", null=True, blank=True
    )
    # Derived from the episodes (every one V3 or V4, D-SB) by the
    # episode services: such periods have no statutory reviews and none exported.
    short_breaks = models.BooleanField(default=False)
    # A period imported from an SSDA903 return without the episode that began it
    # (RNE S): the episodes before the first one held are not recorded here, and
    # until someone enters or confirms the start it is the earliest DECOM held
    # (docs/decisions.md, "A period of care that began before the return").
    earlier_episodes_not_held = models.BooleanField(
        "the period began before the first episode recorded here", default=False
    )
    start_known = models.BooleanField(
        "the date the child became looked after is known", default=True
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
            models.CheckConstraint(
                condition=Q(authority_to_place_on__isnull=True)
                | ~Q(authority_to_place_type=""),
                name="children_authority_to_place_has_a_type",
            ),
        ]

    def __str__(self):
        end = f"{self.ended_on:%d %b %Y}" if self.ended_on else "now"
        return f"Period of care {self.started_on:%d %b %Y} to {end}"

    def clean(self):
        errors = period_dates_problems(self)
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    def current_episode(self):
        return self.episodes.order_by("-started_on", "-pk").first()


def period_dates_problems(period: "PeriodOfCare") -> dict[str, str]:
    """Return GOV.UK messages for period dates out of order, by field."""
    errors = {}
    start, end = period.started_on, period.ended_on
    if start is None:
        return {"started_on": "Enter the date the child became looked after"}
    if end is not None and end < start:
        errors["ended_on"] = (
            "Date the child ceased to be looked after must be the same as or after the date they became looked after"
        )
    ordered = [
        ("authority_to_place_on", "Date of authority to place for adoption"),
        ("placed_for_adoption_on", "Date placed for adoption"),
        ("adoption_placement_ended_on", "Date the adoption placement ended"),
    ]
    for field, label in ordered:
        value = getattr(period, field)
        if value is not None and value < start:
            errors[field] = (
                f"{label} must be the same as or after the date the child became looked after"
            )
        elif value is not None and end is not None and value > end:
            errors[field] = (
                f"{label} must be the same as or before the date the child ceased to be looked after"
            )
    if period.authority_to_place_on and not period.authority_to_place_type:
        errors["authority_to_place_type"] = (
            "Select whether the authority is a placement order or section 19 consent"
        )
    placed, ended = period.placed_for_adoption_on, period.adoption_placement_ended_on
    if ended is not None and placed is None:
        errors["adoption_placement_ended_on"] = (
            "Enter the date placed for adoption before the date the placement ended"
        )
    elif ended is not None and ended < placed:
        errors.setdefault(
            "adoption_placement_ended_on",
            "Date the adoption placement ended must be the same as or after the date placed for adoption",
        )
    order = period.adoption_order_on
    if order is not None and (placed is None or order < placed):
        errors["adoption_order_on"] = (
            "Date of the adoption order must be the same as or after the date placed for adoption"
        )
    return errors


class Episode(TimeStampedModel):
    """One SSDA903 episode: a stretch of a period of care with one legal status and placement."""

    period = models.ForeignKey(
        PeriodOfCare, on_delete=models.PROTECT, related_name="episodes"
    )
    started_on = models.DateField("date the episode started (903 DECOM)")
    reason_new = models.CharField(
        "reason for new episode (903 RNE)",
        max_length=1,
        choices=codes_903.ReasonNewEpisode,
    )
    legal_status = models.CharField(
        "legal status (903 LS)", max_length=2, choices=codes_903.LegalStatus
    )
    category_of_need = models.CharField(
        "category of need (903 CIN)", max_length=2, choices=codes_903.CategoryOfNeed
    )
    placement = models.CharField(
        "placement type (903 PLACE)", max_length=3, choices=codes_903.Placement
    )
    placement_provider = models.CharField(
        "placement provider (903 PLACE_PROVIDER)",
        max_length=3,
        choices=codes_903.PlacementProvider,
        blank=True,
    )
    ended_on = models.DateField(
        "date the episode ended (903 DEC)", null=True, blank=True
    )
    reason_ended = models.CharField(
        "reason the episode ended (903 REC)",
        max_length=3,
        choices=codes_903.ReasonEpisodeCeased,
        blank=True,
    )
    reason_place_change = models.CharField(
        "reason for placement change (903 REASON_PLACE_CHANGE)",
        max_length=6,
        choices=codes_903.ReasonPlaceChange,
        blank=True,
    )
    home_postcode = models.CharField(
        "home postcode (903 HOME_POST)", max_length=8, blank=True
    )
    placement_postcode = models.CharField(
        "placement postcode (903 PL_POST)", max_length=8, blank=True
    )
    urn = models.CharField(
        "Ofsted unique reference number (903 URN)", max_length=8, blank=True
    )
    placement_confidential = models.BooleanField(
        "placement address is confidential", default=False
    )

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="children_episode_ends_after_it_starts",
                violation_error_message="Date the episode ended must be on or after "
                "the date it started",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, reason_ended="")
                | (Q(ended_on__isnull=False) & ~Q(reason_ended="")),
                name="children_episode_end_has_a_reason",
                violation_error_message="An episode that ended needs the date it ended "
                "and the reason",
            ),
            models.UniqueConstraint(
                fields=["period", "started_on"],
                name="children_one_episode_per_start_date",
            ),
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(ended_on__isnull=True),
                name="children_one_open_episode_per_period",
            ),
        ]

    def __str__(self):
        return f"Episode from {self.started_on:%d %b %Y} ({self.legal_status}, {self.placement})"

    @property
    def child_id(self):
        return self.period.child_id


class SecurePlacement(TimeStampedModel):
    """A placement in secure accommodation (Children Act 1989 s25) and its order."""

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="secure_placements"
    )
    period = models.ForeignKey(
        PeriodOfCare, on_delete=models.PROTECT, related_name="secure_placements"
    )
    started_on = models.DateField("date the secure placement started")
    ended_on = models.DateField(
        "date the secure placement ended", null=True, blank=True
    )
    unit = models.CharField("secure unit", max_length=120)
    court = models.CharField(max_length=120, blank=True)
    order_made_on = models.DateField("date of the order", null=True, blank=True)
    order_expires_on = models.DateField("date the order expires", null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="children_secure_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"Secure placement at {self.unit} from {self.started_on:%d %b %Y}"

    def clean(self):
        errors = {}
        if self.period_id and self.started_on:
            period = self.period
            if self.started_on < period.started_on:
                errors["started_on"] = (
                    "Date the secure placement started must be the same as or after the date the child became looked after"
                )
            elif period.ended_on and self.started_on > period.ended_on:
                errors["started_on"] = (
                    "Date the secure placement started must be the same as or before the date the child ceased to be looked after"
                )
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = (
                "Date the secure placement ended must be the same as or after the date it started"
            )
        if (
            self.order_expires_on
            and self.order_made_on
            and self.order_expires_on < self.order_made_on
        ):
            errors["order_expires_on"] = (
                "Date the order expires must be after the date of the order"
            )
        if errors:
            raise ValidationError(errors)


class Pathway(TimeStampedModel):
    """Leaving-care planning for a young person (T26, T27, D-ELIG)."""

    class Setting(models.TextChoices):
        SEMI_INDEPENDENT = "semi_independent", "Semi-independent accommodation"
        SUPPORTED = "supported", "Supported accommodation"
        INDEPENDENT = "independent", "Independent living"

    child = models.OneToOneField(
        Child, on_delete=models.PROTECT, related_name="pathway"
    )
    personal_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pathway_young_people",
    )
    assessment_completed_on = models.DateField(
        "date the needs assessment was completed", null=True, blank=True
    )
    pathway_plan_on = models.DateField(
        "date of the pathway plan", null=True, blank=True
    )
    iro_continuing_role = models.BooleanField(
        "the IRO stays directly involved", default=True
    )
    iro_not_continuing_reason = models.TextField(
        "why the IRO is not staying directly involved", blank=True
    )
    move_on = models.DateField(
        "date of the move to semi-independent or independent living",
        null=True,
        blank=True,
    )
    move_setting = models.CharField(
        "the setting moved to", max_length=20, choices=Setting, blank=True
    )
    move_ratified_at_review_on = models.DateField(
        "date the move was ratified at a review", null=True, blank=True
    )
    post18_authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    post18_authorised_until = models.DateField(
        "IRO involvement after 18 authorised until", null=True, blank=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(iro_continuing_role=True)
                | ~Q(iro_not_continuing_reason=""),
                name="children_pathway_iro_role_ended_with_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(post18_authorised_until__isnull=True)
                | Q(post18_authorised_by__isnull=False),
                name="children_post18_involvement_is_authorised",
            ),
        ]

    def __str__(self):
        return f"Pathway for {self.child}"


class ParentSharingRestriction(TimeStampedModel):
    """Something the child does not want shared with someone, or with everyone of a
    kind, until it is ended (docs/rules.md, V1). At each review it applies to the people
    on the list it describes (reviews.services.sharing)."""

    class Who(models.TextChoices):
        PERSON = "person", "Only the person named"
        PARENTS = "parents", "Every parent and anyone with parental responsibility"
        CARERS = "carers", "Every carer"
        PROFESSIONALS = "professionals", "Every professional"
        EVERYONE = "everyone", "Everyone but the child"

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="parent_sharing_restrictions"
    )
    person = models.CharField(
        "who it must not be shared with",
        max_length=120,
        help_text="For example: Mum (Jane Smith), Dad, step-father.",
    )
    applies_to = models.CharField(
        "who it covers",
        max_length=20,
        choices=Who,
        default=Who.PERSON,
        help_text="At each review, everyone on the list it covers gets their own "
        "copy of the record, with what they must not be told left out.",
    )
    what = models.TextField("what must not be shared")
    agreed_with_child_on = models.DateField("date agreed with the child")
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["person", "pk"]

    def __str__(self):
        return f"Not to be shared with {self.person}"


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


class SignificantEvent(Removable, TimeStampedModel):
    """A significant change or event the social worker tells the IRO about (CPPCR reg. 33(3)).

    One recorded by mistake is withdrawn (C1): its row stays, marked, with the reason."""

    class Kind(models.TextChoices):
        CARE_PLAN_CHANGE_COURT = (
            "CARE_PLAN_CHANGE_COURT",
            "Proposed change of care plan (court)",
        )
        CONTACT_CHANGE = "CONTACT_CHANGE", "Significant change to contact arrangements"
        SAFEGUARDING = "SAFEGUARDING", "Safeguarding concern or meeting"
        COMPLAINT = "COMPLAINT", "Complaint from or for the child, parent or carer"
        PLACEMENT_UNEXPECTED_CHANGE = (
            "PLACEMENT_UNEXPECTED_CHANGE",
            "Unexpected placement change",
        )
        BIRTH_FAMILY_CHANGE = (
            "BIRTH_FAMILY_CHANGE",
            "Birth, marriage, death or other family change",
        )
        YOUTH_JUSTICE = (
            "YOUTH_JUSTICE",
            "Youth justice: charge, proceedings or sentence",
        )
        PERMANENT_EXCLUSION = "PERMANENT_EXCLUSION", "Permanent exclusion from school"
        MISSING = "MISSING", "Missing from placement"
        HEALTH = "HEALTH", "Significant health event"
        PANEL_PERMANENCE = "PANEL_PERMANENCE", "Panel decision about permanence"
        PLACEMENT_ORDER_MADE = "PLACEMENT_ORDER_MADE", "Placement order made"
        S19_CONSENT = "S19_CONSENT", "Consent to adoption placement (section 19)"
        PLACED_FOR_ADOPTION = "PLACED_FOR_ADOPTION", "Placed for adoption"
        ADOPTION_PLACEMENT_DISRUPTED = (
            "ADOPTION_PLACEMENT_DISRUPTED",
            "Adoption placement disrupted",
        )
        SECURE_APPLICATION_CONSIDERED = (
            "SECURE_APPLICATION_CONSIDERED",
            "Secure accommodation application considered",
        )
        CUSTODY = "CUSTODY", "Placed in custody"
        SW_CHANGE = "SW_CHANGE", "Change of social worker"
        IRO_CHANGE = "IRO_CHANGE", "Change of IRO"
        # Statutory triggers: an additional review is required (CPPCR reg 32(2), 33(3)).
        IRO_REQUEST = "IRO_REQUEST", "The IRO requests a review (reg 33(3)(a))"
        REG30_WELFARE_NOT_SAFEGUARDED = (
            "REG30_WELFARE_NOT_SAFEGUARDED",
            "A visit found the child's welfare not safeguarded (reg 33(3)(b))",
        )
        LEAVING_S21_ACCOMMODATION = (
            "LEAVING_S21_ACCOMMODATION",
            "Accommodation under section 21 (PACE or remand) to end (reg 33(3)(c))",
        )
        LEAVING_DETENTION = (
            "LEAVING_DETENTION",
            "Leaving detention before the next review (reg 33(3)(d))",
        )
        CEASE_ACCOMMODATION = (
            "CEASE_ACCOMMODATION",
            "Proposal to stop accommodating the child (reg 33(3)(e))",
        )
        SIGNIFICANT_CARE_PLAN_CHANGE = (
            "SIGNIFICANT_CARE_PLAN_CHANGE",
            "Significant change to the care plan proposed (reg 32(2))",
        )

    class Decision(models.TextChoices):
        ADDITIONAL_REVIEW = "additional_review", "Hold an additional review"
        PROGRESS_CHECK = "progress_check", "Check progress with the social worker"
        NO_ACTION = "no_action", "No action"

    STATUTORY = frozenset(
        {
            Kind.IRO_REQUEST,
            Kind.REG30_WELFARE_NOT_SAFEGUARDED,
            Kind.LEAVING_S21_ACCOMMODATION,
            Kind.LEAVING_DETENTION,
            Kind.CEASE_ACCOMMODATION,
            Kind.SIGNIFICANT_CARE_PLAN_CHANGE,
        }
    )
    # Triggers that name a date the review must come before (W22).
    DATED = frozenset(
        {
            Kind.LEAVING_S21_ACCOMMODATION,
            Kind.LEAVING_DETENTION,
            Kind.CEASE_ACCOMMODATION,
        }
    )

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="significant_events"
    )
    period = models.ForeignKey(
        PeriodOfCare, on_delete=models.PROTECT, related_name="significant_events"
    )
    kind = models.CharField("what happened", max_length=40, choices=Kind)
    occurred_on = models.DateField("date of the event")
    description = models.TextField("what the IRO needs to know")
    stated_date = models.DateField(
        "the date it will happen",
        null=True,
        blank=True,
        help_text="For example the date accommodation is to end: the review must be held before it.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    iro_notified_on = models.DateField("date the IRO was notified")
    decision_due = models.DateField()
    additional_review_by = models.DateField(
        "an additional review must be held by", null=True, blank=True
    )
    decision = models.CharField(max_length=20, choices=Decision, blank=True)
    decision_reason = models.TextField(blank=True)
    child_consulted = models.BooleanField(null=True, blank=True)
    parents_consulted = models.BooleanField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_on = models.DateField(null=True, blank=True)
    review = models.ForeignKey(
        "reviews.Review",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="significant_events",
    )
    withdrawn_reason = models.TextField("why the event was withdrawn", blank=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="") | ~Q(decision_reason=""),
                name="children_event_decision_has_a_reason",
            ),
            models.CheckConstraint(
                condition=~Q(
                    kind__in=[
                        "IRO_REQUEST",
                        "REG30_WELFARE_NOT_SAFEGUARDED",
                        "LEAVING_S21_ACCOMMODATION",
                        "LEAVING_DETENTION",
                        "CEASE_ACCOMMODATION",
                        "SIGNIFICANT_CARE_PLAN_CHANGE",
                    ]
                )
                | Q(decision__in=["", "additional_review"]),
                name="children_statutory_event_needs_a_review",
            ),
        ]
        indexes = [
            models.Index(
                fields=["decision", "decision_due"], name="children_event_due_idx"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.occurred_on:%d %b %Y}"

    def get_absolute_url(self):
        return reverse("children:event", args=[self.pk])

    @property
    def is_statutory(self) -> bool:
        return self.kind in self.STATUTORY


class DeprivationOfLibertyOrder(Removable, TimeStampedModel):
    """An order authorising the deprivation of a looked-after child's liberty outside a
    secure children's home (the 903 DoLO table from 2026/27; docs/rules.md, DOL-1 to
    DOL-8). A secure accommodation order for a secure children's home is a
    SecurePlacement. One recorded by mistake is removed (C1): its row stays, with the
    reason."""

    class Accommodation(models.TextChoices):
        RELEVANT = (
            "relevant",
            "Relevant accommodation (Children Act 1989 s.25 as amended by the "
            "Children's Wellbeing and Schools Act 2026 s.13)",
        )
        INHERENT = (
            "inherent",
            "A placement authorised by the High Court under its inherent jurisdiction",
        )

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="liberty_orders"
    )
    started_on = models.DateField("date the order started")
    ended_on = models.DateField("date the order ended", null=True, blank=True)
    # Both empty only while imported_to_complete (DOL-9): the services require them.
    accommodation = models.CharField(
        "what the order authorises", max_length=10, choices=Accommodation, blank=True
    )
    court_reference = models.CharField(
        "court order reference",
        max_length=40,
        blank=True,
        validators=[refuse_formula_start],
    )
    imported_to_complete = models.BooleanField(
        "imported from an SSDA903 return: what it authorises and its court order "
        "reference are still to be entered",
        default=False,
    )
    court_review_on = models.DateField(
        "date the court next reviews the order", null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    removed_reason = models.TextField("why the order was removed", blank=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(ended_on__gt=models.F("started_on")),
                name="children_liberty_order_ends_after_it_starts",
                violation_error_message="Date the order ended must be after the "
                "date it started",
            ),
        ]

    def __str__(self):
        return f"Deprivation of liberty order from {self.started_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None
