"""Access entries: who opened which case record, when, and on which page.

Changes to case data are recorded by django-auditlog for every model listed in
settings.AUDITLOG_INCLUDE_TRACKING_MODELS. A read is recorded here. A view that shows a
child's case content says what it shows with `showing(request, obj)` as it loads the
object in scope; `AccessAuditMiddleware` then writes one access entry for each object
once the page or download has been answered with a 200 to a GET. A page refused after
its object was loaded (a 403 for the role) records nothing, as nothing was shown; a
POST records the changes it makes instead. An export or a PDF made outside a request
calls `record_access` itself.

Each entry has the user (from auditlog's middleware, or none for a person opening a
link), the time, the address, the child it is about (core.audit_subject) and in
`additional_data` the page's URL name and, where it matters, what was shown ("the
record, Mum's own version") or through what ("a consultation link for Mum").

The "who viewed or changed" page lists these entries beside the changes
(children.records.audit_entries_about).
"""

from __future__ import annotations

from collections.abc import Iterable

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import HttpRequest

_SHOWN = "_audit_shown"


def showing(request: HttpRequest, obj: Model, *, what: str = "", via: str = "") -> None:
    """Say that this request shows `obj`; it is logged if the answer is a 200 to a GET."""
    shown = request.__dict__.setdefault(_SHOWN, [])
    for index, (seen, seen_what, seen_via) in enumerate(shown):
        if seen is obj:  # said again, perhaps with more detail: one entry
            shown[index] = (obj, what or seen_what, via or seen_via)
            return
    shown.append((obj, what, via))


def record_shown(request: HttpRequest, status: int) -> int:
    """Write the access entries for what `showing` named, if the page was shown."""
    shown = request.__dict__.pop(_SHOWN, [])
    if status != 200 or request.method not in ("GET", "HEAD"):
        return 0
    for obj, what, via in shown:
        record_access(obj, request=request, what=what, via=via)
    return len(shown)


def _details(request: HttpRequest | None, what: str, via: str) -> dict:
    details: dict = {}
    match = getattr(request, "resolver_match", None) if request else None
    if match is not None and match.view_name:
        details["page"] = match.view_name
    if what:
        details["what"] = what
    if via:
        details["via"] = via
    return details


def record_access(
    obj: Model, *, request: HttpRequest | None = None, what: str = "", via: str = ""
) -> LogEntry:
    """Record that `obj` was shown (a page) or handed over (a download)."""
    subject = getattr(obj, "get_additional_data", lambda: None)() or {}
    return LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes=None,
        additional_data=subject | _details(request, what, via) or None,
    )


def record_access_each(
    objects: Iterable[Model],
    *,
    request: HttpRequest | None = None,
    what: str = "",
    via: str = "",
) -> int:
    """One access entry for each object shown at once (a list or an export naming many
    children), written together: the first as `record_access` does, the rest copied
    from it (who, when, from where) in one insert."""
    objects = list(objects)
    if not objects:
        return 0
    first = record_access(objects[0], request=request, what=what, via=via)
    details = _details(request, what, via)
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=ContentType.objects.get_for_model(obj),
                object_pk=str(obj.pk),
                object_id=obj.pk if isinstance(obj.pk, int) else None,
                object_repr=str(obj),
                action=LogEntry.Action.ACCESS,
                actor=first.actor,
                actor_email=first.actor_email,
                remote_addr=first.remote_addr,
                remote_port=first.remote_port,
                cid=first.cid,
                timestamp=first.timestamp,
                additional_data=(
                    (getattr(obj, "get_additional_data", lambda: None)() or {})
                    | details
                )
                or None,
            )
            for obj in objects[1:]
        ],
        batch_size=500,
    )
    return len(objects)
