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
        hint = (_("did you mean '{name}'? if it is a unit, add it to 'units:' in bulletin.yaml or to "
                  "recipients.yaml").format(name=close[0]) if close else
                _("if it is a unit, add it to 'units:' in bulletin.yaml or to recipients.yaml"))
        report.warning(_("the source '{source}' is not a unit the workspace knows").format(source=article.source),
                       Location(issue.source, *attribute_position(lines, article.line, "source")), hint)


class NearMisses:
    """Finds text one character off a known name: (line, 0-based column, text, name).

    Only names of MIN_NEAR characters or more, only a character other than the first
    (市/省/县 name other, real units), and never a text that is itself a known name.  Each
    name is filed under its forms with one character after the first left open; the text is
    looked up only where a name's first character stands.  Made once for a whole series."""

    def __init__(self, names: tuple[str, ...], spelled: tuple[str, ...] = ()):
        # `spelled`: text the workspace itself writes (its title, its publisher): words in it
        # are spelled as meant, e.g. 国家环保模(范城市) is no slip of 国家环保部
        self.spelled = tuple(spelled)
        self.keys: dict[tuple[int, str], str] = {}
        for name in names:
            if len(name) >= MIN_NEAR:
                for i in range(1, len(name)):
                    self.keys.setdefault((len(name), name[:i] + "\0" + name[i + 1:]), name)
        self.exact = set(names)
        firsts = "".join(sorted({re.escape(n[0]) for n in self.keys.values()}))
        self.starts = re.compile(f"[{firsts}]") if firsts else None
        self.lengths = sorted({n for n, _ in self.keys}, reverse=True)

    def find(self, body) -> list[tuple[int, int, str, str]]:
        """`body`: (number, masked line)."""
        if self.starts is None:
            return []
        found = []
        for number, line in body:
            after = 0  # a name found is not searched again for a shorter one
            for m in self.starts.finditer(line):
                if m.start() >= after:
                    hit = self._at(line, m.start())
                    if hit:
                        after = m.start() + len(hit[0])
                        if hit[1]:
                            found.append((number, m.start(), *hit))
        return found

    def _at(self, line: str, start: int) -> tuple[str, str] | None:
        """(text, name it is one off) or (text, "") for a known name, at `start`; else None."""
        for size in self.lengths:
            window = line[start:start + size]
            if len(window) < size or "\0" in window:
                continue
            if window in self.exact or any(window in text for text in self.spelled):
                return window, ""
            for i in range(1, size):
                name = self.keys.get((size, window[:i] + "\0" + window[i + 1:]))
                if name:
                    return window, name
        return None


def near_misses(body, names: tuple[str, ...]) -> list[tuple[int, int, str, str]]:
    return NearMisses(names).find(body)


def check_near_misses(body, path: Path, finder: NearMisses, report: Report) -> None:
    misses = finder.find(body)
    for number, col, text, name in misses[:MAX_NEAR_REPORTS]:
        report.warning(_("'{text}' is one character off the unit '{name}'").format(text=text, name=name),
                       Location(path, number, col + 1),
                       _("if it is another unit, add it to 'units:' in bulletin.yaml"))
