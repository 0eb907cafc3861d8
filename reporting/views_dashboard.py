"""Dashboards, drill-downs, CSV downloads and the annual report. Thin views:
check the user, read the filters, call reporting.queries, render."""

import csv
import io
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from children.models import Child
from children.permissions import children_visible_to
from core.audit import record_access_each
from core.downloads import download_request
from core.http import render_form_page
from core.replica import reads_reports
from disputes.permissions import challenges_visible_to
from reporting import dashboard
from reporting.forms_dashboard import (
    AnnualReportForm,
    DashboardFilterForm,
    DownloadForm,
    DrilldownForm,
)
from reporting.permissions import (
    can_view_annual_report,
    can_view_iro_dashboard,
    can_view_service_dashboard,
    dashboard_scope,
    dashboard_teams,
)
from reporting.queries import MEASURES, Filters, Period, annual, batch, service
from reviews.models import Review
from reviews.worklist import my_tasks


def _service_filters(request, form_class):
    """The filter form (empty: the current financial year, every team and IRO the
    user may see); PermissionDenied for anyone who has no dashboard."""
    user = request.user
    if not (can_view_service_dashboard(user) or can_view_iro_dashboard(user)):
        raise PermissionDenied
    today = timezone.localdate()
    teams = dashboard_teams(user)
    return form_class(request.GET or {}, teams=teams, today=today), today


def _filters(request, form, today) -> Filters:
    team = form.cleaned_data.get("team")
    iro = form.cleaned_data.get("iro")
    teams = dashboard_teams(request.user)
    forced = None
    if team is None and teams is not None and teams.count() == 1:
        forced = teams.get().pk  # a team manager's team view
    if not can_view_service_dashboard(request.user):
        iro = request.user  # an IRO's own figures only
    return Filters(
        team=team.pk if team else forced,
        iro=iro.pk if iro else None,
        scope=dashboard_scope(request.user),
        today=today,
    )


@require_GET
@reads_reports
def service_dashboard_view(request):
    if not can_view_service_dashboard(request.user):
        raise PermissionDenied
    form, today = _service_filters(request, DashboardFilterForm)
    context = {
        "form": form,
        "title": _title(request.user),
        "perms_annual": can_view_annual_report(request.user),
    }
    if form.is_valid():
        period = form.cleaned_data["period"]
        f = _filters(request, form, today)
        context.update(dashboard.service_dashboard(period, f))
        context.update(
            {
                "period": period,
                "filters": f,
                "csv_params": dashboard.filter_params(period, f),
            }
        )
    return render_form_page(request, "reporting/dashboard/service.html", context)


def _title(user) -> str:
    if user.has_role("IRO service manager"):
        return "Service dashboard"
    return "Team dashboard"


@require_GET
@reads_reports
def drilldown_view(request):
    form, today = _service_filters(request, DrilldownForm)
    context = {"form": form}
    if not form.is_valid():
        return render_form_page(request, "reporting/dashboard/drilldown.html", context)
    period = form.cleaned_data["period"]
    f = _filters(request, form, today)
    key = form.cleaned_data["measure"]
    table = _drilldown(key, period, f, form.cleaned_data["show"] == "counted")
    if form.cleaned_data["format"] == "csv":
        return _csv(request, table, period)
    _record_children_shown(request, table, "dashboard drill-down")
    params = dashboard.filter_params(period, f)
    context.update(
        {
            "table": table,
            "measure": MEASURES.get(key),
            "period": period,
            # Back to the dashboard the user has: an IRO's is their own.
            "back": dashboard.link("dashboard:service", period, f)
            if can_view_service_dashboard(request.user)
            else reverse("dashboard:iro"),
            "csv_params": {
                **params,
                "measure": key,
                "show": form.cleaned_data["show"],
                "format": "csv",
            },
        }
    )
    return render(request, "reporting/dashboard/drilldown.html", context)


def _drilldown(key: str, period: Period, f: Filters, only_counted: bool):
    if key == "caseload":
        rows = service.caseload_children(period, f)
        caption = f"Children in the caseloads, {period.label}"
        return dashboard.drilldown_table(key, rows, counted_label="", caption=caption)
    measure = MEASURES[key]
    rows = measure.figure(period, f).rows
    if only_counted:
        rows = rows.filter(counted=True)
    caption = f"{measure.title}, {period.label}"
    return dashboard.drilldown_table(
        key, rows, counted_label=measure.counted, caption=caption
    )


@require_GET
@reads_reports
def download_view(request):
    form, today = _service_filters(request, DownloadForm)
    if not form.is_valid():
        return render_form_page(
            request, "reporting/dashboard/service.html", {"form": form}
        )
    period = form.cleaned_data["period"]
    f = _filters(request, form, today)
    tables = dashboard.every_table(period, f)
    table = tables.get(form.cleaned_data["table"])
    if table is None:
        form.add_error("table", "Choose a table from the dashboard")
        return render_form_page(
            request, "reporting/dashboard/service.html", {"form": form}
        )
    return _csv(request, table, period)


def _record_children_shown(request, table, what: str) -> None:
    """An access entry for each child a drill-down names (core.audit)."""
    record_access_each(
        Child.objects.filter(pk__in=table.child_pks).order_by("pk"),
        request=request,
        what=f"{what}: {table.caption}",
    )


def _csv(request, table, period: Period) -> HttpResponse:
    _record_children_shown(request, table, "dashboard download")
    buffer = io.StringIO()
    csv.writer(buffer).writerows(dashboard.as_csv_rows(table))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"{table.key}-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store, private"
    return response


# --- An IRO's own dashboard ---------------------------------------------------------


@require_GET
@reads_reports
def iro_dashboard_view(request):
    user = request.user
    if not can_view_iro_dashboard(user):
        raise PermissionDenied
    today = timezone.localdate()
    period = Period.financial_year_of(today)
    f = Filters(iro=user.pk, scope=children_visible_to(user), today=today)
    mine = Review.objects.open().filter(child__iro=user)
    due = {
        days: mine.filter(
            due_date__gte=today, due_date__lte=today + timedelta(days=days)
        ).count()
        for days in (30, 60, 90)
    }
    overdue_reviews = mine.filter(due_date__lt=today).count()
    tasks = [t for t in my_tasks(user, today) if t.step.is_overdue(today)]
    # The open challenges they raised and may still see: one about a child since
    # moved to another IRO is theirs no longer (need to know), and its page a 404.
    challenges = (
        challenges_visible_to(user)
        .filter(raised_by=user)
        .open()
        .select_related("child")
        .order_by("raised_on")
    )
    figures = batch.figures(["t1", "t2", "participation", "chaired"], period, f)
    context = {
        "period": period,
        "caseload": next(
            (r for r in service.caseloads(period, f).rows if r.iro.pk == user.pk), None
        ),
        "due": due,
        "overdue_reviews": overdue_reviews,
        "tasks": tasks,
        "challenges": challenges,
        "figures": dashboard.measures_table(
            "mine", "My figures this year", figures, period, f
        ),
    }
    return render(request, "reporting/dashboard/iro.html", context)


# --- The annual report ---------------------------------------------------------------


def _annual(request):
    if not can_view_annual_report(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    form = AnnualReportForm(request.GET or {}, today=today)
    return form, today


@require_GET
@reads_reports
def annual_report_view(request):
    form, today = _annual(request)
    context = {"form": form}
    if form.is_valid():
        year = form.cleaned_data["year"]
        context["report"] = annual.annual_report(
            Period.financial_year(year), Filters(today=today)
        )
        context["year"] = year
    return render_form_page(request, "reporting/dashboard/annual_report.html", context)


@require_POST
def annual_report_pdf_view(request):
    """Ask for the annual report's PDF: made in the background (reporting.downloads),
    its page shows when it is ready."""
    if not can_view_annual_report(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    form = AnnualReportForm(request.POST, today=today)
    if not form.is_valid():
        return render_form_page(
            request, "reporting/dashboard/annual_report.html", {"form": form}
        )
    download = download_request(
        kind="annual_report_pdf",
        params={"year": form.cleaned_data["year"], "today": today.isoformat()},
        by=request.user,
        now=timezone.now(),
    )
    return redirect("core:download", pk=download.pk)
