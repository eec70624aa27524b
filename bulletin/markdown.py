"""Issue bodies: Markdown in, articles and their contents entries out.

Rules (documented in README.md):
- each `##` heading starts an article; `###` and below are its sections;
- ` | ` inside a `##` heading breaks the title into lines;
- `{toc="..."}` on the line above a `##` heading sets its contents entry;
  otherwise the entry joins the title lines with "，" (", " in English)
  and drops a final ！/。;
- text before the first `##` is a lead shown before the articles; a body
  with no `##` at all is one untitled article;
- raw HTML is off: `<script>` is printed as text, never run.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .errors import Location, Report
from .model import Article, Section

TITLE_BREAK = " | "
MAX_IMAGE_BYTES = 20 * 2**20


@dataclass(frozen=True)
class Asset:
    """A file an issue uses (an image), copied beside its HTML edition."""

    source: Path
    name: str  # file name under the edition's asset folder


def make_parser() -> MarkdownIt:
    # 'commonmark' with html off: raw HTML is escaped; validateLink already
    # refuses javascript:, vbscript:, file: and non-image data: URLs.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    # Block attributes only for the contents entry; id/class/style and the
    # rest would let an author inject attributes (rel=attachment reads files).
    md.use(attrs_block_plugin, allowed=("toc",))
    return md


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


def parse_body(body: str, path: Path, line_offset: int, language: str, root: Path,
               asset_prefix: str, report: Report) -> tuple[str, tuple[Article, ...], tuple[Asset, ...]]:
    """Split an issue body into (lead HTML, articles, assets).

    `line_offset` is the number of file lines before the body; problems are
    reported to `report` at their place in the file.
    """
    env: dict = {}
    try:
        tokens = _MD.parse(body, env)
    except RecursionError:
        report.error("the text is nested too deeply to typeset", Location(path, line_offset + 1, 1))
        return "", (), ()

    def where(token: Token) -> Location:
        line = token.map[0] + 1 + line_offset if token.map else line_offset + 1
        return Location(path, line, 1)

    assets = _collect_images(tokens, path, root, asset_prefix, where, report)

    # Footnotes are gathered after the last block; they belong to the last article.
    tail_at = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    tokens, tail = tokens[:tail_at], tokens[tail_at:]

    starts = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    for t in tokens:
        if t.type == "heading_open" and t.tag == "h1":
            report.error("a '#' heading in the body; the masthead comes from bulletin.yaml",
                         where(t), "start each article with '##', and its sections with '###'")

    render = _MD.renderer.render
    lead = render(tokens[: starts[0]] if starts else [], _MD.options, env)
    articles = []
    if not starts:
        if body.strip():
            articles.append(_article(tokens, None, 1, language, line_offset, env, tail))
        elif not report.errors:
            report.error("the issue has no text", Location(path, line_offset + 1, 1),
                         "write the articles below the closing '---', each starting with '## title'")
        return "", tuple(articles), assets
    for n, start in enumerate(starts, 1):
        end = starts[n] if n < len(starts) else len(tokens)
        head = tokens[start: start + 3]
        last = n == len(starts)
        articles.append(_article(tokens[start + 3: end], head, n, language, line_offset, env,
                                 tail if last else []))
        toc = head[0].attrs.get("toc")
        if not articles[-1].title_lines:
            report.error("an article heading with no title", where(head[0]))
        if isinstance(toc, str) and not toc.strip():
            report.error("the contents entry {toc=\"\"} is empty", where(head[0]))
    return lead, tuple(articles), assets


def _article(body: list[Token], head: list[Token] | None, n: int, language: str,
             line_offset: int, env: dict, tail: list[Token]) -> Article:
    anchor = f"a{n}"
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
        title_lines=plain_lines,
        title_html=tuple(inline_html(line) for line in lines),
        toc=entry,
        anchor=anchor,
        body_html=html,
        sections=tuple(sections),
        line=(opening.map[0] + 1 + line_offset) if opening.map else 0,
    )


def _collect_images(tokens: list[Token], path: Path, root: Path, prefix: str, where, report: Report):
    """Check every image and point it at its copy beside the HTML edition.

    Only regular files inside the workspace (after resolving symlinks) are
    allowed; the PDF renderer's fetcher enforces the same rule again.
    """
    assets: dict[Path, Asset] = {}
    for block in tokens:
        for tok in block.children or ():
            if tok.type != "image":
                continue
            src = str(tok.attrs.get("src", ""))
            parts = urlsplit(src)
            if parts.scheme == "data":
                continue  # markdown-it lets through only png/gif/jpeg/webp data:
            if parts.scheme or parts.netloc:
                report.error(f"image '{src}' is not a file of this workspace", where(block),
                             "put the image beside the issue file and write its name: ![说明](photo.jpg)")
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            problem = _image_problem(target, root)
            if problem:
                report.error(f"image '{src}' {problem}", where(block),
                             "put the image beside the issue file and write its name: ![说明](photo.jpg)")
                continue
            if target not in assets:
                stem, ext = os.path.splitext(target.name)
                name = f"{len(assets) + 1:02d}{ext.lower()}"
                assets[target] = Asset(target, name)
            tok.attrSet("src", f"{prefix}/{assets[target].name}")
    return tuple(assets.values())


def _image_problem(target: Path, root: Path) -> str:
    if not target.is_relative_to(root.resolve()):
        return "is outside the workspace"
    try:
        st = target.stat()
    except OSError:
        return "does not exist"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file"
    if st.st_size > MAX_IMAGE_BYTES:
        return f"is larger than {MAX_IMAGE_BYTES // 2**20} MiB"
    return ""
