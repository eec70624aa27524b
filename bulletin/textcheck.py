"""Checks on the characters of an issue file, before any Markdown.

- Every character must be drawable by a font in use; otherwise WeasyPrint
  prints an empty box, so it is an error at its line and column.
- Half-width punctuation touching Chinese text (`2月7日,市环保局`) is a
  warning; `fix_punctuation` rewrites it in full width (GB/T 15834).
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .errors import Location, Report
from .writer import atomic_write

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_HALF = re.compile(rf"(?<=[{HAN}])[,;:?!()]|[,;:?!()](?=[{HAN}])")
# Markdown that must keep its ASCII: link targets, inline code, container fences.
_PROTECTED = re.compile(r"\]\([^)\n]*\)|`[^`\n]*`|\{[^}\n]*\}")
MAX_GLYPH_REPORTS = 10


def _body_lines(text: str):
    """(line number, line) of the body: no front matter, no fenced code."""
    lines = text.split("\n")
    start = 0
    if lines and lines[0].strip() == "---":
        start = next((i + 1 for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), len(lines))
    fence = None
    for n in range(start, len(lines)):
        line = lines[n]
        stripped = line.lstrip()
        if fence:
            if stripped.startswith(fence):
                fence = None
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        if stripped.startswith(":::"):
            continue
        yield n + 1, line


def body_lines(text: str):
    """(line number, line) of the body with link targets, code and attributes blanked out
    (same length, so columns stay true): the text a reader sees."""
    for number, line in _body_lines(text):
        yield number, _PROTECTED.sub(lambda m: "\0" * len(m.group(0)), line)


def half_width_punctuation(text: str) -> list[tuple[int, int, str]]:
    """(line, column, mark) of each half-width mark touching Chinese text."""
    found = []
    for number, masked in body_lines(text):
        found.extend((number, m.start() + 1, m.group(0)) for m in _HALF.finditer(masked))
    return found


def check_text(text: str, path: Path, report: Report, coverage: frozenset[int] | None) -> None:
    marks = half_width_punctuation(text)
    for i, (line, col, mark) in enumerate(marks):
        report.warning(f"half-width '{mark}' in Chinese text; write '{FULL_WIDTH[mark]}'",
                       Location(path, line, col),
                       "" if i else "'bulletin check --fix' rewrites them all in full width")
    if coverage is not None:
        _check_glyphs(text, path, report, coverage)


def _check_glyphs(text: str, path: Path, report: Report, coverage: frozenset[int]) -> None:
    missing = []
    for number, line in enumerate(text.split("\n"), 1):
        for col, ch in enumerate(line, 1):
            if ord(ch) in coverage or ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"):
                continue
            missing.append((number, col, ch))
    for number, col, ch in missing[:MAX_GLYPH_REPORTS]:
        report.error(f"no installed font has '{ch}' (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')}); "
                     "it would print as an empty box", Location(path, number, col),
                     "replace the character, or install a font that has it ('bulletin doctor' lists the fonts)")
    if len(missing) > MAX_GLYPH_REPORTS:
        report.error(f"{len(missing) - MAX_GLYPH_REPORTS} more characters have no font", Location(path))


def fix_punctuation(text: str) -> tuple[str, int]:
    """The text with half-width marks in Chinese text made full width, and how many."""
    marks = half_width_punctuation(text)
    if not marks:
        return text, 0
    lines = text.split("\n")
    for line, col, mark in sorted(marks, reverse=True):
        s = lines[line - 1]
        lines[line - 1] = s[: col - 1] + FULL_WIDTH[mark] + s[col:]
    return "\n".join(lines), len(marks)


def fix_file(path: Path) -> int:
    """Rewrite the half-width marks of one file in place, and the wrong forms of the
    workspace's terms.yaml (terms.py); keeps its BOM and line ends.  Returns how many."""
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw[3 if bom else 0:].decode("utf-8")
    fixed, count = fix_punctuation(text)
    fixed, more = _fix_terms(fixed, path)
    count += more
    if count:
        atomic_write(path, (b"\xef\xbb\xbf" if bom else b"") + fixed.encode("utf-8"))
    return count


def _fix_terms(text: str, path: Path) -> tuple[str, int]:
    """The text with terms.yaml's right forms written in (the workspace found as git finds its own)."""
    from . import terms, workspace
    from .errors import BulletinError

    try:
        root = workspace.find_root(path.parent)
    except BulletinError:
        return text, 0
    words = terms.load(root, Report())  # its errors are reported by the check that follows
    if not words:
        return text, 0
    lines = text.split("\n")
    count = terms.fix_lines(lines, list(body_lines(text)), words)
    return "\n".join(lines), count
