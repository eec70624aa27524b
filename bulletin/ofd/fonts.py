"""The fonts a PDF edition embeds, made into the TrueType files an OFD package carries.

The font programs come from the PDF itself (WeasyPrint embeds each face it
used), so the OFD draws the very glyphs the PDF draws and needs no font on the
reader's machine. Each is subset to the glyphs the edition uses and, when its
outlines are CFF (as Noto CJK's are), converted to TrueType quadratic outlines
with fontTools' cu2qu: TrueType is what every OFD reader takes.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

from ..errors import BulletinError
from ..i18n import _
from . import harfbuzz, outlines
from .outlines import KEEP_NAMES, MAX_ERR
from .pdffonts import PdfFont



@dataclass
class Face:
    """One embedded font, ready for the package."""
    data: bytes
    family: str
    bold: bool
    italic: bool
    serif: bool
    fixed: bool
    weight: int
    cmap: dict[int, int] = field(default_factory=dict)  # code point -> glyph id
    gids: dict[int, int] = field(default_factory=dict)  # PDF character id -> glyph id


def _load(data: bytes, pdffont: PdfFont) -> TTFont:
    try:
        font = TTFont(io.BytesIO(data), recalcTimestamp=False)
        font.getGlyphOrder()
        return font
    except Exception as err:  # noqa: BLE001 - any damage means the same to the user
        raise BulletinError(_("The font {name} embedded in the PDF cannot be read: "
                              "{error}").format(name=pdffont.basefont, error=err)) from None


def _small(data: bytes, pdffont: PdfFont, used: dict[int, str]) -> tuple[TTFont, dict[int, str]] | None:
    """The CID-keyed CFF font cut down by HarfBuzz to the glyphs drawn, and their names; or None.

    WeasyPrint draws glyph ids as CIDs; HarfBuzz keeps the CIDs of a CID-keyed font, so each
    glyph drawn must come out named by its CID, or the whole font is read instead.
    """
    if data[:4] != b"OTTO" or not pdffont.cid_keyed:
        return None
    texts = {ord(t) for t in used.values() if len(t) == 1}
    small = harfbuzz.subset(data, sorted({0, *used}), sorted(texts))
    if small is None:
        return None
    font = _load(small, pdffont)
    names = {cid: f"cid{cid:05d}" for cid in used}
    known = font.getReverseGlyphMap()
    if not hasattr(font["CFF "].cff[0], "ROS") or any(n not in known for n in names.values()):
        return None
    return font, names


def _glyph_name(font: TTFont, pdffont: PdfFont, cid: int) -> str | None:
    """The glyph a PDF character id draws (the Identity mapping that WeasyPrint writes)."""
    if not pdffont.cid_keyed:
        return None
    if "CFF " in font and hasattr(font["CFF "].cff[0], "ROS"):  # CID-keyed: by CID
        name = f"cid{cid:05d}"
        return name if name in font.getReverseGlyphMap() else None
    order = font.getGlyphOrder()
    return order[cid] if cid < len(order) else None


def _to_truetype(font: TTFont) -> None:
    """Replace CFF outlines by quadratic TrueType ones (in place)."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyf[name] = pen.glyph()
    for tag in ("CFF ", "CFF2", "VORG"):
        if tag in font:
            del font[tag]
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    for attr in ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours",
                 "maxComponentDepth"):
        setattr(maxp, attr, 0)
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\0\1\0\0"


def _names(font: TTFont, pdffont: PdfFont, used: dict[int, str]) -> dict[int, str]:
    """The glyph name of each character id drawn."""
    cmap = font.getBestCmap() or {}
    names = {}
    for cid, text in used.items():
        name = _glyph_name(font, pdffont, cid)
        if name is None and len(text) == 1:
            name = cmap.get(ord(text))
        if name is None:
            raise BulletinError(_("The PDF draws a glyph ({cid}) that its font {name} does not "
                                  "have").format(cid=cid, name=pdffont.basefont))
        names[cid] = name
    return names


def _subset(font: TTFont, names: set[str], unicodes: set[int]) -> None:
    opts = subset.Options()
    opts.layout_features = []
    opts.hinting = False
    opts.notdef_outline = True
    opts.name_IDs = list(KEEP_NAMES)
    opts.drop_tables += ["VORG", "vhea", "vmtx", "GSUB", "GPOS", "GDEF", "BASE", "DSIG", "JSTF"]
    sub = subset.Subsetter(opts)
    sub.populate(glyphs=sorted(names), unicodes=sorted(unicodes))
    sub.subset(font)


def embed(pdffont: PdfFont, used: dict[int, str]) -> Face:
    """The TrueType subset of one PDF font for the glyphs `used` (character id -> text)."""
    data = pdffont.program()
    quick = _small(data, pdffont, used)
    if quick:
        font, names = quick
    else:  # not CID-keyed CFF, or no HarfBuzz: read the whole font
        font = _load(data, pdffont)
        names = _names(font, pdffont, used)
    cmap = font.getBestCmap() or {}
    kept = set(names.values())
    if "CFF " in font:  # the common case: built directly, converted glyphs cached
        order = [".notdef"] + sorted(kept - {".notdef"}, key=font.getGlyphID)
        data = outlines.truetype(font, order, {cp: g for cp, g in cmap.items() if g in kept})
        gid = {name: n for n, name in enumerate(order)}
        return _face(font, data, pdffont, {cid: gid[n] for cid, n in names.items()},
                     {cp: gid[g] for cp, g in cmap.items() if g in kept})
    unicodes = {ord(t) for cid, t in used.items() if len(t) == 1 and cmap.get(ord(t)) == names[cid]}
    _subset(font, kept, unicodes)
    if "glyf" not in font:
        _to_truetype(font)
    font["post"].formatType = 3.0  # glyph names are not needed: ids are
    out = io.BytesIO()
    font.save(out)
    gid = font.getReverseGlyphMap()
    return _face(font, out.getvalue(), pdffont, {cid: gid[n] for cid, n in names.items()},
                 {cp: gid[g] for cp, g in (font.getBestCmap() or {}).items()})


def _face(font: TTFont, data: bytes, pdffont: PdfFont, gids: dict[int, int], cmap: dict[int, int]) -> Face:
    family = str(font["name"].getBestFamilyName() or pdffont.basefont.split("+")[-1])
    os2 = font["OS/2"] if "OS/2" in font else None
    weight = int(getattr(os2, "usWeightClass", 400) or 400)
    style = font["head"].macStyle
    flags = pdffont.flags
    return Face(
        data=data, family=family, bold=bool(style & 1) or weight >= 600, italic=bool(style & 2),
        serif=bool(flags & 2), fixed=bool(flags & 1), weight=min(900, max(100, round(weight / 100) * 100)),
        cmap=cmap, gids=gids)
