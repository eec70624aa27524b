"""The office's proofreading list: terms.yaml beside bulletin.yaml, wrong → right.

    十九大: 党的十九大
    督察: 督查
    市环保局: 市生态环境局

`check` warns at each wrong form in the body of an issue (not in the front
matter, code or attributes), `check --fix` writes the right one.  A wrong form
that is part of the right one (十九大 in 党的十九大) is not a mistake where the
right form already stands, so a fixed text is never fixed twice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import yamlsafe
from .errors import BulletinError, Location, Report
from .i18n import _
from .workspace import read_text

FILE = "terms.yaml"
MAX_REPORTS = 50  # per file: past that, the list itself is probably wrong


@dataclass(frozen=True)
class Terms:
    path: Path
    right: dict[str, str]   # wrong -> right
    pattern: re.Pattern | None

    def __bool__(self) -> bool:
        return bool(self.right)


NONE = Terms(Path(FILE), {}, None)


def load(root: Path, report: Report) -> Terms:
    """terms.yaml, checked entry by entry (a bad entry is an error at its line and left out)."""
    path = root / FILE
    if not path.exists():
        return NONE
    try:
        data = yamlsafe.load(read_text(path, root), path)
    except BulletinError as exc:
        report.add(exc.diagnostic)
        return NONE
    if data is None:
        return NONE
    if not isinstance(data, dict):
        report.error(_("{file} must map each wrong form to the right one").format(file=FILE),
                     Location(path, *getattr(data, "start", (1, 1))), _("for example: 十九大: 党的十九大"))
        return NONE
    right = {}
    for wrong, value in data.items():
        where = Location(path, *data.where[wrong])
        if not isinstance(value, str) or not value.strip() or not wrong.strip():
            report.error(_("'{wrong}' must be followed by the right form as text").format(wrong=wrong), where,
                         _("for example: 十九大: 党的十九大"))
        elif value.strip() == wrong.strip():
            report.error(_("'{wrong}' is mapped to itself").format(wrong=wrong), where,
                         _("remove the line, or write the right form after the colon"))
        else:
            right[wrong.strip()] = value.strip()
    if not right:
        return NONE
    alternatives = sorted(right, key=len, reverse=True)  # the longest wrong form first
    return Terms(path, right, re.compile("|".join(map(re.escape, alternatives))))


def matches(line: str, terms: Terms) -> list[tuple[int, str, str]]:
    """(0-based column, wrong, right) of each wrong form on one (masked) line."""
    if not terms:
        return []
    found = []
    for m in terms.pattern.finditer(line):
        wrong, right = m.group(0), terms.right[m.group(0)]
        if _inside_right(line, m.start(), wrong, right):
            continue
        found.append((m.start(), wrong, right))
    return found


def _inside_right(line: str, start: int, wrong: str, right: str) -> bool:
    """Whether the wrong form found at `start` is part of the right form written out."""
    offset = right.find(wrong)
    while offset >= 0:
        begin = start - offset
        if begin >= 0 and line[begin:begin + len(right)] == right:
            return True
        offset = right.find(wrong, offset + 1)
    return False


def check_text(lines, path: Path, terms: Terms, report: Report) -> None:
    """Warn at each wrong form; `lines`: (number, masked line) of the body (textcheck.body_lines)."""
    count = 0
    for number, line in lines:
        for col, wrong, right in matches(line, terms):
            count += 1
            if count > MAX_REPORTS:
                report.warning(_("more terms of {file} in this file are not shown").format(file=FILE), Location(path))
                return
            report.warning(_("'{wrong}': the office writes '{right}' ({file})").format(
                wrong=wrong, right=right, file=FILE), Location(path, number, col + 1),
                "" if count > 1 else _("'bulletin check --fix' writes the right forms"))


def fix_lines(lines: list[str], body, terms: Terms) -> int:
    """Write the right forms into `lines` (the whole file's lines, changed in place); how many.

    `body`: (number, masked line) of the lines to fix, as check_text reads them."""
    count = 0
    for number, masked in body:
        found = matches(masked, terms)
        if not found:
            continue
        line = lines[number - 1]
        for col, wrong, right in reversed(found):
            line = line[:col] + right + line[col + len(wrong):]
        lines[number - 1] = line
        count += len(found)
    return count
