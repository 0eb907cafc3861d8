"""No file:// or http:// reference reaches a PDF (OWASP ASVS 13.2.5).

A local HTTP server counts requests, and a stylesheet on disk would write a marker into
the page: neither the request nor the marker may happen, whether the reference is in a
record's text or in a template's own markup. The service's static files still load.
"""

import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import BytesIO

import pytest
from pypdf import PdfReader

from documents.models import Document
from documents.pdf import STATIC_DIR, html_to_pdf
from documents.services import documents_build_for_review
from tests.reporting.conftest import build_cycle
from tests.reporting.test_documents import text_of

pytestmark = pytest.mark.django_db
SECRET = "LEAKEDSECRET"


@pytest.fixture
def server():
    """A web server on the loopback address that records every request it gets."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            hits.append(self.path)
            body = f"body::after {{ content: '{SECRET}' }}".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", hits
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def local_css(tmp_path):
    """A stylesheet outside the static folder that would print the secret."""
    css = tmp_path / "evil.css"
    css.write_text(f"body::before {{ content: '{SECRET}' }}")
    return css.as_uri()


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(BytesIO(pdf))
    return " ".join(page.extract_text() for page in reader.pages)


def uris(pdf: bytes) -> list[str]:
    """Every link address in the PDF's annotations."""
    found = []
    for page in PdfReader(BytesIO(pdf)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                found.append(str(action["/URI"]))
    return found


def test_a_template_level_file_or_http_reference_is_not_fetched(server, local_css):
    address, hits = server
    html = f"""<!DOCTYPE html><html lang="en-GB"><head><title>Test</title>
      <link rel="stylesheet" href="css/print.css">
      <link rel="stylesheet" href="{local_css}">
      <link rel="stylesheet" href="{address}/style.css">
      <style>@import url("{address}/import.css"); @import url("{local_css}");</style>
      </head><body><p>Visible text.</p>
      <img src="{address}/pixel.png" alt="remote">
      <img src="file:///etc/hostname" alt="local">
      <iframe src="file:///etc/passwd"></iframe>
      <object data="{address}/object"></object>
      <p style="background: url('{address}/background.png')">Background.</p>
      </body></html>"""
    pdf = html_to_pdf(html)
    text = pdf_text(pdf)
    assert "Visible text." in text
    assert SECRET not in text
    assert hits == [], "the PDF maker contacted a web server"
    hostname = _read("/etc/hostname")
    assert not hostname or hostname not in text


def _read(path: str) -> str:
    try:
        with open(path) as handle:
            return handle.read().strip()
    except OSError:
        return ""


def test_our_own_static_stylesheet_still_loads():
    """The print stylesheet (a static file) is fetched: its @page footer is in the PDF."""
    assert (STATIC_DIR / "css" / "print.css").is_file()
    html = """<!DOCTYPE html><html lang="en-GB"><head><title>T</title>
      <link rel="stylesheet" href="css/print.css"></head><body><p>x</p></body></html>"""
    assert "Page 1 of 1" in pdf_text(html_to_pdf(html))


def test_a_path_that_climbs_out_of_the_static_folder_is_refused(local_css, tmp_path):
    climbing = (
        STATIC_DIR / ".." / ".." / tmp_path.relative_to("/") / "evil.css"
    ).as_posix()
    html = f"""<!DOCTYPE html><html lang="en-GB"><head><title>T</title>
      <link rel="stylesheet" href="file://{climbing}">
      <link rel="stylesheet" href="../../../../../..{(tmp_path / "evil.css").as_posix()}">
      </head><body><p>x</p></body></html>"""
    assert SECRET not in pdf_text(html_to_pdf(html))


def test_references_in_a_records_text_do_not_reach_the_pdf(
    world, review, server, local_css
):
    """Markup an IRO pastes into the record is text: never fetched, never a link."""
    address, hits = server
    review, _ = build_cycle(
        world,
        review,
        sections={
            "going_well": f'<img src="{address}/img.png"> <link rel="stylesheet" href="{local_css}"> '
            f'<a href="file:///etc/passwd">passwords</a>',
            "plan": f"See {address}/plan for the plan, or file:///etc/passwd.",
        },
    )
    documents_build_for_review(review=review)
    for document in Document.objects.filter(review=review, kind__startswith="record"):
        with document.file.open("rb") as handle:
            pdf = handle.read()
        text = re.sub(r"\s+", " ", text_of(document))
        assert SECRET not in text
        assert "root:x:0:0" not in text
        assert uris(pdf) == []  # no clickable link to a local file or the server
    assert hits == []
