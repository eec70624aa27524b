"""Inline HTML (em, strong, s, code, a, sup, span.note-label, br, img) as w:r runs.

Whitespace follows what the PDF shows: runs of spaces and line breaks count
as one space, none at the ends of a paragraph, and a line break between two
Chinese characters counts as nothing (CSS Text 3's segment-break rule).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from .layout import HEI, MONO
from .tree import Node
from .xml import el, fonts, put_r

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_SPACE = re.compile(r"[ \t\r\n\f]+")


@dataclass(frozen=True)
class Format:
    bold: bool = False
    italic: bool = False
    strike: bool = False
    sup: bool = False
    face: str | None = None
    size: float | None = None            # points, when not the paragraph style's
    link: tuple[str, str] | None = None  # ("anchor", bookmark) or ("url", address)


@dataclass
class Piece:
    kind: str            # "text", "break", "image", "tab"
    value: object
    fmt: Format


def collect(node: Node, fmt: Format = Format(), out: list[Piece] | None = None) -> list[Piece]:
    """The inline content of `node` as a flat list of pieces, each with its format."""
    out = [] if out is None else out
    for child in node.children:
        if isinstance(child, str):
            out.append(Piece("text", child, fmt))
        elif child.tag == "br":
            out.append(Piece("break", None, fmt))
        elif child.tag == "img":
            out.append(Piece("image", child, fmt))
        else:
            collect(child, _format(child, fmt), out)
    return out


def _format(node: Node, fmt: Format) -> Format:
    tag = node.tag
    if tag in ("em", "i"):
        return replace(fmt, italic=True)
    if tag in ("strong", "b"):
        return replace(fmt, bold=True)
    if tag in ("s", "del"):
        return replace(fmt, strike=True)
    if tag == "code":
        return replace(fmt, face=MONO)
    if tag == "sup":
        return replace(fmt, sup=True)
    if tag == "span" and "note-label" in node.classes():
        return replace(fmt, face=HEI)
    if tag == "a":
        href = node.attrs.get("href", "")
        if href.startswith("#"):
            return replace(fmt, link=("anchor", "_" + href[1:]))
        if href:
            return replace(fmt, link=("url", href))
    return fmt


def normalise(pieces: list[Piece]) -> list[Piece]:
    """Collapse whitespace across the pieces of one paragraph, as a browser lays it out."""
    out: list[Piece] = []
    last = ""            # the last character set, "" at the start of a line
    pending = None       # the whitespace waiting for the next character, or None
    for piece in pieces:
        if piece.kind != "text":
            pending = None if piece.kind == "break" else pending
            if piece.kind == "image" and pending is not None and last:
                out.append(Piece("text", " ", piece.fmt))
            pending = None
            last = "" if piece.kind == "break" else "\ufffc"
            out.append(piece)
            continue
        chars = []
        for ch in piece.value:
            if _SPACE.match(ch):
                pending = (pending or "") + ch
                continue
            if pending is not None and last and not ("\n" in pending and _CJK.match(last) and _CJK.match(ch)):
                chars.append(" ")
            pending, last = None, ch
            chars.append(ch)
        if chars:
            out.append(Piece("text", "".join(chars), piece.fmt))
    return out


def runs(target, pieces: list[Piece], style_fmt: Format, writer) -> None:
    """Append the pieces to `target` (a w:p or a w:hyperlink) as runs; links become w:hyperlink."""
    for link, group in _by_link(pieces):
        into = target
        if link is not None:
            kind, where = link
            into = el("w:hyperlink", history="1")
            if kind == "anchor":
                into.set(qn("w:anchor"), where)
            else:
                into.set(qn("r:id"), writer.part.relate_to(where, RT.HYPERLINK, is_external=True))
            target.append(into)
        for piece in group:
            into.append(_run(piece, writer))


def _by_link(pieces):
    group, link = [], None
    for piece in pieces:
        if piece.fmt.link != link and group:
            yield link, group
            group = []
        link = piece.fmt.link
        group.append(piece)
    if group:
        yield link, group


def _run(piece: Piece, writer):
    r = el("w:r")
    rpr = run_properties(piece.fmt)
    if len(rpr):
        r.append(rpr)
    if piece.kind == "text":
        for i, part in enumerate(piece.value.split("\t")):
            if i:
                r.append(el("w:tab"))
            if part:
                t = el("w:t")
                t.text = part
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                r.append(t)
    elif piece.kind == "break":
        r.append(el("w:br"))
    elif piece.kind == "image":
        writer.inline_image(r, piece.value)
    return r


def run_properties(fmt: Format):
    rpr = el("w:rPr")
    if fmt.face:
        put_r(rpr, fonts(fmt.face))
    if fmt.bold:
        put_r(rpr, el("w:b"))
        put_r(rpr, el("w:bCs"))
    if fmt.italic:
        put_r(rpr, el("w:i"))
        put_r(rpr, el("w:iCs"))
    if fmt.strike:
        put_r(rpr, el("w:strike"))
    if fmt.size:
        put_r(rpr, el("w:sz", val=round(fmt.size * 2)))
        put_r(rpr, el("w:szCs", val=round(fmt.size * 2)))
    if fmt.sup:
        put_r(rpr, el("w:vertAlign", val="superscript"))
    return rpr
