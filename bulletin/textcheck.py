"""Checks on the characters of an issue file, before any Markdown.

- Every character must be drawable by a font in use; otherwise WeasyPrint
  prints an empty box, so it is an error at its line and column.
- Punctuation of Chinese text typed with an English keyboard is a warning
  (GB/T 15834): half-width `,;:?!()` touching Han characters; straight quotes
  around or beside Chinese text ("春耕" for “春耕”, paired open and close); a
  `.` after a Han character (`。`, or `、` after 一 二 三 at a line's start);
  `...` and `。。。` for `……`.
- Characters pasted from Word or PDF that print wrong or not at all are a
  warning: no-break spaces, zero-width characters, the page break U+000C and
  other control characters.
- `fix_punctuation` (check --fix) mends every one of them.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import Location, Report
from .i18n import _
from .writer import atomic_write

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = HAN + r"\u3000-\u303f\uff00-\uffef\u2018-\u201d\u2026"  # Han and full-width punctuation
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_HALF = re.compile(rf"(?<=[{HAN}])[,;:?!()]|[,;:?!()](?=[{HAN}])")
_PAREN = re.compile(r"[()（）]")
_DOT = re.compile(rf"(?<=[{HAN}])\.(?![.A-Za-z0-9_])")  # not in 附件.docx
_LIST_DOT = re.compile(r"^(\s*[一二三四五六七八九十]{1,3})\.(?![.A-Za-z0-9_])")  # 一.总体情况: 一、
_DOTS = re.compile(rf"(?<=[{_CJK}])\s*(?:\.{{3,}}|。{{3,}})|(?:\.{{3,}}|。{{3,}})(?=\s*[{_CJK}])|。{{3,}}")
_QUOTE = re.compile("[\"']")
_NBSP = "\u00a0"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = re.compile(f"[{_NBSP}{ZERO_WIDTH}]")
# Control characters with nothing to print.  Word's line breaks (U+000B, U+0085) are
# understood as line breaks (slips.py) and not reported.
_CONTROL = re.compile("[\x00-\x08\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f]")
# Markdown that must keep its ASCII: link targets, inline code, attributes, an image's '!'.
_PROTECTED = re.compile(r"\]\([^)\n]*\)|`[^`\n]*`|\{[^}\n]*\}|!(?=\[)|<[^>\s]*>|https?://\S+")
MAX_GLYPH_REPORTS = 10
MASK = "\ue000"  # stands for protected text while looking for slips: no rule matches it


@dataclass(frozen=True)
class Slip:
    """A slip in the characters of a line: where, what is written, what to write."""

    line: int
    col: int
    text: str
    fixed: str
    kind: str  # punctuation, invisible, control


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


def slips(text: str) -> list[Slip]:
    """Every punctuation and invisible-character slip of the body, in order."""
    found: list[Slip] = []
    for number, line in _body_lines(text):
        masked = _PROTECTED.sub(lambda m: MASK * len(m.group(0)), line)
        found += _line_slips(number, masked)
    return sorted(found, key=lambda s: (s.line, s.col))


def _line_slips(number: int, line: str) -> list[Slip]:
    def at(m, fixed, kind="punctuation"):
        return Slip(number, m.start() + 1, m.group(0), fixed, kind)

    found = [at(m, "……") for m in _DOTS.finditer(line)]
    found += [at(m, FULL_WIDTH[m.group(0)]) for m in _HALF.finditer(line)]
    found += _unmatched_parens(number, line, {s.col for s in found})
    found += [at(m, "。") for m in _DOT.finditer(line) if not _LIST_DOT.match(line[:m.end()])]
    found += [Slip(number, m.end(1) + 1, ".", "、", "punctuation") for m in _LIST_DOT.finditer(line)]
    found += _quotes(number, line)
    for m in _INVISIBLE.finditer(line):
        beside_han = re.match(f"[{_CJK}]", line[m.start() - 1: m.start()] or " ") or \
            re.match(f"[{_CJK}]", line[m.end(): m.end() + 1] or " ")
        fixed = " " if m.group(0) == _NBSP and not beside_han else ""
        found.append(at(m, fixed, "invisible"))
    found += [at(m, "", "control") for m in _CONTROL.finditer(line)]
    return found


def _unmatched_parens(number: int, line: str, flagged: set[int]) -> list[Slip]:
    """The partner of each half-width parenthesis flagged: （2018) becomes （2018）."""
    stack, pairs = [], []
    for m in _PAREN.finditer(line):
        if m.group(0) in "(（":
            stack.append(m.start())
        elif stack:
            pairs.append((stack.pop(), m.start()))
    out = []
    for a, b in pairs:
        ends = {a + 1, b + 1}
        if ends & flagged or any(line[i] in "（）" for i in (a, b)):
            out += [Slip(number, i + 1, line[i], FULL_WIDTH[line[i]], "punctuation")
                    for i in (a, b) if line[i] in "()" and i + 1 not in flagged]
    return out


def _quotes(number: int, line: str) -> list[Slip]:
    """Straight quotes paired in their line, first open then close: “春耕” and ‘春耕’,
    where the pair holds or touches Chinese text."""
    out = []
    for mark, (left, right) in (('"', "“”"), ("'", "‘’")):
        spots = [i for i, ch in enumerate(line) if ch == mark and not _apostrophe(line, i)]
        for a, b in zip(spots[::2], spots[1::2]):
            inside = re.search(f"[{HAN}]", line[a + 1: b])
            beside = re.match(f"[{HAN}]", line[a - 1: a] if a else "") or re.match(f"[{HAN}]", line[b + 1: b + 2])
            if inside or (beside and mark == '"'):
                out += [Slip(number, a + 1, mark, left, "punctuation"), Slip(number, b + 1, mark, right, "punctuation")]
    return out


def _apostrophe(line: str, i: int) -> bool:
    """it's, don't: a quote between two letters or digits is not a quote."""
    return 0 < i < len(line) - 1 and line[i - 1].isascii() and line[i - 1].isalnum() and \
        line[i + 1].isascii() and line[i + 1].isalnum()


def half_width_punctuation(text: str) -> list[tuple[int, int, str]]:
    """(line, column, mark) of each punctuation slip in Chinese text."""
    return [(s.line, s.col, s.text) for s in slips(text) if s.kind == "punctuation"]


def _message(slip: Slip) -> str:
    if slip.kind == "punctuation" and slip.text in "\"'":
        # its own msgid (same English): a translation that quotes the mark, “"” or “””, cannot be read
        return _("half-width '{quote}' in Chinese text; write '{fixed}'").format(quote=slip.text, fixed=slip.fixed)
    if slip.kind == "punctuation":
        return _("half-width '{mark}' in Chinese text; write '{fixed}'").format(mark=slip.text, fixed=slip.fixed)
    code = ord(slip.text)
    if slip.text == _NBSP:
        return _("a no-break space (U+00A0), as pasted from Word; it prints as a gap")
    if slip.kind == "invisible":
        return _("an invisible zero-width character (U+{code:04X}), as pasted from Word or a web page").format(code=code)
    if slip.text == "\x0c":
        return _("a page break (U+000C) from Word; it is left out")
    return _("a control character (U+{code:04X}) with nothing to print; it is left out").format(code=code)


def check_text(text: str, path: Path, report: Report, coverage: frozenset[int] | None) -> None:
    for i, slip in enumerate(slips(text)):
        report.warning(_message(slip), Location(path, slip.line, slip.col),
                       "" if i else _("'bulletin check --fix' mends them all"))
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
        report.error(_("no installed font has '{char}' (U+{code:04X}); it would print as an empty box").format(
            char=ch, code=ord(ch)), Location(path, number, col),
            _("replace the character, or install a font that has it ('bulletin doctor' lists the fonts)"))
    if len(missing) > MAX_GLYPH_REPORTS:
        report.error(_("{count} more characters have no font").format(count=len(missing) - MAX_GLYPH_REPORTS),
                     Location(path))


def fix_punctuation(text: str) -> tuple[str, int]:
    """The text with every slip of `slips` mended, and how many."""
    found = slips(text)
    if not found:
        return text, 0
    lines = text.split("\n")
    for slip in sorted(found, key=lambda s: (s.line, s.col), reverse=True):
        s = lines[slip.line - 1]
        lines[slip.line - 1] = s[: slip.col - 1] + slip.fixed + s[slip.col - 1 + len(slip.text):]
    return "\n".join(lines), len(found)


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
