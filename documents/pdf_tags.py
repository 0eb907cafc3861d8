"""What WeasyPrint's PDF tags leave out, put in after it writes the file (pikepdf).

WeasyPrint (70) builds the tag tree one page at a time, and does not write a table
header's scope. So:
- every header cell gets its /Scope: a header in the table's head is a column
  header, one in its body heads its row (the documents' tables follow that rule:
  `<th scope="col">` in `<thead>`, `<th scope="row">` in `<tbody>`);
- a table that runs on to the next page is one Table again, with the sections and
  parts around it that the page break split: a Table at the top of a page whose
  first element is not a caption continues the table that ended the page before
  (every table in a document has a caption, so a new one always starts with it).
  The column headings printed again at the top of the page are left out of the tag
  tree, so that a screen reader reads them once;
- what the tag tree does not hold is an artifact (PDF/UA-1, ISO 14289-1 7.1; PDF 1.7
  14.8.2.2): the column headings printed again, and the page footer ("Page 1 of 3":
  WeasyPrint tags a margin box's content but leaves it out of the tree, its tags
  having no artifact element before PDF 2.0). Each of their `BDC` sequences with an
  MCID becomes `/Artifact <</Type /Pagination>> BDC`, closed by the same `EMC`, and
  the parent tree no longer maps the MCID. Every MCID left in a page then has its
  element in the tag tree, and the parent tree maps it to that element.
"""

from io import BytesIO

import pikepdf
from pikepdf import Array, Dictionary, Name, NumberTree

# Structure types a page break splits, around a table that runs on.
_CONTAINERS = {"/Part", "/Sect", "/Div", "/Art", "/Document", "/NonStruct"}


def complete_tags(pdf: bytes) -> bytes:
    """The PDF with header scopes and tables joined across pages."""
    with pikepdf.open(BytesIO(pdf)) as document:
        root = document.Root.get("/StructTreeRoot")
        if root is None:
            return pdf
        for element in _elements(root):
            _join_continuations(element)
        _make_artifacts(document, root)
        for element in _elements(root):
            if element.get("/S") == "/TH":
                _set_scope(element)
        out = BytesIO()
        document.save(out)
        return out.getvalue()


def _elements(parent):
    """Every structure element under `parent`, parents before children."""
    for kid in _kids(parent):
        yield kid
        yield from _elements(kid)


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    kids = list(kids) if isinstance(kids, Array) else [kids]
    return [kid for kid in kids if isinstance(kid, Dictionary) and "/S" in kid]


def _all_kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _type(element) -> str:
    return str(element.get("/S"))


def _continues(before, after) -> bool:
    """Whether `after`, the first element at the top of a page, goes on with `before`,
    the last one of the page before."""
    if _type(before) != _type(after):
        return False
    if any(not isinstance(kid, Dictionary) for kid in _all_kids(after)):
        return False  # holds marked content itself: not a container split by a page
    if _type(after) == "/Table":
        first = _kids(after)
        return bool(first) and _type(first[0]) != "/Caption"
    if _type(after) in _CONTAINERS:
        last, first = _kids(before), _kids(after)
        return bool(last and first) and _continues(last[-1], first[0])
    return False


def _join_continuations(parent) -> None:
    """Join each kid of `parent` that the next one continues (recursively)."""
    kept: list = []
    for kid in _all_kids(parent):
        if (
            kept
            and isinstance(kid, Dictionary)
            and isinstance(kept[-1], Dictionary)
            and "/S" in kid
            and "/S" in kept[-1]
            and _continues(kept[-1], kid)
        ):
            _absorb(kept[-1], kid)
        else:
            kept.append(kid)
    if "/K" in parent and isinstance(parent.K, Array):
        parent.K = Array(kept)


def _absorb(element, continuation) -> None:
    """Move the continuation's kids into `element`, joining the split ones."""
    kids = _all_kids(continuation)
    if _type(element) == "/Table":
        heads = [kid for kid in _kids(element) if _type(kid) == "/THead"]
        if heads and kids and _type(kids[0]) == "/THead":
            kids = kids[1:]  # the column headings printed again
        last = _kids(element)[-1:] if _kids(element) else []
        if kids and last and _type(last[0]) == _type(kids[0]) == "/TBody":
            _append(last[0], _all_kids(kids[0]))
            kids = kids[1:]
    else:
        last = _kids(element)[-1:]
        if kids and last and _continues(last[0], kids[0]):
            _absorb(last[0], kids[0])
            kids = kids[1:]
    _append(element, kids)


def _append(element, kids: list) -> None:
    for kid in kids:
        if isinstance(kid, Dictionary) and "/S" in kid:
            kid.P = element
    element.K = Array([*_all_kids(element), *kids])


def _set_scope(header) -> None:
    row = header.get("/P")
    group = row.get("/P") if row is not None else None
    scope = "/Column" if group is not None and _type(group) == "/THead" else "/Row"
    attributes = header.get("/A")
    if not isinstance(attributes, Dictionary):
        attributes = Dictionary(O=Name("/Table"))
        header.A = attributes
    attributes.Scope = Name(scope)


# --- Content the tag tree does not hold: artifacts -----------------------------------


def _make_artifacts(document, root) -> None:
    """Mark as artifacts the marked content whose element the tag tree does not reach
    (the parent tree maps it to an element outside the tree), page by page, and take
    those MCIDs out of the parent tree."""
    if "/ParentTree" not in root:
        return
    in_tree = {element.objgen for element in _elements(root)}
    parents = NumberTree(root.ParentTree)
    for page in document.pages:
        key = page.obj.get("/StructParents")
        if key is None or int(key) not in parents:
            continue
        by_mcid = parents[int(key)]
        outside = {
            mcid
            for mcid, element in enumerate(by_mcid)
            if isinstance(element, Dictionary) and element.objgen not in in_tree
        }
        if outside:
            _artifacts_in(document, page, outside)
            for mcid in outside:
                by_mcid[mcid] = None


def _artifacts_in(document, page, mcids: set[int]) -> None:
    """Rewrite the page's content: each `BDC` whose MCID is in `mcids` opens an
    /Artifact instead, a pagination artifact (printed because of the page: a
    heading printed again, a page number); its `EMC` still closes it, so the
    nesting is unchanged."""
    named = page.obj.get("/Resources", Dictionary()).get("/Properties")
    operations = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC" and _mcid(operands[1], named) in mcids:
            operands = [Name("/Artifact"), Dictionary(Type=Name("/Pagination"))]
        operations.append((operands, operator))
    page.obj.Contents = document.make_stream(pikepdf.unparse_content_stream(operations))


def _mcid(properties, named) -> int | None:
    """The MCID of a BDC's properties: inline, or named in the page's /Properties."""
    if isinstance(properties, Name) and named is not None:
        properties = named.get(str(properties))
    if isinstance(properties, Dictionary) and "/MCID" in properties:
        return int(properties.MCID)
    return None
