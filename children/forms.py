from django import forms

from accounts.models import Role, Team, User
from children import codes_903
from children.duplicates import UNKNOWN_MATCH, Matches
from children.models import (
    NHS_NUMBER_TAKEN,
    Child,
    Episode,
    ParentSharingRestriction,
    Pathway,
    PeriodOfCare,
    SecurePlacement,
)
from core import identifiers
from core.forms import (
    GovUKDateField,
    GovUKForm,
    GovUKModelForm,
    LongSelect,
    ServiceCheckedModelForm,
)

CHILD_DETAIL_FIELDS = [
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "nhs_number",
    "nhs_number_absent_reason",
    "upn",
    "upn_absent_reason",
    "former_upn",
    "first_language",
    "interpreter_needed",
    "disability_and_communication_needs",
    "uasc",
    "is_mother",
    "mother_child_dob",
    "confidential_address",
    "sibling_group",
    "contact_preferences",
]


IDENTIFIER_INPUT = {"autocomplete": "off", "spellcheck": "false"}
ASKED_MANAGER = "I have asked the IRO service manager, and this is a different child"


def _absent_reason_field(what: str) -> forms.ChoiceField:
    """Why the NHS number or UPN is not recorded (ID-ABS): radios, the first saying
    there is nothing to explain."""
    return forms.ChoiceField(
        label=f"If there is no {what}, why not (optional)",
        choices=[("", f"Not applicable: the {what} is recorded")]
        + Child.IdentifierAbsent.choices,
        required=False,
        widget=forms.RadioSelect,
    )


class ChildDetailsForm(GovUKModelForm):
    date_of_birth = GovUKDateField(label="Date of birth")
    # Typed as it is read, 3-3-4 with spaces or dashes; held without them (ID-NHS).
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        help_text=f"10 digits, for example {identifiers.NHS_EXAMPLE}",
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={**IDENTIFIER_INPUT, "class": "govuk-input--width-10"}
        ),
    )
    nhs_number_absent_reason = _absent_reason_field("NHS number")
    upn_absent_reason = _absent_reason_field("UPN")
    mother_child_dob = GovUKDateField(
        label="Date of birth of the young person's child", required=False
    )
    contact_preferences = forms.MultipleChoiceField(
        label="How the child likes to be contacted (optional)",
        choices=Child.Contact.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    is_mother = forms.TypedChoiceField(
        label="Is the young person a mother? (903 MOTHER)",
        choices=[("", "Not applicable"), ("1", "Yes"), ("0", "No")],
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Child
        fields = CHILD_DETAIL_FIELDS
        labels = {
            "preferred_name": "Preferred name (optional)",
            "upn": "Unique pupil number (optional)",
            "former_upn": "Former unique pupil number (optional)",
            "first_language": "First language (optional)",
            "disability_and_communication_needs": "Disability and communication needs (optional)",
            "sibling_group": "Sibling group reference (optional)",
            "uasc": "Unaccompanied asylum-seeking child",
        }
        error_messages = {
            "first_name": {"required": "Enter the child's first name"},
            "last_name": {"required": "Enter the child's last name"},
            "ethnicity": {"required": "Select the child's ethnicity"},
        }
        help_texts = {
            "upn": "13 characters, the first a check letter, for example "
            f"{identifiers.UPN_EXAMPLE}; or the 903 code UN1 to UN5 saying why there is none",
            "former_upn": "A UPN the child had before this one, such as before an adoption",
        }
        widgets = {
            "sex": forms.RadioSelect,
            "upn": forms.TextInput(
                attrs={**IDENTIFIER_INPUT, "class": "govuk-input--width-20"}
            ),
            "former_upn": forms.TextInput(
                attrs={**IDENTIFIER_INPUT, "class": "govuk-input--width-20"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "version" in self.fields and not self.is_bound:
            self.initial["version"] = self.instance.version
        if not self.is_bound and self.instance.nhs_number:
            self.initial["nhs_number"] = self.instance.nhs_number_display
        self.fields["sex"].choices = Child.Sex.choices
        if self.instance.pk and self.instance.is_mother is not None:
            self.initial["is_mother"] = "1" if self.instance.is_mother else "0"
        self.fields["ethnicity"].required = False

    def clean_ethnicity(self):
        # Not given: the 903's own code for "information not yet obtained".
        return self.cleaned_data["ethnicity"] or codes_903.Ethnicity.NOBT

    def clean_nhs_number(self):
        # Held as its 10 digits; whether they are an NHS number is Child.clean's (ID-NHS).
        return identifiers.nhs_number_digits(self.cleaned_data["nhs_number"]) or None

    def clean_upn(self):
        return identifiers.normalise_upn(self.cleaned_data["upn"])

    def clean_former_upn(self):
        return identifiers.normalise_upn(self.cleaned_data["former_upn"])

    def validate_unique(self):
        """The child ID's uniqueness here; the NHS number's is the register's check
        (children.duplicates, ID-DUP), which the view runs so that it can say whose it
        is to those who may know, and record the check."""
        exclude = self._get_validation_exclusions() | {"nhs_number"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)


EPISODE_CODE_FIELDS = [
    "legal_status",
    "category_of_need",
    "placement",
    "placement_provider",
    "home_postcode",
    "placement_postcode",
    "urn",
    "placement_confidential",
]


def _episode_labels():
    return {
        "legal_status": "Legal status",
        "category_of_need": "Category of need",
        "placement": "Placement type",
        "placement_provider": "Placement provider",
        "home_postcode": "Home postcode (optional)",
        "placement_postcode": "Placement postcode (optional)",
        "urn": "Ofsted URN (optional)",
        "reason_new": "Reason for the new episode",
        "reason_place_change": "Reason for the placement change (optional)",
        "reason_ended": "Reason the episode ended",
    }


class ChildCreateForm(ChildDetailsForm):
    """A new child: details, the date they became looked after and the first episode."""

    # The period of care's service calls the date `started_on` (children.services.period_open).
    service_fields = {"started_on": "looked_after_on"}

    looked_after_on = GovUKDateField(label="Date the child became looked after")
    legal_status = forms.ChoiceField(
        label="Legal status",
        choices=[("", "Select")] + codes_903.LegalStatus.choices,
        error_messages={"required": "Select the legal status"},
    )
    category_of_need = forms.ChoiceField(
        label="Category of need",
        choices=[("", "Select")] + codes_903.CategoryOfNeed.choices,
        error_messages={"required": "Select the category of need"},
    )
    placement = forms.ChoiceField(
        label="Placement type",
        choices=[("", "Select")] + codes_903.Placement.choices,
        error_messages={"required": "Select the placement type"},
    )
    placement_provider = forms.ChoiceField(
        label="Placement provider (leave empty for a temporary or other placement)",
        choices=[("", "None")] + codes_903.PlacementProvider.choices,
        required=False,
    )
    home_postcode = forms.CharField(
        label="Home postcode (optional)", max_length=8, required=False
    )
    placement_postcode = forms.CharField(
        label="Placement postcode (optional)", max_length=8, required=False
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(kind=Team.Kind.SOCIAL_WORK),
        label="Team (optional)",
        required=False,
    )
    social_worker = forms.ModelChoiceField(
        queryset=User.objects.filter(
            is_active=True, groups__name=Role.SOCIAL_WORKER
        ).distinct(),
        label="Social worker (optional)",
        required=False,
    )

    class Meta(ChildDetailsForm.Meta):
        fields = ["child_id", *CHILD_DETAIL_FIELDS]
        labels = {
            **ChildDetailsForm.Meta.labels,
            "child_id": "Child ID (the SSDA903 CHILD identifier)",
        }
        error_messages = {
            **ChildDetailsForm.Meta.error_messages,
            "child_id": {
                "required": "Enter the child ID",
                "unique": "A child with this child ID is already recorded",
            },
        }

    EPISODE_FIELDS = (
        "legal_status",
        "category_of_need",
        "placement",
        "placement_provider",
        "home_postcode",
        "placement_postcode",
    )

    def __init__(self, *args, user=None, confirming=False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]
        if user is not None and not user.has_role(Role.IRO_MANAGER):
            self.fields["team"].queryset = Team.objects.filter(pk=user.team_id)
            self.fields["social_worker"].queryset = User.objects.filter(
                team_id=user.team_id, groups__name=Role.SOCIAL_WORKER
            ).distinct()
        if confirming:
            self._ask_to_confirm()

    def _ask_to_confirm(self) -> None:
        """The box that says the child is not one already recorded, with the digest of
        the children it is said against (children.duplicates.Matches.digest)."""
        self.fields["different_child"] = forms.BooleanField(
            label="This is a different child from the one already recorded",
            required=False,
        )
        self.fields["checked_against"] = forms.CharField(
            widget=forms.HiddenInput, required=False
        )

    def refuse_duplicates(self, matches: Matches) -> None:
        """Refuse a child who may already be recorded (ID-DUP): an NHS number already
        held, or a name and date of birth, until the user confirms this is another child
        against the same matches. Says who they are only to those who may see them."""
        if not matches:
            return
        same = matches.same_nhs_number
        if same is not None:
            self.add_error(
                "nhs_number", NHS_NUMBER_TAKEN if same.in_scope else UNKNOWN_MATCH
            )
            return
        if "different_child" not in self.fields:
            self._ask_to_confirm()
        data = self.cleaned_data
        if (
            data.get("different_child")
            and data.get("checked_against") == matches.digest
        ):
            return
        self.data = self.data.copy()
        self.data["checked_against"] = matches.digest
        self.data.pop("different_child", None)
        box = self.fields["different_child"]
        if matches.any_unseen:
            box.label = ASKED_MANAGER
            message = (
                "Ask the IRO service manager, then confirm this is a different child"
            )
        else:
            message = (
                "Confirm this is a different child, or open the child already recorded"
            )
        self.add_error("different_child", message)


class EpisodeForm(ServiceCheckedModelForm):
    started_on = GovUKDateField(label="Date the episode started")
    ended_on = GovUKDateField(label="Date the episode ended", required=False)

    class Meta:
        model = Episode
        fields = [
            "started_on",
            "reason_new",
            *EPISODE_CODE_FIELDS,
            "reason_place_change",
            "ended_on",
            "reason_ended",
        ]
        labels = _episode_labels()
        error_messages = {
            "reason_new": {"required": "Select the reason for the new episode"},
            "legal_status": {"required": "Select the legal status"},
            "category_of_need": {"required": "Select the category of need"},
            "placement": {"required": "Select the placement type"},
        }

    def __init__(self, *args, adding=False, **kwargs):
        super().__init__(*args, **kwargs)
        if adding:
            del self.fields["ended_on"]
            del self.fields["reason_ended"]
            self.fields["reason_new"].choices = [
                c for c in codes_903.ReasonNewEpisode.choices if c[0] != "S"
            ]
            self.fields["reason_new"].widget = forms.RadioSelect(
                choices=self.fields["reason_new"].choices
            )


class PeriodForm(ServiceCheckedModelForm):
    started_on = GovUKDateField(label="Date the child became looked after")
    authority_to_place_on = GovUKDateField(
        label="Date of authority to place for adoption", required=False
    )
    placed_for_adoption_on = GovUKDateField(
        label="Date placed for adoption", required=False
    )
    adoption_placement_ended_on = GovUKDateField(
        label="Date the adoption placement ended", required=False
    )
    adoption_order_on = GovUKDateField(
        label="Date of the adoption order", required=False
    )

    class Meta:
        model = PeriodOfCare
        fields = [
            "started_on",
            "authority_to_place_on",
            "authority_to_place_type",
            "placed_for_adoption_on",
            "adoption_placement_ended_on",
            "adoption_order_on",
        ]
        labels = {"authority_to_place_type": "Authority to place (if given)"}
        widgets = {"authority_to_place_type": forms.RadioSelect}


class PeriodEndForm(GovUKForm):
    ended_on = GovUKDateField(label="Date the child ceased to be looked after")
    reason = forms.ChoiceField(
        label="Reason (903 REC)",
        choices=[("", "Select")]
        + [c for c in codes_903.ReasonEpisodeCeased.choices if c[0] != "X1"],
        error_messages={
            "required": "Select the reason the child ceased to be looked after"
        },
    )


class PeriodStartForm(GovUKForm):
    started_on = GovUKDateField(label="Date the child became looked after again")
    legal_status = ChildCreateForm.base_fields["legal_status"]
    category_of_need = ChildCreateForm.base_fields["category_of_need"]
    placement = ChildCreateForm.base_fields["placement"]
    placement_provider = ChildCreateForm.base_fields["placement_provider"]


class SecurePlacementForm(ServiceCheckedModelForm):
    started_on = GovUKDateField(label="Date the secure placement started")
    ended_on = GovUKDateField(label="Date the secure placement ended", required=False)
    order_made_on = GovUKDateField(label="Date of the order", required=False)
    order_expires_on = GovUKDateField(label="Date the order expires", required=False)

    class Meta:
        model = SecurePlacement
        fields = [
            "started_on",
            "ended_on",
            "unit",
            "court",
            "order_made_on",
            "order_expires_on",
        ]
        labels = {"court": "Court (optional)"}
        error_messages = {"unit": {"required": "Enter the secure unit"}}


class PathwayForm(GovUKModelForm):
    assessment_completed_on = GovUKDateField(
        label="Date the needs assessment was completed", required=False
    )
    pathway_plan_on = GovUKDateField(label="Date of the pathway plan", required=False)
    move_on = GovUKDateField(
        label="Date of the move to semi-independent or independent living",
        required=False,
    )
    move_ratified_at_review_on = GovUKDateField(
        label="Date the move was ratified at a review", required=False
    )

    class Meta:
        model = Pathway
        fields = [
            "personal_adviser",
            "assessment_completed_on",
            "pathway_plan_on",
            "iro_continuing_role",
            "iro_not_continuing_reason",
            "move_on",
            "move_setting",
            "move_ratified_at_review_on",
        ]
        labels = {
            "personal_adviser": "Personal adviser (optional)",
            "iro_not_continuing_reason": "If not, why not",
        }


class Post18Form(GovUKForm):
    # Its range is the service's (T29, and core.dates, DR-10).
    until = GovUKDateField(label="Last day of IRO involvement after 18")


class SharingRestrictionForm(GovUKForm):
    person = forms.CharField(
        label="Who must it not be shared with",
        max_length=120,
        help_text="For example: Mum, Dad, step-father.",
        error_messages={"required": "Enter who it must not be shared with"},
    )
    applies_to = forms.ChoiceField(
        label="Who it covers",
        choices=ParentSharingRestriction.Who.choices,
        initial=ParentSharingRestriction.Who.PERSON,
        widget=forms.RadioSelect,
        help_text="At each review, everyone on the list it covers gets their own copy "
        "of the record, with this left out.",
        error_messages={"invalid_choice": "Choose who it covers"},
    )
    what = forms.CharField(
        label="What must not be shared",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter what must not be shared"},
    )
    agreed_with_child_on = GovUKDateField(label="Date agreed with the child")


class _IroChoices(forms.models.ModelChoiceIterator):
    """The IROs as (id, name) pairs read in one lean query, not 1,800 User objects.

    The name is User.__str__ (the full name, or the username when there is none).
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = self.queryset.values_list("pk", "first_name", "last_name", "username")
        for pk, first, last, username in rows:
            yield (pk, f"{first} {last}".strip() or username)


class IroChoiceField(forms.ModelChoiceField):
    """Choose an IRO; validation still reads the chosen one through the queryset."""

    iterator = _IroChoices


SELECT = {"class": "govuk-select"}


class ChildFilterForm(forms.Form):
    """The child list's filters: ids and codes only, never names (ASVS 14.2.1)."""

    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(kind=Team.Kind.SOCIAL_WORK),
        required=False,
        empty_label="Any team",
        widget=LongSelect(attrs=SELECT),
    )
    iro = IroChoiceField(
        # One row per IRO: a user is in a group once, so no DISTINCT is needed.
        queryset=User.objects.filter(groups__name=Role.IRO),
        required=False,
        empty_label="Any IRO",
        label="IRO",
        widget=LongSelect(attrs=SELECT),
    )
    legal_status = forms.ChoiceField(
        choices=[("", "Any legal status")] + codes_903.LegalStatus.choices,
        required=False,
        widget=LongSelect(attrs=SELECT),
    )
    due_within = forms.IntegerField(
        label="Next review due within (days)",
        min_value=0,
        max_value=366,
        required=False,
    )
    overdue = forms.BooleanField(label="Only overdue reviews", required=False)


class SharingRestrictionEndForm(GovUKForm):
    ended_on = GovUKDateField(label="Date the child said this can be shared again")


class AuditFilterForm(GovUKForm):
    """Who viewed or changed a child's record: narrow the trail by person, dates, kind."""

    person = forms.ModelChoiceField(
        label="Person",
        queryset=User.objects.none(),
        required=False,
        empty_label="Everyone",
        error_messages={"invalid_choice": "Choose a person from the list"},
    )
    since = GovUKDateField(label="From", required=False)
    until = GovUKDateField(label="To", required=False)
    kind = forms.ChoiceField(
        label="Viewed or changed",
        required=False,
        choices=[("", "Both"), ("viewed", "Viewed"), ("changed", "Changed")],
        error_messages={"invalid_choice": "Choose viewed, changed or both"},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date must be on or after the start date")
        return data
