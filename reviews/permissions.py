"""The review cycle's rules, built on the child's scope (children.permissions) and
the IRO's (iro.permissions). The chair of a secure accommodation review may see that
child (`secure_chair_scope`, registered in ReviewsConfig.ready()).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from accounts.models import Role, User
from children.permissions import (
    can_read_case_record,
    children_visible_to,
    is_childs_social_work_team,
)
from iro.permissions import acts_as_iro_for
from reviews.models.secure import SecureReview


def reviews_visible_to(user: User, *, today: date | None = None):
    """Return the reviews of the children this user may see."""
    from reviews.models import Review

    return Review.objects.filter(child__in=children_visible_to(user, today=today))


def can_chair_review(user: User, review) -> bool:
    """The child's IRO (or the Duty IRO covering) schedules, chairs and records."""
    return acts_as_iro_for(user, review.child)


def can_prepare_review(user: User, review) -> bool:
    """The child's social worker's team captures Review Choices and the checklist."""
    return is_childs_social_work_team(user, review.child)


def can_send_for_review(user: User, review) -> bool:
    """Business support (or the child's IRO) send invitations and distribute records."""
    return user.has_role(Role.BUSINESS_SUPPORT) or can_chair_review(user, review)


# What a person did to a review that makes them its chair or its recorder (the events
# of the meeting, the decisions and the record).
CHAIRING_ACTIONS = frozenset(
    {
        "started",
        "meeting_added",
        "adjourned",
        "adjournment_undone",
        "reconvened",
        "held",
        "decisions_submitted",
        "record_saved",
        "record_finalised",
    }
)


def chaired_or_recorded(user: User, review) -> bool:
    """Say whether the user held, chaired or recorded any part of this review (I-1)."""
    if review.events.filter(by_id=user.pk, action__in=CHAIRING_ACTIONS).exists():
        return True
    record = getattr(review, "record", None)
    return record is not None and user.pk in (record.author_id, record.finalised_by_id)


def _team_manager_may_authorise(user: User, review) -> bool:
    return (
        user.has_role(Role.TEAM_MANAGER)
        and user.team_id is not None
        and user.team_id == review.child.team_id
        and not chaired_or_recorded(user, review)
    )


def can_authorise_decisions(user: User, review) -> bool:
    """The team manager of the child's team authorises the decisions, unless they
    chaired or recorded the review themselves (I-1); no team on either side is a no.
    When no team manager of the team may (there is none, or each chaired or recorded
    it), a senior manager over the team does, so the decisions are never stuck (I-1a)."""
    if _team_manager_may_authorise(user, review):
        return True
    team_id = review.child.team_id
    if (
        team_id is None
        or not user.has_role(Role.SENIOR_MANAGER)
        or not user.overseen_teams.filter(pk=team_id).exists()
        or chaired_or_recorded(user, review)
    ):
        return False
    managers = User.objects.filter(
        groups__name=Role.TEAM_MANAGER, team_id=team_id, is_active=True
    )
    return not any(_team_manager_may_authorise(tm, review) for tm in managers)


def can_authorise_out_of_timescale(user: User) -> bool:
    """Only the IRO service manager authorises a review outside its timescale."""
    return user.has_role(Role.IRO_MANAGER)


def can_edit_iro_text(user: User, review) -> bool:
    """The IRO's own text: that IRO, the Duty IRO covering, or the service manager (CA89 s.25B)."""
    return can_chair_review(user, review) or user.has_role(Role.IRO_MANAGER)


def can_read_review_case_content(user: User, review) -> bool:
    """Case content of a review (consultations, records): not business support alone."""
    return can_read_case_record(user, review.child)


# Before the meeting: the papers may still be waiting to go out with the invitations.
_PAPERS_GO_OUT = frozenset({"planned", "scheduled", "invitations_issued"})


def can_download_key_document(user: User, document) -> bool:
    """An uploaded report or plan: whoever reads the review's case content; business
    support only while it waits for them to send it (uploaded, not yet shared, the
    meeting still to come: N-BS)."""
    review = document.review
    if can_read_review_case_content(user, review):
        return True
    return (
        can_send_for_review(user, review)
        and document.shared_on is None
        and review.status in _PAPERS_GO_OUT
    )


def can_read_child_consultation(user: User, consultation) -> bool:
    """The child's consultation: their IRO, the Duty IRO covering, the service manager,
    and the social worker's team only if the child agreed to share it (D-CONSULT)."""
    review = consultation.review
    if can_edit_iro_text(user, review):
        return True
    if not consultation.is_childs:
        return can_read_review_case_content(user, review)
    return consultation.share_with_social_worker and is_childs_social_work_team(
        user, review.child
    )


def can_view_review_diary(user: User) -> bool:
    """Business support, the Duty IRO and the service manager see every scheduled review."""
    return user.is_authenticated and user.has_role(
        Role.BUSINESS_SUPPORT, Role.DUTY_IRO, Role.IRO_MANAGER
    )


def can_comment_on_review(user: User, review) -> bool:
    """Social care staff of the child's team comment on the IRO's text; never overwrite it."""
    return (
        is_childs_social_work_team(user, review.child)
        or user.has_role(Role.SENIOR_MANAGER)
        and (children_visible_to(user).filter(pk=review.child_id).exists())
    )


def can_nominate_secure_chair(user: User) -> bool:
    """The IRO service manager nominates the chair of a secure accommodation review."""
    return user.has_role(Role.IRO_MANAGER)


def can_record_secure_review(user: User, secure_review) -> bool:
    """Only the nominated chair records the panel's findings, once, while the review is
    planned; the chair is an IRO and never the child's own (T9), so a chair who has
    since become the child's IRO, or whose account is closed, records nothing."""
    return (
        secure_review.status == SecureReview.Status.PLANNED
        and secure_review.chair_id == user.pk
        and user.has_role(Role.IRO)
        and secure_review.child.iro_id != user.pk
    )


def secure_chair_scope(user: User, today: date) -> Q | None:
    """The children whose planned secure accommodation review the user chairs.

    The chair is never the child's own IRO. The list is short: it is read now, so
    that the database plans a plain filter on ids.
    """
    if not user.has_role(Role.IRO, Role.DUTY_IRO):
        return None
    chaired = list(
        SecureReview.objects.filter(chair=user, status="planned").values_list(
            "secure_placement__child_id", flat=True
        )
    )
    return Q(pk__in=chaired) if chaired else None


def can_cancel_review(user: User, review) -> bool:
    """The child's IRO (or the Duty IRO covering) or the IRO service manager cancels a
    review; whether the review can still be cancelled is Review.can_become's."""
    return can_chair_review(user, review) or can_authorise_out_of_timescale(user)


def can_undo_adjournment(user: User, review) -> bool:
    """The chair (the child's IRO, or the Duty IRO covering) puts right an adjournment
    recorded by mistake, while the review is adjourned: one rule for the link and the
    page."""
    return review.status == "adjourned" and can_chair_review(user, review)
