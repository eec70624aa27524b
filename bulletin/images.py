"""Images sized for print: a photo larger than print can use is scaled down for the outputs.

The type area is 156 mm wide and a figure at most 120 mm high (bulletin.css); at
300 dpi that is a box of 1843 × 1417 pixels.  A photo with more pixels than that box,
or a file of more than MAX_BYTES, only makes the PDF and the mail bigger (a phone's
20 MB photo made a 20 MB PDF that mail gateways refuse).  Such an image is scaled to
the box, in its own format, into .bulletin/images/ under the SHA-256 of the original;
the PDF and the HTML edition use that copy, and the original stays where the author
put it.  The build plan keys images by the size and time of the original, so a new
original makes a new copy and a new PDF.
"""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

from . import workspace
from .writer import atomic_write

PRINT_DPI = 300
TYPE_AREA_MM = (156, 120)  # width of the type area, height of the tallest figure
BOX = tuple(round(mm / 25.4 * PRINT_DPI) for mm in TYPE_AREA_MM)
MAX_BYTES = 2 * 2**20
SCALED = {"JPEG", "PNG", "WEBP"}  # GIF (animation) and SVG (drawn) are left as they are
FOLDER = "images"

_made: dict[tuple[str, int, int], Path] = {}  # (path, size, mtime) -> the file to use, in this process


def too_large(kind: str, width: int, height: int, size: int) -> bool:
    """Whether a picture of this format, pixels and bytes is scaled for the outputs."""
    return kind in SCALED and (width > BOX[0] or height > BOX[1] or size > MAX_BYTES)


def printable(source: Path, root: Path) -> Path:
    """The file the outputs use for an image: `source`, or its scaled copy (made if missing)."""
    try:
        st = source.stat()
    except OSError:
        return source  # the fetcher will refuse it, at its place
    memo = (str(source), st.st_size, st.st_mtime_ns)
    if memo not in _made:
        _made[memo] = _scaled(source, root, st.st_size) or source
    return _made[memo]


def _scaled(source: Path, root: Path, size: int) -> Path | None:
    from PIL import Image, ImageOps, UnidentifiedImageError  # Pillow comes with WeasyPrint

    try:
        with Image.open(source) as img:
            kind = img.format
            if not too_large(kind, *img.size, size):
                return None
            data = source.read_bytes()
            copy = workspace.state_dir(root) / FOLDER / f"{hashlib.sha256(data).hexdigest()}.{kind.lower()}"
            if copy.is_file():
                return copy
            if kind == "JPEG":
                img.draft("RGB", (max(BOX), max(BOX)))  # decode at a fraction of the size: fast, small
            picture = ImageOps.exif_transpose(img)
            picture.thumbnail(BOX, Image.LANCZOS)
            out = io.BytesIO()
            options = {"JPEG": {"quality": 85, "optimize": True}, "PNG": {"optimize": True},
                       "WEBP": {"quality": 85}}[kind]
            if kind == "JPEG" and picture.mode not in ("RGB", "L"):
                picture = picture.convert("RGB")
            picture.save(out, kind, **options)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None  # markdown.py reports what is wrong with it
    if out.tell() >= size:
        return None  # no smaller: the original will do
    atomic_write(copy, out.getvalue())
    return copy
