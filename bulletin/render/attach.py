"""The pages of PDF attachments (附件), put into the typeset edition.

The template gives a PDF attachment as many empty pages as it has (each a
`.pdf-page` naming the file and the page); WeasyPrint numbers them, stamps
附件N on the first and lists the attachment in the outline, so the page numbers
run on and the 版记 stays last.  Here each attachment page is drawn under the
empty page it belongs to, scaled to fit the sheet and centred.

pypdf does the merging: pure Python (no library of the system to install), and it
keeps the outline, links and metadata WeasyPrint wrote.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import BulletinError, Location
from ..i18n import _
from ..workspace import confined


@dataclass(frozen=True)
class Placement:
    page: int     # 0-based index of the edition's page that receives it
    file: str     # the attachment, relative to the workspace (posix)
    number: int   # 1-based page of the attachment


def placements(document) -> list[Placement]:
    """The empty pages the template kept for PDF attachments, read from WeasyPrint's layout."""
    found = []
    for index, page in enumerate(document.pages):
        page_box = getattr(page, "_page_box", None)
        for box in page_box.descendants() if page_box is not None else ():
            element = getattr(box, "element", None)
            if element is None or getattr(box, "element_tag", None) != "div" or \
                    "pdf-page" not in (element.get("class") or "").split():
                continue
            found.append(Placement(index, element.get("data-file", ""), int(element.get("data-page", "0"))))
            break  # one a page
    return found


def finish_pdf(pdf_bytes: bytes, placed: list[Placement], root: Path) -> bytes:
    """The edition with each attachment page drawn under the page kept for it.

    (The pages are found in the layout, `placed`, rather than from the Issue: the
    typesetting process receives only the print HTML.)
    """
    if not placed:
        return pdf_bytes
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.errors import PdfReadError

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes)))
    readers: dict[str, PdfReader] = {}
    for p in placed:
        path = confined(root / p.file, root)
        try:
            reader = readers.get(p.file) or readers.setdefault(p.file, PdfReader(path))
            source = reader.pages[p.number - 1]
        except (PdfReadError, OSError, IndexError, ValueError) as exc:
            raise BulletinError(_("attachment {file} could not be placed: {why}").format(file=p.file, why=exc),
                                Location(path), _("open it and save it again as PDF")) from None
        target = writer.pages[p.page]
        box, sheet = source.mediabox, target.mediabox
        scale = min(float(sheet.width) / float(box.width), float(sheet.height) / float(box.height))
        dx = (float(sheet.width) - float(box.width) * scale) / 2 - float(box.left) * scale
        dy = (float(sheet.height) - float(box.height) * scale) / 2 - float(box.bottom) * scale
        target.merge_transformed_page(source, Transformation().scale(scale).translate(dx, dy), over=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
