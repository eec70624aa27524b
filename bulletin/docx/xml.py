"""Small WordprocessingML builders that python-docx has no API for.

East Asian font names (w:eastAsia), paragraph borders and fields are set
on the XML itself, in the order the schema requires.
"""
from __future__ import annotations

from copy import deepcopy

from docx.oxml import OxmlElement
from docx.oxml.ns import qn


def el(tag: str, children=(), **attrs) -> OxmlElement:
    """<w:tag w:key="value" ...>children</w:tag>; attribute names without the w: prefix."""
    node = OxmlElement(tag)
    for key, value in attrs.items():
        node.set(qn(f"w:{key}"), str(value))
    for child in children:
        node.append(child)
    return node


# The order of the children of w:pPr and w:rPr that the schema requires (a subset).
_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
              "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
              "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
              "sectPr", "pPrChange")
_RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
              "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
              "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
              "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")


def put(parent, child, order) -> None:
    """Add or replace `child` in `parent` at the place the schema wants it."""
    name = child.tag.split("}")[1]
    for old in parent.findall(child.tag):
        parent.remove(old)
    rank = order.index(name)
    for i, sibling in enumerate(parent):
        sib = sibling.tag.split("}")[1]
        if sib in order and order.index(sib) > rank:
            parent.insert(i, child)
            return
    parent.append(child)


def put_p(ppr, child) -> None:
    put(ppr, child, _PPR_ORDER)


def put_r(rpr, child) -> None:
    put(rpr, child, _RPR_ORDER)


def fonts(face: str, latin: str | None = None) -> OxmlElement:
    """w:rFonts naming `face` for East Asian text and `latin` (default: the same face) for the rest."""
    latin = latin or face
    return el("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=face, cs=latin)


def border(side: str, size_eighths: int, color: str = "000000", space: int = 1) -> OxmlElement:
    return el(f"w:{side}", val="single", sz=size_eighths, space=space, color=color)


def field(paragraph, instruction: str, shown: str, rpr=None, dirty: bool = False) -> None:
    """A complex field (PAGE, PAGEREF ...) with `shown` as its last computed result."""
    def run(*children):
        r = el("w:r")
        if rpr is not None:
            r.append(deepcopy(rpr))
        for c in children:
            r.append(c)
        paragraph._p.append(r)

    begin = el("w:fldChar", fldCharType="begin", **({"dirty": "true"} if dirty else {}))
    run(begin)
    instr = el("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    run(instr)
    run(el("w:fldChar", fldCharType="separate"))
    text = el("w:t")
    text.text = shown
    run(text)
    run(el("w:fldChar", fldCharType="end"))


def _copy(node):
    from copy import deepcopy
    return deepcopy(node)
