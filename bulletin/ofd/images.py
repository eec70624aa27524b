"""A PDF image stream as a file an OFD reader opens: JPEG as it is, anything else as PNG.

Decoding the samples is pdfminer's (filters, predictors); Pillow (which
WeasyPrint needs anyway) writes the PNG, with the soft mask as alpha.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import LIT

from ..errors import BulletinError
from ..i18n import _

MODES = {1: "L", 3: "RGB", 4: "CMYK"}


@dataclass(frozen=True)
class Picture:
    data: bytes
    format: str  # "JPEG" or "PNG"


def _filters(stream: PDFStream) -> list[str]:
    return [getattr(f, "name", str(f)) for f, _params in stream.get_filters()]


def _components(space) -> tuple[int, list | None]:
    """(components, palette) of an image colour space."""
    space = resolve1(space)
    if isinstance(space, list):
        kind = getattr(resolve1(space[0]), "name", "")
        if kind == "ICCBased":
            return int(resolve1(space[1]).get("N", 3)), None
        if kind == "Indexed":
            base, _pal = _components(space[1])
            table = resolve1(space[3])
            table = table.get_data() if isinstance(table, PDFStream) else bytes(table, "latin-1") \
                if isinstance(table, str) else bytes(table)
            return 1, [base, table]
        if kind in ("CalRGB", "CalGray"):
            return (3 if kind == "CalRGB" else 1), None
        raise BulletinError(_("An image in the PDF uses the colour space {name}, which the OFD "
                              "edition cannot carry").format(name=kind))
    name = getattr(space, "name", "DeviceRGB")
    return {"DeviceGray": 1, "DeviceRGB": 3, "DeviceCMYK": 4}.get(name, 3), None


def _decode(stream: PDFStream, name: str):
    """The image's samples as a Pillow image."""
    from PIL import Image

    filters = _filters(stream)
    if "DCTDecode" in filters:
        return Image.open(io.BytesIO(stream.get_data() if filters[-1] != "DCTDecode"
                                     else stream.get_rawdata()))
    if any(f in ("JPXDecode", "JBIG2Decode", "CCITTFaxDecode") for f in filters):
        raise BulletinError(_("Image {name} in the PDF is compressed as {filter}, which the OFD "
                              "edition cannot carry yet").format(name=name, filter=filters[-1]),
                            hint=_("Use a PNG or JPEG picture."))
    width, height = int(stream["Width"]), int(stream["Height"])
    bits = int(resolve1(stream.get("BitsPerComponent", 8)) or 1)
    mask = bool(resolve1(stream.get("ImageMask", False)))
    n, palette = (1, None) if mask else _components(stream.get("ColorSpace", LIT("DeviceRGB")))
    data = stream.get_data()
    if palette:
        img = Image.frombytes("P", (width, height), data, "raw", "P;%d" % bits if bits < 8 else "P")
        base_n, table = palette
        rgb = Image.frombytes(MODES[base_n], (len(table) // base_n, 1), table).convert("RGB")
        img.putpalette(rgb.tobytes())
        return img.convert("RGB")
    if bits == 1:
        img = Image.frombytes("1", (width, height), data)
        return img.convert("L")
    if bits != 8 or n not in MODES:
        raise BulletinError(_("Image {name} in the PDF has {bits}-bit samples, which the OFD "
                              "edition cannot carry yet").format(name=name, bits=bits))
    return Image.frombytes(MODES[n], (width, height), data)


def picture(stream: PDFStream, name: str) -> Picture:
    img = _decode(stream, name)
    smask = resolve1(stream.get("SMask"))
    if isinstance(smask, PDFStream):
        alpha = _decode(smask, name).convert("L").resize(img.size)
        img = img.convert("RGBA")
        img.putalpha(alpha)
    elif _filters(stream) == ["DCTDecode"] and img.mode in ("RGB", "L"):
        return Picture(stream.get_rawdata(), "JPEG")
    if img.mode == "CMYK":
        img = img.convert("RGB")
    out = io.BytesIO()
    img.save(out, "PNG", optimize=False)
    return Picture(out.getvalue(), "PNG")
