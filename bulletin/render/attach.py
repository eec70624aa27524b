"""The pages of PDF attachments (附件), put into the typeset edition.

The template gives a PDF attachment as many empty pages as it has (each a
`.pdf-page` naming the file and the page); WeasyPrint numbers them, stamps
附件N on the first and lists the attachment in the outline, so the page numbers
run on and the 版记 stays last.  Here each attachment page is drawn under the
empty page it belongs to, scaled to fit the sheet and centred; and where what it
draws (its ink, found by drawing it small with pdfium) would reach out of the
type area, under the 附件N label or into the margin where the edition's page
number goes, it is made smaller and moved in, just as far as needed: an
attachment's own page numbers are never overprinted by the edition's.

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


PX = 0.75      # PDF points in a CSS pixel, WeasyPrint's unit of layout
INK_SCALE = 0.5  # the attachment page drawn at 36 dpi to find its ink: a point of error at most


@dataclass(frozen=True)
class Placement:
    page: int     # 0-based index of the edition's page that receives it
    file: str     # the attachment, relative to the workspace (posix)
    number: int   # 1-based page of the attachment
    area: tuple[float, float, float, float] | None = None  # left, bottom, right, top (PDF points): what it
    # may cover, the type area below the 附件N label; None: the whole sheet


def _area(page, box) -> tuple[float, float, float, float]:
    """The type area of WeasyPrint's page, below the label of the page kept at `box`, in PDF points."""
    page_box = page._page_box
    left, top = page_box.content_box_x(), page_box.content_box_y()
    right, bottom = left + page_box.width, top + page_box.height
    for child in box.descendants():
        element = getattr(child, "element", None)
        if element is not None and "attachment-label" in (element.get("class") or "").split():
            top = max(top, child.position_y + child.margin_height())
            break
    height = page.height
    return left * PX, (height - bottom) * PX, right * PX, (height - top) * PX


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
            found.append(Placement(index, element.get("data-file", ""), int(element.get("data-page", "0")),
                                   _area(page, box)))
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
        fit = Transformation().scale(scale).translate(dx, dy)
        ink = _ink(path, p.number) if p.area and not (source.get("/Rotate") or 0) % 360 else None
        if ink is not None:
            fit = _inside(fit, (*fit.apply_on(ink[:2]), *fit.apply_on(ink[2:])), p.area)
        target.merge_transformed_page(source, fit, over=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _ink(path: Path, number: int) -> tuple[float, float, float, float] | None:
    """The box (left, bottom, right, top, in the page's own space) of what page `number` draws;
    None when it draws nothing or pdfium cannot draw it (it is then placed as it is)."""
    import pypdfium2
    from PIL import ImageOps

    try:
        pdf = pypdfium2.PdfDocument(str(path))
        try:
            page = pdf[number - 1]
            left, _bottom, _right, top = page.get_cropbox()
            image = page.render(scale=INK_SCALE, grayscale=True).to_pil().convert("L")
        finally:
            pdf.close()
    except (pypdfium2.PdfiumError, OSError, IndexError, ValueError):
        return None
    found = ImageOps.invert(image).point(lambda v: 255 if v > 12 else 0).getbbox()  # not near-white
    if found is None:
        return None
    x0, y0, x1, y1 = found
    return (left + (x0 - 1) / INK_SCALE, top - (y1 + 1) / INK_SCALE,
            left + (x1 + 1) / INK_SCALE, top - (y0 - 1) / INK_SCALE)


def _inside(fit, ink: tuple[float, float, float, float], area: tuple[float, float, float, float]):
    """`fit` made to keep the ink (placed by it) inside `area`: smaller if it must be, never larger,
    and moved no further than it must be."""
    (ix0, iy0, ix1, iy1), (ax0, ay0, ax1, ay1) = ink, area
    if ix0 >= ax0 - 0.5 and iy0 >= ay0 - 0.5 and ix1 <= ax1 + 0.5 and iy1 <= ay1 + 0.5:
        return fit
    s = min(1.0, (ax1 - ax0) / max(ix1 - ix0, 1e-6), (ay1 - ay0) / max(iy1 - iy0, 1e-6))
    width, height = (ix1 - ix0) * s, (iy1 - iy0) * s
    left = max(ax0, min(ix0, ax1 - width))
    top = min(ay1, max(iy1, ay0 + height))
    return fit.scale(s).translate(left - ix0 * s, top - iy1 * s)
