"""PDFs from Django templates: the only module that imports WeasyPrint.

The URL fetcher lets a document load only the service's own static files and
`data:` URLs: a `file://` or `http://` reference anywhere in a record is dropped,
never fetched (stack.md; ASVS 13.2.5).
"""

from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from core.audit import showing
from documents.pdf_tags import complete_tags

STATIC_DIR = (Path(settings.BASE_DIR) / "static").resolve()


class StaticOnlyFetcher(URLFetcher):
    """Fetch `data:` URLs and files inside the static folder; refuse everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if path.is_relative_to(STATIC_DIR) and path.is_file():
                return super().fetch(url, headers)
        raise ValueError(
            f"Refused to fetch {url[:80]!r}: only the service's static files"
        )


def render_html(template_name: str, context: dict) -> str:
    """The document's HTML: a Django template, auto-escaped like every page."""
    return render_to_string(template_name, context)


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF/UA-1 document: title, language and author from the HTML's head,
    fonts embedded (subsets of Liberation Sans), real text in reading order, each
    table one Table with its headers' scope (documents.pdf_tags)."""
    document = HTML(
        string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=StaticOnlyFetcher()
    )
    return complete_tags(document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True))


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template to a tagged (PDF/UA) PDF with embedded fonts."""
    return html_to_pdf(render_html(template_name, context))


def pdf_response(
    request,
    template_name: str,
    context: dict,
    *,
    filename: str,
    audit_object,
    title: str,
) -> HttpResponse:
    """Serve a PDF as a download, writing an access entry for the object it is about."""
    pdf = render_pdf(
        template_name,
        {"author": settings.COUNCIL_NAME, **context, "title": title},
    )
    showing(request, audit_object, what=title)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response
