"""A child's whole record with its audit trail, for the IRO service manager (a subject access request)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from children.models import Child
from children.permissions import can_export_child_record, children_visible_to
from children.records import child_record_counts
from core.audit import showing
from core.downloads import download_request
from core.models import PreparedDownload


def _child_for_export(request, pk) -> Child:
    child = get_object_or_404(children_visible_to(request.user), pk=pk)
    if not can_export_child_record(request.user):
        raise PermissionDenied
    return child


@require_GET
def record_export_view(request, pk):
    """What the export holds, and the button that downloads it."""
    child = _child_for_export(request, pk)
    showing(request, child, what="what the subject access export holds")
    counts = child_record_counts(child)
    return render(
        request, "children/record_export.html", {"child": child, "counts": counts}
    )


@require_POST
def record_download_view(request, pk):
    """Ask for the child's whole record and audit trail as a JSON file: made in the
    background (children.downloads); downloading it is logged."""
    child = _child_for_export(request, pk)
    download = download_request(
        kind=PreparedDownload.Kind.SUBJECT_ACCESS,
        params={"child": child.pk, "by": request.user.pk},
        by=request.user,
        now=timezone.now(),
    )
    return redirect("core:download", pk=download.pk)
