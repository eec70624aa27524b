"""Slips of people who paste from Word and type with a Chinese input method, understood.

Where the intent is unambiguous the Markdown of an issue body is mended before it is
parsed, and every line keeps its number (so that later messages still point right):

- `##标题` and `##　标题` (a full-width space) are headings: `## 标题`, with a warning;
- an image whose file name has spaces, `![图1 会议现场](会议 现场.JPG)`, is that file
  (`<...>` around the name, as CommonMark wants);
- Word's line breaks (U+000B, U+0085, U+2028, U+2029) are line breaks; Word's page
  break (U+000C) and other control characters are dropped (textcheck.py warns of them);
- lines of cells separated by tabs, as a table pasted from Word, are a table
  (`tab_table`, a block rule of the Markdown parser).

Indented code blocks are off (markdown.py): a paragraph indented with four spaces or a
tab, as pasted text often is, stays a paragraph; code is written between ``` fences.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .i18n import _

LINE_BREAK = "\u2028"
_BREAKS = str.maketrans({"\x0b": LINE_BREAK, "\x85": LINE_BREAK, "\u2029": LINE_BREAK})
# C0 and C1 controls other than tab, line feed and the breaks above: nothing to print.
_CONTROLS = re.compile("[\x00-\x08\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f]")
_HEADING = re.compile(r"^( {0,3})(#{2,6})(\u3000+|(?=[^\s#]))")
_IMAGE = re.compile(r'(!\[[^\]\n]*\]\()\s*((?:[^()<>"\s]|\([^()<>"\n]*\))*\s(?:[^()<>"\n]|\([^()<>"\n]*\))*?)\s*\)')
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class Slip:
    line: int  # of the body, 1-based
    col: int
    message: str
    hint: str = ""


def mend(body: str) -> tuple[str, list[Slip]]:
    """The body with the slips above mended, and the warnings to give; as many lines."""
    slips: list[Slip] = []
    lines = body.split("\n")
    fence = ""
    for n, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence or opened:
            # code keeps its text, but nothing that cannot be printed (a space for a break)
            lines[n] = _CONTROLS.sub("", line.translate(_BREAKS).replace(LINE_BREAK, " "))
            if not fence:
                fence = opened.group(1)[:3]
            elif opened and opened.group(1).startswith(fence):
                fence = ""
            continue
        line = _CONTROLS.sub("", line.translate(_BREAKS))
        line = _heading(line, n + 1, slips)
        lines[n] = _IMAGE.sub(lambda m: f"{m.group(1)}<{m.group(2).strip()}>)", line)
    return "\n".join(lines), slips


def _heading(line: str, number: int, slips: list[Slip]) -> str:
    m = _HEADING.match(line)
    if not m:
        return line
    marks = m.group(2)
    message = (_("'{marks}' is followed by a full-width space; read as a heading") if m.group(3)
               else _("'{marks}' is followed by no space; read as a heading"))
    slips.append(Slip(number, m.end(2) + 1, message.format(marks=marks),
                      _("write an ASCII space after '{marks}': '{marks} title'").format(marks=marks)))
    return m.group(1) + marks + " " + line[m.end():]


def tab_table(state, start: int, end: int, silent: bool) -> bool:
    """A block rule: two or more lines with cells separated by tabs are a table, its first
    line the head.  Lines with different numbers of cells are left as text, with a warning."""
    rows, line = [], start
    while line < end:
        text = state.src[state.bMarks[line] + state.tShift[line]: state.eMarks[line]].rstrip(" ")
        if "\t" not in text.rstrip() or state.sCount[line] < state.blkIndent:
            break
        rows.append([cell.strip() for cell in text.split("\t")])
        line += 1
    if len(rows) < 2:
        return False
    while all(len(r) > 1 and not r[-1] for r in rows):  # Word ends every row with a tab
        rows = [r[:-1] for r in rows]
    if len({len(r) for r in rows}) > 1:
        if not silent:
            state.env.setdefault("slips", []).append(Slip(
                start + 1, 1, _("lines separated by tabs, as pasted from Word, with different numbers of cells"),
                _("write a table as lines of cells between '|', the second line '| --- | --- |'; "
                  "or give every line the same number of tabs")))
        return False
    if silent:
        return True
    _push_table(state, rows, start, line)
    state.line = line
    return True


def _push_table(state, rows: list[list[str]], start: int, end: int) -> None:
    state.push("table_open", "table", 1).map = [start, end]
    for i, row in enumerate(rows):
        if i < 2:
            state.push("thead_open" if i == 0 else "tbody_open", "thead" if i == 0 else "tbody", 1)
        state.push("tr_open", "tr", 1).map = [start + i, start + i + 1]
        cell = "th" if i == 0 else "td"
        for text in row:
            state.push(f"{cell}_open", cell, 1)
            inline = state.push("inline", "", 0)
            inline.content, inline.map, inline.children = text, [start + i, start + i + 1], []
            state.push(f"{cell}_close", cell, -1)
        state.push("tr_close", "tr", -1)
        if i == 0:
            state.push("thead_close", "thead", -1)
    if len(rows) > 1:
        state.push("tbody_close", "tbody", -1)
    state.push("table_close", "table", -1)


def line_breaks(state) -> None:
    """A core rule: the line breaks of Word (LINE_BREAK after `mend`) as <br>."""
    from markdown_it.token import Token

    for block in state.tokens:
        children = block.children or ()
        if block.type != "inline" or not any(c.type == "text" and LINE_BREAK in c.content for c in children):
            continue
        out = []
        for child in children:
            if child.type != "text" or LINE_BREAK not in child.content:
                out.append(child)
                continue
            for i, part in enumerate(child.content.split(LINE_BREAK)):
                if i:
                    out.append(Token("hardbreak", "br", 0))
                if part:
                    text = Token("text", "", 0)
                    text.content = part
                    out.append(text)
        block.children = out
