"""Who is responsible for a task, and who their manager is, loaded once per run.

Used by the reminder run (workspace.reminders) and its sources (reviews.reminders,
disputes.reminders); the owner names are the worklist's (reviews.worklist).
"""

from collections import defaultdict

from accounts.models import Role, User

SOCIAL_WORKER = "Social worker"
IRO = "IRO"
BUSINESS_SUPPORT = "Business support"
TEAM_MANAGER = "Team manager"
IRO_MANAGER = "IRO service manager"


class Staff:
    """Every active member of staff with their roles: one query, then lookups in memory."""

    def __init__(self) -> None:
        self.by_pk: dict[int, User] = {}
        self.roles: dict[int, set[str]] = defaultdict(set)
        users = User.objects.filter(is_active=True).prefetch_related(
            "groups", "overseen_teams"
        )
        self.team_managers: dict[int, list[User]] = defaultdict(list)
        self.seniors: dict[int, list[User]] = defaultdict(list)
        self.with_role: dict[str, list[User]] = defaultdict(list)
        for user in users:
            self.by_pk[user.pk] = user
            for group in user.groups.all():
                self.roles[user.pk].add(group.name)
                self.with_role[group.name].append(user)
            if Role.TEAM_MANAGER in self.roles[user.pk] and user.team_id:
                self.team_managers[user.team_id].append(user)
            if Role.SENIOR_MANAGER in self.roles[user.pk]:
                for team in user.overseen_teams.all():
                    self.seniors[team.pk].append(user)
        for people in self.seniors.values():
            people.sort(key=_seniority)

    def active(self, user_id: int | None) -> User | None:
        return self.by_pk.get(user_id) if user_id else None

    def responsible(self, owner: str, child) -> list[User]:
        """Return the people who own a step for this child (worklist owner names).

        Nobody is left without a reminder: a child with no social worker goes to the
        team's managers, a child with no IRO to the IRO service managers.
        """
        if owner == SOCIAL_WORKER:
            worker = self.active(child.social_worker_id)
            return [worker] if worker else self.team_managers.get(child.team_id, [])
        if owner == IRO:
            iro = self.active(child.iro_id)
            return [iro] if iro else self.with_role[Role.IRO_MANAGER]
        if owner == BUSINESS_SUPPORT:
            return self.with_role[Role.BUSINESS_SUPPORT]
        if owner == TEAM_MANAGER:
            return self.team_managers.get(child.team_id, [])
        if owner == IRO_MANAGER:
            return self.with_role[Role.IRO_MANAGER]
        raise ValueError(f"unknown owner: {owner}")

    def managers_of(self, user: User) -> list[User]:
        """Return who an overdue task of `user` escalates to.

        A social worker's team manager; an IRO's (or business support's) IRO service
        manager; a team manager's head of service (the senior managers over the team).
        """
        roles = self.roles.get(user.pk, set())
        managers: list[User] = []
        if Role.SOCIAL_WORKER in roles:
            managers += self.team_managers.get(user.team_id, [])
        if roles & {Role.IRO, Role.DUTY_IRO, Role.BUSINESS_SUPPORT}:
            managers += self.with_role[Role.IRO_MANAGER]
        if Role.TEAM_MANAGER in roles:
            seniors = self.seniors.get(user.team_id, [])
            # The first line above the team manager: heads of service before directors.
            managers += [s for s in seniors if _seniority(s) == _seniority(seniors[0])]
        unique = {manager.pk: manager for manager in managers if manager.pk != user.pk}
        return list(unique.values())


_LEVELS = [level.value for level in User.SeniorLevel]


def _seniority(user: User) -> int:
    level = user.senior_level
    return _LEVELS.index(level) if level in _LEVELS else len(_LEVELS)
