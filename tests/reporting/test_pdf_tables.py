"""Tables in the documents are tagged as the HTML has them (issue: clean markup): one
Table for each HTML table, however many pages it runs over, every header cell with
the scope its HTML gives. The HTML the document was made from is the oracle, read
with Python's HTML parser; the PDF is read back with pikepdf."""

from html.parser import HTMLParser
from io import BytesIO

import pikepdf
import pytest

from documents.documents import review_specs
from documents.pdf import html_to_pdf, render_html
from tests.reporting.conftest import build_cycle

pytestmark = pytest.mark.django_db
SCOPES = {"col": "/Column", "row": "/Row"}


class _Tables(HTMLParser):
    """Each <table>'s header scopes, in order, and whether it has a caption."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"scopes": [], "caption": False})
        elif tag == "th":
            self.tables[-1]["scopes"].append(SCOPES[dict(attrs)["scope"]])
        elif tag == "caption":
            self.tables[-1]["caption"] = True


def _pdf_tables(pdf: bytes) -> list[dict]:
    """Each Table in the tag tree: its header scopes in order, and its rows' pages."""
    tables: list[dict] = []
    with pikepdf.open(BytesIO(pdf)) as document:
        pages = {page.obj.objgen: number for number, page in enumerate(document.pages)}

        def walk(element, table):
            kind = str(element.get("/S"))
            if kind == "/Table":
                table = {"scopes": [], "pages": set()}
                tables.append(table)
            elif kind == "/TH" and table is not None:
                table["scopes"].append(str(element.A.get("/Scope")))
            elif kind == "/TR" and table is not None:
                table["pages"].add(pages[element.Pg.objgen])
            kids = element.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    walk(kid, table)

        for top in document.Root.StructTreeRoot.K:
            walk(top, None)
    return tables


def test_each_table_is_one_table_with_its_headers_scope_across_pages(world, review):
    review, _ = build_cycle(world, review, extra_decisions=40)
    ran_on = []
    for spec in review_specs(review):
        html = render_html(spec.template, spec.full_context())
        expected = _Tables(html).tables
        assert all(table["caption"] for table in expected), spec.template
        tables = _pdf_tables(html_to_pdf(html))
        assert [t["scopes"] for t in tables] == [t["scopes"] for t in expected], (
            spec.title
        )
        ran_on += [spec.title for table in tables if len(table["pages"]) > 1]
    # Forty decisions run the professionals' and the parent's tables over a page.
    assert len(ran_on) >= 2, ran_on
