"""A .docx read into plain blocks: paragraphs of formatted text, tables, pictures, notes.

python-docx opens the package and finds the parts; the paragraphs are
walked as XML because python-docx's runs leave out what sits inside
`w:ins` (tracked insertions), hyperlinks' targets, footnote references,
pictures in `mc:AlternateContent` and text boxes.  Nothing is decided
here about titles or headings: that is compose.py's job.  What cannot be
kept at all (deletions, comments, equations, charts) is said to `notes`.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml

from ..i18n import _
from .locate import Notes
from .ooxml import NS, R_EMBED, R_ID, Numbering, Style, Styles, number, para_props, run_props, toggle, val, w

MAX_PICTURE_BYTES = 20 * 2**20
MAX_COLUMNS = 63                 # Word's own limit
PICTURE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/jpg": ".jpg", "image/gif": ".gif",
                 "image/x-emf": ".emf", "image/emf": ".emf", "image/x-wmf": ".wmf", "image/wmf": ".wmf",
                 "image/bmp": ".bmp", "image/tiff": ".tif", "image/webp": ".webp"}
_MC = f"{{{NS['mc']}}}"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_SKIPPED_NOTES = {"separator", "continuationSeparator", "continuationNotice"}


@dataclass
class Text:
    text: str
    bold: bool = False
    italic: bool = False
    url: str | None = None


@dataclass
class Break:
    """A line break inside a paragraph (Shift+Enter)."""


@dataclass
class NoteRef:
    key: tuple[str, str]  # ("footnote" | "endnote", id)


@dataclass
class Picture:
    data: bytes | None
    ext: str
    description: str = ""
    problem: str = ""     # why it cannot be imported as it is


@dataclass
class Para:
    n: int                       # its number, as reported (0 inside tables and notes)
    items: list
    level: int | None = None     # heading level from the style or the outline level
    title_style: bool = False
    centred: bool = False
    bold: bool = False           # every character bold
    size: int = 0                # the largest character, in half-points
    font: str = ""               # the East Asian face of most characters
    label: str = ""              # Word's automatic number, written out
    bullet: bool = False
    toc: bool = False

    @property
    def text(self) -> str:
        return "".join(i.text if isinstance(i, Text) else "\n" if isinstance(i, Break) else "" for i in self.items)

    @property
    def pictures(self) -> list[Picture]:
        return [i for i in self.items if isinstance(i, Picture)]


@dataclass
class Cell:
    paras: list[Para]
    span: int = 1
    vmerge: str | None = None    # "restart" or "continue" for cells merged down


@dataclass
class Table:
    n: int                       # 1 for the first table
    after: int                   # the number of the paragraph before it
    rows: list[list[Cell]]


@dataclass
class Document:
    blocks: list = field(default_factory=list)
    notes: dict = field(default_factory=dict)    # NoteRef.key -> [Para]
    body_size: int = 0                           # the most common size of the body text
    changes: Counter = field(default_factory=Counter)
    first_change: int = 0


class Reader:
    def __init__(self, docx_document, notes: Notes):
        self.part = self.doc_part = docx_document.part
        self.say = notes
        self.styles = Styles.read(docx_document.styles.element)
        self.numbering = Numbering(self._related_element(RT.NUMBERING))
        self.n = 0
        self.tables = 0
        self.in_table = False
        self.sizes: Counter = Counter()
        self.out = Document()
        self.comment_at: dict[str, tuple[int, Para]] = {}
        self.boxes: list = []                                  # text boxes of the paragraph being read
        self._formats: list[tuple[int, bool, int, str]] = []  # (characters, bold, size, face) of its runs
        self._sid: str | None = None                           # its style

    def read(self, body) -> Document:
        self.out.blocks = self.blocks(body)
        self.out.body_size = self.sizes.most_common(1)[0][0] if self.sizes else 0
        self._comments()
        return self.out

    def _related_element(self, reltype, part=None):
        try:
            related = (part or self.doc_part).part_related_by(reltype)
        except KeyError:
            return None
        element = getattr(related, "element", None)
        return element if element is not None else parse_xml(related.blob)

    # Blocks

    def blocks(self, container) -> list:
        out = []
        for el in container:
            if el.tag == w("p"):
                out.extend(self.paragraph(el))
            elif el.tag == w("tbl"):
                out.append(self.table(el))
            elif el.tag == w("sdt"):
                out.extend(self._content_control(el))
            elif el.tag == w("customXml"):
                out.extend(self.blocks(el))
            elif el.tag == w("altChunk"):
                self.say.paragraph(self.n, "", _("a part embedded from another file was not imported"))
        return out

    def _content_control(self, sdt) -> list:
        gallery = sdt.find(f"{w('sdtPr')}/{w('docPartObj')}/{w('docPartGallery')}")
        content = sdt.find(w("sdtContent"))
        if content is None:
            return []
        if gallery is not None and "table of contents" in (val(gallery) or "").lower():
            self.say.paragraph(self.n + 1, "", _("the file's own table of contents was left out; "
                                                 "the edition makes its contents from the headings"))
            return []
        return self.blocks(content)

    def paragraph(self, p) -> list:
        para = self._para(p)
        if not para.items:
            return []
        if not self.in_table:
            self.n += 1
            para.n = self.n
            self._count_sizes(para)
        out = [para]
        boxes, self.boxes = self.boxes, []
        for box in boxes:
            inside = self.blocks(box)
            if inside:
                self.say.paragraph(para.n, para.text, _("holds a text box; its text follows the paragraph"))
            out.extend(inside)
        return out

    def _para(self, p) -> Para:
        ppr = p.find(w("pPr"))
        direct = para_props(ppr, Style())
        sid = val(ppr.find(w("pStyle"))) if ppr is not None else None
        sid = sid if sid in self.styles.table else self.styles.default_para
        if direct.outline is not None:
            level = direct.outline + 1 if direct.outline < 9 else None
        else:
            level = self.styles.heading_level(sid)
        label, bullet = self.numbering.next(direct.num or self.styles.get(sid, "num"))
        para = Para(0, [], level=level, title_style=self.styles.is_title(sid),
                    centred=(direct.jc or self.styles.get(sid, "jc")) in ("center", "centre"),
                    label=label, bullet=bullet, toc=self.styles.is_toc(sid))
        self._formats = []
        self._sid = sid
        self._inline(p, para, None)
        text_runs = [f for f in self._formats if f[0]]
        if text_runs:
            para.bold = all(f[1] for f in text_runs)
            para.size = max(f[2] for f in text_runs)
            fonts = Counter()
            for chars, _b, _s, font in text_runs:
                fonts[font] += chars
            para.font = fonts.most_common(1)[0][0]
        return para

    def _count_sizes(self, para: Para) -> None:
        if not para.level and not para.title_style:
            for chars, _bold, size, _font in self._formats:
                self.sizes[size] += chars

    # Inline content

    def _inline(self, el, para: Para, url: str | None) -> None:
        for child in el:
            tag = child.tag
            if tag == w("r"):
                self._run(child, para, url)
            elif tag in (w("ins"), w("moveTo")):
                self._change(para, "ins")
                self._inline(child, para, url)
            elif tag in (w("del"), w("moveFrom")):
                self._change(para, "del")
            elif tag == w("hyperlink"):
                self._inline(child, para, self._link(child) or url)
            elif tag in (w("smartTag"), w("customXml"), w("fldSimple"), w("dir"), w("bdo")):
                self._inline(child, para, url)
            elif tag == w("sdt"):
                content = child.find(w("sdtContent"))
                if content is not None:
                    self._inline(content, para, url)
            elif tag in (w("commentRangeStart"), w("commentReference")):
                self.comment_at.setdefault(child.get(w("id")), (self.n + 1, para))
            elif tag == _MC + "AlternateContent":
                choice = self._choice(child)
                if choice is not None:
                    self._inline(choice, para, url)
            elif tag.startswith(f"{{{NS['m']}}}oMath"):
                self.say.paragraph(self.n + 1, para.text, _("holds an equation, which was left out"),
                                   _("type it as text, or paste it as a picture"))

    def _change(self, para: Para, kind: str) -> None:
        self.out.changes[kind] += 1
        self.out.first_change = self.out.first_change or self.n + 1

    @staticmethod
    def _choice(alternate):
        choice = alternate.find(_MC + "Choice")
        return choice if choice is not None else alternate.find(_MC + "Fallback")

    def _link(self, hyperlink) -> str | None:
        rid = hyperlink.get(R_ID)
        rel = self.part.rels.get(rid) if rid else None
        return rel.target_ref if rel is not None and rel.is_external else None

    def _run(self, r, para: Para, url: str | None) -> None:
        bold, italic, size, font = self._run_format(r)
        rpr = r.find(w("rPr"))
        if rpr is not None and toggle(rpr.find(w("vanish"))):
            hidden = "".join(_t(t) for t in r.iter(w("t")))
            if hidden.strip():
                self.say.paragraph(self.n + 1, para.text or hidden, _("has hidden text, left out: {text}")
                                   .format(text=hidden.strip()))
            return
        for child in r:
            tag = child.tag
            if tag == w("t"):
                self._text(para, _t(child), bold, italic, url, size, font)
            elif tag in (w("tab"), w("ptab")):
                self._text(para, " ", bold, italic, url, size, font)
            elif tag in (w("br"), w("cr")):
                if child.get(w("type")) in (None, "textWrapping") and para.items:
                    para.items.append(Break())
            elif tag == w("noBreakHyphen"):
                self._text(para, "-", bold, italic, url, size, font)
            elif tag == w("sym"):
                self._symbol(child, para, bold, italic, url, size, font)
            elif tag in (w("footnoteReference"), w("endnoteReference")):
                kind = "footnote" if tag == w("footnoteReference") else "endnote"
                para.items.append(NoteRef((kind, child.get(w("id")))))
            elif tag in (w("drawing"), w("pict"), w("object")):
                self._graphic(child, para)
            elif tag == _MC + "AlternateContent":
                choice = self._choice(child)
                if choice is not None:
                    self._graphic(choice, para)
            elif tag == w("commentReference"):
                self.comment_at.setdefault(child.get(w("id")), (self.n + 1, para))

    def _text(self, para, text, bold, italic, url, size, font) -> None:
        text = _CONTROL.sub(" ", text)  # a new line inside a w:t would start a Markdown block
        if not text:
            return
        last = para.items[-1] if para.items else None
        if isinstance(last, Text) and (last.bold, last.italic, last.url) == (bold, italic, url):
            last.text += text
        else:
            para.items.append(Text(text, bold, italic, url))
        if text.strip():
            self._formats.append((len(text.strip()), bold, size, font))

    def _symbol(self, sym, para, *fmt) -> None:
        code = sym.get(w("char")) or ""
        try:
            point = int(code, 16)
        except ValueError:
            return
        if 0xF000 <= point <= 0xF0FF:  # a symbol font's private code: its glyph is unknown here
            self.say.paragraph(self.n + 1, para.text, _("holds a symbol from the font {font}, which was left out")
                               .format(font=sym.get(w("font")) or "?"))
            return
        self._text(para, chr(point), *fmt)

    def _run_format(self, r) -> tuple[bool, bool, int, str]:
        rpr = r.find(w("rPr"))
        direct = run_props(rpr, Style())
        rsid = val(rpr.find(w("rStyle"))) if rpr is not None else None

        def pick(prop):
            for value in (getattr(direct, prop), self.styles.get(rsid, prop), self.styles.get(self._sid, prop),
                          getattr(self.styles.defaults, prop)):
                if value is not None:
                    return value
            return None
        return bool(pick("bold")), bool(pick("italic")), pick("size") or 20, pick("font") or ""

    # Pictures, text boxes, charts

    def _graphic(self, el, para: Para) -> None:
        boxes = [b for b in el.iter(w("txbxContent")) if _outermost(b, el)]
        self.boxes.extend(boxes)
        blips = list(el.iter(f"{{{NS['a']}}}blip")) or list(el.iter(f"{{{NS['v']}}}imagedata"))
        described = next((d.get("descr") or d.get("title") or "" for d in el.iter(f"{{{NS['wp']}}}docPr")), "")
        for blip in blips:
            para.items.append(self._picture(blip, described))
        if not blips and not boxes:
            what = _("a chart") if any(True for _c in el.iter(f"{{{NS['c']}}}chart")) else _("a drawn shape")
            self.say.paragraph(self.n + 1, para.text, _("holds {what}, which was left out").format(what=what),
                               _("paste it into the file as a picture (PNG or JPEG) and import it again"))

    def _picture(self, blip, description: str) -> Picture:
        rid = blip.get(R_EMBED) or blip.get(R_ID) or blip.get(f"{{{NS['r']}}}id")
        if not rid:
            return Picture(None, "", description, _("is linked to a file outside the document, not embedded in it"))
        part = self.part.related_parts.get(rid)
        if part is None:
            return Picture(None, "", description, _("is missing from the file"))
        ext = PICTURE_TYPES.get(part.content_type, "")
        if not ext:
            return Picture(None, "", description, _("is of a kind that cannot be imported ({kind})")
                           .format(kind=part.content_type))
        if len(part.blob) > MAX_PICTURE_BYTES:
            return Picture(None, ext, description, _("is larger than {n} MiB").format(n=MAX_PICTURE_BYTES // 2**20))
        return Picture(part.blob, ext, description)

    # Tables

    def table(self, tbl) -> Table:
        self.tables += 1
        table = Table(self.tables, self.n, [])
        outer, self.in_table = self.in_table, True
        try:
            for tr in tbl.iterfind(w("tr")):
                trpr = tr.find(w("trPr"))
                if trpr is not None and trpr.find(w("del")) is not None:
                    self._change(Para(0, []), "del")
                    continue
                before = number(val(trpr.find(w("gridBefore"))), 0, MAX_COLUMNS) if trpr is not None else 0
                row = [Cell([]) for _i in range(before)]
                cells = tr.findall(w("tc")) + tr.findall(f"{w('sdt')}/{w('sdtContent')}/{w('tc')}")
                row.extend(self._cell(tc, table, len(table.rows) + 1) for tc in cells)
                table.rows.append(row)
        finally:
            self.in_table = outer
        return table

    def _cell(self, tc, table: Table, row: int) -> Cell:
        tcpr = tc.find(w("tcPr"))
        span, vmerge = 1, None
        if tcpr is not None:
            span = max(1, number(val(tcpr.find(w("gridSpan"))), 1, MAX_COLUMNS))
            vm = tcpr.find(w("vMerge"))
            vmerge = None if vm is None else val(vm, "continue")
        paras = []
        for child in tc:
            if child.tag == w("p"):
                paras.extend(self.paragraph(child))
            elif child.tag == w("tbl"):
                self.say.table(table.n, _("row {r} holds a table inside a cell; its text was put in the cell")
                               .format(r=row))
                paras.extend(p for r in self.table(child).rows for c in r for p in c.paras)
                self.tables -= 1
        return Cell(paras, span, vmerge)

    # Notes and comments

    def read_notes(self, keys: list[tuple[str, str]]) -> None:
        """The text of the footnotes and endnotes referred to, read from their own parts."""
        for kind, reltype in (("footnote", RT.FOOTNOTES), ("endnote", RT.ENDNOTES)):
            wanted = {k[1] for k in keys if k[0] == kind}
            if not wanted:
                continue
            try:
                part = self.doc_part.part_related_by(reltype)
            except KeyError:
                continue
            element = getattr(part, "element", None)
            element = element if element is not None else parse_xml(part.blob)
            self.part, outer = part, self.in_table
            self.in_table = True
            try:
                for note in element.iterfind(w(kind)):
                    if note.get(w("type")) in _SKIPPED_NOTES or note.get(w("id")) not in wanted:
                        continue
                    self.out.notes[(kind, note.get(w("id")))] = [p for el in note.iterfind(w("p"))
                                                                 for p in self.paragraph(el)]
            finally:
                self.part, self.in_table = self.doc_part, outer

    def _comments(self) -> None:
        element = self._related_element(RT.COMMENTS)
        if element is None:
            return
        for comment in element.iterfind(w("comment")):
            text = "".join(_t(t) for t in comment.iter(w("t")))
            n, anchor = self.comment_at.get(comment.get(w("id")), (0, None))
            author = comment.get(w("author")) or _("someone")
            self.say.paragraph(n, anchor.text if anchor else "", _("has a comment by {author}, not imported: {text}")
                               .format(author=author, text=text.strip()))


def _outermost(box, top) -> bool:
    """Whether `box` is not inside another text box below `top` (that one's paragraphs hold it)."""
    parent = box.getparent()
    while parent is not None and parent is not top:
        if parent.tag == w("txbxContent"):
            return False
        parent = parent.getparent()
    return True


def _t(element) -> str:
    """The text of a w:t.  An entity the parser did not resolve (it resolves none: a
    file must not make us read another) would end `.text`; the text after it is kept."""
    return (element.text or "") + "".join(child.tail or "" for child in element)
