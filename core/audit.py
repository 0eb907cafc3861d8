"""Access entries: who opened which case record, when, and on which page.

Changes to case data are recorded by django-auditlog for every model listed in
settings.AUDITLOG_INCLUDE_TRACKING_MODELS. A read is recorded here: every page or
download that shows a child's case content calls `record_access` once for the object
it shows, after the app's permission rules have let the user in. The entry has the
user (from auditlog's middleware, or None for a person opening a link), the time, the
address, and in `additional_data` the page's URL name and, where it matters, what was
shown ("the record, Mum's own version") or by whom ("a consultation link for Mum").

The "who viewed or changed" page lists these entries beside the changes
(children.records.audit_entries_about).
"""

from __future__ import annotations

from collections.abc import Iterable

from auditlog.models import LogEntry
from django.db.models import Model
from django.http import HttpRequest


def _details(request: HttpRequest | None, what: str, via: str) -> dict[str, str]:
    details: dict[str, str] = {}
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
    return LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes=None,
        additional_data=_details(request, what, via) or None,
    )


def record_access_each(
    objects: Iterable[Model],
    *,
    request: HttpRequest | None = None,
    what: str = "",
    via: str = "",
) -> int:
    """One access entry for each object shown at once (an export naming many children)."""
    count = 0
    for obj in objects:
        record_access(obj, request=request, what=what, via=via)
        count += 1
    return count
