"""What python-docx has no API for: styles resolved by hand, outline levels, numbering.

WPS often writes paragraphs whose style ids (`1`, `2`...) have no definition
and marks headings only with `w:outlineLvl`; python-docx would silently
give such a paragraph the Normal style.  Here every property is looked up
on the paragraph, then along its style's `basedOn` chain, then in the
document defaults, and an undefined style simply contributes nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from docx.oxml.ns import nsmap, qn

NS = {**nsmap, "v": "urn:schemas-microsoft-com:vml", "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
      "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
      "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
      "c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
R_EMBED, R_LINK, R_ID = (f"{{{NS['r']}}}{n}" for n in ("embed", "link", "id"))
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
_TITLE_NAMES = {"title", "标题"}
_OFF = {"0", "false", "off", "none"}


def w(tag: str) -> str:
    return qn(f"w:{tag}")


def val(el, default=None):
    """The w:val of `el` (None when `el` is None)."""
    return default if el is None else el.get(w("val"), default)


def number(text, default=None, most: int = 10**6):
    """An integer attribute; `default` for anything but plain ASCII digits, at most `most`."""
    if not text or not re.fullmatch(r"[0-9]{1,7}", text):
        return default
    return min(int(text), most)


def toggle(el) -> bool | None:
    """An on/off property (w:b, w:i): None when absent."""
    return None if el is None else val(el, "1").lower() not in _OFF


@dataclass
class Style:
    name: str = ""
    based_on: str | None = None
    outline: int | None = None       # w:outlineLvl, 0-based; 9 means body text
    jc: str | None = None
    bold: bool | None = None
    italic: bool | None = None
    size: int | None = None          # half-points
    font: str | None = None          # the East Asian face
    num: tuple[str, int] | None = None


def run_props(rpr, style: Style) -> Style:
    """Fill `style`'s character properties from a w:rPr (direct children only, so a
    w:rPrChange, the formatting before a tracked change, is not read)."""
    if rpr is None:
        return style
    style.bold = toggle(rpr.find(w("b")))
    style.italic = toggle(rpr.find(w("i")))
    sz = val(rpr.find(w("sz")))
    style.size = number(sz)
    fonts = rpr.find(w("rFonts"))
    if fonts is not None:
        style.font = fonts.get(w("eastAsia")) or fonts.get(w("ascii"))
    return style


def para_props(ppr, style: Style) -> Style:
    if ppr is None:
        return style
    outline = val(ppr.find(w("outlineLvl")))
    style.outline = number(outline, most=9)
    style.jc = val(ppr.find(w("jc")))
    num = ppr.find(w("numPr"))
    if num is not None:
        num_id = val(num.find(w("numId")))
        level = val(num.find(w("ilvl")), "0")
        style.num = (num_id, number(level, 0, most=9)) if num_id else None
    return style


@dataclass
class Styles:
    """The styles part, resolved: `get(id, prop)` walks the basedOn chain."""

    table: dict[str, Style] = field(default_factory=dict)
    defaults: Style = field(default_factory=Style)
    default_para: str | None = None

    @classmethod
    def read(cls, element) -> "Styles":
        styles = cls()
        if element is None:
            return styles
        rdef = element.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
        run_props(rdef, styles.defaults)
        for el in element.iterfind(w("style")):
            sid = el.get(w("styleId"))
            if not sid:
                continue
            style = Style(name=val(el.find(w("name")), ""), based_on=val(el.find(w("basedOn"))))
            para_props(el.find(w("pPr")), style)
            run_props(el.find(w("rPr")), style)
            styles.table[sid] = style
            if el.get(w("type")) == "paragraph" and (el.get(w("default")) or "").lower() in ("1", "true", "on"):
                styles.default_para = sid
        return styles

    def get(self, sid: str | None, prop: str):
        """A property of style `sid`, inherited along basedOn; None if no style sets it."""
        seen = set()
        while sid and sid not in seen and sid in self.table:
            seen.add(sid)
            value = getattr(self.table[sid], prop)
            if value is not None:
                return value
            sid = self.table[sid].based_on
        return None

    def names(self, sid: str | None) -> list[str]:
        seen, out = set(), []
        while sid and sid not in seen and sid in self.table:
            seen.add(sid)
            out.append(self.table[sid].name.strip().lower())
            sid = self.table[sid].based_on
        return out

    def heading_level(self, sid: str | None) -> int | None:
        """1 for `heading 1` / `标题 1` or a style with outline level 0; None for body text."""
        for name in self.names(sid)[:1]:
            m = _HEADING_NAME.match(name)
            if m:
                return int(m.group(1))
        outline = self.get(sid, "outline")
        return outline + 1 if outline is not None and outline < 9 else None

    def is_title(self, sid: str | None) -> bool:
        names = self.names(sid)
        return bool(names) and names[0] in _TITLE_NAMES or (sid or "").lower() == "title"

    def is_toc(self, sid: str | None) -> bool:
        return any(n.startswith("toc") or n.startswith("目录") for n in self.names(sid)[:1])


# Numbering: Word's automatic numbers are not in the text; they are written out
# here so that 一、 and （一） typed by Word read like those typed by hand.
_CN = "零一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def chinese(n: int) -> str:
    if n < 10:
        return _CN[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def number_text(n: int, fmt: str) -> str:
    if fmt.startswith(("chineseCounting", "japaneseCounting", "taiwaneseCounting", "ideographDigital")):
        return chinese(n)
    if fmt in ("ideographTraditional",) and 1 <= n <= 10:
        return _STEMS[n - 1]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt in ("lowerLetter", "upperLetter") and n >= 1:
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and n >= 1:
        return _roman(n).upper() if fmt == "upperRoman" else _roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    return str(n)


@dataclass
class Level:
    start: int
    fmt: str
    text: str


class Numbering:
    """Counters of the automatic numbers, advanced paragraph by paragraph in document order."""

    def __init__(self, element):
        self.levels: dict[str, dict[int, Level]] = {}
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[str, list[int]] = {}
        if element is None:
            return
        abstract: dict[str, dict[int, Level]] = {}
        for a in element.iterfind(w("abstractNum")):
            abstract[a.get(w("abstractNumId"))] = {
                number(lvl.get(w("ilvl"), "0"), 0, most=9): Level(number(val(lvl.find(w("start"))), 1, most=1000),
                                                     val(lvl.find(w("numFmt")), "decimal"),
                                                     val(lvl.find(w("lvlText")), ""))
                for lvl in a.iterfind(w("lvl"))}
        for num in element.iterfind(w("num")):
            aid = val(num.find(w("abstractNumId")))
            self.abstract_of[num.get(w("numId"))] = aid
            self.levels[num.get(w("numId"))] = dict(abstract.get(aid, {}))

    def next(self, num: tuple[str, int] | None) -> tuple[str, bool]:
        """(the label, whether it is a bullet) of the next paragraph numbered `num`; ("", False) for none."""
        if not num or num[0] in (None, "0") or num[0] not in self.levels:
            return "", False
        levels = self.levels[num[0]]
        ilvl = num[1]
        if ilvl not in levels:
            return "", False
        if levels[ilvl].fmt == "bullet":
            return "", True
        key = self.abstract_of.get(num[0]) or num[0]
        counts = self.counters.setdefault(key, [0] * 10)
        ilvl = min(ilvl, 9)
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else levels[ilvl].start
        for deeper in range(ilvl + 1, 10):
            counts[deeper] = 0
        if levels[ilvl].fmt == "none":
            return "", False

        def fill(m):
            k = int(m.group(1)) - 1
            lvl = levels.get(k)
            n = counts[k] or (lvl.start if lvl else 1)
            return number_text(n, lvl.fmt if lvl else "decimal")
        return re.sub(r"%(\d)", fill, levels[ilvl].text), False
