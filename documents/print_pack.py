"""The print pack (docs/rules.md, D-SENT): one PDF of a review's letters still to post.

The letters come in posting order (documents.delivery.posting_key), each after a page
of its own that carries only its recipient's name and postal address, placed for the
window of a DL envelope. Each letter is the stored PDF the distribution log names,
page for page; printing it is recorded on its copy, but the letter counts as sent only
when business support confirm the day it was posted.

A DL window envelope (220 x 110 mm) has its window, 90 x 35 mm, 20 mm from the left
and 15 mm from the bottom. An A4 sheet folded in three (99 mm) and put in with its
top third to the window shows 49 to 84 mm from the top of the page, 20 to 110 mm
from its left: the address panel sits inside that, with room to move
(static/css/address_panel.css).
"""

from contextlib import ExitStack
from datetime import datetime
from io import BytesIO

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from documents.delivery import letters_to_post
from documents.models import Distribution
from documents.pdf import render_pdf
from reviews.models import Review
from reviews.services._base import lock, record_event

PANEL_TEMPLATE = "documents/pdf/address_panels.html"
# Lines that fit the window under the name (10pt type); more are joined onto the last.
ADDRESS_LINES = 6


def address_lines(postal_address: str) -> list[str]:
    """The address as the window shows it: its own lines, or the parts between its
    commas when it is written on one line; at most ADDRESS_LINES."""
    lines = [line.strip() for line in postal_address.splitlines() if line.strip()]
    if len(lines) == 1:
        lines = [part.strip() for part in lines[0].split(",") if part.strip()]
    if len(lines) > ADDRESS_LINES:
        lines[ADDRESS_LINES - 1 :] = [", ".join(lines[ADDRESS_LINES - 1 :])]
    return lines


@transaction.atomic
def letters_print_pack(
    *, review: Review, by: User, now: datetime
) -> tuple[bytes, list[Distribution]]:
    """The print pack of the review's letters to post, and the copies in it; each is
    recorded as printed, by whom and when (D-SENT: printed is not yet sent)."""
    review = lock(review)
    copies = [copy for copy in letters_to_post(review) if copy.document is not None]
    if not copies:
        raise ValidationError("There are no letters of the record to print.")
    pdf = pack_pdf(copies)
    for copy in copies:
        copy.printed_at, copy.printed_by = now, by
        copy.save(update_fields=["printed_at", "printed_by"])
    record_event(
        review,
        action="letters_printed",
        by=by,
        note=f"{len(copies)} {'letter' if len(copies) == 1 else 'letters'} of the "
        "record printed to post",
    )
    return pdf, copies


def pack_pdf(copies: list[Distribution]) -> bytes:
    """One PDF: for each copy, its address page, then its stored letter."""
    panels = render_pdf(
        PANEL_TEMPLATE,
        {
            "title": "Address pages for the record's letters",
            "author": settings.COUNCIL_NAME,
            "panels": [
                {
                    "name": copy.invitee.name,
                    "lines": address_lines(copy.invitee.postal_address),
                }
                for copy in copies
            ],
        },
    )
    with ExitStack() as open_files:
        panel_pages = open_files.enter_context(pikepdf.open(BytesIO(panels)))
        if len(panel_pages.pages) != len(copies):
            raise ValueError("Each address panel must fill exactly one page.")
        pack = open_files.enter_context(pikepdf.new())
        for panel, copy in zip(panel_pages.pages, copies, strict=True):
            pack.pages.append(panel)
            pack.pages.extend(open_files.enter_context(_letter(copy)).pages)
        with pack.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = "The record's letters to post"
        out = BytesIO()
        pack.save(out)  # the letters stay open until the pack is written
    return out.getvalue()


def _letter(copy: Distribution) -> pikepdf.Pdf:
    document = copy.document
    assert document is not None  # letters_print_pack keeps only copies with a PDF
    with document.file.open("rb") as handle:
        return pikepdf.open(BytesIO(handle.read()))
