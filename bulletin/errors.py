"""One error type with a location, and the one place that formats it.

Every problem found in an input file becomes a `Diagnostic`: where it is
(path, line, column, all 1-based), what is wrong, and what to do.  Stages
raise `BulletinError` for a problem that stops them, or collect
diagnostics in a `Report` when they can go on.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Location:
    path: Path
    line: int = 0  # 0: the file as a whole
    col: int = 0

    def shown(self, relative_to: Path | None = None) -> str:
        path = display_path(self.path, relative_to)
        if self.line:
            return f"{path}:{self.line}:{max(self.col, 1)}"
        return path


def display_path(path: Path, relative_to: Path | None = None) -> str:
    """A path as the user would type it: relative to the current folder when near."""
    base = Path(relative_to or Path.cwd())
    try:
        rel = os.path.relpath(path, base)
    except ValueError:  # another drive (Windows)
        return str(path)
    # A path far above the current folder reads better absolute.
    return str(path) if rel.startswith(os.pardir + os.sep + os.pardir) else rel


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # "error" or "warning"
    message: str
    location: Location | None = None
    hint: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format(self, relative_to: Path | None = None) -> str:
        where = f"{self.location.shown(relative_to)}: " if self.location else ""
        text = f"{where}{self.severity}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class BulletinError(Exception):
    """A problem that stops the current stage for one file (or the command)."""

    def __init__(self, message: str, location: Location | None = None, hint: str = ""):
        super().__init__(message)
        self.diagnostic = Diagnostic("error", message, location, hint)

    def __str__(self) -> str:
        return self.diagnostic.format()


@dataclass
class Report:
    """Diagnostics collected while a command runs, in the order found."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, message: str, location: Location | None = None, hint: str = "") -> None:
        self.items.append(Diagnostic("error", message, location, hint))

    def warning(self, message: str, location: Location | None = None, hint: str = "") -> None:
        self.items.append(Diagnostic("warning", message, location, hint))

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def extend(self, other: "Report") -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if not d.is_error]
