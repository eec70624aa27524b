"""Markdown tables as Word tables: caption above in 黑体, centred, 0.5 pt rules, header row in 黑体.

Word does not size columns by their content when a table is written, so
each column gets the width of its widest cell (a Chinese character one em,
other characters half an em, at 14 pt), scaled down to the line's width
when the table is wider: the PDF's auto layout does much the same.
"""
from __future__ import annotations

import re
import unicodedata

from docx.oxml.ns import qn

from . import inline
from .layout import HEI, TEXT_WIDTH
from .tree import Node
from .xml import border, el, put_p

CELL_PT = 14
PAD = round(0.5 * CELL_PT * 20)          # th, td { padding: 0.1em 0.5em }
PAD_V = round(0.1 * CELL_PT * 20)
_ALIGN = re.compile(r"text-align:\s*(left|right|center)")
JC = {"left": "left", "right": "right", "center": "center"}


def write(writer, node: Node) -> None:
    rows = [tr for tr in _all(node, "tr")]
    if not rows:
        return
    for caption in (c for c in node.elements() if c.tag == "caption"):
        writer.paragraph("BulletinTableCaption", inline.collect(caption))
    cells = [[c for c in tr.elements() if c.tag in ("th", "td")] for tr in rows]
    ncols = max(len(r) for r in cells)
    widths = _widths(cells, ncols)
    table = writer.document.add_table(rows=len(rows), cols=ncols)
    _table_properties(table, widths)
    for r, (tr, row) in enumerate(zip(rows, cells)):
        header = all(c.tag == "th" for c in row)
        if header:
            trpr = table.rows[r]._tr.get_or_add_trPr()
            trpr.append(el("w:tblHeader"))
        for c in range(ncols):
            cell = table.cell(r, c)
            cell.width = widths[c] * 635
            para = cell.paragraphs[0]
            para.style = writer.document.styles["BulletinTableText"]
            if c < len(row):
                _fill(writer, para, row[c])


def _fill(writer, para, cell: Node) -> None:
    fmt = inline.Format(face=HEI) if cell.tag == "th" else inline.Format()
    pieces = inline.collect(cell, fmt)
    inline.runs(para._p, inline.normalise(pieces), fmt, writer)
    align = _ALIGN.search(cell.attrs.get("style", ""))
    if align:
        put_p(para._p.get_or_add_pPr(), el("w:jc", val=JC[align.group(1)]))


def _table_properties(table, widths: list[int]) -> None:
    tbl = table._tbl
    tblpr = tbl.tblPr
    for tag in ("w:tblStyle", "w:tblW", "w:tblLook", "w:jc", "w:tblBorders", "w:tblLayout", "w:tblCellMar"):
        for old in tblpr.findall(qn(tag)):
            tblpr.remove(old)
    tblpr.append(el("w:tblW", w=sum(widths), type="dxa"))
    tblpr.append(el("w:jc", val="center"))
    tblpr.append(el("w:tblBorders", [border(side, 4, space=0) for side in
                                     ("top", "left", "bottom", "right", "insideH", "insideV")]))
    tblpr.append(el("w:tblLayout", type="fixed"))
    tblpr.append(el("w:tblCellMar", [el("w:top", w=PAD_V, type="dxa"), el("w:left", w=PAD, type="dxa"),
                                     el("w:bottom", w=PAD_V, type="dxa"), el("w:right", w=PAD, type="dxa")]))
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(width))


def _widths(cells: list[list[Node]], ncols: int) -> list[int]:
    """Twips per column: its widest cell plus padding, scaled to fit the line."""
    widest = [1.0] * ncols
    for row in cells:
        for c, cell in enumerate(row):
            widest[c] = max(widest[c], ems(" ".join(cell.text().split())))
    widths = [round(e * CELL_PT * 20) + 2 * PAD + 20 for e in widest]
    total = sum(widths)
    if total > TEXT_WIDTH:
        widths = [w * TEXT_WIDTH // total for w in widths]
    return widths


def ems(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def _all(node: Node, tag: str):
    for child in node.elements():
        if child.tag == tag:
            yield child
        elif child.tag != "table":
            yield from _all(child, tag)
