"""A font of the PDF as the OFD edition needs it: codes to glyphs, advance widths, text.

Read with pikepdf (qpdf) rather than a PDF library in pure Python: the
dictionaries are at hand already, and a ToUnicode map is a few bfchar and
bfrange lines, read here with one regular expression. Composite fonts
(Type0, what WeasyPrint writes) must use Identity-H, two bytes a glyph; simple
fonts take one byte a code and their text from ToUnicode or their encoding.
"""
from __future__ import annotations

import codecs
import re
import sys
from array import array
from dataclasses import dataclass, field

import pikepdf
from fontTools import agl

from ..errors import BulletinError
from ..i18n import _

_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_BLOCK = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)
LIMIT = 200_000  # entries of a ToUnicode map or a W array: more is a damaged or hostile PDF
_ENCODINGS = {"/WinAnsiEncoding": "cp1252", "/MacRomanEncoding": "mac_roman", "/StandardEncoding": "latin-1"}


def _hexbytes(text: bytes) -> bytes:
    return bytes.fromhex(re.sub(rb"\s", b"", text).decode("ascii"))


def _utf16(raw: bytes) -> str:
    return codecs.decode(raw, "utf-16-be", "replace") if len(raw) % 2 == 0 else raw.decode("latin-1")


def to_unicode(data: bytes) -> dict[int, str]:
    """The code -> text map of a ToUnicode CMap (bfchar and bfrange; other sections ignored)."""
    table: dict[int, str] = {}
    for kind, body in _BLOCK.findall(data):
        if kind == b"bfchar":
            tokens = _HEX.findall(body)
            for src, dst in zip(tokens[0::2], tokens[1::2]):
                table[int.from_bytes(_hexbytes(src), "big")] = _utf16(_hexbytes(dst))
            continue
        for line in re.finditer(rb"<([0-9A-Fa-f\s]*)>\s*<([0-9A-Fa-f\s]*)>\s*(\[[^\]]*\]|<[0-9A-Fa-f\s]*>)", body):
            lo, hi = (int.from_bytes(_hexbytes(g), "big") for g in line.group(1, 2))
            if hi - lo > 0xFFFF or len(table) > LIMIT:
                continue  # no real map spans more than a plane; a damaged one must not take memory
            target = line.group(3)
            if target.startswith(b"["):
                for code, dst in zip(range(lo, hi + 1), _HEX.findall(target)):
                    table[code] = _utf16(_hexbytes(dst))
                continue
            first = _hexbytes(target[1:-1])
            for n, code in enumerate(range(lo, hi + 1)):
                last = int.from_bytes(first[-2:], "big") + n if len(first) >= 2 else first[-1] + n
                table[code] = _utf16(first[:-2] + last.to_bytes(2, "big")) if len(first) >= 2 \
                    else chr(last)
    return table


def _number(value, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _cid_widths(w) -> dict[int, float]:
    """The W array of a CIDFont: [c [w1 w2 ...]] and [cfirst clast w] entries."""
    widths: dict[int, float] = {}
    items = list(w or [])
    i = 0
    while i + 1 < len(items) and len(widths) < LIMIT:
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            for n, width in enumerate(items[i + 1]):
                widths[first + n] = _number(width)
            i += 2
        elif i + 2 < len(items):
            for cid in range(first, min(int(items[i + 1]), first + 0xFFFF) + 1):
                widths[cid] = _number(items[i + 2])
            i += 3
        else:
            break
    return widths


def _simple_text(font: pikepdf.Dictionary) -> dict[int, str]:
    """What the codes of a simple font without ToUnicode stand for, by its encoding."""
    enc = font.get("/Encoding")
    base, differences = enc, None
    if isinstance(enc, pikepdf.Dictionary):
        base, differences = enc.get("/BaseEncoding"), enc.get("/Differences")
    codec = _ENCODINGS.get(str(base) if base is not None else "", "latin-1")
    table = {code: bytes([code]).decode(codec, "replace") for code in range(32, 256)}
    code = 0
    for item in differences or []:
        if isinstance(item, int) or isinstance(item, float):
            code = int(item)
        else:
            table[code] = agl.toUnicode(str(item)[1:]) or ""
            code += 1
    return table


@dataclass(eq=False)
class PdfFont:
    """One font resource of the PDF (compared by identity: each is read once a document)."""
    basefont: str
    cid_keyed: bool
    flags: int
    descriptor: pikepdf.Dictionary | None
    widths: dict[int, float]
    default_width: float
    texts: dict[int, str] = field(default_factory=dict)
    scale: float = 1.0  # width units to thousandths of an em (Type3 fonts have their own matrix)

    def decode(self, data: bytes) -> list[int]:
        if not self.cid_keyed:
            return list(data)
        codes = array("H", data[:len(data) & ~1])
        if sys.byteorder == "little":
            codes.byteswap()  # the codes are big-endian
        return codes.tolist()

    def width(self, cid: int) -> float:
        """The advance of `cid` in thousandths of the font size."""
        return self.widths.get(cid, self.default_width) * self.scale

    def text(self, cid: int) -> str:
        return self.texts.get(cid, "")

    def program(self) -> bytes:
        """The TrueType or OpenType program the PDF embeds for this font."""
        desc = self.descriptor or {}
        for key in ("/FontFile2", "/FontFile3"):
            stream = desc.get(key)
            if isinstance(stream, pikepdf.Stream):
                if key == "/FontFile3" and str(stream.get("/Subtype", "")) != "/OpenType":
                    break
                return stream.read_bytes()
        raise BulletinError(_("The font {name} is not embedded in the PDF as TrueType or OpenType, "
                              "so the OFD edition cannot embed it").format(name=self.basefont or "?"),
                            hint=_("Use a TrueType or OpenType font in the theme."))


def _texts(font: pikepdf.Dictionary, cid_keyed: bool) -> dict[int, str]:
    stream = font.get("/ToUnicode")
    if isinstance(stream, pikepdf.Stream):
        return to_unicode(stream.read_bytes())
    return {} if cid_keyed else _simple_text(font)


def read_font(font: pikepdf.Dictionary) -> PdfFont:
    """The PdfFont of a /Font dictionary; a BulletinError for what the OFD edition cannot carry."""
    name = str(font.get("/BaseFont", ""))[1:]
    if str(font.get("/Subtype", "")) == "/Type0":
        encoding = str(font.get("/Encoding", ""))
        if encoding not in ("/Identity-H", "/Identity"):
            raise BulletinError(_("The font {name} uses the encoding {encoding}, which the OFD edition "
                                  "cannot carry yet").format(name=name or "?", encoding=encoding.lstrip("/")))
        descendant = (font.get("/DescendantFonts") or [None])[0]
        if not isinstance(descendant, pikepdf.Dictionary):
            raise BulletinError(_("The font {name} in the PDF is damaged").format(name=name or "?"))
        desc = descendant.get("/FontDescriptor")
        return PdfFont(name, True, int(_number(desc.get("/Flags", 0))) if desc else 0, desc,
                       _cid_widths(descendant.get("/W")), _number(descendant.get("/DW", 1000), 1000),
                       _texts(font, True))
    first = int(_number(font.get("/FirstChar", 0)))
    widths = {first + n: _number(w) for n, w in enumerate(font.get("/Widths") or [])}
    matrix = font.get("/FontMatrix")
    scale = _number(matrix[0], 0.001) * 1000 if matrix is not None and len(matrix) else 1.0
    desc = font.get("/FontDescriptor")
    missing = _number(desc.get("/MissingWidth", 0)) if desc else 0.0
    return PdfFont(name, False, int(_number(desc.get("/Flags", 0))) if desc else 0, desc, widths, missing,
                   _texts(font, False), scale)
