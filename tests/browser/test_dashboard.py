"""The service manager's dashboard in Chromium: a figure, its rows, CSV, the annual report."""

import re

import pytest
from playwright.sync_api import Page, expect

from core.downloads import prepare
from core.models import PreparedDownload

pytestmark = pytest.mark.browser


def test_manager_follows_a_figure_downloads_csv_and_the_annual_report(
    page: Page, live_server, demo_service
):
    base = live_server.url
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("reviews-demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", name="Service dashboard")).to_be_visible()

    # A figure links to the reviews behind it.
    figure = page.locator("table a[href*='/dashboard/figures/']").first
    count = figure.inner_text().strip()
    figure.click()
    expect(page).to_have_url(re.compile(r"/dashboard/figures/"))
    if count.isdigit() and int(count) > 0:
        expect(page.locator("table tbody tr")).to_have_count(int(count))

    # Its rows download as CSV.
    with page.expect_download() as rows:
        page.get_by_role("link", name="Download these rows (CSV)").click()
    assert rows.value.suggested_filename.endswith(".csv")

    # A dashboard table downloads as CSV too.
    page.goto(f"{base}/dashboard/")
    with page.expect_download() as table:
        page.get_by_role(
            "link", name=re.compile(r"^Download “Timeliness")
        ).first.click()
    assert "csv" in table.value.suggested_filename

    # The annual report, as a page and as a PDF.
    page.goto(f"{base}/dashboard/annual-report/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "annual report", ignore_case=True
    )
    # The PDF is made in the background: the worker's task is run here as the worker
    # runs it, while the page waits.
    page.get_by_role("button", name="Prepare the annual report as a PDF").click()
    expect(page.get_by_text("Your file is waiting to be prepared")).to_be_visible()
    prepare(str(PreparedDownload.objects.get().pk))
    page.get_by_role("link", name="Check again").click()
    expect(page.get_by_role("heading", name="Your file is ready")).to_be_visible()
    with page.expect_download() as pdf:
        page.get_by_role(
            "link", name=re.compile(r"^Download iro-annual-report")
        ).click()
    path = pdf.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
