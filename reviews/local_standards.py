"""Local standards for the timescale engine: the one place for configurable numbers.

Statutory rules (CPPCR reg 33, AAR reg 36, CSAR reg 15, CPPCR reg 42) are fixed in
reviews.timescales and never appear here. Everything below is a local practice
standard or a local reading of guidance; the defaults are the local practice
standards of docs/rules.md (S-DUD and the D- decisions). Pure module: no Django import.
"""

from dataclasses import dataclass
from typing import Literal

DaysUnit = Literal["working", "calendar"]
FirstSecureReview = Literal["1 month", "28 days"]

DRP_FORMAL_TOTAL_WORKING_DAYS = 20  # IRO Handbook para 6.2: formal stages in total


@dataclass(frozen=True)
class LocalStandards:
    """Hold a local authority's configurable timescales, with the defaults of docs/rules.md."""

    # D-DAYS: unit of the unqualified "days" before a review (T12, T14, T15).
    days_unit: DaysUnit = "working"
    arrangements_discussion_days: int = 15  # T12
    pre_review_discussion_days: int = 5  # T14
    report_days: int = 3  # T15
    # Before-review standards whose unit the sources state.
    review_choices_visit_working_days: int = 20  # T10
    initial_review_choices_visit_working_days: int = 15  # T10a
    convening_checklist_days: int = 28  # T11, calendar days ("4 weeks")
    invitations_working_days: int = 10  # T13
    # Start of a period of care.
    notification_backstop_working_days: int = 2  # T1
    iro_allocation_working_days: int = 5  # T2
    # After a review.
    rd_working_days: int = 5  # T16
    tm_authorisation_working_days: int = 5  # T17, D-TM
    record_written_working_days: int = 5  # T18
    record_distributed_working_days: int = 20  # T19
    care_plan_update_working_days: int = 10  # T20
    # D-SECURE: first secure accommodation review.
    first_secure_review: FirstSecureReview = "1 month"  # T9
    # DRP response times: stage 0 (informal) and formal stages 1-4 (D-TM, section 6.2).
    drp_stage_working_days: tuple[int, int, int, int, int] = (5, 5, 5, 5, 5)
    # T26: pathway needs assessment started at 15 and a half.
    pathway_assessment_start_months: int = 186

    def __post_init__(self) -> None:
        """Reject values no local authority could mean (D1, IRO Handbook 6.2)."""
        if self.days_unit not in ("working", "calendar"):
            raise ValueError(
                f"days_unit must be 'working' or 'calendar': {self.days_unit}"
            )
        if self.first_secure_review not in ("1 month", "28 days"):
            raise ValueError("first_secure_review must be '1 month' or '28 days'")
        numbers = [
            value
            for value in vars(self).values()
            if isinstance(value, int) and not isinstance(value, bool)
        ]
        if any(value < 1 for value in (*numbers, *self.drp_stage_working_days)):
            raise ValueError(
                "every number of days in LocalStandards must be at least 1"
            )
        if len(self.drp_stage_working_days) != 5:
            raise ValueError("drp_stage_working_days needs stages 0 to 4")
        if sum(self.drp_stage_working_days[1:]) > DRP_FORMAL_TOTAL_WORKING_DAYS:
            raise ValueError(
                "formal DRP stages 1-4 must total at most "
                f"{DRP_FORMAL_TOTAL_WORKING_DAYS} working days (IRO Handbook 6.2)"
            )


DEFAULTS = LocalStandards()
