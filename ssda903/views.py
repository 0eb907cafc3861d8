"""The SSDA903 import (upload) and export (download) pages, for the IRO service manager."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.audit import record_access_each, showing
from core.http import render_form_page
from ssda903.dolo_checks import export_checks
from ssda903.exporter import ssda903_children, ssda903_zip
from ssda903.files import COMPANION, DOLO, EPISODES, HEADER, REVIEWS
from ssda903.forms import Export903Form, Import903Form, current_collection_year
from ssda903.importer import ssda903_import
from ssda903.permissions import can_exchange_903
from ssda903.resubmit import export_what, stale_returns

FILES = {
    "header": HEADER,
    "episodes": EPISODES,
    "reviews": REVIEWS,
    "dolo": DOLO,
    "companion": COMPANION,
}


@require_http_methods(["GET", "POST"])
def import_903_view(request):
    if not can_exchange_903(request.user):
        raise PermissionDenied
    posted = request.method == "POST"
    form = Import903Form(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial={"year": current_collection_year(timezone.localdate())},
    )
    result = None
    if posted and form.is_valid():
        files = {
            FILES[field]: upload.read()
            for field, upload in form.cleaned_data.items()
            if field in FILES and upload
        }
        result = ssda903_import(
            files=files,
            by=request.user,
            today=timezone.localdate(),
            dry_run=form.cleaned_data["dry_run"],
            year=form.cleaned_data["year"] or None,
        )
        if result.ok:
            # Shown, not redirected: importing the same files again changes nothing.
            form = Import903Form(initial={"year": form.cleaned_data["year"]})
            context = {"form": form, "result": result}
            return render(request, "ssda903/import.html", context)
        form.add_error(
            None,
            f"The import was refused: {len(result.problems)} problems were found. "
            "Nothing was saved.",
        )
    problems = sorted(result.problems) if result else []
    context = {"form": form, "result": result, "problems": problems}
    return render_form_page(request, "ssda903/import.html", context)


@require_GET
def export_903_view(request):
    if not can_exchange_903(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    form = Export903Form(request.GET or None)
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
        response = HttpResponse(ssda903_zip(year=year), content_type="application/zip")
        # Every child in the return: their case data left the service in this file.
        record_access_each(
            ssda903_children(year=year), request=request, what=export_what(year)
        )
        response["Content-Disposition"] = f'attachment; filename="ssda903-{year}.zip"'
        return response
    if not form.is_bound:
        form = Export903Form(initial={"year": current_collection_year(today)})
    stale = stale_returns(today=today)
    for each in stale:  # the corrected reviews' children are named on the page
        for correction in each.corrections:
            showing(request, correction.review.child, what="SSDA903 corrections")
    # DOL-7: what to check in this year's DoLO file first (warnings, not refusals).
    checks_year = current_collection_year(today)
    checks = export_checks(checks_year)
    for check in checks:
        if check.child is not None:
            showing(request, check.child, what="SSDA903 DoLO checks")
    context = {
        "form": form,
        "stale": stale,
        "checks": checks,
        "checks_year": checks_year,
    }
    return render_form_page(request, "ssda903/export.html", context)
