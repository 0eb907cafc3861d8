"""Walking the resolver: every URL pattern, its table entry, and how to request it."""

from __future__ import annotations

from dataclasses import dataclass

from auditlog.models import LogEntry
from django.apps import apps
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from tests.proof.url_table import (
    ANON,
    KWARG_KINDS,
    OBJECTS,
    PAGES,
    SEES_EVERY_CHILD,
    SKIP_EXCEPT,
    SKIPPED_PREFIXES,
    Page,
)

ROLES: list[str] = [*Role, ANON]
TABLE = "tests/proof/url_table.py"


@dataclass(frozen=True)
class Route:
    key: str  # the URL name ("children:detail"), or the route when it has no name
    route: str
    kwargs: tuple[str, ...]

    def __str__(self):
        return self.key


def _walk(patterns, namespace="", prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            key = f"{namespace}{entry.name}" if entry.name else route
            yield Route(key, route, tuple(entry.pattern.regex.groupindex))


def all_routes() -> list[Route]:
    """Every URL pattern the resolver knows, in order."""
    return list(_walk(get_resolver().url_patterns))


def skip_reason(route: Route) -> str | None:
    if route.key in SKIP_EXCEPT:
        return None
    for prefix, reason in SKIPPED_PREFIXES.items():
        if route.route.startswith(prefix):
            return reason
    return None


def walked_routes() -> list[Route]:
    """The routes the harnesses walk: all but the skipped prefixes (static is not routed)."""
    return [route for route in all_routes() if skip_reason(route) is None]


def missing_entry_message(route: Route) -> str:
    of = 'of="child", ' if route.kwargs else ""
    args = ", ".join(route.kwargs) or "none"
    return (
        f"URL {route.key!r} (/{route.route}) has no entry in {TABLE}. Add one line to "
        f"PAGES saying who gets what, for example:\n"
        f'    "{route.key}": Page({of}get={{SEES_CHILDREN: 200}}),\n'
        f"(URL arguments: {args}; see the table's docstring for post=, form= and public=)."
    )


def page_for(route: Route) -> Page:
    page = PAGES.get(route.key)
    if page is None:
        raise LookupError(missing_entry_message(route))
    return page


def kinds_for(route: Route, page: Page) -> dict[str, str]:
    """The object kind behind each URL argument."""
    kinds = {}
    for kwarg in route.kwargs:
        kind = page.kwargs.get(kwarg) or KWARG_KINDS.get(kwarg)
        if kind is None and kwarg == "pk":
            kind = page.of
        if kind not in OBJECTS:
            raise LookupError(
                f"URL {route.key!r}: argument {kwarg!r} needs an object kind in {TABLE} "
                f"(of=..., or kwargs={{{kwarg!r}: kind}}); known kinds: {sorted(OBJECTS)}"
            )
        kinds[kwarg] = kind
    return kinds


def url_for(route: Route, page: Page, child) -> str:
    """The URL with every argument built for the given child (in or out of scope)."""
    kwargs = {}
    for kwarg, kind in kinds_for(route, page).items():
        value = OBJECTS[kind](child)
        kwargs[kwarg] = value if isinstance(value, str | int) else value.pk
    if route.key == route.route:  # an unnamed pattern without arguments
        return "/" + route.route
    return reverse(route.key, kwargs=kwargs)


def expected_status(
    page: Page, method: str, role: str, *, has_object: bool, in_scope: bool
) -> int:
    """What the table says this role gets (see url_table's docstring)."""
    if role == ANON and not page.public:
        return 302
    groups = page.get if method == "GET" else page.post
    if groups is None:
        return 405  # refused before any object is looked up: reveals nothing
    status = next(
        (status for roles, status in groups.items() if role in roles),
        404 if has_object else 403,
    )
    hidden = has_object and not in_scope and role not in SEES_EVERY_CHILD
    if hidden and role != ANON and status != 405:  # 405 comes before any lookup
        return 404
    return status


def body(response: HttpResponse) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode(errors="replace")


def client_for(role: str, users: dict, **kwargs) -> Client:
    client = Client(**kwargs)
    if role != ANON:
        client.force_login(users[role])
    return client


def _snapshot_sql(allowed: frozenset[str]) -> tuple[list[str], str]:
    quote = connection.ops.quote_name
    labels, selects = [], []
    for model in apps.get_models():
        meta = model._meta
        label = meta.label_lower
        if meta.proxy or not meta.managed or label == "sessions.session":
            continue
        if label in allowed:
            continue
        # As text, so that UNION ALL has one column type on PostgreSQL too.
        latest = "CAST(NULL AS TEXT)"
        if any(f.name == "updated_at" for f in meta.concrete_fields):
            column = quote(meta.get_field("updated_at").column)
            latest = f"CAST(MAX({column}) AS TEXT)"
        where = ""
        if model is LogEntry:
            where = f" WHERE {quote('action')} <> {int(LogEntry.Action.ACCESS)}"
        labels.append(label)
        selects.append(
            f"SELECT '{label}', COUNT(*), {latest} FROM {quote(meta.db_table)}{where}"  # noqa: S608 - our own table names
        )
    return labels, " UNION ALL ".join(selects)


def snapshot(allowed: frozenset[str] = frozenset()) -> dict[str, tuple]:
    """Row count and latest change of every model, to prove a request changed nothing.

    Left out: sessions (signing in writes them) and the audit log's ACCESS entries (a
    read of a child's record is logged on purpose). `allowed` names other models by
    label ("app.model") that a request may write, each with a reason in the table.
    One query (UNION ALL), so that it can run around every request.
    """
    labels, sql = _snapshot_sql(allowed)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    state = {label: tuple(rest) for label, *rest in rows}
    assert set(state) == set(labels)
    return state


def changes(before: dict, after: dict) -> list[str]:
    return [
        f"{label}: {before[label]} -> {after.get(label)}"
        for label in before
        if before[label] != after.get(label)
    ]
