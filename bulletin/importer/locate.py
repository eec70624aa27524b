"""Where in a contribution a problem is: `来稿.docx:段落12`, `来稿.docx:表2 第3行第1列`.

A Word file has no lines; a paragraph's number (counting the paragraphs
that hold text or a picture, from the top) and its first characters are
what lets the office find the place.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Location, Report, display_path
from ..i18n import _

EXCERPT = 12


@dataclass(frozen=True)
class Place(Location):
    """A Location in a Word file: its place is said in words, not as line:col."""

    place: str = ""

    def shown(self, relative_to: Path | None = None) -> str:
        path = display_path(self.path, relative_to)
        return f"{path}:{self.place}" if self.place else path


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"


class Notes:
    """The report of one contribution: everything dropped or guessed, each at its place."""

    def __init__(self, path: Path, report: Report, shown_as: Path | None = None):
        self.path = shown_as or path
        self.report = report

    def paragraph(self, n: int, text: str, message: str, hint: str = "") -> None:
        where = _("paragraph {n}").format(n=n) if n else ""
        self.report.warning(_quote(text, message), Place(self.path, place=where), hint)

    def cell(self, table: int, row: int, col: int, text: str, message: str, hint: str = "") -> None:
        where = _("table {t}, row {r}, column {c}").format(t=table, r=row, c=col)
        self.report.warning(_quote(text, message), Place(self.path, place=where), hint)

    def table(self, table: int, message: str, hint: str = "") -> None:
        where = _("table {t}").format(t=table)
        self.report.warning(message, Place(self.path, place=where), hint)

    def file(self, message: str, hint: str = "") -> None:
        self.report.warning(message, Place(self.path), hint)

    def error(self, message: str, hint: str = "") -> None:
        self.report.error(message, Place(self.path), hint)


def _quote(text: str, message: str) -> str:
    shown = excerpt(text)
    # the quoted text is the subject of `message` ("“一、概况” taken as a heading ###")
    return _("“{text}” {message}").format(text=shown, message=message) if shown else message
