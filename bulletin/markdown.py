"""Issue bodies: Markdown in, articles and their contents entries out.

Rules (documented in README.md):
- each `##` heading starts an article; `###` and below are its sections;
- ` | ` inside a `##` heading breaks the title into lines;
- `{toc="..."}` on the line above a `##` heading sets its contents entry;
  otherwise the entry joins the title lines with "，" (", " in English)
  and drops a final ！/。;
- text before the first `##` is a lead shown before the articles; a body
  with no `##` at all is one untitled article;
- `::: 编者按` (or `::: 按语`, `::: note`) ... `:::` is an editor's note,
  set in 楷体 after its label;
- an image alone in its paragraph is a figure, captioned with its alt text;
- a paragraph `: 表题` just above or below a table is the table's caption;
- raw HTML is off: `<script>` is printed as text, never run;
- indented code blocks are off: a paragraph indented with four spaces or a tab
  (as pasted text often is) is a paragraph; code goes between ``` fences;
- the slips of slips.py are understood: `##标题`, image names with spaces,
  Word's line breaks, tab-separated lines as a table.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from . import images, labels, slips
from .errors import Location, Report
from .i18n import _
from .model import Article, Asset, Section

NOTE_NAMES = ("编者按", "按语", "note")

TITLE_BREAK = " | "
MAX_INLINE_DEPTH = 24          # emphasis inside emphasis...; WeasyPrint recurses per level
_BAD_LINK = re.compile(r"\]\(\s*<?\s*(javascript|vbscript|file|data)\s*:|<\s*(javascript|vbscript|file)\s*:", re.I)


ASSET_SCHEME = "bulletin-asset:"
_ASSET_SRC = re.compile(r'src="bulletin-asset:([^"]+)"')


def resolve_assets(html: str, assets: tuple[Asset, ...], where) -> str:
    """Point each image at `where(asset)`: its copy for the web page, its source for the PDF.

    Images are rendered as `bulletin-asset:NAME` so that one rendering of the
    Markdown serves both; an SVG typeset from its source finds the files it
    refers to beside it.
    """
    by_name = {a.name: a for a in assets}
    return _ASSET_SRC.sub(lambda m: f'src="{where(by_name[m.group(1)])}"' if m.group(1) in by_name else 'src=""', html)


def make_parser() -> MarkdownIt:
    # 'commonmark' with html off: raw HTML is escaped; validateLink already
    # refuses javascript:, vbscript:, file: and non-image data: URLs.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable("code")  # pasted paragraphs are often indented; code needs ``` fences
    md.block.ruler.before("paragraph", "tab_table", slips.tab_table, {"alt": ["paragraph"]})
    md.core.ruler.after("inline", "line_breaks", slips.line_breaks)
    md.use(footnote_plugin)
    # Block attributes only for the contents entry and where an article came from
    # (source: the contributing unit, author); id/class/style and the
    # rest would let an author inject attributes (rel=attachment reads files).
    md.use(attrs_block_plugin, allowed=("toc", "source", "author"))
    md.use(container_plugin, name="note", validate=lambda params, *_: params.strip() in NOTE_NAMES,
           render=_render_note)
    md.add_render_rule("paragraph_open", _paragraph_open)
    md.add_render_rule("paragraph_close", _paragraph_close)
    md.add_render_rule("table_open", _table_open)
    return md


def _note_label(token: Token, language: str) -> str:
    name = token.info.strip()
    return labels.words(language)["editors_note"] if name == "note" else name


def _render_note(self, tokens, idx, options, env):
    token = tokens[idx]
    if token.nesting != 1:
        return "</aside>\n"
    label = escapeHtml(_note_label(token, env.get("language", "zh-CN")))
    return f'<aside class="editors-note" data-label="{label}" aria-label="{label}">\n'


def _label_notes(tokens: list[Token], language: str) -> None:
    """Start each editor's note with its label (编者按：), as real text."""
    colon = labels.words(language)["colon"]
    for i, tok in enumerate(tokens):
        if tok.type != "container_note_open":
            continue
        inline = next((t for t in tokens[i + 1:] if t.type == "inline"), None)
        if inline is None or inline.children is None:
            continue
        label = Token("html_inline", "", 0)
        label.content = f'<span class="note-label">{escapeHtml(_note_label(tok, language) + colon)}</span>'
        inline.children.insert(0, label)


def _paragraph_open(self, tokens, idx, options, env):
    if tokens[idx].meta.get("figure"):
        return '<figure class="figure">'
    return self.renderToken(tokens, idx, options, env)


def _paragraph_close(self, tokens, idx, options, env):
    caption = tokens[idx].meta.get("figure")
    if caption:
        return f"<figcaption>{escapeHtml(caption)}</figcaption></figure>\n"
    return self.renderToken(tokens, idx, options, env)


def _table_open(self, tokens, idx, options, env):
    html = self.renderToken(tokens, idx, options, env)
    caption = tokens[idx].meta.get("caption")
    return html + f"<caption>{caption}</caption>\n" if caption else html


def _figures_and_captions(tokens: list[Token]) -> list[Token]:
    """Mark lone images as figures; move ': caption' paragraphs into their table."""
    drop: set[int] = set()
    for i, tok in enumerate(tokens):
        if tok.type != "paragraph_open" or i + 2 >= len(tokens):
            continue
        inline = tokens[i + 1]
        children = [c for c in inline.children or () if not (c.type == "text" and not c.content.strip())]
        if len(children) == 1 and children[0].type == "image" and children[0].content.strip():
            tok.meta["figure"] = tokens[i + 2].meta["figure"] = children[0].content.strip()
            continue
        if not inline.content.startswith(": "):
            continue
        before = tokens[i - 1] if i else None
        after = tokens[i + 3] if i + 3 < len(tokens) else None
        table = None
        if before is not None and before.type == "table_close":
            table = next(t for t in reversed(tokens[:i]) if t.type == "table_open")
        elif after is not None and after.type == "table_open":
            table = after
        if table is not None and "caption" not in table.meta:
            table.meta["caption"] = inline_html(inline.content[2:].strip())
            drop.update((i, i + 1, i + 2))
    return [t for j, t in enumerate(tokens) if j not in drop]


_MD = make_parser()


def inline_html(text: str) -> str:
    return _MD.renderInline(text)


def _plain(token: Token) -> str:
    out = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out).strip()


def contents_entry(lines: tuple[str, ...], language: str) -> str:
    sep = ", " if language == "en" else "，"
    entry = sep.join(lines)
    return entry.rstrip("！!。") if len(lines) > 1 else entry


def _no_title_headings(tokens, where, report: Report) -> None:
    for t in tokens:
        if t.type == "heading_open" and t.tag == "h1":
            report.error(_("a '#' heading in the body; the masthead comes from bulletin.yaml"),
                         where(t), _("start each article with '##', and its sections with '###'"))


def parse_body(body: str, path: Path, line_offset: int, language: str, root: Path,
               report: Report, prefix: str = "") -> tuple[str, tuple[Article, ...], tuple[Asset, ...]]:
    """Split an issue body into (lead HTML, articles, assets).

    `line_offset` is the number of file lines before the body; problems are
    reported to `report` at their place in the file.  `prefix` starts every
    anchor (an attachment's, so that they differ from the issue's own).
    """
    body, mended = slips.mend(body)
    env: dict = {"language": language, "slips": []}
    try:
        tokens = _figures_and_captions(_MD.parse(body, env))
        _label_notes(tokens, language)
    except RecursionError:
        report.error(_("the text is nested too deeply to typeset"), Location(path, line_offset + 1, 1),
                     _("flatten the deepest lists, quotes or emphasis"))
        return "", (), ()

    def where(token: Token) -> Location:
        line = token.map[0] + 1 + line_offset if token.map else line_offset + 1
        return Location(path, line, 1)

    for slip in (*mended, *env["slips"]):
        report.warning(slip.message, Location(path, line_offset + slip.line, slip.col), slip.hint)
    assets = _collect_images(tokens, path, root, where, report)
    _check_inline(tokens, where, report)

    # Footnotes are gathered after the last block; they belong to the last article.
    tail_at = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    tokens, tail = tokens[:tail_at], tokens[tail_at:]

    starts = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    _no_title_headings(tokens, where, report)

    render = _MD.renderer.render
    lead = render(tokens[: starts[0]] if starts else [], _MD.options, env)
    articles = []
    if not starts:
        if body.strip():
            articles.append(_article(tokens, None, 1, language, line_offset, env, tail, prefix))
        elif not report.errors:
            report.error(_("the issue has no text"), Location(path, line_offset + 1, 1),
                         _("write the articles below the closing '---', each starting with '## title'"))
        return "", tuple(articles), assets
    for n, start in enumerate(starts, 1):
        end = starts[n] if n < len(starts) else len(tokens)
        head = tokens[start: start + 3]
        last = n == len(starts)
        articles.append(_article(tokens[start + 3: end], head, n, language, line_offset, env,
                                 tail if last else [], prefix))
        toc = head[0].attrs.get("toc")
        if not articles[-1].title_lines:
            report.error(_("an article heading with no title"), where(head[0]),
                         _("write the title after '## '"))
        if isinstance(toc, str) and not toc.strip():
            report.error(_("the contents entry {toc=\"\"} is empty"), where(head[0]),
                         _("write the entry between the quotes, or remove the line"))
    return lead, tuple(articles), assets


def _article(body: list[Token], head: list[Token] | None, n: int, language: str,
             line_offset: int, env: dict, tail: list[Token], prefix: str = "") -> Article:
    anchor = f"{prefix}a{n}"
    sections = []
    for t in range(len(body)):
        tok = body[t]
        if tok.type == "heading_open":
            tok.attrSet("id", f"{anchor}-s{len(sections) + 1}")
            sections.append(Section(int(tok.tag[1]), _plain(body[t + 1]), tok.attrs["id"]))
    html = _MD.renderer.render(body + tail, _MD.options, env)
    if head is None:
        return Article((), (), "", anchor, html, tuple(sections))
    opening, inline = head[0], head[1]
    lines = tuple(part.strip() for part in inline.content.split(TITLE_BREAK) if part.strip())
    plain_lines = tuple(_plain(_MD.parseInline(line)[0]) for line in lines)
    toc = opening.attrs.get("toc")
    entry = toc.strip() if isinstance(toc, str) and toc.strip() else contents_entry(plain_lines, language)
    return Article(
        source=_attr(opening, "source"),
        author=_attr(opening, "author"),
        title_lines=plain_lines,
        title_html=tuple(inline_html(line) for line in lines),
        toc=entry,
        anchor=anchor,
        body_html=html,
        sections=tuple(sections),
        line=(opening.map[0] + 1 + line_offset) if opening.map else 0,
    )


def _attr(token: Token, name: str) -> str:
    value = token.attrs.get(name)
    return value.strip() if isinstance(value, str) else ""


def _check_inline(tokens: list[Token], where, report: Report) -> None:
    """Refused links (markdown-it leaves them as text) and runaway nesting."""
    for block in tokens:
        if block.type != "inline":
            continue
        bad = _BAD_LINK.search(block.content)
        if bad:
            scheme = (bad.group(1) or bad.group(2)).lower()
            report.error(_("a '{scheme}:' link is not allowed").format(scheme=scheme), where(block),
                         _("link only to web pages (https://...) or to other files of the workspace"))
        depth = max((c.level for c in block.children or ()), default=0)
        if depth > MAX_INLINE_DEPTH:
            report.error(_("emphasis or links nested {depth} deep; the limit is {limit}").format(
                depth=depth, limit=MAX_INLINE_DEPTH), where(block), _("remove the extra * and _ marks"))


def _collect_images(tokens: list[Token], path: Path, root: Path, where, report: Report):
    """Check every image and point it at its copy beside the HTML edition.

    Only regular files inside the workspace (after resolving symlinks) are
    allowed; the PDF renderer's fetcher enforces the same rule again.  A photo
    larger than print needs is noted: the outputs use a scaled copy (images.py).
    """
    assets: dict[Path, Asset] = {}
    hint = _("put the image beside the issue file and write its name: ![说明](photo.jpg)")
    for block in tokens:
        for tok in block.children or ():
            if tok.type != "image":
                continue
            src = str(tok.attrs.get("src", ""))
            parts = urlsplit(src)
            if parts.scheme == "data":
                continue  # markdown-it lets through only png/gif/jpeg/webp data:
            shown = unquote(src)
            if parts.scheme or parts.netloc:
                report.error(_("image '{src}' is not a file of this workspace").format(src=shown), where(block), hint)
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            problem, large = images.problem(target, root, shown)
            if problem:
                # a file that is there, in the workspace, is the wrong picture: no use moving it
                there = target.is_relative_to(root.resolve()) and target.is_file()
                report.error(problem, where(block), _("save the picture again as PNG or JPEG (for print a photo "
                                                      "of a few megapixels is enough)") if there else hint)
                continue
            if large and target not in assets:
                report.warning(large, where(block),
                               _("nothing to do: the original stays in the workspace"))
            if target not in assets:
                stem, ext = os.path.splitext(target.name)
                name = f"{len(assets) + 1:02d}{ext.lower()}"
                assets[target] = Asset(target, name)
            tok.attrSet("src", ASSET_SCHEME + assets[target].name)
    return tuple(assets.values())
