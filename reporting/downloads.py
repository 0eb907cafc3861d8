"""Reporting's downloads made off the request (core/downloads.py): the annual report's
PDF, which takes seconds and hundreds of megabytes at national scale."""

from datetime import date

from django.conf import settings

from core.downloads import Kind, Made, Progress, register
from core.models import PreparedDownload
from core.replica import reports_read
from documents.pdf import render_pdf
from reporting.permissions import can_view_annual_report
from reporting.queries import Filters, Period, annual


def _annual_title(params: dict) -> str:
    return f"IRO service annual report {Period.financial_year(params['year']).label}"


def annual_report_pdf(params: dict, progress: Progress) -> Made:
    """The annual report for the financial year `params["year"]` starts in, as on
    the day it was asked for (`params["today"]`)."""
    progress(0, 2)
    period = Period.financial_year(params["year"])
    with reports_read():
        report = annual.annual_report(
            period, Filters(today=date.fromisoformat(params["today"]))
        )
        progress(1, 2)
        title = f"Independent Reviewing Officer service: annual report {period.label}"
        pdf = render_pdf(
            "reporting/dashboard/annual_report_pdf.html",
            {"report": report, "title": title, "author": settings.COUNCIL_NAME},
        )
    progress(2, 2)
    name = f"iro-annual-report-{period.start.year}-{period.end.year}.pdf"
    return Made(name, "application/pdf", pdf)


def register_downloads() -> None:
    register(
        Kind(
            name=PreparedDownload.Kind.ANNUAL_REPORT_PDF,
            title=_annual_title,
            make=annual_report_pdf,
            may_have=lambda user, params: can_view_annual_report(user),
        )
    )
