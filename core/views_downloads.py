"""A download made in the background (core/downloads.py): its page, and the file."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from core import audit, downloads
from core.models import PreparedDownload


def _own(request, pk) -> PreparedDownload:
    """The download, to the person who asked for it only (anyone else: not found)."""
    download = get_object_or_404(PreparedDownload.objects.defer("content"), pk=pk)
    if download.requested_by_id != request.user.pk:
        raise Http404
    return download


@require_GET
def download_status_view(request, pk):
    download = _own(request, pk)
    waiting = download.status in (
        PreparedDownload.Status.QUEUED,
        PreparedDownload.Status.RUNNING,
    )
    context = {
        "download": download,
        "waiting": waiting,
        "why_not": downloads.why_not_downloadable(
            download, request.user, timezone.now()
        ),
    }
    return render(request, "core/download.html", context)


@require_GET
def download_file_view(request, pk):
    download = _own(request, pk)
    why_not = downloads.why_not_downloadable(download, request.user, timezone.now())
    if why_not:
        status = {"no longer allowed": 403, "not ready": 409}.get(why_not, 410)
        context = {"download": download, "why_not": why_not, "waiting": False}
        return render(request, "core/download.html", context, status=status)
    subject = downloads.KINDS[download.kind].subject(download.params)
    if subject is not None:
        audit.showing(request, subject, what=download.title, via="prepared download")
    content = PreparedDownload.objects.values_list("content", flat=True).get(
        pk=download.pk
    )
    response = HttpResponse(bytes(content), content_type=download.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=download.filename
    )
    response["Cache-Control"] = "no-store, private"
    return response
