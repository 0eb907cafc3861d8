"""One child's whole record with its audit trail: a subject access request (UK GDPR Art. 15).

The record is every row that leads back to the child through foreign keys, in every
app that holds case data, found by following the models' relations (so a model added
later is exported without changing this module), and every audit-log entry about those
rows: who viewed or changed what, and when. Users appear by id in the rows; `people`
names them.
"""

from __future__ import annotations

import json
from collections import deque
from datetime import UTC, date, datetime
from functools import cache

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from children.models import Child
from core.spreadsheets import neutralise

# The apps whose models hold case data about children.
CASE_DATA_APPS = ("children", "iro", "reviews", "disputes", "documents", "core")
MAX_DEPTH = 4
FORMAT_VERSION = 1
ACTIONS = dict(LogEntry.Action.choices)


@cache
def _paths_to_child() -> dict[type[Model], list[str]]:
    """For each case-data model, the ORM lookups that lead from it to a Child."""
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label in CASE_DATA_APPS and not m._meta.proxy and m is not Child
    ]
    paths: dict[type[Model], list[str]] = {Child: [""]}
    frontier = deque([(Child, 0)])
    while frontier:
        target, depth = frontier.popleft()
        if depth >= MAX_DEPTH:
            continue
        for model in models:
            for field in model._meta.concrete_fields:
                if not field.is_relation or field.related_model is not target:
                    continue
                prefix = field.name
                for rest in paths[target]:
                    lookup = f"{prefix}__{rest}" if rest else prefix
                    if model not in paths:
                        paths[model] = []
                        frontier.append((model, depth + 1))
                    if lookup not in paths[model] and len(paths[model]) < 4:
                        paths[model].append(lookup)
    paths.pop(Child)
    return paths


def child_pk_of(instance: Model) -> int | None:
    """The pk of the child a case-data row is about, following its foreign keys.

    Registered with core.audit_subject, so that every audit entry names its child.
    """
    if isinstance(instance, Child):
        return instance.pk
    for lookup in _paths_to_child().get(type(instance), []):
        *steps, last = lookup.split("__")
        obj: Model | None = instance
        for step in steps:
            obj = getattr(obj, step, None)
            if obj is None:
                break
        if obj is not None:
            pk = getattr(obj, f"{last}_id", None)
            if pk is not None:
                return pk
    return None


def rows_about(child: Child) -> dict[type[Model], QuerySet]:
    """Every case-data row about the child, by model (models with no row left out)."""
    found: dict[type[Model], QuerySet] = {Child: Child.objects.filter(pk=child.pk)}
    for model, lookups in sorted(
        _paths_to_child().items(), key=lambda item: item[0]._meta.label_lower
    ):
        query = Q(pk__in=[])
        for lookup in lookups:
            query |= Q(**{lookup: child})
        rows = model._base_manager.filter(query).distinct().order_by("pk")
        if rows.exists():
            found[model] = rows
    return found


def audit_filter(rows: dict[type[Model], QuerySet]) -> Q:
    """The audit-log entries (reads and changes) about any of these rows."""
    audit = Q(pk__in=[])
    for model, queryset in rows.items():
        content_type = ContentType.objects.get_for_model(model)
        pks = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        audit |= Q(content_type=content_type, object_pk__in=pks)
    return audit


def audit_entries_about(child: Child) -> QuerySet:
    """Who viewed or changed anything about the child: every audit entry, oldest first.

    The one home of "what is about this child", for the "who viewed or changed" page and
    the subject-access export alike.
    """
    return (
        LogEntry.objects.filter(
            Q(additional_data__child=child.pk) | audit_filter(rows_about(child))
        )
        .select_related("content_type", "actor")
        .order_by("timestamp", "pk")
    )


def child_record(child: Child, *, exported_by: User | None = None) -> dict:
    """Every row about the child, and the audit trail of each, as plain data."""
    rows = rows_about(child)
    records: dict[str, list[dict]] = {
        model._meta.label_lower: serializers.serialize("python", queryset)
        for model, queryset in rows.items()
    }
    for serialized in records.values():
        for row in serialized:
            row.pop("model", None)
    entries = (
        LogEntry.objects.filter(audit_filter(rows))
        .select_related("content_type", "actor")
        .order_by("timestamp", "pk")
    )
    trail = [
        {
            "timestamp": entry.timestamp,
            "action": str(ACTIONS.get(entry.action, entry.action)),
            "record": f"{entry.content_type.app_label}.{entry.content_type.model}",
            "record_id": entry.object_pk,
            "record_text": entry.object_repr,
            "changes": entry.changes,
            "by": entry.actor_id,
            "from_address": entry.remote_addr,
            "additional_data": entry.additional_data,
        }
        for entry in entries
    ]
    people = _people(records, trail)
    return {
        "format": f"childrens-reviews subject access export v{FORMAT_VERSION}",
        "exported_at": datetime.now(UTC),
        "exported_by": exported_by.username if exported_by else None,
        "child": {
            "id": child.pk,
            "child_id": child.child_id,
            "name": child.full_name,
            # The identifiers (ID-NHS, ID-UPN), also in the child's row below.
            "nhs_number": child.nhs_number_display or None,
            "upn": child.upn or None,
            "former_upn": child.former_upn or None,
        },
        "counts": {label: len(rows) for label, rows in records.items()}
        | {"audit_trail": len(trail)},
        "records": records,
        "audit_trail": trail,
        "people": people,
    }


def _people(records: dict, trail: list[dict]) -> dict[str, dict]:
    """Name every user the record refers to (rows hold only their ids)."""
    user_fields = {
        (model._meta.label_lower, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is User
    }
    ids = {entry["by"] for entry in trail if entry["by"]}
    for label, rows in records.items():
        for row in rows:
            for name, value in row["fields"].items():
                if (label, name) in user_fields and value:
                    ids.add(value)
    return {
        str(user.pk): {"username": user.username, "name": user.get_full_name()}
        for user in User.objects.filter(pk__in=ids).order_by("pk")
    }


def child_record_counts(child: Child) -> dict[str, int]:
    """What `child_record` holds, counted, without reading it all (the export page)."""
    rows = rows_about(child)
    return {model._meta.label_lower: query.count() for model, query in rows.items()} | {
        "audit_trail": LogEntry.objects.filter(audit_filter(rows)).count()
    }


def child_record_json(child: Child, *, exported_by: User | None = None) -> str:
    return json.dumps(
        child_record(child, exported_by=exported_by),
        cls=DjangoJSONEncoder,
        indent=2,
        ensure_ascii=False,
    )


# --- Who viewed or changed: the trail as a page and as a spreadsheet ------------------

VIEWED, CHANGED = "viewed", "changed"


def audit_trail(
    child: Child,
    *,
    person: User | None = None,
    since: date | None = None,
    until: date | None = None,
    kind: str = "",
) -> QuerySet:
    """The child's audit entries, newest first, narrowed by who, when and what kind.

    Days are the service's local days; `until` includes the whole of that day.
    """
    entries = audit_entries_about(child).order_by("-timestamp", "-pk")
    if person is not None:
        entries = entries.filter(actor=person)
    if since is not None:
        entries = entries.filter(timestamp__date__gte=since)
    if until is not None:
        entries = entries.filter(timestamp__date__lte=until)
    if kind == VIEWED:
        entries = entries.filter(action=LogEntry.Action.ACCESS)
    elif kind == CHANGED:
        entries = entries.exclude(action=LogEntry.Action.ACCESS)
    return entries


def audit_people(child: Child) -> QuerySet[User]:
    """Everyone who has viewed or changed anything about the child."""
    actors = audit_entries_about(child).exclude(actor=None).values("actor")
    return User.objects.filter(pk__in=actors).order_by("last_name", "first_name", "pk")


def entry_who(entry: LogEntry) -> str:
    """Who the entry says did it: a user, someone with a link, or the service itself."""
    if entry.actor is not None:
        return entry.actor.get_full_name() or entry.actor.username
    if entry.action == LogEntry.Action.ACCESS:
        return "Someone with a link"
    return "The system"


def entry_what(entry: LogEntry) -> str:
    if entry.action == LogEntry.Action.ACCESS:
        return "Viewed"
    return str(ACTIONS.get(entry.action, entry.action)).capitalize()


M2M_OPERATIONS = {"add": "added", "delete": "removed", "clear": "cleared"}


def _change_text(field: str, change) -> str:
    """One field's change: [before, after], or a many-to-many change (auditlog writes
    {"type": "m2m", "operation": ..., "objects": [...]}, e.g. who a decision is
    withheld from)."""
    if isinstance(change, dict):
        operation = change.get("operation", "")
        objects = ", ".join(str(name) for name in change.get("objects", []))
        return f"{field}: {M2M_OPERATIONS.get(operation, operation)} {objects}".rstrip()
    before, after = change
    return f"{field}: {before} → {after}"


def entry_details(entry: LogEntry) -> str:
    """What an entry says beyond who and when: the fields changed, or what was shown."""
    if entry.action != LogEntry.Action.ACCESS:
        return "; ".join(
            _change_text(field, change) for field, change in entry.changes_dict.items()
        )
    data = entry.additional_data or {}
    return "; ".join(str(data[key]) for key in ("what", "via", "page") if data.get(key))


AUDIT_CSV_HEADERS = ("When", "Who", "Username", "What", "Record", "Details", "From")


def audit_trail_rows(entries: QuerySet) -> list[list]:
    """The entries as spreadsheet rows, every text cell neutralised (core.spreadsheets)."""
    rows: list[list] = [list(AUDIT_CSV_HEADERS)]
    for entry in entries:
        actor = entry.actor
        rows.append(
            [
                neutralise(value)
                for value in (
                    timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
                    entry_who(entry),
                    actor.username if actor else "",
                    entry_what(entry),
                    f"{entry.content_type.name}: {entry.object_repr}",
                    entry_details(entry),
                    entry.remote_addr or "",
                )
            ]
        )
    return rows
