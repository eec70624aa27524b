"""A CFF font's glyphs as a TrueType font: cu2qu per glyph, each glyph converted once a process.

Converting outlines is most of what an OFD edition costs (about half a
millisecond a glyph, and an edition draws six hundred). The editions of a
series share most of their characters, and WeasyPrint embeds each glyph
desubroutinised, so a glyph's charstring bytes and the font it comes from
name its outline: a worker converting one edition after another converts a
glyph the first time only, and keeps it in ~/.cache/bulletin/ofd-glyphs/ for
the next command (as fonts.py keeps the fonts' coverage). The font is built directly rather than through
fontTools' subsetter, which spends longer on CFF than the conversion itself.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import fontTools

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._g_l_y_f import Glyph

from ..writer import atomic_write, user_cache

MAX_ERR = 1.0  # font units (of 1000 or 2048 an em) a quadratic curve may stray from the cubic
KEEP_NAMES = (0, 1, 2, 3, 4, 5, 6, 13, 14, 16, 17)  # copyright, names, version, licence
LIMIT = 60_000  # glyphs kept in memory (~300 bytes each)
FORMAT = 1      # of the glyphs kept in ~/.cache/bulletin/ofd-glyphs/


@dataclass(frozen=True)
class Outline:
    data: bytes                                   # the compiled TrueType glyph
    bounds: tuple[int, int, int, int] | None      # xMin, yMin, xMax, yMax; None when empty
    points: int
    contours: int


_CACHE: dict[bytes, Outline] = {}
_LOADED: set[bytes] = set()  # fonts whose glyphs on disk are in _CACHE


def _font_key(font: TTFont) -> bytes:
    head, name = font["head"], font["name"]
    ps = str(name.getDebugName(6) or "").split("+")[-1]
    parts = (ps, name.getDebugName(5), head.fontRevision, head.created, head.unitsPerEm, MAX_ERR,
             fontTools.version, FORMAT)
    return hashlib.sha256(repr(parts).encode()).digest()


def _disk(key: bytes) -> Path:
    return user_cache(f"ofd-glyphs/{key.hex()[:32]}.json")


def _load(key: bytes) -> None:
    """Bring the glyphs converted by earlier commands on this machine into memory (once a font)."""
    if key in _LOADED:
        return
    _LOADED.add(key)
    try:
        stored = json.loads(_disk(key).read_text())
        for digest, (data, bounds, points, contours) in stored.items():
            _CACHE[bytes.fromhex(digest)] = Outline(base64.b64decode(data), tuple(bounds) if bounds else None,
                                                    points, contours)
    except (OSError, ValueError, TypeError):
        pass  # no cache yet, or a damaged one: glyphs are converted again


def _save(key: bytes, digests: list[bytes]) -> None:
    """Keep the font's converted glyphs for the next command (the cache can always be made again)."""
    stored = {d.hex(): [base64.b64encode(g.data).decode(), g.bounds, g.points, g.contours]
              for d in digests if (g := _CACHE.get(d))}
    try:
        old = json.loads(_disk(key).read_text())
        stored = {**old, **stored} if isinstance(old, dict) else stored
    except (OSError, ValueError):
        pass
    try:
        atomic_write(_disk(key), json.dumps(stored, sort_keys=True).encode())
    except OSError:
        pass


def _uses_subroutines(cff) -> bool:
    top = cff[0]
    privates = [fd.Private for fd in top.FDArray] if hasattr(top, "FDArray") else [top.Private]
    return len(cff.GlobalSubrs) > 0 or any(len(getattr(p, "Subrs", []) or []) for p in privates)


def _convert(glyphset, name: str) -> Outline:
    pen = TTGlyphPen(None)
    glyphset[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
    glyph = pen.glyph()
    if glyph.numberOfContours == 0:
        return Outline(b"", None, 0, 0)
    data = glyph.compile(None, recalcBBoxes=True)
    return Outline(data, (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax), len(glyph.coordinates),
                   glyph.numberOfContours)


def outlines(font: TTFont, names: list[str]) -> dict[str, Outline]:
    """The TrueType outline of each named glyph of a CFF font."""
    cff = font["CFF "].cff
    charstrings = cff[0].CharStrings
    cached = not _uses_subroutines(cff)
    key = _font_key(font)
    if cached:
        _load(key)
    glyphset = font.getGlyphSet()
    out, new = {}, []
    for name in names:
        bytecode = getattr(charstrings[name], "bytecode", None) if cached else None
        digest = hashlib.sha256(key + bytecode).digest() if bytecode is not None else None
        found = _CACHE.get(digest) if digest else None
        if found is None:
            found = _convert(glyphset, name)
            if digest and len(_CACHE) < LIMIT:
                _CACHE[digest] = found
                new.append(digest)
        out[name] = found
    if new:
        _save(key, new)
    return out


def truetype(font: TTFont, order: list[str], cmap: dict[int, str]) -> bytes:
    """A TrueType font of the glyphs `order` of the CFF font `font`, mapping `cmap`."""
    glyphs = outlines(font, order)
    head, hhea, metrics = font["head"], font["hhea"], font["hmtx"].metrics
    fb = FontBuilder(head.unitsPerEm, isTTF=True)
    fb.font.recalcBBoxes = fb.font.recalcTimestamp = False  # bounds come with the outlines
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(cmap)
    glyf = newTable("glyf")  # set up by hand: FontBuilder.setupGlyf unpacks every glyph to check it
    glyf.glyphOrder = order
    glyf.glyphs = {name: Glyph(glyphs[name].data) for name in order}
    fb.font["loca"] = newTable("loca")
    fb.font["glyf"] = glyf
    fb.setupHorizontalMetrics({name: (metrics[name][0], (glyphs[name].bounds or (0,))[0]) for name in order})
    fb.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap)
    bounds = [g.bounds for g in glyphs.values() if g.bounds] or [(0, 0, 0, 0)]
    fb.setupHead(unitsPerEm=head.unitsPerEm, fontRevision=head.fontRevision, created=head.created,
                 modified=head.modified, macStyle=head.macStyle, flags=head.flags,
                 lowestRecPPEM=head.lowestRecPPEM, xMin=min(b[0] for b in bounds),
                 yMin=min(b[1] for b in bounds), xMax=max(b[2] for b in bounds), yMax=max(b[3] for b in bounds))
    fb.setupMaxp()
    maxp = fb.font["maxp"]
    maxp.maxPoints = max(g.points for g in glyphs.values())
    maxp.maxContours = max(g.contours for g in glyphs.values())
    maxp.maxZones = 1
    fb.setupPost(keepGlyphNames=False)
    fb.font["post"].formatType = 3.0
    for tag in ("name", "OS/2"):
        if tag in font:
            fb.font[tag] = font[tag]
    fb.font["name"].names = [n for n in font["name"].names if n.nameID in KEEP_NAMES]
    fb.font["hhea"].advanceWidthMax = max(metrics[n][0] for n in order)
    out = io.BytesIO()
    fb.font.save(out)
    return out.getvalue()
