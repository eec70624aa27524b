"""The units the workspace knows, and the checks on unit names in issues.

A unit is known when it is a name of recipients.yaml (an address or a
group) or listed under `units:` in bulletin.yaml.  An article's
`{source="..."}` should name one (else a warning with a did-you-mean), and a
name in the text that is one character away from a known unit's name
(清城区环保居 for 清城区环保局) is a warning too.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path

from . import addressbook
from .errors import BulletinError, Location, Report
from .i18n import _
from .model import Issue, Publication

MIN_NEAR = 5       # shorter names differ from other real units by one character too often
MAX_NEAR_REPORTS = 10
_ATTR_LINE = re.compile(r"^\s*\{.*\}\s*$")


def known(root: Path, pub: Publication) -> tuple[str, ...]:
    """The unit names of the address book and of `units:`; () when the workspace has neither."""
    names = list(pub.extra.get("units", ()))
    if (root / addressbook.FILE).exists():
        try:
            book = addressbook.load(root, Report())
        except BulletinError:
            book = None  # its errors are 'send''s to report; the names still check what they can
        if book is not None:
            names += [*book.addresses, *book.groups]
    return tuple(dict.fromkeys(names))


def attribute_position(lines: list[str], heading: int, name: str) -> tuple[int, int]:
    """(line, column) of `name=` in the attribute lines just above the heading at line `heading`."""
    number = heading - 1
    while number >= 1 and _ATTR_LINE.match(lines[number - 1]):
        col = lines[number - 1].find(name + "=")
        if col >= 0:
            return number, col + len(name) + 3  # the first character of the value
        number -= 1
    return heading, 1


def check_sources(issue: Issue, lines: list[str], names: tuple[str, ...], report: Report) -> None:
    """An article's source that the workspace does not know: a warning at the attribute."""
    if not names:
        return
    for article in issue.articles:
        if not article.source or article.source in names:
            continue
        close = difflib.get_close_matches(article.source, names, n=1, cutoff=0.5)
        hint = _("did you mean '{name}'?").format(name=close[0]) if close else ""
        add = _("if it is a unit, add it to 'units:' in bulletin.yaml or to recipients.yaml")
        report.warning(_("the source '{source}' is not a unit the workspace knows").format(source=article.source),
                       Location(issue.source, *attribute_position(lines, article.line, "source")),
                       f"{hint} {add}".strip())


def near_misses(body, names: tuple[str, ...]) -> list[tuple[int, int, str, str]]:
    """(line, 0-based column, text found, known name) where the text is one character off a name.

    `body`: (number, masked line).  Only names of MIN_NEAR characters or more, only a
    character other than the first (市/省/县 name other, real units), and never a text that
    is itself a known name."""
    keys: dict[tuple[int, str], str] = {}
    for name in names:
        if len(name) >= MIN_NEAR:
            for i in range(1, len(name)):
                keys.setdefault((len(name), name[:i] + "\0" + name[i + 1:]), name)
    if not keys:
        return []
    exact = set(names)
    whole = re.compile("|".join(re.escape(n) for n in sorted(exact, key=len, reverse=True)))
    firsts = {name[0] for name in keys.values()}
    lengths = sorted({n for n, _ in keys})
    found = []
    for number, line in body:
        taken = [False] * len(line)
        for m in whole.finditer(line):  # inside a correct name nothing is a miss
            taken[m.start():m.end()] = [True] * (m.end() - m.start())
        for start, first in enumerate(line):
            if first not in firsts or taken[start]:
                continue
            for size in lengths:
                window = line[start:start + size]
                if len(window) < size or window in exact or "\0" in window or any(taken[start:start + size]):
                    continue
                name = next((keys[k] for i in range(1, size)
                             if (k := (size, window[:i] + "\0" + window[i + 1:])) in keys), None)
                if name:
                    found.append((number, start, window, name))
                    taken[start:start + size] = [True] * size
                    break
    return found


def check_near_misses(body, path: Path, names: tuple[str, ...], report: Report) -> None:
    misses = near_misses(body, names)
    for number, col, text, name in misses[:MAX_NEAR_REPORTS]:
        report.warning(_("'{text}' is one character off the unit '{name}'").format(text=text, name=name),
                       Location(path, number, col + 1),
                       _("if it is another unit, add it to 'units:' in bulletin.yaml"))
