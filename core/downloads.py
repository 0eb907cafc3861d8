"""Slow downloads, made off the web request (django-q2).

A report or export that can take seconds at a council's scale (the annual report's
PDF, a child's subject-access export) is not made in the request that asks for it:
the page asks with a POST (`download_request`), a task makes the file (`prepare`),
and the person who asked watches its progress on the download's page and downloads
it when it is ready. Each kind of download is registered by the app that owns it,
with the permission rule that says who may have it: the rule is checked when it is
asked for and again when the file is downloaded (a person may lose the right in
between), and only the person who asked may download it, for
PREPARED_DOWNLOAD_HOURS after it was made. Then `downloads_purge` deletes it.

A task that fails leaves the download failed, with nothing made; the page says so and
offers to ask again. A task lost with its worker (Redis has no receipts) leaves it
waiting: `prepare` runs again safely, and the schedule's `downloads_restart` puts back
on the queue any download still waiting after `STALLED_AFTER`.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.models import PreparedDownload
from core.tasks import enqueue

logger = logging.getLogger(__name__)

Status = PreparedDownload.Status
Progress = Callable[[int, int], None]
STALLED_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Made:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Kind:
    """A kind of download: how to make it, who may have it, what it shows."""

    name: str
    title: Callable[[dict], str]
    make: Callable[[dict, Progress], Made]
    may_have: Callable[[object, dict], bool]
    # The case record it hands over (a child), for the access entry; None if none.
    subject: Callable[[dict], object | None] = lambda params: None


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    KINDS[kind.name] = kind


def download_request(*, kind: str, params: dict, by, now: datetime) -> PreparedDownload:
    """Ask for a download: recorded now, made by a task once this commits."""
    if not KINDS[kind].may_have(by, params):
        raise PermissionError(f"{by} may not have {kind}")
    download = PreparedDownload.objects.create(
        kind=kind,
        params=params,
        title=KINDS[kind].title(params),
        requested_by=by,
        requested_at=now,
    )
    enqueue("core.downloads.prepare", str(download.pk))
    return download


def _progress(pk) -> Progress:
    def report(done: int, total: int) -> None:
        PreparedDownload.objects.filter(pk=pk).update(done=done, total=total)

    return report


def _start(pk: str) -> PreparedDownload | None:
    """Take the download to make, once: None if another task has it or it is made."""
    with transaction.atomic():
        download = (
            PreparedDownload.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status__in=[Status.QUEUED, Status.RUNNING])
            .first()
        )
        if download is None:
            return None
        download.status = Status.RUNNING
        download.started_at = timezone.now()
        download.save(update_fields=["status", "started_at"])
        return download


def prepare(pk: str) -> str:
    """The task: make the file and keep it for its requester."""
    download = _start(pk)
    if download is None:
        return "nothing to do"
    kind = KINDS[download.kind]
    try:
        made = kind.make(download.params, _progress(download.pk))
    except Exception:
        logger.exception("Download %s (%s) failed", download.pk, download.kind)
        PreparedDownload.objects.filter(pk=download.pk).update(
            status=Status.FAILED, finished_at=timezone.now()
        )
        return "failed"
    now = timezone.now()
    PreparedDownload.objects.filter(pk=download.pk).update(
        status=Status.READY,
        finished_at=now,
        expires_at=now + timedelta(hours=settings.PREPARED_DOWNLOAD_HOURS),
        filename=made.filename,
        content_type=made.content_type,
        content=made.content,
        size=len(made.content),
    )
    return f"{len(made.content)} bytes"


def why_not_downloadable(download: PreparedDownload, user, now: datetime) -> str:
    """Why `user` may not download it now ("" if they may)."""
    if download.requested_by_id != user.pk:
        return "not theirs"
    kind = KINDS.get(download.kind)  # None: a kind this version no longer makes
    if kind is None or not kind.may_have(user, download.params):
        return "no longer allowed"
    if download.status != Status.READY:
        return "not ready"
    if download.expires_at is None or download.expires_at <= now:
        return "expired"
    return ""


def downloads_restart(*, now: datetime) -> int:
    """Queue again every download still waiting long after it was asked for (its task
    was lost with a worker). Scheduled; `prepare` does a download once."""
    stalled = PreparedDownload.objects.filter(
        status__in=[Status.QUEUED, Status.RUNNING], requested_at__lt=now - STALLED_AFTER
    ).values_list("pk", flat=True)
    for pk in stalled:
        enqueue("core.downloads.prepare", str(pk))
    return len(stalled)


def downloads_purge(*, now: datetime) -> int:
    """Delete downloads that have expired, and failed ones over a day old."""
    expired = PreparedDownload.objects.filter(expires_at__lte=now)
    failed = PreparedDownload.objects.filter(
        status=Status.FAILED, requested_at__lt=now - timedelta(days=1)
    )
    return expired.delete()[0] + failed.delete()[0]
