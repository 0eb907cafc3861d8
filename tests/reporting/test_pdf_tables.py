"""Tables in the documents are tagged as the HTML has them (PDF/UA, ISO 14289-1): one
Table for each HTML table, however many pages it runs over, every header cell with
the scope its HTML gives. The HTML the document was made from is the oracle, read
with Python's HTML parser; the PDF is read back with pikepdf."""

import re
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


# --- What the tag tree does not hold is an artifact (PDF/UA-1 7.1) ----------------------

BFCHAR = re.compile(r"beginbfchar(.*?)endbfchar", re.S)
BFRANGE = re.compile(r"beginbfrange(.*?)endbfrange", re.S)
HEX = re.compile(r"<([0-9a-fA-F]+)>")


def _to_unicode(font) -> dict[bytes, str]:
    """A Type0 font's codes (two bytes, Identity-H) to text, from its ToUnicode CMap."""
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    codes: dict[bytes, str] = {}
    for block in BFCHAR.findall(cmap):
        pairs = HEX.findall(block)
        for code, text in zip(pairs[::2], pairs[1::2], strict=True):
            codes[bytes.fromhex(code)] = bytes.fromhex(text).decode("utf-16-be")
    for block in BFRANGE.findall(cmap):
        for line in block.strip().splitlines():
            low, high, first = (int(h, 16) for h in HEX.findall(line)[:3])
            for n in range(high - low + 1):
                codes[(low + n).to_bytes(2, "big")] = chr(first + n)
    return codes


def _shown(operands, operator, codes: dict[bytes, str]) -> str:
    strings = operands[0] if str(operator) == "TJ" else [operands[-1]]
    text = ""
    for item in strings:
        if isinstance(item, pikepdf.String):
            raw = bytes(item)
            text += "".join(
                codes.get(raw[i : i + 2], "?") for i in range(0, len(raw), 2)
            )
    return text


def _page_marks(page) -> tuple[dict[int, str], list[str]]:
    """The text of the page's marked-content sequences: each one with an MCID, by
    MCID, and each pagination artifact, in the order the page draws them."""
    fonts = {name: _to_unicode(font) for name, font in page.Resources.Font.items()}
    by_mcid: dict[int, str] = {}
    artifacts: list[str] = []
    # What is open: ("mcid", n), ("artifact", its index), ("drawing", 0), ("other", 0).
    open_: list[tuple[str, int]] = []
    codes: dict[bytes, str] = {}
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            properties = operands[1] if op == "BDC" else None
            if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                mcid = int(properties.MCID)
                assert mcid not in by_mcid, "an MCID used twice on a page"
                by_mcid[mcid] = ""
                open_.append(("mcid", mcid))
            elif str(operands[0]) == "/Artifact" and properties is not None:
                assert properties.get("/Type") == "/Pagination"
                artifacts.append("")
                open_.append(("artifact", len(artifacts) - 1))
            elif str(operands[0]) == "/Artifact":  # WeasyPrint's borders and fills
                open_.append(("drawing", 0))
            else:
                open_.append(("other", 0))
        elif op == "EMC":
            open_.pop()
        elif op == "Tf":
            codes = fonts[str(operands[0])]
        elif op in ("Tj", "TJ", "'", '"'):
            inner = next((o for o in reversed(open_) if o[0] != "other"), None)
            assert inner is not None, "text outside any marked content"
            assert inner[0] != "drawing", "text in a drawing's artifact"
            if inner[0] == "mcid":
                by_mcid[inner[1]] += _shown(operands, operator, codes)
            else:
                artifacts[inner[1]] += _shown(operands, operator, codes)
    assert open_ == [], "a marked-content sequence left open"
    return by_mcid, artifacts


def _kids(element) -> list:
    kids = element.get("/K")
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _tree_marks(document) -> dict[tuple[int, int], pikepdf.Object]:
    """Every (page number, MCID) the structure tree reaches, with its element."""
    pages = {page.obj.objgen: n for n, page in enumerate(document.pages)}
    reached: dict[tuple[int, int], pikepdf.Object] = {}

    def walk(element, page):
        page = element.get("/Pg", page)
        for kid in _kids(element):
            if isinstance(kid, int):
                reached[(pages[page.objgen], int(kid))] = element
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                reached[(pages[kid.get("/Pg", page).objgen], int(kid.MCID))] = element
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid, page)

    walk(document.Root.StructTreeRoot, None)
    return reached


def _tables(document, reached) -> list[tuple[list[str], list[int]]]:
    """Each Table with column headings: their (page, MCID) in order, and the pages
    after theirs that the table's rows run on to."""
    pages = {page.obj.objgen: n for n, page in enumerate(document.pages)}
    where = {}
    for mark, element in reached.items():
        where.setdefault(element.objgen, []).append(mark)
    found = []

    def marks_under(element) -> list[tuple[int, int]]:
        marks = sorted(where.get(element.objgen, []))
        for kid in _kids(element):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                marks += marks_under(kid)
        return marks

    def walk(element):
        if element.get("/S") == "/Table":
            parts = [k for k in _kids(element) if isinstance(k, pikepdf.Dictionary)]
            heads = [marks_under(p) for p in parts if p.get("/S") == "/THead"]
            rows = {
                pages[row.Pg.objgen]
                for part in parts
                if part.get("/S") == "/TBody"
                for row in _kids(part)
                if isinstance(row, pikepdf.Dictionary)
            }
            assert len(heads) <= 1, "one head, however many pages"
            if heads:  # a table of row headers only has nothing to repeat
                first = heads[0][0][0]
                found.append((heads[0], sorted(rows - {first})))
            return
        for kid in _kids(element):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid)

    walk(document.Root.StructTreeRoot)
    return found


FOOTER = re.compile(r"Page (\d+) of (\d+)")


def test_what_the_tags_leave_out_is_an_artifact_and_every_mcid_has_its_element(
    world, review
):
    """In every document of a review whose tables run over pages, read back with
    pikepdf: each marked-content sequence with an MCID is reached from the tag tree,
    and the parent tree maps it to the very element that holds it, and maps nothing
    else; every text drawn is in marked content; at the top of each page a table
    runs on to, its column headings are drawn again inside /Artifact sequences (the
    words of the headings the tree holds); the only other artifact is the page
    footer, "Page n of N"."""
    review, _ = build_cycle(world, review, extra_decisions=40)
    continued = 0
    for spec in review_specs(review):
        html = render_html(spec.template, spec.full_context())
        with pikepdf.open(BytesIO(html_to_pdf(html))) as document:
            reached = _tree_marks(document)
            marks = [_page_marks(page) for page in document.pages]
            in_pages = {(n, m) for n, (by_mcid, _) in enumerate(marks) for m in by_mcid}
            assert in_pages == set(reached), spec.title
            parents = pikepdf.NumberTree(document.Root.StructTreeRoot.ParentTree)
            for n, page in enumerate(document.pages):
                for mcid, parent in enumerate(parents[int(page.obj.StructParents)]):
                    if (n, mcid) in reached:
                        assert parent.objgen == reached[(n, mcid)].objgen
                    else:
                        assert parent is None, (spec.title, n, mcid)
            expected: list[list[str]] = [[] for _ in document.pages]
            for head, ran_on in _tables(document, reached):
                words = [marks[page][0][mcid] for page, mcid in head]
                assert "".join(words).strip(), spec.title
                for later in ran_on:
                    expected[later] += words
                    continued += 1
            for n, (_, artifacts) in enumerate(marks):
                footers = [a for a in artifacts if FOOTER.fullmatch(a.strip())]
                assert footers == [f"Page {n + 1} of {len(document.pages)}"], spec.title
                headings = [a for a in artifacts if a not in footers]
                assert headings == expected[n], (spec.title, n)
    # Forty decisions run the professionals' and the parent's tables over pages.
    assert continued >= 2, continued
