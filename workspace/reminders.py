"""Send reminders, escalations, daily digests and weekly summaries: each exactly once.

Every message has a unique key naming the task, the recipient, the kind, the
threshold and the due date it concerns (so a rearranged review gets new messages).
The in-app notification, the email or digest line all carry that key and are
written in one transaction per message: a run killed half-way and run again (the
worker redelivers it) skips what was already written and does the rest.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from accounts.models import Role, User
from accounts.staff import Staff
from core.models import DigestEntry, Notification, NotificationPreference, OutboundEmail
from core.notifications import notify, queue_email
from core.reminders.moments import (
    ESCALATION,
    OVERDUE,
    Moment,
    moments_now,
    validate_leads,
)
from core.reminders.sources import TaskDue, all_sources

SEND_BATCH = 100  # core.notifications.send_queued_emails sends up to 100 a time


@dataclass(frozen=True)
class Message:
    """One reminder or escalation to one person about one task."""

    task: TaskDue
    moment: Moment
    recipient: User

    @property
    def key(self) -> str:
        m = self.moment
        return (
            f"{m.kind}:{self.task.task_key}:{self.recipient.pk}:{m.threshold}:"
            f"{self.task.due:%Y%m%d}"
        )


@dataclass
class RunResult:
    sent: Counter = field(default_factory=Counter)
    already_sent: int = 0

    def __str__(self) -> str:
        parts = [f"{n} {what}" for what, n in sorted(self.sent.items())]
        return f"Sent {', '.join(parts) or 'nothing'}; {self.already_sent} sent before"


def tasks_due(today: date, staff: Staff) -> Iterable[TaskDue]:
    for source in all_sources():
        yield from source(today, staff)


def messages_due(today: date, staff: Staff, leads: Iterable[int]) -> list[Message]:
    """Return every message the tasks call for today, once each."""
    leads = validate_leads(list(leads))
    messages: dict[str, Message] = {}
    for task in tasks_due(today, staff):
        for moment in moments_now(task.due, today, leads):
            if moment.kind == ESCALATION:
                people = (
                    task.escalate_to
                    if task.escalate_to is not None
                    else staff.managers_of(task.recipient)
                )
            else:
                people = (task.recipient,)
            for person in people:
                message = Message(task, moment, person)
                messages.setdefault(message.key, message)
    return list(messages.values())


def reminders_send(*, today: date, leads: Iterable[int] | None = None) -> RunResult:
    """Send every reminder and escalation due today that was not sent before."""
    staff = Staff()
    leads = settings.REMINDER_LEAD_WORKING_DAYS if leads is None else leads
    messages = messages_due(today, staff, leads)
    digest_users = set(
        NotificationPreference.objects.filter(
            email=NotificationPreference.Email.DIGEST
        ).values_list("user_id", flat=True)
    )
    result = RunResult()
    for start in range(0, len(messages), 500):
        batch = messages[start : start + 500]
        done = set(
            Notification.objects.filter(
                key__in=[message.key for message in batch]
            ).values_list("key", flat=True)
        )
        for message in batch:
            if message.key in done:
                result.already_sent += 1
                continue
            _deliver(message, digest=message.recipient.pk in digest_users)
            kind = message.moment.kind + ("s (late)" if message.moment.late else "s")
            result.sent[kind] += 1
    _send_soon()
    return result


def _send_soon() -> None:
    """Queue enough send tasks for every unsent email (each sends up to SEND_BATCH).

    Counted from the outbox, not from this run: a run killed before this point left
    its emails queued, and the run that finishes its work sends them too.
    """
    from core.tasks import enqueue

    unsent = OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).count()
    for _ in range(-(-unsent // SEND_BATCH)):
        enqueue("core.tasks.send_queued_emails")


@transaction.atomic
def _deliver(message: Message, *, digest: bool) -> bool:
    """Write the notification and the email (or digest line) together; True if emailed."""
    task, moment, person = message.task, message.moment, message.recipient
    notify(person, _in_app_text(message), task.url, key=message.key)
    line = _email_line(message)
    if digest:
        DigestEntry.objects.get_or_create(
            key=message.key, defaults={"user": person, "line": line, "url": task.url}
        )
        return False
    if not person.email:
        return False
    queue_email(
        key=message.key,
        to=person.email,
        subject=_subject(message),
        body=_email_body(line, task.url, late=moment.late),
        send=False,
    )
    return True


def _when(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _in_app_text(message: Message) -> str:
    task, moment = message.task, message.moment
    late = " (late reminder)" if moment.late else ""
    if moment.kind == ESCALATION:
        who = task.recipient.get_full_name() or task.recipient.username
        text = f"Overdue, for {who}: {task.text}. It was due {_when(task.due)}.{late}"
    elif moment.threshold == OVERDUE:
        text = f"Overdue: {task.text}. It was due {_when(task.due)}.{late}"
    else:
        text = f"Reminder: {task.text}, due {_when(task.due)}.{late}"
    return text[:300]


def _email_line(message: Message) -> str:
    """The message as emails say it: the child is named by their ID only."""
    task, moment = message.task, message.moment
    what = task.what
    case = f"child {task.reference}"
    if moment.kind == ESCALATION:
        who = task.recipient.get_full_name() or task.recipient.username
        line = f"Overdue, for {who}: {what} ({case}), due {_when(task.due)}"
    elif moment.threshold == OVERDUE:
        line = f"Overdue: {what} ({case}), due {_when(task.due)}"
    else:
        line = f"Reminder: {what} ({case}), due {_when(task.due)}"
    return (line + (" (late reminder)" if moment.late else ""))[:300]


def _subject(message: Message) -> str:
    return _email_line(message)[:200]


def _email_body(line: str, url: str, *, late: bool) -> str:
    lines = [line + ".", "", f"Open it in the service: {settings.SITE_URL}{url}"]
    if late:
        lines += [
            "",
            "This reminder is late: it was due to reach you earlier, but the service "
            "could not send it then.",
        ]
    lines += [
        "",
        "You can choose a daily digest instead of an email for each reminder: "
        f"{settings.SITE_URL}{reverse('workspace:notifications')}",
    ]
    return "\n".join(lines)


# --- Daily digest ---------------------------------------------------------------


def digests_send(*, today: date, now: datetime) -> int:
    """Email each digest user the lines put aside for them since their last digest."""
    sent = 0
    users = User.objects.filter(
        is_active=True,
        notification_preference__email=NotificationPreference.Email.DIGEST,
    ).exclude(email="")
    for user in users:
        sent += _digest_one(user, today=today, now=now)
    return sent


@transaction.atomic
def _digest_one(user: User, *, today: date, now: datetime) -> int:
    key = f"digest:{user.pk}:{today:%Y%m%d}"
    if OutboundEmail.objects.filter(key=key).exists():
        return 0
    previous = (
        OutboundEmail.objects.filter(key__startswith=f"digest:{user.pk}:")
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    entries = user.digest_entries.filter(created_at__lte=now)
    if previous is not None:
        entries = entries.filter(created_at__gt=previous)
    lines = [f"- {entry.line}" for entry in entries[:200]]
    unread = user.notifications.filter(read_at__isnull=True).count()
    if not lines:
        return 0
    page = f"{settings.SITE_URL}{reverse('workspace:notifications')}"
    body = "\n".join(
        [
            f"Your reminders for {_when(today)}:",
            "",
            *lines,
            "",
            f"You have {unread} unread notifications in the service: {page}",
        ]
    )
    queue_email(
        key=key,
        to=user.email,
        subject=f"Your daily digest: {len(lines)} reminders, {_when(today)}",
        body=body,
    )
    return 1


# --- Weekly summary for managers -------------------------------------------------


def weekly_summaries_send(*, today: date) -> int:
    """Give each manager a weekly summary of the work in their area: once a week. The
    reviews' colours are worked out from their due dates today (rag_counts)."""
    from reviews.models import Review
    from reviews.services.recompute import rag_counts

    staff = Staff()
    overdue_by_person: Counter = Counter()
    for task in tasks_due(today, staff):
        if task.due < today:
            overdue_by_person[task.recipient.pk] += 1
    year, week, _ = today.isocalendar()
    sent = 0
    for manager, teams in _managers_and_teams(staff):
        key = f"weekly:{manager.pk}:{year}-W{week:02d}"
        if Notification.objects.filter(key=key).exists():
            continue
        reviews = Review.objects.open()
        people = _people_under(staff, manager, teams)
        if teams is not None:
            reviews = reviews.filter(child__team__in=teams)
        rag = rag_counts(reviews, today=today)
        overdue = sorted(
            (
                (str(person), overdue_by_person[person.pk])
                for person in people
                if overdue_by_person[person.pk]
            ),
            key=lambda row: -row[1],
        )
        sent += _summary_one(manager, key, rag, overdue, today=today)
    return sent


def _managers_and_teams(staff: Staff):
    """Each manager with the teams they look after (None: every team)."""
    for user in staff.with_role[Role.IRO_MANAGER]:
        yield user, None
    teams_of: dict[int, set[int]] = defaultdict(set)
    for team_id, managers in staff.team_managers.items():
        for manager in managers:
            teams_of[manager.pk].add(team_id)
    for team_id, seniors in staff.seniors.items():
        for senior in seniors:
            teams_of[senior.pk].add(team_id)
    for pk, teams in teams_of.items():
        if pk not in {u.pk for u in staff.with_role[Role.IRO_MANAGER]}:
            yield staff.by_pk[pk], sorted(teams)


def _people_under(staff: Staff, manager: User, teams) -> list[User]:
    if teams is None:
        return [
            *staff.with_role[Role.IRO],
            *staff.with_role[Role.BUSINESS_SUPPORT],
        ]
    return [
        user
        for user in staff.by_pk.values()
        if user.team_id in teams and user.pk != manager.pk
    ]


@transaction.atomic
def _summary_one(manager, key, rag, overdue, *, today: date) -> int:
    red, amber, green = (rag.get(colour, 0) for colour in ("red", "amber", "green"))
    summary = (
        f"Week of {_when(today)}: {red} reviews overdue, {amber} due within "
        f"{settings.RAG_AMBER_WORKING_DAYS} working days, {green} on track; "
        f"{sum(n for _, n in overdue)} overdue tasks."
    )
    notify(manager, summary, reverse("workspace:home"), key=key)
    if manager.email:
        lines = [summary, ""]
        lines += [f"- {name}: {n} overdue tasks" for name, n in overdue[:50]]
        queue_email(
            key=key,
            to=manager.email,
            subject=f"Weekly summary: {red} reviews overdue, {amber} due soon",
            body="\n".join(lines),
        )
    return 1
