"""Who answers each stage of a challenge: configurable, never the IRO service (D-DRP).

The default (IROH chapter 6; docs/rules.md, D-DRP): informal resolution and stage 1 go to the team
manager of the child's team, stage 2 to the head of service, stage 3 to the assistant
director and stage 4 to the director of children's services. A council changes this
with the DISPUTES_STAGE_OWNERS setting (same shape as DEFAULT_STAGE_OWNERS).
"""

from django.conf import settings
from django.db.models import QuerySet

from accounts.models import Role, Team, User

SOCIAL_WORKER = "social_worker"
TEAM_MANAGER = "team_manager"
HEAD_OF_SERVICE = User.SeniorLevel.HEAD_OF_SERVICE.value
ASSISTANT_DIRECTOR = User.SeniorLevel.ASSISTANT_DIRECTOR.value
DIRECTOR = User.SeniorLevel.DIRECTOR.value

OWNER_KINDS = {
    SOCIAL_WORKER: "Social worker",
    TEAM_MANAGER: "Team manager",
    HEAD_OF_SERVICE: "Head of service",
    ASSISTANT_DIRECTOR: "Assistant director",
    DIRECTOR: "Director",
}
DEFAULT_STAGE_OWNERS: dict[int, str] = {
    0: TEAM_MANAGER,
    1: TEAM_MANAGER,
    2: HEAD_OF_SERVICE,
    3: ASSISTANT_DIRECTOR,
    4: DIRECTOR,
}
# The IRO service supports the IRO; its people never answer a challenge (D-DRP).
IRO_SERVICE_ROLES = (Role.IRO, Role.DUTY_IRO, Role.IRO_MANAGER)


def stage_owners() -> dict[int, str]:
    """Return the configured owner kind of each stage 0-4."""
    owners = {**DEFAULT_STAGE_OWNERS, **getattr(settings, "DISPUTES_STAGE_OWNERS", {})}
    unknown = {kind for kind in owners.values() if kind not in OWNER_KINDS}
    if unknown or set(owners) != set(DEFAULT_STAGE_OWNERS):
        raise ValueError(f"DISPUTES_STAGE_OWNERS: unknown stages or kinds {unknown}")
    return owners


def owner_kind_label(stage: int) -> str:
    return OWNER_KINDS[stage_owners()[stage]]


def stage_candidates(stage: int, team: Team | None) -> QuerySet[User]:
    """Return the people who may answer `stage` of a challenge on a child of `team`."""
    kind = stage_owners()[stage]
    people = User.objects.filter(is_active=True).exclude(
        groups__name__in=IRO_SERVICE_ROLES
    )
    if kind in (SOCIAL_WORKER, TEAM_MANAGER):
        if team is None:
            return people.none()
        role = Role.SOCIAL_WORKER if kind == SOCIAL_WORKER else Role.TEAM_MANAGER
        return people.filter(groups__name=role, team=team).distinct()
    seniors = people.filter(groups__name=Role.SENIOR_MANAGER, senior_level=kind)
    over_team = seniors.filter(overseen_teams=team).distinct() if team else None
    if over_team is not None and over_team.exists():
        return over_team
    # A director answers for every team, whether or not teams are listed for them.
    return seniors.distinct() if kind == DIRECTOR else seniors.none()


def all_candidates(team: Team | None) -> QuerySet[User]:
    """Everyone who may answer some stage for this team (for the IRO's choice)."""
    pks: set[int] = set()
    for stage in DEFAULT_STAGE_OWNERS:
        pks.update(stage_candidates(stage, team).values_list("pk", flat=True))
    return User.objects.filter(pk__in=pks)
