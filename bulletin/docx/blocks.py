"""Block HTML (p, h3-h6, lists, quotes, notes, code, tables, figures, footnotes) as Word paragraphs."""
from __future__ import annotations

import io
from dataclasses import dataclass, replace

from docx.oxml.ns import qn
from docx.shared import Emu

from ..errors import BulletinError, Location
from ..i18n import _
from ..markdown import ASSET_SCHEME
from ..model import Asset
from . import inline, tables
from .layout import CHAR, TEXT_WIDTH
from .tree import Node
from .xml import border, el, put_p

HEADINGS = {"h1": "BulletinHeading3", "h2": "BulletinHeading3", "h3": "BulletinHeading3",
            "h4": "BulletinHeading4", "h5": "BulletinHeading5", "h6": "BulletinHeading5"}
MAX_IMAGE_HEIGHT_TWIPS = round(120 * 1440 / 25.4)   # .figure img { max-height: 120mm }
WORD_IMAGES = {"PNG", "JPEG", "GIF"}                # others are converted to PNG


@dataclass(frozen=True)
class Context:
    style: str = "BulletinBody"   # the style of a plain paragraph here
    depth: int = 0                # list nesting


class Writer:
    """Writes the blocks of the edition, in order, at the end of the document's body."""

    def __init__(self, document, assets: tuple[Asset, ...], source):
        self.document = document
        self.part = document.part
        self.assets = {a.name: a for a in assets}
        self.source = source      # the issue file, for errors
        self.bookmarks = 0

    # -- paragraphs ------------------------------------------------------------------

    def paragraph(self, style: str, pieces=(), anchor: str | None = None):
        para = self.document.add_paragraph(style=style)
        if pieces:
            inline.runs(para._p, inline.normalise(list(pieces)), inline.Format(), self)
        if anchor:
            self.bookmark(para, anchor)
        return para

    def bookmark(self, para, name: str) -> None:
        self.bookmarks += 1
        p = para._p
        start = el("w:bookmarkStart", id=self.bookmarks, name=name)
        ppr = p.find(qn("w:pPr"))
        (ppr.addnext(start) if ppr is not None else p.insert(0, start))
        p.append(el("w:bookmarkEnd", id=self.bookmarks))

    def text(self, style: str, text: str, anchor: str | None = None):
        return self.paragraph(style, [inline.Piece("text", text, inline.Format())], anchor)

    # -- blocks ----------------------------------------------------------------------

    def blocks(self, node: Node, ctx: Context = Context()) -> None:
        loose: list = []          # inline content outside any block (an li without <p>)
        for child in node.children:
            if isinstance(child, Node) and child.tag in _BLOCKS:
                self._flush(loose, ctx)
                _BLOCKS[child.tag](self, child, ctx)
            else:
                loose.append(child)
        self._flush(loose, ctx)

    def _flush(self, loose: list, ctx: Context) -> None:
        holder = Node("span", children=list(loose))
        loose.clear()
        pieces = inline.normalise(inline.collect(holder))
        if pieces:
            self.paragraph(ctx.style, pieces)

    def p(self, node: Node, ctx: Context) -> None:
        para = self.paragraph(ctx.style, inline.collect(node))
        if ctx.depth:
            _indent(para, ctx.depth)

    def heading(self, node: Node, ctx: Context) -> None:
        anchor = node.attrs.get("id")
        self.paragraph(HEADINGS[node.tag], inline.collect(node), "_" + anchor if anchor else None)

    def lst(self, node: Node, ctx: Context) -> None:
        start = int(node.attrs.get("start", "1") or 1) if node.tag == "ol" else 0
        for i, item in enumerate(n for n in node.elements() if n.tag == "li"):
            marker = f"{start + i}." if node.tag == "ol" else "•"
            self.item(item, marker, replace(ctx, depth=ctx.depth + 1))

    def item(self, item: Node, marker: str, ctx: Context, style: str = "BulletinListItem",
             anchor: str | None = None) -> None:
        """A list item: its marker and first paragraph on a hanging indent, the rest under it."""
        first, rest = _split_item(item)
        pieces = [inline.Piece("text", marker + "\t", inline.Format())] + inline.normalise(inline.collect(first))
        para = self.document.add_paragraph(style=style)
        inline.runs(para._p, pieces, inline.Format(), self)
        if anchor:
            self.bookmark(para, anchor)
        if style == "BulletinListItem":
            _indent(para, ctx.depth, hanging=True)
        self.blocks(rest, replace(ctx, style="BulletinListItem") if style == "BulletinListItem" else
                    replace(ctx, style=style))

    def quote(self, node: Node, ctx: Context) -> None:
        self.blocks(node, replace(ctx, style="BulletinQuote"))

    def aside(self, node: Node, ctx: Context) -> None:
        self.blocks(node, replace(ctx, style="BulletinNote"))

    def pre(self, node: Node, ctx: Context) -> None:
        for line in node.text().rstrip("\n").split("\n"):
            para = self.document.add_paragraph(style="BulletinCode")
            r = para.add_run(line)
            r._r.find(qn("w:t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    def hr(self, node: Node, ctx: Context) -> None:
        para = self.document.add_paragraph(style="BulletinBody")
        ppr = para._p.get_or_add_pPr()
        short = "footnotes-sep" in node.classes()   # .footnotes hr { width: 30% }
        put_p(ppr, el("w:pBdr", [border("bottom", 4)]))
        if short:
            put_p(ppr, el("w:ind", firstLine=0, firstLineChars=0, right=round(TEXT_WIDTH * 0.7)))

    def section(self, node: Node, ctx: Context) -> None:
        if "footnotes" not in node.classes():
            return self.blocks(node, ctx)
        for ol in (n for n in node.elements() if n.tag == "ol"):
            for i, li in enumerate((n for n in ol.elements() if n.tag == "li"), 1):
                anchor = "_" + li.attrs["id"] if li.attrs.get("id") else None
                self.item(li, f"{i}.", ctx, style="BulletinFootnote", anchor=anchor)

    def table(self, node: Node, ctx: Context) -> None:
        tables.write(self, node)

    def figure(self, node: Node, ctx: Context) -> None:
        para = self.document.add_paragraph(style="BulletinFigure")
        for img in _find(node, "img"):
            self.inline_image(para.add_run()._r, img)
        for caption in _find(node, "figcaption"):
            self.paragraph("BulletinFigureCaption", inline.collect(caption))

    # -- images ----------------------------------------------------------------------

    def inline_image(self, r, img: Node) -> None:
        """The image `img` points at, inline in run `r`, at the size the PDF gives it."""
        src = img.attrs.get("src", "")
        data, size = self._image(src)
        width, height = _fit(size)
        inline_el = self.part.new_pic_inline(io.BytesIO(data), Emu(width * 635), Emu(height * 635))
        doc_pr = inline_el.find(qn("wp:docPr"))
        doc_pr.set("descr", img.attrs.get("alt", ""))
        r.add_drawing(inline_el)

    def _image(self, src: str) -> tuple[bytes, tuple[int, int]]:
        from PIL import Image  # Pillow comes with WeasyPrint

        asset = self.assets.get(src[len(ASSET_SCHEME):]) if src.startswith(ASSET_SCHEME) else None
        where = Location(self.source)
        if asset is None:
            raise BulletinError(_("the DOCX edition cannot find the image '{src}'").format(src=src), where,
                                _("build the edition again; if this stays, report it"))
        if asset.source.suffix.lower() == ".svg":
            raise BulletinError(_("the DOCX edition cannot show the SVG image '{name}'").format(
                name=asset.source.name), where, _("use a PNG or JPEG picture where a DOCX edition is made"))
        try:
            data = asset.source.read_bytes()
            with Image.open(io.BytesIO(data)) as picture:
                size = picture.size
                if picture.format not in WORD_IMAGES or not _docx_reads(data):
                    # (a file Pillow and browsers forgive, e.g. a chunk of the wrong length, which
                    # python-docx's own parser does not: written again, whole)
                    out = io.BytesIO()
                    picture.save(out, "PNG")
                    data = out.getvalue()
        except OSError as exc:
            raise BulletinError(_("the image '{name}' cannot be read: {why}").format(
                name=asset.source.name, why=exc.strerror or exc), where) from None
        return data, size


def _docx_reads(data: bytes) -> bool:
    """Whether python-docx's image parser takes `data` as it is."""
    from docx.image.image import Image as DocxImage

    try:
        DocxImage.from_blob(data)
    except Exception:  # noqa: BLE001 - its parser raises whatever the bytes lead it to
        return False
    return True


def _fit(size: tuple[int, int]) -> tuple[int, int]:
    """Twips: 96 pixels an inch as in the PDF, no wider than the line, no taller than 120 mm."""
    width, height = size[0] * 15, size[1] * 15
    scale = min(1.0, TEXT_WIDTH / max(width, 1), MAX_IMAGE_HEIGHT_TWIPS / max(height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _split_item(item: Node) -> tuple[Node, Node]:
    """(the item's first paragraph, the blocks after it): a loose item's first <p>, or a tight item's text."""
    children = [c for c in item.children if not (isinstance(c, str) and not c.strip())]
    if children and isinstance(children[0], Node) and children[0].tag == "p":
        return children[0], Node("div", children=children[1:])
    cut = next((i for i, c in enumerate(children) if isinstance(c, Node) and c.tag in _BLOCKS), len(children))
    return Node("span", children=children[:cut]), Node("div", children=children[cut:])


def _find(node: Node, tag: str):
    for child in node.elements():
        if child.tag == tag:
            yield child
        else:
            yield from _find(child, tag)


def _indent(para, depth: int, hanging: bool = False) -> None:
    """Lists nest two characters a level, their text four characters in (ul { padding-left: 4em })."""
    left = 4 + 2 * (depth - 1)
    attrs = {"left": left * CHAR, "leftChars": left * 100}
    attrs.update({"hanging": 2 * CHAR, "hangingChars": 200} if hanging else {"firstLine": 0, "firstLineChars": 0})
    put_p(para._p.get_or_add_pPr(), el("w:ind", **attrs))


_BLOCKS = {
    "p": Writer.p, "h1": Writer.heading, "h2": Writer.heading, "h3": Writer.heading, "h4": Writer.heading,
    "h5": Writer.heading, "h6": Writer.heading, "ul": Writer.lst, "ol": Writer.lst,
    "blockquote": Writer.quote, "aside": Writer.aside, "pre": Writer.pre, "hr": Writer.hr,
    "section": Writer.section, "table": Writer.table, "figure": Writer.figure, "div": Writer.blocks,
}
