"""Reminder sources: where the tasks with due dates come from, in one registry.

A source is a function `source(today: date, staff: accounts.staff.Staff) ->
Iterable[TaskDue]`: each TaskDue names one task, the one person responsible for it and
the day it is due. The reminder run (workspace.reminders) asks every registered
source, works out which messages are due (core.reminders.moments), and sends each
exactly once.

SOURCES starts empty: each app registers its own from its AppConfig.ready() with
`register_source("app.module.function")` (reviews.reminders, disputes.reminders), in
the order of INSTALLED_APPS. See docs/deployment.md, "Reminders".
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class TaskDue:
    """A task someone must do by a date: what reminders and escalations are about."""

    key: tuple[str | int, ...]  # names the task, e.g. ("review", 12, "documents")
    recipient: Any  # the person responsible (a settings.AUTH_USER_MODEL instance)
    due: date
    what: str  # the task: "Share the report and care plan"
    about: str  # whose case, shown in the service only: the child's name
    reference: str  # what emails call the case (the child's ID, never a name)
    url: str  # the page where the task is done or explained
    escalate_to: tuple[Any, ...] | None = None  # None: the recipient's managers

    @property
    def text(self) -> str:
        return f"{self.what}: {self.about}"

    @property
    def task_key(self) -> str:
        return ":".join(str(part) for part in self.key)


# The second argument is the run's accounts.staff.Staff (core does not import it).
Source = Callable[[date, Any], Iterable[TaskDue]]

SOURCES: list[str] = []


def register_source(path: str) -> None:
    """Add a reminder source by dotted path (idempotent)."""
    if path not in SOURCES:
        SOURCES.append(path)


def all_sources() -> list[Source]:
    return [import_string(path) for path in SOURCES]
