"""Whose record a row belongs to, written into every audit entry about it.

django-auditlog asks each instance it logs for `get_additional_data()`. Case-data
models inherit `AuditSubject`, which answers {"child": <pk>} for the child the row is
about, so that an entry still leads to the child after its row is deleted (an invitee
removed, a document replaced). Finding the child needs the register's models, which
core may not import: children fills the finder from its `ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_finders: list[Callable[[Any], int | None]] = []


def register_subject_finder(finder: Callable[[Any], int | None]) -> None:
    """Add a function that answers the pk of the child a row is about, or None."""
    if finder not in _finders:
        _finders.append(finder)


def subject_of(instance: Any) -> dict[str, int]:
    """{"child": pk} for the child `instance` is about; {} when no finder knows."""
    for finder in _finders:
        pk = finder(instance)
        if pk is not None:
            return {"child": pk}
    return {}


class AuditSubject:
    """For models holding case data: each audit entry names the child it is about."""

    def get_additional_data(self) -> dict[str, int] | None:
        return subject_of(self) or None
