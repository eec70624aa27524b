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
    """The samples of a PdfImage or PdfInlineImage as a Pillow image."""
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
    obj = getattr(image, "obj", None)
    width, height = int(image.width), int(image.height)
    data = image.read_bytes() if hasattr(image, "read_bytes") else bytes(image._data)
    bits = Image.frombytes("1", (width, height), data)
    decode = [int(v) for v in (obj.get("/Decode") or obj.get("/D") or [0, 1])] if obj is not None else [0, 1]
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


def picture(obj, name: str, fill: tuple[int, int, int] | None = None) -> Picture:
    """The Picture of an image XObject (a pikepdf.Stream) or an inline image."""
    image = obj if isinstance(obj, pikepdf.PdfInlineImage) else pikepdf.PdfImage(obj)
    if fill is not None:
        try:
            return _png(_stencil(image, fill))
        except (ValueError, TypeError, pikepdf.PdfError) as err:
            raise BulletinError(_("Image {name} in the PDF cannot be read: {error}").format(
                name=name, error=err)) from None
    smask = obj.get("/SMask") if isinstance(obj, pikepdf.Stream) else None
    img = _decoded(image, name)
    if isinstance(smask, pikepdf.Stream):
        alpha = _decoded(pikepdf.PdfImage(smask), name).convert("L").resize(img.size)
        img = img.convert("RGBA")
        img.putalpha(alpha)
    elif [str(f) for f in image.filters] == ["/DCTDecode"] and img.mode in ("RGB", "L"):
        return Picture(obj.read_raw_bytes(), "JPEG")
    return _png(img)
