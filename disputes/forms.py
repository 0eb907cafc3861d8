"""The shape and validation of input for challenges and quality of practice."""

from django import forms
from django.utils import timezone

from accounts.models import Role, User
from core.forms import GovUKDateField, GovUKForm
from disputes import stage_owners
from disputes.models import (
    LAST_STAGE,
    STAGE_NUMBERS,
    CaseAudit,
    Category,
    Challenge,
    PracticeAcknowledgement,
    SubReason,
    stage_name,
)

TEXT_LIMIT = 5000
SHORT_TEXT = forms.Textarea(attrs={"rows": 4})


def _text(label: str, message: str, *, required: bool = True, help_text: str = ""):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=TEXT_LIMIT,
        widget=SHORT_TEXT,
        error_messages={
            "required": message,
            "max_length": f"{label} must be {TEXT_LIMIT} characters or fewer",
        },
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        role = (
            user.get_senior_level_display()
            if user.senior_level
            else ("Team manager" if user.has_role(Role.TEAM_MANAGER) else "")
        )
        return f"{user} ({role})" if role else str(user)


def _owner_field(team) -> OwnerChoiceField:
    return OwnerChoiceField(
        label="Who should answer (optional)",
        help_text="Leave this as it is to send it to the person set up for the stage.",
        queryset=stage_owners.all_candidates(team),
        required=False,
        empty_label="The person set up for the stage",
    )


class ChallengeRaiseForm(GovUKForm):
    # Its date's range is the service's (core.dates, DR-9).
    category = forms.ChoiceField(
        label="What is the concern about?",
        choices=Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the concern is about"},
    )
    sub_reasons = forms.MultipleChoiceField(
        label="More detail (optional)",
        choices=SubReason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select sub-reasons from the list"},
    )
    description = _text("Describe the concern", "Describe the concern")
    impact_for_child = _text(
        "What is the impact for the child?", "Enter the impact for the child"
    )
    review = forms.ModelChoiceField(
        label="Review this arose from (optional)",
        queryset=None,
        required=False,
        empty_label="Not linked to a review",
    )
    rd_item_reference = forms.CharField(
        label="Recommendation or decision it is about (optional)",
        max_length=200,
        required=False,
        error_messages={
            "max_length": "Recommendation or decision must be 200 characters or fewer"
        },
    )
    raised_on = GovUKDateField(label="Date raised")
    stage = forms.TypedChoiceField(
        label="Start at",
        choices=[],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the stage to start at",
            "invalid_choice": "Select the stage to start at",
        },
    )
    skip_reason = _text(
        "Why are you starting at a formal stage?",
        "",
        required=False,
        help_text="Needed when you skip informal resolution or a stage.",
    )

    def __init__(self, *args, child, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review"].queryset = child.reviews.all()
        self.fields["stage"].choices = _stage_choices(STAGE_NUMBERS)
        self.fields["owner"] = _owner_field(child.team)
        if not self.is_bound:
            self.initial.setdefault("raised_on", timezone.localdate())
            self.initial.setdefault("stage", 0)
            if self.initial.get("category") not in Category.values:
                self.initial.pop("category", None)


def _stage_label(number: int) -> str:
    return f"{stage_name(number)}: {stage_owners.owner_kind_label(number).lower()}"


def _stage_choices(numbers) -> list[tuple[int, str]]:
    return [(n, _stage_label(n)) for n in numbers]


class ChallengeRespondForm(GovUKForm):
    response = _text("Your response", "Enter your response")


class ResponseCorrectForm(GovUKForm):
    response = _text("The response, corrected", "Enter the corrected response")
    reason = _text(
        "Why are you correcting it?", "Enter why you are correcting the response"
    )


class ChallengeEscalateForm(GovUKForm):
    to_stage = forms.TypedChoiceField(
        label="Escalate to",
        choices=[],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the stage to escalate to",
            "invalid_choice": "Select the stage to escalate to",
        },
    )
    reason = _text(
        "Reason",
        "",
        required=False,
        help_text="Needed if you skip a stage.",
    )

    def __init__(self, *args, challenge: Challenge, **kwargs):
        super().__init__(*args, **kwargs)
        numbers = range(challenge.stage + 1, LAST_STAGE + 1)
        self.fields["to_stage"].choices = _stage_choices(numbers)
        self.fields["owner"] = _owner_field(challenge.team_at_time)
        if not self.is_bound and numbers:
            self.initial.setdefault("to_stage", numbers[0])


class ChallengeExtendForm(GovUKForm):
    extend_to = GovUKDateField(label="New date for the response")
    reason = _text("Why more time?", "Enter why you are giving more time")


class ChallengeResolveForm(GovUKForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Challenge.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    outcome_impact = _text(
        "What is the impact for the child?", "Enter the impact for the child"
    )


class ChallengeCommentForm(GovUKForm):
    note = _text("Comment", "Enter your comment")


class CafcassReferralForm(GovUKForm):
    # Its date's range is the service's (core.dates, DR-9).
    referred_on = GovUKDateField(label="Date referred to Cafcass")
    reason = _text("Reason for the referral", "Enter the reason for the referral")
    outcome = _text("Outcome (optional)", "", required=False)


class CafcassOutcomeForm(GovUKForm):
    outcome = _text("Outcome of the referral", "Enter the outcome of the referral")


class AcknowledgementForm(GovUKForm):
    kind = forms.ChoiceField(
        label="What are you recording?",
        choices=PracticeAcknowledgement.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select good practice or area for improvement"},
    )
    description = _text("What did you see?", "Enter what you saw")
    impact_for_child = _text(
        "What is the impact for the child?", "Enter the impact for the child"
    )


class ObservationForm(GovUKForm):
    # Its date's range is the service's (core.dates, DR-9).
    iro = forms.ModelChoiceField(
        label="IRO observed",
        queryset=User.objects.filter(groups__name=Role.IRO, is_active=True).distinct(),
        error_messages={
            "required": "Select the IRO you observed",
            "invalid_choice": "Select the IRO you observed",
        },
    )
    observed_on = GovUKDateField(label="Date of the observation")
    findings = _text("Findings", "Enter your findings")
    actions_agreed = _text("Actions agreed (optional)", "", required=False)


class CaseAuditForm(GovUKForm):
    # Its date's range is the service's (core.dates, DR-9).
    child_id = forms.CharField(
        label="Child ID of the case audited",
        max_length=10,
        error_messages={
            "required": "Enter the child ID of the case audited",
            "max_length": "Child ID must be 10 characters or fewer",
        },
    )
    audited_on = GovUKDateField(label="Date of the audit")
    grade = forms.ChoiceField(
        label="Grade (optional)",
        choices=[("", "Not graded"), *CaseAudit.Grade.choices],
        required=False,
        error_messages={"invalid_choice": "Select a grade from the list"},
    )
    findings = _text("Findings", "Enter your findings")
    actions_agreed = _text("Actions agreed (optional)", "", required=False)
