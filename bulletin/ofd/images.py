"""A PDF image as a file an OFD reader opens: JPEG as it is, anything else as PNG.

pikepdf decodes the samples (filters, predictors, palettes, ICC-based and
CMYK spaces) into a Pillow image; Pillow writes the PNG, with the soft mask as
alpha. A stencil mask becomes the fill colour it paints, on transparency.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf
from PIL import Image

from ..errors import BulletinError
from ..i18n import _

UNSUPPORTED = ("/JBIG2Decode", "/CCITTFaxDecode", "/JPXDecode")


@dataclass(frozen=True)
class Picture:
    data: bytes
    format: str  # "JPEG" or "PNG"


def _decoded(image, name: str) -> Image.Image:
    """The samples of a PdfImage as a Pillow image."""
    try:
        img = image.as_pil_image()
        img.load()
        return img
    except Exception as err:  # noqa: BLE001 - pikepdf and Pillow raise many kinds for one meaning
        filters = [str(f) for f in getattr(image, "filters", [])]
        odd = next((f for f in filters if f in UNSUPPORTED), None)
        if odd:
            raise BulletinError(_("Image {name} in the PDF is compressed as {filter}, which the OFD "
                                  "edition cannot carry yet").format(name=name, filter=odd.lstrip("/")),
                                hint=_("Use a PNG or JPEG picture.")) from None
        raise BulletinError(_("Image {name} in the PDF cannot be read: {error}").format(
            name=name, error=err or type(err).__name__)) from None


def _stencil(image, fill: tuple[int, int, int]) -> Image.Image:
    """A stencil mask (1 bit a pixel, 0 paints unless /Decode says [1 0]) in its fill colour."""
    width, height = int(image.width), int(image.height)
    bits = Image.frombytes("1", (width, height), image.read_bytes())
    decode = [int(v) for v in (image.obj.get("/Decode") or [0, 1])]
    alpha = bits.convert("L")
    if decode[:1] != [1]:
        alpha = alpha.point(lambda v: 255 - v)
    out = Image.new("RGBA", (width, height), (*fill, 0))
    out.putalpha(alpha)
    return out


def _png(img: Image.Image) -> Picture:
    if img.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
        img = img.convert("RGB")
    out = io.BytesIO()
    img.save(out, "PNG", optimize=False)
    return Picture(out.getvalue(), "PNG")


def _size(obj, name: str) -> None:
    """Refuse, before decoding, a picture larger than Pillow opens (a decompression bomb: a few
    kilobytes of a PDF that would take gigabytes decoded)."""
    try:
        width, height = int(obj.get("/Width", 0)), int(obj.get("/Height", 0))
    except (TypeError, ValueError):
        width = height = 0
    if width <= 0 or height <= 0 or width * height > Image.MAX_IMAGE_PIXELS:
        raise BulletinError(_("Image {name} in the PDF is {width} × {height} pixels, which the OFD edition "
                              "cannot carry").format(name=name, width=width, height=height),
                            hint=_("Use a picture of at most {n} million pixels.").format(
                                n=Image.MAX_IMAGE_PIXELS // 1_000_000))


def picture(obj, name: str, fill: tuple[int, int, int] | None = None) -> Picture:
    """The Picture of an image XObject (a pikepdf.Stream; interpret.py makes an inline image one)."""
    _size(obj, name)
    try:
        image = pikepdf.PdfImage(obj)
    except (TypeError, ValueError, pikepdf.PdfError) as err:
        raise BulletinError(_("Image {name} in the PDF cannot be read: {error}").format(name=name, error=err)) \
            from None
    if fill is not None:
        try:
            return _png(_stencil(image, fill))
        except (ValueError, TypeError, pikepdf.PdfError) as err:
            raise BulletinError(_("Image {name} in the PDF cannot be read: {error}").format(
                name=name, error=err)) from None
    smask = obj.get("/SMask") if isinstance(obj, pikepdf.Stream) else None
    img = _decoded(image, name)
    if isinstance(smask, pikepdf.Stream):
        _size(smask, name)
        alpha = _decoded(pikepdf.PdfImage(smask), name).convert("L").resize(img.size)
        img = img.convert("RGBA")
        img.putalpha(alpha)
    elif [str(f) for f in image.filters] == ["/DCTDecode"] and img.mode in ("RGB", "L"):
        return Picture(obj.read_raw_bytes(), "JPEG")
    return _png(img)
