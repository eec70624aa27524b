"""Blocks read from a Word file -> one article in bulletin's Markdown.

Decisions (each one that is a guess is said to `notes`, at its paragraph):
- the title: the Title style; else the first paragraph if it is centred,
  bold or larger than the body; two such paragraphs in a row, or a title
  with a line break, give the two-line form `line 1 | line 2`;
- headings: by style or outline level, ranked (the shallowest is `###`);
  一、 and （一） decide the level where they are typed (`###`, `####`);
  a short paragraph without a heading style is taken for a heading when it
  starts with 一、, （一）, 1. or （1） (`#####` for the last two), or when it
  is all bold or set in 黑体 / 楷体;
- `表1 ...` beside a table and `图1 ...` beside a picture become captions;
- the indent (full-width spaces, first-line indents) is the theme's job
  and is dropped; a line break ends a paragraph after 。！？ and is
  joined otherwise;
- merged table cells keep their text in the first cell of the merge.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..i18n import _
from ..markdown import TITLE_BREAK
from .locate import Notes
from .reader import Break, Document, NoteRef, Para, Picture, Table, Text

_HAND = ((3, re.compile(r"^[一二三四五六七八九十百]+、")),
         (4, re.compile(r"^[（(][一二三四五六七八九十百]+[）)]")),
         (5, re.compile(r"^(?:\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)])")))
_CAPTION = re.compile(r"^(附?[表图])\s*[0-9０-９一二三四五六七八九十]+(?:[-－.．][0-9０-９]+)?(?=[\s:：.．、\-—]|[^\W\d_]|$)")
_SENTENCE_END = "。！？!?；;：:…”’」』）)"
_INSIDE_SENTENCE = re.compile(r"[。！？!?；;]")
_INDENT = " \t\u3000\u00a0\u2002\u2003\u2009"
_ESCAPE = re.compile(r"([\\`*_\[\]~|<])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^(?:[#>+\-=:{!]|\d+[.)](?=\s|$))")
MAX_HEADING = 40
DEEPEST = 5


@dataclass
class Figure:
    picture: Picture
    n: int
    name: str = ""
    caption: str = ""


@dataclass
class Article:
    title_lines: list[str]
    markdown: str
    notes_used: int = 0


@dataclass
class Composer:
    doc: Document
    say: Notes
    fallback_title: str
    name_picture: object               # (Picture) -> file name beside the issue
    first_note: int = 1
    labels: dict = field(default_factory=dict)

    def article(self, source: str = "", author: str = "") -> Article:
        blocks = self._flatten()
        numbered = [b for b in blocks if isinstance(b, Para) and b.label]
        if numbered:
            self.say.paragraph(numbered[0].n, numbered[0].label + numbered[0].text,
                               _("Word's automatic numbers were written out as text ({n} paragraphs); check them")
                               .format(n=len(numbered)))
        title = self._title(blocks)
        self._captions(blocks)
        ranks = sorted({b.level for b in blocks if isinstance(b, Para) and b.level})
        body = []
        for block in blocks:
            if isinstance(block, Table):
                body.append(self._table(block))
            elif isinstance(block, Figure):
                body.append(self._figure(block))
            elif not getattr(block, "caption_of", None):
                body.extend(self._paragraph(block, ranks))
        lines = [f"## {TITLE_BREAK.join(_escape(t) for t in title)}", *[b for b in body if b], *self._notes()]
        attrs = " ".join(f'{k}="{_attr(v)}"' for k, v in (("source", source), ("author", author)) if v.strip())
        text = (f"{{{attrs}}}\n" if attrs else "") + "\n\n".join(lines) + "\n"
        return Article(title, text, len(self.labels))

    # The order of the file, with pictures as blocks of their own

    def _flatten(self) -> list:
        out = []
        for block in self.doc.blocks:
            if not isinstance(block, Para):
                out.append(block)
                continue
            if block.toc:
                self.say.paragraph(block.n, block.text, _("is a line of the file's own table of contents; left out"))
                continue
            part = Para(block.n, [], **_props(block))
            for item in block.items:
                if isinstance(item, Picture):
                    if part.items:
                        out.append(part)
                    out.append(Figure(item, block.n))
                    part = Para(block.n, [], **_props(block))
                else:
                    part.items.append(item)
            if part.text.strip() or any(isinstance(i, NoteRef) for i in part.items):
                out.append(part)
        return out

    # The title

    def _title(self, blocks: list) -> list[str]:
        paras = [(i, b) for i, b in enumerate(blocks) if isinstance(b, Para)]
        chosen = [i for i, b in paras if b.title_style]
        if chosen:
            chosen = [i for i in chosen if i - chosen[0] < 2][:2]
        elif paras and self._looks_like_title(paras[0][1], blocks):
            first = paras[0][0]
            chosen = [first]
            nxt = blocks[first + 1] if first + 1 < len(blocks) else None
            if isinstance(nxt, Para) and self._second_line(blocks[first], nxt):
                chosen.append(first + 1)
            self.say.paragraph(blocks[first].n, blocks[first].text, _("taken as the article's title ({why})")
                               .format(why=self._why_title(blocks[first])))
        if not chosen:
            self.say.paragraph(paras[0][1].n if paras else 0, paras[0][1].text if paras else "",
                               _("no title found; the file's name was used: {title}").format(title=self.fallback_title),
                               _("give the title the Title style, or centre it, and import again; or edit the ## line"))
            return [self.fallback_title]
        lines = [line for i in chosen for line in _plain(blocks[i]).split("\n") if line.strip()]
        for i in reversed(chosen):
            del blocks[i]
        return [" ".join(line.split()) for line in lines] or [self.fallback_title]

    def _looks_like_title(self, para: Para, blocks: list) -> bool:
        if _hand_level(_plain(para)) or para.bullet or len(_plain(para)) > 2 * MAX_HEADING:
            return False
        same_level = [b for b in blocks if isinstance(b, Para) and para.level and b.level == para.level]
        if para.level and len(same_level) == 1:
            return True
        return para.centred or para.bold or bool(self.doc.body_size and para.size > self.doc.body_size)

    def _second_line(self, first: Para, para: Para) -> bool:
        return (not _hand_level(_plain(para)) and len(_plain(para)) <= MAX_HEADING and para.centred == first.centred
                and para.size == first.size and para.bold == first.bold and not para.title_style
                and (first.centred or first.size > self.doc.body_size))

    def _why_title(self, para: Para) -> str:
        if para.level:
            return _("the only heading of its level")
        if para.centred:
            return _("centred")
        return _("bold") if para.bold else _("larger than the text")

    # Captions

    def _captions(self, blocks: list) -> None:
        for i, block in enumerate(blocks):
            if isinstance(block, Table):
                order, word = (i - 1, i + 1), "表"
            elif isinstance(block, Figure) and not block.picture.problem:
                order, word = (i + 1, i - 1), "图"
            else:
                continue
            for j in order:
                near = blocks[j] if 0 <= j < len(blocks) else None
                text = _plain(near).strip().strip(_INDENT) if isinstance(near, Para) else ""
                m = _CAPTION.match(text)
                if m and m.group(1).endswith(word) and not getattr(near, "caption_of", None):
                    near.caption_of = block
                    block.caption = " ".join(text.split())
                    break

    # Paragraphs and headings

    def _paragraph(self, para: Para, ranks: list[int]) -> list[str]:
        text = _plain(para)
        hand = _hand_level((para.label + text).strip(_INDENT))
        level = self._heading_level(para, text, hand, ranks)
        if level:
            md = self._inline([i for i in para.items if not isinstance(i, Break)], heading=True)
            text_md = _line_start(_escape(para.label) + md)
            return ["#" * level + " " + (text_md[:-1] + "\\#" if text_md.endswith("#") else text_md)]
        lines = self._lines(para)
        if para.bullet:
            return ["- " + line for line in lines]
        if para.label:
            lines[0] = _escape(para.label) + lines[0]
        return [_line_start(line) for line in lines]

    def _heading_level(self, para: Para, text: str, hand: int | None, ranks: list[int]) -> int | None:
        if para.level:
            by_rank = min(3 + ranks.index(para.level), DEEPEST)
            if 3 + ranks.index(para.level) > DEEPEST:
                self.say.paragraph(para.n, text, _("is a heading deeper than bulletin's three levels; set as #####"))
            # 一、 and （一） say their level whatever the style; a 1. under a heading style
            # is as often a top-level heading numbered the Western way.
            return hand if hand in (3, 4) else by_rank
        if "\n" in text.strip() or not text.strip():
            return None
        short = len(text.strip()) <= MAX_HEADING and not _INSIDE_SENTENCE.search(text.strip()[:-1])
        if hand and short and (hand < 5 or para.bold or text.strip()[-1] not in _SENTENCE_END):
            self.say.paragraph(para.n, text, _("taken as a heading {marks} from its number")
                               .format(marks="#" * hand))
            return hand
        if hand == 3 and not short:
            self.say.paragraph(para.n, text, _("starts with a heading's number but is long; kept as a paragraph"))
        font = para.font or ""
        styled = para.bold or "黑" in font or "Hei" in font or "楷" in font or "Kai" in font
        if not hand and short and styled and len(text.strip()) <= 30 and text.strip()[-1] not in "。；;，,":
            level = 4 if ("楷" in font or "Kai" in font) else 3
            self.say.paragraph(para.n, text, _("taken as a heading {marks} from its formatting")
                               .format(marks="#" * level))
            return level
        return None

    def _lines(self, para: Para) -> list[str]:
        """The paragraph's Markdown; line breaks split it after a sentence and join it elsewhere."""
        chunks, current = [], []
        for item in para.items:
            if isinstance(item, Break):
                chunks.append(current)
                current = []
            else:
                current.append(item)
        chunks.append(current)
        chunks = [c for c in chunks if _plain_items(c).strip(_INDENT)]
        if not chunks:
            return [""]
        out = [self._inline(chunks[0])]
        split = joined = 0
        for prev, chunk in zip(chunks, chunks[1:]):
            before = _plain_items(prev).rstrip()
            if before and before[-1] in _SENTENCE_END:
                out.append(self._inline(chunk))
                split += 1
            else:
                after = _plain_items(chunk).lstrip(_INDENT)
                space = " " if before[-1:].isascii() and after[:1].isascii() and before[-1:].isalnum() else ""
                out[-1] += space + self._inline(chunk)
                joined += 1
        if split or joined:
            self.say.paragraph(para.n, para.text, _("has line breaks: {split} ended a paragraph (after 。！？), "
                                                    "{joined} were joined").format(split=split, joined=joined))
        return out

    def _inline(self, items: list, heading: bool = False) -> str:
        out, first = [], True
        for item in items:
            if isinstance(item, Text):
                text = item.text.lstrip(_INDENT) if first else item.text
                if not text:
                    continue
                first = False
                out.append(_emphasis(text, item.bold and not heading, item.italic, item.url))
            elif isinstance(item, NoteRef):
                out.append(self._note_ref(item))
            elif isinstance(item, Picture) and not item.problem:
                out.append(f"![]({self.name_picture(item)})")
        return "".join(out).rstrip()

    # Footnotes

    def _note_ref(self, ref: NoteRef) -> str:
        if ref.key not in self.doc.notes:
            return ""
        if ref.key not in self.labels:
            self.labels[ref.key] = str(self.first_note + len(self.labels))
        return f"[^{self.labels[ref.key]}]"

    def _notes(self) -> list[str]:
        out = []
        for key, label in self.labels.items():
            paras = [self._inline([i for i in p.items if not isinstance(i, NoteRef)]) for p in self.doc.notes[key]]
            paras = [p.strip() for p in paras if p.strip()] or [""]
            out.append(f"[^{label}]: " + "\n\n    ".join(_line_start(p) for p in paras))
        return out

    # Figures and tables

    def _figure(self, figure: Figure) -> str:
        if figure.picture.problem:
            self.say.paragraph(figure.n, "", _("a picture {problem}; it was left out").format(
                problem=figure.picture.problem))
            return ""
        if not figure.caption:
            self.say.paragraph(figure.n, "", _("a picture with no caption (图1 ...) beside it"),
                               _("write its caption below it in the issue: ![图1 说明](file)"))
        return f"![{_escape(figure.caption)}]({self.name_picture(figure.picture)})"

    def _table(self, table: Table) -> str:
        grid = self._grid(table)
        if not grid:
            return ""
        width = max(len(r) for r in grid)
        rows = ["| " + " | ".join((r + [""] * width)[:width]) + " |" for r in grid]
        rows.insert(1, "|" + "---|" * width)
        caption = f": {_escape(table.caption)}\n\n" if getattr(table, "caption", "") else ""
        return caption + "\n".join(rows)

    def _grid(self, table: Table) -> list[list[str]]:
        """Each row's cells as Markdown; a merged cell's text in its first cell, reported."""
        grid: list[list[str]] = []
        origins: dict[int, list] = {}  # column -> [row, col, rows, cols, text] of the merge going down
        for r, row in enumerate(table.rows, 1):
            cells, col = [], 0
            for cell in row:
                text = " ".join(self._inline([i for i in p.items if not isinstance(i, Break)])
                                for p in cell.paras).strip()
                if cell.vmerge == "continue" and col in origins:
                    origins[col][2] += 1
                    text = ""
                else:
                    self._report_merge(table, origins.pop(col, None))
                    if cell.span > 1 or cell.vmerge == "restart":
                        origins[col] = [r, col + 1, 1, cell.span, _plain_cell(cell)]
                cells.append(text)
                cells.extend([""] * (cell.span - 1))
                col += cell.span
            grid.append(cells)
        for origin in origins.values():
            self._report_merge(table, origin)
        return grid

    def _report_merge(self, table: Table, origin) -> None:
        if origin and (origin[2] > 1 or origin[3] > 1):
            row, col, rows, cols, text = origin
            self.say.cell(table.n, row, col, text, _("is a merged cell ({rows} rows × {cols} columns); its text is "
                                                     "in its first cell, the others are left empty")
                          .format(rows=rows, cols=cols))


def _props(para: Para) -> dict:
    return {k: getattr(para, k) for k in ("level", "title_style", "centred", "bold", "size", "font", "label",
                                          "bullet", "toc")}


def _plain(para: Para) -> str:
    return _plain_items(para.items)


def _plain_items(items: list) -> str:
    return "".join(i.text if isinstance(i, Text) else "\n" if isinstance(i, Break) else "" for i in items)


def _plain_cell(cell) -> str:
    return " ".join(_plain(p) for p in cell.paras)


def _hand_level(text: str) -> int | None:
    text = text.strip(_INDENT)
    return next((level for level, pattern in _HAND if pattern.match(text)), None)


def _escape(text: str) -> str:
    return _ENTITY.sub(r"\\&", _ESCAPE.sub(r"\\\1", text))


def _line_start(line: str) -> str:
    """Text that would start a Markdown block (# heading, 1. list, : caption...) kept as text."""
    m = _LINE_START.match(line)
    if not m:
        return line
    if m.group(0)[0].isdigit():
        end = m.end() - 1
        return line[:end] + "\\" + line[end:]
    return "\\" + line


_EDGE = re.compile(r"^([\W_]*)(.*?)([\W_]*)$", re.S)


def _emphasis(text: str, bold: bool, italic: bool, url: str | None) -> str:
    """Markdown for one run of text.  Punctuation and spaces at either end stay outside
    the ** marks: CommonMark does not close `**重点。**` before a Chinese character."""
    if bold or italic:
        lead, core, tail = _EDGE.match(text).groups()
        if core:
            marks = ("**" if bold else "") + ("*" if italic else "")
            text_md = _escape(lead) + marks + _escape(core) + marks[::-1] + _escape(tail)
        else:
            text_md = _escape(text)
    else:
        text_md = _escape(text)
    if url and url.startswith(("http://", "https://", "mailto:")) and text.strip():
        target = url.replace(" ", "%20").replace(">", "%3E").replace("<", "%3C")
        return f"[{text_md}](<{target}>)"
    return text_md


def _attr(value: str) -> str:
    return " ".join(value.replace('"', "”").replace("{", "（").replace("}", "）").split())
