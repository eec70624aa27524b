"""The pictures of an issue: what they may be (`problem`), and sized for print (`printable`).

An image must be a regular file of the workspace, a PNG, JPEG, GIF, WebP or
SVG picture WeasyPrint can draw; `problem` says what is wrong at check time,
so that a build never fails on what check passed.

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
import stat
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import workspace
from .i18n import _
from .writer import atomic_write

PRINT_DPI = 300
TYPE_AREA_MM = (156, 120)  # width of the type area, height of the tallest figure
BOX = tuple(round(mm / 25.4 * PRINT_DPI) for mm in TYPE_AREA_MM)
MAX_BYTES = 2 * 2**20
SCALED = {"JPEG", "PNG", "WEBP"}  # GIF (animation) and SVG (drawn) are left as they are
FOLDER = "images"

MAX_IMAGE_BYTES = 20 * 2**20   # what the PDF's fetcher takes (fetcher.py)
MAX_SCALED_BYTES = 64 * 2**20  # a photo the outputs use a scaled copy of may be bigger
MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel photo; a bigger one is a mistake or a bomb
IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}

_made: dict[tuple[str, int, int], Path] = {}  # (path, size, mtime) -> the file to use, in this process


# The modes of picture WeasyPrint draws (weasyprint/images.py, version 70); a 16-bit
# grey scan (I;16) and the like would fail the build, so the outputs use an 8-bit copy.
PRINTABLE_MODES = {"1", "P", "I", "L", "LA", "RGB", "RGBA", "CMYK"}


def too_large(kind: str, width: int, height: int, size: int) -> bool:
    """Whether a picture of this format, pixels and bytes is scaled for the outputs."""
    return kind in SCALED and (width > BOX[0] or height > BOX[1] or size > MAX_BYTES)


def needs_copy(kind: str, mode: str, width: int, height: int, size: int) -> bool:
    """Whether the outputs use a copy of the picture: too large, or in a mode WeasyPrint cannot draw."""
    return too_large(kind, width, height, size) or (kind in SCALED and mode not in PRINTABLE_MODES)


def problem(target: Path, root: Path, src: str) -> tuple[str, str]:
    """(what is wrong with the image, or ""; a note that it is larger than print needs, or "")."""
    if not target.is_relative_to(root.resolve()):
        return _("image '{src}' is outside the workspace").format(src=src), ""
    try:
        st = target.stat()
    except OSError:
        return _("image '{src}' does not exist").format(src=src), ""
    if not stat.S_ISREG(st.st_mode):
        return _("image '{src}' is not a regular file").format(src=src), ""
    too_big = _("image '{src}' is larger than {limit} MiB")
    if st.st_size > MAX_SCALED_BYTES:
        return too_big.format(src=src, limit=MAX_SCALED_BYTES // 2**20), ""
    if target.suffix.lower() == ".svg":
        if st.st_size > MAX_IMAGE_BYTES:
            return too_big.format(src=src, limit=MAX_IMAGE_BYTES // 2**20), ""
        return _svg_problem(target, root, src), ""
    problem, (kind, width, height) = _picture_problem(target, src)
    if problem:
        return problem, ""
    if kind not in SCALED and st.st_size > MAX_IMAGE_BYTES:
        return too_big.format(src=src, limit=MAX_IMAGE_BYTES // 2**20), ""  # not scaled; the fetcher's limit
    if too_large(kind, width, height, st.st_size):
        return "", _("image '{src}' is {width} × {height} pixels, {size:.1f} MB: more than print needs; "
                     "the PDF and the web page use a copy scaled to {dpi} dpi").format(
            src=src, width=width, height=height, size=st.st_size / 1e6, dpi=PRINT_DPI)
    return "", ""


def _picture_problem(target: Path, src: str) -> tuple[str, tuple[str, int, int]]:
    from PIL import Image, UnidentifiedImageError  # Pillow comes with WeasyPrint

    none = ("", 0, 0)
    limit = MAX_IMAGE_PIXELS // 1_000_000
    try:
        with Image.open(target) as img:  # reads the header only
            kind, (width, height) = img.format, img.size
    except Image.DecompressionBombError:
        return _("image '{src}' has too many pixels; the limit is {limit} megapixels").format(
            src=src, limit=limit), none
    except (UnidentifiedImageError, OSError, ValueError):
        return _("image '{src}' is not a PNG, JPEG, GIF, WebP or SVG picture").format(src=src), none
    if kind not in IMAGE_FORMATS:
        return _("image '{src}' is a {kind} picture; use PNG, JPEG, GIF, WebP or SVG").format(
            src=src, kind=kind), none
    if width * height > MAX_IMAGE_PIXELS:
        return _("image '{src}' has {width} × {height} pixels; the limit is {limit} megapixels").format(
            src=src, width=width, height=height, limit=limit), none
    return "", (kind, width, height)


def _svg_problem(target: Path, root: Path, src: str) -> str:
    """What would make WeasyPrint fail on an SVG: not well-formed XML, or a reference
    to a file that is not in the workspace (the fetcher refuses it)."""
    from xml.etree import ElementTree

    try:
        tree = ElementTree.parse(target)
    except ElementTree.ParseError as exc:
        line, col = exc.position
        return _("image '{src}' is not a well-formed SVG picture (its line {line}, column {col})").format(
            src=src, line=line, col=col + 1)
    for element in tree.iter():
        for name, ref in element.attrib.items():
            if name.rsplit("}", 1)[-1] != "href" or ref.startswith(("#", "data:")):
                continue
            parts = urlsplit(ref)
            inside = (target.parent / unquote(parts.path)).resolve().is_relative_to(root.resolve())
            if parts.scheme or parts.netloc or not inside:
                return _("image '{src}' refers to '{ref}', which may not be used: "
                         "only files of the workspace may").format(src=src, ref=ref)
    return ""


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
            convert = img.mode not in PRINTABLE_MODES
            if not needs_copy(kind, img.mode, *img.size, size):
                return None
            data = source.read_bytes()
            copy = workspace.state_dir(root) / FOLDER / f"{hashlib.sha256(data).hexdigest()}.{kind.lower()}"
            if copy.is_file():
                return copy
            if kind == "JPEG":
                img.draft("RGB", (max(BOX), max(BOX)))  # decode at a fraction of the size: fast, small
            picture = _printable_mode(ImageOps.exif_transpose(img))
            picture.thumbnail(BOX, Image.LANCZOS)
            out = io.BytesIO()
            options = {"JPEG": {"quality": 85, "optimize": True}, "PNG": {"optimize": True},
                       "WEBP": {"quality": 85}}[kind]
            if kind == "JPEG" and picture.mode not in ("RGB", "L"):
                picture = picture.convert("RGB")
            picture.save(out, kind, **options)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None  # markdown.py reports what is wrong with it
    if out.tell() >= size and not convert:
        return None  # no smaller: the original will do
    atomic_write(copy, out.getvalue())
    return copy


def _printable_mode(picture):
    """The picture in a mode WeasyPrint draws: 16-bit grey to 8-bit, the rest to RGB(A)."""
    if picture.mode in PRINTABLE_MODES:
        return picture
    if picture.mode.startswith("I;16") or picture.mode in ("I", "F"):
        return picture.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    return picture.convert("RGBA" if "A" in picture.mode or "a" in picture.mode else "RGB")
