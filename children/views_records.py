"""A child's whole record with its audit trail, for the IRO service manager (a subject access request)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from children.models import Child
from children.permissions import can_export_child_record, children_visible_to
from children.records import child_record, child_record_json
from core.audit import showing


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
    counts = child_record(child, exported_by=request.user)["counts"]
    return render(
        request, "children/record_export.html", {"child": child, "counts": counts}
    )


@require_GET
def record_download_view(request, pk):
    """The child's whole record and audit trail as a JSON file; the download is logged."""
    child = _child_for_export(request, pk)
    showing(request, child, what="subject access export")
    response = HttpResponse(
        child_record_json(child, exported_by=request.user),
        content_type="application/json; charset=utf-8",
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="child-{child.pk}-record-{day}.json"'
    )
    return response
