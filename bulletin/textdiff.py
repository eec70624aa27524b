"""What changed between two versions of an issue's text, paragraph by paragraph.

A paragraph is a block between blank lines (the front matter is one).  The
paragraphs are matched as wholes; a paragraph that was changed rather than
added or removed is shown once old and once new, with the characters that
differ marked, so a reviewer reads only what is new.  Plain data: the page
is made by a template (review_diff.html).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    line: int   # where it starts in its file
    text: str


@dataclass
class Hunk:
    kind: str                  # "same", "added", "deleted" or "changed"
    count: int = 0             # of "same": how many paragraphs are left out
    line: int = 0              # where the paragraph stands in the new text (the old, if deleted)
    old: list[dict] = field(default_factory=list)  # segments {"text", "mark"} of the old paragraph
    new: list[dict] = field(default_factory=list)


def paragraphs(text: str) -> list[Paragraph]:
    out, block, start = [], [], 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not block:
                start = number
            block.append(line.rstrip())
        elif block:
            out.append(Paragraph(start, "\n".join(block)))
            block = []
    if block:
        out.append(Paragraph(start, "\n".join(block)))
    return out


def _segments(old: str, new: str) -> tuple[list[dict], list[dict]]:
    """Both texts cut into runs, the runs that differ marked."""
    a, b = [], []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            a.append({"text": old[i1:i2], "mark": op != "equal"})
        if j2 > j1:
            b.append({"text": new[j1:j2], "mark": op != "equal"})
    return a, b


def diff(old_text: str, new_text: str) -> list[Hunk]:
    """The hunks that turn the old text into the new; unchanged runs as counts."""
    old, new = paragraphs(old_text), paragraphs(new_text)
    matcher = difflib.SequenceMatcher(None, [p.text for p in old], [p.text for p in new], autojunk=False)
    hunks = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            hunks.append(Hunk("same", count=i2 - i1))
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(pairs):
            a, b = _segments(old[i1 + k].text, new[j1 + k].text)
            hunks.append(Hunk("changed", line=new[j1 + k].line, old=a, new=b))
        for p in old[i1 + pairs:i2]:
            hunks.append(Hunk("deleted", line=p.line, old=[{"text": p.text, "mark": True}]))
        for p in new[j1 + pairs:j2]:
            hunks.append(Hunk("added", line=p.line, new=[{"text": p.text, "mark": True}]))
    return hunks
