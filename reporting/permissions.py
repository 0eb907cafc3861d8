"""Dashboards and the annual report: who sees which figures."""

from __future__ import annotations

from accounts.models import Role, User
from children.permissions import children_visible_to


def can_view_service_dashboard(user: User) -> bool:
    """The IRO service manager (every child), a team manager (their team) and a senior
    manager (the teams under them) see the dashboard of figures. A team manager with
    no team, or a senior manager over no team, has no figures to see."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_role(Role.IRO_MANAGER):
        return True
    if user.has_role(Role.TEAM_MANAGER) and user.team_id is not None:
        return True
    return user.has_role(Role.SENIOR_MANAGER) and user.overseen_teams.exists()


def can_view_iro_dashboard(user: User) -> bool:
    """An IRO (or Duty IRO) sees the dashboard of their own caseload and work."""
    return user.is_authenticated and user.has_role(Role.IRO, Role.DUTY_IRO)


def can_view_annual_report(user: User) -> bool:
    """The IRO service manager writes the annual report from the service's figures."""
    return user.is_authenticated and user.has_role(Role.IRO_MANAGER)


def dashboard_teams(user: User):
    """The teams whose figures the user may filter on; None means every team."""
    if user.has_role(Role.IRO_MANAGER):
        return None
    from accounts.models import Team

    if user.has_role(Role.SENIOR_MANAGER):
        return user.overseen_teams.all()
    return Team.objects.filter(pk=user.team_id)


def dashboard_scope(user: User):
    """The children whose figures the user sees on a dashboard; None means every child."""
    if user.has_role(Role.IRO_MANAGER):
        return None
    return children_visible_to(user)
