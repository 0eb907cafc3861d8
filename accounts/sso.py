"""Who may sign in with single sign-on, as whom, and with what (docs/rules.md,
D-SSO1 to D-SSO6).

The claims come verified from accounts.oidc. A person is matched on the tenant id and
the immutable object id (tid + oid), never on the email address (D-SSO2); a user an
administrator made with the person's user principal name as username is bound to the
object id at the first sign-in, once. Roles follow the mapped groups (D-SSO4); a
switched-off user never gets in (D-SSO1); multi-factor is the provider's where it
says so, else the service's own step follows (D-SSO3).
"""

from dataclasses import dataclass
from typing import Any

from auditlog.context import set_actor
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from accounts import security_log
from accounts.models import Team, User

# amr values that are a second factor (RFC 8176), and the one Entra ID sends.
MFA_METHODS = frozenset({"mfa", "otp", "hwk", "swk", "fido", "sms", "tel", "face"})
# What the session keeps of a single sign-on (accounts.views, accounts.middleware).
SESSION_KEY = "sso"


class Refused(Exception):
    """The person may not sign in. `reason` goes to the security log; `message` to
    the person."""

    MESSAGES = {
        "no_identity": "Your council's sign-in did not say who you are.",
        "wrong_tenant": "Your account is not from this council's directory.",
        "unknown": "You do not have an account for this service. "
        "Ask your council's administrator for one.",
        "switched_off": "This account has been switched off. Ask your administrator.",
        "bound_elsewhere": "This account is linked to a different person's sign-in. "
        "Ask your administrator.",
        "no_role": "You no longer have a role in this service. "
        "Ask your council's administrator.",
    }

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
        self.message = self.MESSAGES[reason]


@dataclass(frozen=True)
class Identity:
    """What a verified ID token says about the person."""

    tenant_id: str
    object_id: str
    username: str
    first_name: str
    last_name: str
    groups: frozenset[str]
    groups_overage: bool
    amr: frozenset[str] | None
    acrs: frozenset[str] | None

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> "Identity":
        names = claims.get("_claim_names") or {}
        overage = "groups" in names or bool(claims.get("hasgroups"))
        groups = claims.get("groups") if not overage else None
        return cls(
            tenant_id=str(claims.get("tid") or ""),
            object_id=str(claims.get("oid") or ""),
            username=str(claims.get("preferred_username") or claims.get("upn") or ""),
            first_name=str(claims.get("given_name") or ""),
            last_name=str(claims.get("family_name") or ""),
            groups=frozenset(str(g) for g in groups or ()),
            groups_overage=overage,
            amr=_set_or_none(claims.get("amr")),
            acrs=_set_or_none(claims.get("acrs")),
        )


def _set_or_none(value: Any) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return frozenset({value})
    return frozenset(str(v) for v in value)


def admit(claims: dict[str, Any], ip: str = "") -> User:
    """The user these verified claims sign in as, with its roles brought up to date
    from the groups; or Refused."""
    identity = Identity.from_claims(claims)
    try:
        with transaction.atomic():
            user = _match(identity, ip)
            if not user.is_active:
                raise Refused("switched_off")
            _apply_group_roles(user, identity, ip)
            _apply_group_team(user, identity, ip)
        # After the roles are saved: a person taken out of every mapped group keeps
        # the change and is refused (D-SSO4).
        if settings.OIDC_GROUP_ROLES and not user.groups.exists():
            raise Refused("no_role")
    except Refused as refused:
        security_log.record(
            "sso_refused",
            reason=refused.reason,
            tid=identity.tenant_id,
            oid=identity.object_id,
            username=identity.username,
            ip=ip,
        )
        raise
    return user


def _match(identity: Identity, ip: str) -> User:
    """Find the user by tid + oid; else bind the one made with this username; else,
    where the council allows it, make one for a person in a mapped group."""
    if not identity.tenant_id or not identity.object_id:
        raise Refused("no_identity")
    if settings.OIDC_TENANT_ID and identity.tenant_id != settings.OIDC_TENANT_ID:
        raise Refused("wrong_tenant")
    user = User.objects.filter(
        sso_tenant_id=identity.tenant_id, sso_object_id=identity.object_id
    ).first()
    if user is not None:
        return user
    user = (
        User.objects.select_for_update()
        .filter(username__iexact=identity.username)
        .first()
        if identity.username
        else None
    )
    if user is not None:
        if user.sso_object_id:
            raise Refused("bound_elsewhere")
        _bind(user, identity, ip, event="sso_bound")
        return user
    if settings.OIDC_ADMIT_BY_GROUP and identity.username and roles_for(identity):
        user = User(
            username=identity.username,
            first_name=identity.first_name,
            last_name=identity.last_name,
        )
        user.set_unusable_password()
        _bind(user, identity, ip, event="sso_created")
        return user
    raise Refused("unknown")


def _bind(user: User, identity: Identity, ip: str, event: str) -> None:
    """Bind the user to the person's tid + oid: once (D-SSO2). The change is in the
    audit log (accounts.User is tracked) and the security log."""
    user.sso_tenant_id = identity.tenant_id
    user.sso_object_id = identity.object_id
    with set_actor(user):
        user.save()
    security_log.record(
        event,
        user_id=user.pk,
        tid=identity.tenant_id,
        oid=identity.object_id,
        username=identity.username,
        ip=ip,
    )


def roles_for(identity: Identity) -> set[str]:
    """The roles the person's groups map to (OIDC_GROUP_ROLES); none on an overage."""
    return {
        role
        for group, role in settings.OIDC_GROUP_ROLES.items()
        if group in identity.groups
    }


def _apply_group_roles(user: User, identity: Identity, ip: str) -> None:
    """Bring the roles named in OIDC_GROUP_ROLES into line with the groups: roles the
    mapping does not name are the administrator's and stay as they are."""
    if not settings.OIDC_GROUP_ROLES:
        return
    if identity.groups_overage:
        # Too many groups for the token: the provider sends a link to Graph instead.
        # The service does not call Graph; the person is treated as in no group.
        security_log.record("sso_groups_overage", user_id=user.pk, ip=ip)
    managed = set(settings.OIDC_GROUP_ROLES.values())
    wanted = roles_for(identity)
    held = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    if held - wanted:
        user.groups.remove(*Group.objects.filter(name__in=held - wanted))
    for name in wanted - held:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    if held != wanted:
        security_log.record(
            "sso_roles_changed",
            user_id=user.pk,
            added=sorted(wanted - held),
            removed=sorted(held - wanted),
        )
    user.__dict__.pop("roles", None)


def _apply_group_team(user: User, identity: Identity, ip: str) -> None:
    """Put the person in the team their one mapped group names (OIDC_GROUP_TEAMS);
    in no mapped group, or in several, the team stays as the administrator set it."""
    names = {
        team
        for group, team in settings.OIDC_GROUP_TEAMS.items()
        if group in identity.groups
    }
    if len(names) != 1:
        return
    team = Team.objects.filter(name=next(iter(names))).first()
    if team is None or team.pk == user.team_id:
        return
    user.team = team
    with set_actor(user):
        user.save(update_fields=["team"])
    security_log.record("sso_team_changed", user_id=user.pk, team=team.name, ip=ip)


def mfa_by_provider(claims: dict[str, Any]) -> bool:
    """Whether the provider's sign-in counts as multi-factor (D-SSO3): amr where the
    token has it; else an acrs authentication context the council says demands it;
    else the council's word that Conditional Access enforces it for this service."""
    identity = Identity.from_claims(claims)
    if identity.amr is not None:
        return bool(identity.amr & MFA_METHODS)
    if identity.acrs is not None and identity.acrs & set(settings.OIDC_MFA_ACRS):
        return True
    return settings.OIDC_MFA_ENFORCED_BY_PROVIDER


def local_sign_in_allowed(username: str) -> bool:
    """Password sign-in: always without single sign-on; with it, only where the council
    keeps it on, or for its break-glass accounts (D-SSO5)."""
    if not settings.OIDC_ENABLED or settings.LOCAL_SIGN_IN:
        return True
    return username in settings.LOCAL_SIGN_IN_USERNAMES


def passed_mfa(session) -> bool:
    """This session's sign-in was multi-factor at the provider (D-SSO3)."""
    return bool((session.get(SESSION_KEY) or {}).get("mfa"))
