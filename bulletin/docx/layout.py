"""The page, the grid, the fonts and the paragraph styles of the DOCX edition.

GB/T 9704-2012: A4, margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm
right (a 156 × 225 mm type area) and a grid of 22 lines of 28 characters
of 3号 (16 pt) 仿宋.  Word gets the grid from w:docGrid, whose character
pitch is the default font size plus w:charSpace/4096 pt.  The PDF reaches
the same grid with CSS (see themes/redhead/print.css and the research note
on the format).

The styles mirror themes/redhead/bulletin.css: each CSS rule of the PDF is
one named paragraph style here, so that an office that edits the DOCX in
Word keeps the look with the style gallery.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn

from .. import fonts as theme_fonts
from .xml import border, el, fonts, put_p, put_r

TWIPS_PER_MM = 1440 / 25.4
PAGE = (11906, 16838)                  # A4 in twentieths of a point
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES, CHARS = 22, 28
BODY_PT = 16                           # 3号
RED = "FF0000"                         # the red of Word's 红头 templates (the PDF: CMYK 0/80/80/0)
NAVY = "1F2A44"                        # the title of English editions, as in print.css


def _twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


MARGIN = {side: _twips(mm) for side, mm in MARGINS_MM.items()}
TEXT_WIDTH = PAGE[0] - MARGIN["left"] - MARGIN["right"]
TEXT_HEIGHT = PAGE[1] - MARGIN["top"] - MARGIN["bottom"]
LINE_PITCH = TEXT_HEIGHT // LINES      # 579 twips = 28.95 pt: 22 lines fit
# Rounded down, so that 28 characters fit: Word counts floor(width / pitch).
CHAR_SPACE = math.floor((TEXT_WIDTH / 20 / CHARS - BODY_PT) * 4096)
CHAR = round((BODY_PT + CHAR_SPACE / 4096) * 20)  # one grid character in twips, for indents


def _fallback(role: str) -> tuple[str, ...]:
    """The free faces the PDF falls back to for a role of bulletin/fonts.py, in order."""
    return next(free for name, _, free, _ in theme_fonts.ROLES if name.endswith(role))


# name written in w:eastAsia -> the other names of the face and the free face the PDF uses,
# written as the font table's comma-separated w:altName; (w:family, w:pitch) help Word choose a
# substitute of the same kind when none is installed.
FACES = {
    "仿宋_GB2312": (("仿宋", "FangSong", *_fallback("仿宋")), "modern", "fixed"),
    "方正小标宋简体": (("FZXiaoBiaoSong-B05S", "Noto Serif CJK SC Black", *_fallback("宋体")), "roman", "variable"),
    "黑体": (("SimHei", *_fallback("黑体")), "modern", "fixed"),
    "楷体": (("KaiTi", "楷体_GB2312", *_fallback("楷体")), "modern", "fixed"),
    "宋体": (("SimSun", *_fallback("宋体")), "roman", "variable"),
    "Noto Serif": (("DejaVu Serif",), "roman", "variable"),
    "Noto Sans Mono CJK SC": (("DejaVu Sans Mono",), "modern", "fixed"),
}
BODY, TITLE, HEI, KAI, SONG, LATIN, MONO = FACES


@dataclass(frozen=True)
class Style:
    id: str
    face: str = BODY
    size: float = BODY_PT
    bold: bool = False
    color: str | None = None
    tracking: float = 0          # letter spacing in points
    jc: str = "both"
    first: int = 0               # first-line indent in characters (negative: hanging)
    left: int = 0
    right: int = 0
    before: float = 0            # space before and after, in points
    after: float = 0
    line: float | None = None    # an exact line height in points, off the grid
    keep: bool = False           # keep with the next paragraph
    outline: int | None = None   # level in Word's navigation pane
    grid: bool = True            # on the document grid (else off it, with the style's own line height)


def styles(language: str) -> tuple[Style, ...]:
    indent = 0 if language == "en" else 2
    return (
        Style("BulletinBody", first=indent, after=0 if indent else 0.6 * BODY_PT),
        Style("BulletinClassification", face=HEI, jc="left"),
        Style("BulletinTitle", grid=False, face=TITLE, size=42, color=NAVY if language == "en" else RED,
              tracking=0 if language == "en" else 42 * 0.08, jc="center"),
        Style("BulletinTitleSmall", grid=False, face=TITLE, size=26, color=NAVY if language == "en" else RED,
              tracking=0 if language == "en" else 26 * 0.04, jc="center"),
        Style("BulletinPeriod", jc="center", before=0.6 * BODY_PT, after=0.4 * BODY_PT),
        Style("BulletinIssuer", grid=False, size=14, jc="left", left=1, right=1, after=4 / 25.4 * 72),
        Style("BulletinContentsHeading", face=HEI, jc="center", before=0.8 * BODY_PT, after=0.3 * BODY_PT,
              keep=True),
        Style("BulletinContentsEntry", jc="left", left=2),
        Style("BulletinArticleTitle", grid=False, face=SONG, size=18, bold=True, jc="center", before=1.2 * 18,
              after=0.8 * 18, keep=True, outline=0),
        Style("BulletinHeading3", face=HEI, first=indent, before=0.6 * BODY_PT, after=0.3 * BODY_PT,
              keep=True, outline=1),
        Style("BulletinHeading4", face=KAI, first=indent, keep=True, outline=2),
        Style("BulletinHeading5", bold=True, first=indent, keep=True, outline=3),
        Style("BulletinNote", face=KAI, first=indent),
        Style("BulletinQuote", face=KAI, first=indent, left=2, right=2),
        Style("BulletinListItem", first=-2, left=4),
        Style("BulletinCode", face=MONO, size=14, jc="left", line=21),
        Style("BulletinTableCaption", face=HEI, size=14, jc="center", before=0.5 * BODY_PT, keep=True),
        Style("BulletinTableText", size=14, jc="center", line=21),
        Style("BulletinFigure", grid=False, jc="center", before=0.5 * BODY_PT, keep=True),
        Style("BulletinFigureCaption", face=KAI, size=14, jc="center", after=0.5 * BODY_PT, line=14 * 1.6),
        Style("BulletinFootnote", size=12, jc="both", first=-2, left=2, line=12 * 1.6),
        Style("BulletinDistribution", size=14, jc="left", first=-3, left=4, right=1, line=14 * 1.6),
        Style("BulletinImprint", size=14, jc="left", left=1, right=1, line=14 * 1.6),
        Style("BulletinPageNumber", face=SONG, size=14, jc="right", line=14 * 1.3),
    )


def setup(document, language: str) -> None:
    """Page, grid, settings, defaults, styles and font table of a new python-docx Document."""
    _page(document.sections[0])
    _settings(document.settings.element)
    _defaults(document.styles.element, language)
    for style in styles(language):
        _add_style(document.styles, style, language)
    _font_table(document)


def _page(section) -> None:
    sect = section._sectPr
    sect.append(el("w:pgSz", w=PAGE[0], h=PAGE[1])) if sect.find(qn("w:pgSz")) is None else None
    section.page_width, section.page_height = _emu(PAGE[0]), _emu(PAGE[1])
    section.top_margin, section.bottom_margin = _emu(MARGIN["top"]), _emu(MARGIN["bottom"])
    section.left_margin, section.right_margin = _emu(MARGIN["left"]), _emu(MARGIN["right"])
    section.header_distance = _emu(_twips(15))
    # the page number's em-box top 7 mm below the type area (GB/T 9704 7.5)
    section.footer_distance = _emu(_twips(MARGINS_MM["bottom"] - 7) - round(14 * 1.3 * 20))
    section.gutter = 0
    for grid in sect.findall(qn("w:docGrid")):
        sect.remove(grid)
    sect.append(el("w:docGrid", type="linesAndChars", linePitch=LINE_PITCH, charSpace=CHAR_SPACE))


def _emu(twips: int) -> int:
    return twips * 635


def _settings(settings) -> None:
    """Odd and even footers; no spelling marks; Chinese punctuation rules; no rsids or thumbnails."""
    for name in ("rsids", "savePreviewPicture", "attachedTemplate", "themeFontLang"):
        for node in settings.findall(qn(f"w:{name}")):
            settings.remove(node)
    settings.insert(0, el("w:evenAndOddHeaders"))
    lang = el("w:themeFontLang", val="en-US", eastAsia="zh-CN")
    settings.find(qn("w:compat")).addprevious(lang)


def _defaults(styles_el, language: str) -> None:
    """docDefaults with named fonts, not theme fonts: a theme font would win over them."""
    defaults = styles_el.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rpr.clear()
    latin = LATIN if language == "en" else BODY
    put_r(rpr, fonts(BODY, latin))
    put_r(rpr, el("w:sz", val=BODY_PT * 2))
    put_r(rpr, el("w:szCs", val=BODY_PT * 2))
    put_r(rpr, el("w:kern", val=0))
    put_r(rpr, el("w:lang", val="en-US" if language == "en" else "zh-CN", eastAsia="zh-CN", bidi="ar-SA"))
    ppr_default = defaults.find(qn("w:pPrDefault"))
    ppr = ppr_default.find(qn("w:pPr")) if ppr_default is not None else None
    if ppr is not None:
        ppr.clear()
        put_p(ppr, el("w:widowControl", val=0))  # every line of the grid is used, as in the PDF
        put_p(ppr, el("w:spacing", before=0, after=0, line=240, lineRule="auto"))
    # The grid's character pitch counts from the Normal style's East Asian size (LibreOffice
    # reads it there, and takes 12 pt when it is missing), so Normal says 16 pt too.
    normal = styles_el.find(qn("w:style") + "[@" + qn("w:styleId") + "='Normal']")
    for node in list(normal):
        if node.tag in (qn("w:rPr"), qn("w:pPr")):
            normal.remove(node)
    normal.append(el("w:rPr", [fonts(BODY, latin), el("w:sz", val=BODY_PT * 2), el("w:szCs", val=BODY_PT * 2)]))


def _add_style(styles_obj, s: Style, language: str) -> None:
    style = styles_obj.add_style(s.id, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles_obj["Normal"]
    style.quick_style = True
    node = style.element
    ppr = node.get_or_add_pPr()
    if s.keep:
        put_p(ppr, el("w:keepNext"))
    # no punctuation hanging past the margin: the PDF keeps every mark inside the line
    put_p(ppr, el("w:overflowPunct", val=0))
    if s.line is not None or not s.grid:
        put_p(ppr, el("w:snapToGrid", val=0))
    spacing = {"before": round(s.before * 20), "after": round(s.after * 20)}
    spacing.update({"line": round(s.line * 20), "lineRule": "exact"} if s.line else {"line": 240, "lineRule": "auto"})
    put_p(ppr, el("w:spacing", **spacing))
    put_p(ppr, _indent(s))
    put_p(ppr, el("w:jc", val=s.jc))
    if s.outline is not None:
        put_p(ppr, el("w:outlineLvl", val=s.outline))
    rpr = node.get_or_add_rPr()
    # English editions set Latin text in Noto Serif, as .lang-en does in the PDF
    latin = LATIN if language == "en" and s.face in (BODY, TITLE, SONG) else s.face
    put_r(rpr, fonts(s.face, latin))
    if s.bold:
        put_r(rpr, el("w:b"))
        put_r(rpr, el("w:bCs"))
    if s.color:
        put_r(rpr, el("w:color", val=s.color))
    if s.tracking:
        put_r(rpr, el("w:spacing", val=round(s.tracking * 20)))
    if s.grid and s.line is None:
        # 98 % wide: a 16 pt character then fits the 15.79 pt pitch in LibreOffice and WPS, which
        # otherwise give it two cells of the grid; Word puts it on the grid's pitch either way.
        put_r(rpr, el("w:w", val=98))
    put_r(rpr, el("w:sz", val=round(s.size * 2)))
    put_r(rpr, el("w:szCs", val=round(s.size * 2)))
    if s.id == "BulletinIssuer":
        _issuer(ppr)


def _indent(s: Style):
    """Indents in grid characters (Word) and in twips (for readers that ignore the character units)."""
    attrs = {"left": s.left * CHAR, "leftChars": s.left * 100, "right": s.right * CHAR,
             "rightChars": s.right * 100}
    if s.first > 0:
        attrs.update(firstLine=s.first * CHAR, firstLineChars=s.first * 100)
    elif s.first < 0:
        attrs.update(hanging=-s.first * CHAR, hangingChars=-s.first * 100)
    else:
        attrs.update(firstLine=0, firstLineChars=0)
    return el("w:ind", **attrs)


def _issuer(ppr) -> None:
    """Publisher left, date on a right tab; the red rule (1.5 pt) under them, as the masthead's border."""
    put_p(ppr, el("w:pBdr", [border("bottom", 12, RED, space=1)]))
    put_p(ppr, el("w:tabs", [el("w:tab", val="right", pos=TEXT_WIDTH - 2 * CHAR)]))


def _font_table(document) -> None:
    """The fonts named in the styles, with their alternative names, in word/fontTable.xml."""
    from lxml import etree

    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))
    root = etree.fromstring(part.blob)
    for old in root.findall(qn("w:font")):
        root.remove(old)
    for name, (alternatives, family, pitch) in FACES.items():
        font = el("w:font", [el("w:altName", val=",".join(alternatives)),
                             el("w:charset", val="00" if name in (LATIN,) else "86"),
                             el("w:family", val=family), el("w:pitch", val=pitch)], name=name)
        root.append(font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
