"""Page 1 of an edition's PDF as a small PNG, for the archive's cards.

Made in the typesetter, beside a new PDF (formats/pdf.py), and by the archive
stage for a PDF that has none (render/site.py): a module of its own, below both.
"""
from __future__ import annotations

import io
from pathlib import Path

THUMBS = "thumbs"   # the folder under output/
THUMB_WIDTH = 240


def thumbnail(pdf: Path | bytes) -> tuple[bytes, int, int]:
    """Page 1 of a PDF as a PNG, THUMB_WIDTH pixels wide (pypdfium2, no system tools)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    try:
        page = doc[0]
        image = page.render(scale=THUMB_WIDTH / page.get_width()).to_pil()
    finally:
        doc.close()
    buf = io.BytesIO()
    image.save(buf, "PNG")  # optimize=True: 1 % smaller for 3x the time
    return buf.getvalue(), image.width, image.height
