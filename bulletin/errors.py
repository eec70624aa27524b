"""One error type with a location, and the one place that formats it.

Every problem found in an input file becomes a `Diagnostic`: where it is
(path, line, column, all 1-based), what is wrong, and what to do.  Stages
raise `BulletinError` for a problem that stops them, or collect
diagnostics in a `Report` when they can go on.
"""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from .i18n import N_, _


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
        """`path:line:col: error: message` and an indented hint, in the user's language
        (formatted when shown, so the words follow the language chosen for the command)."""
        where = f"{self.location.shown(relative_to)}: " if self.location else ""
        text = where + _(_SEVERITY.get(self.severity, _SEVERITY["error"])).format(message=self.message)
        if self.hint:
            text += "\n  " + _("hint: {hint}").format(hint=self.hint)
        return text


# The words of a diagnostic; its severity stays "error" or "warning" in the data.
_SEVERITY = {"error": N_("error: {message}"), "warning": N_("warning: {message}")}


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


# What the system refuses is not a bug: each errno a plain message and what to do.
_REFUSALS = {
    errno.ENOSPC: (N_("no space left on the disk"), N_("free some space, or write the output to another disk")),
    errno.EDQUOT: (N_("the disk quota is used up"), N_("free some space, or ask for a larger quota")),
    errno.EACCES: (N_("permission denied"), N_("fix the permissions (ls -l shows them), or run where you may write")),
    errno.EPERM: (N_("operation not permitted"), N_("fix the permissions (ls -l shows them), or run where you may write")),
    errno.EROFS: (N_("the file system is read-only"), N_("work on a copy of the workspace on a writable disk")),
    errno.EISDIR: (N_("a folder stands where a file is expected"), N_("move or rename the folder")),
    errno.ENOTDIR: (N_("a file stands where a folder is expected"), N_("move or rename the file")),
    errno.EMFILE: (N_("too many open files"), N_("raise the limit (ulimit -n), or build fewer editions at once (-j 1)")),
    errno.ENFILE: (N_("too many open files on this system"), N_("close other programs, or build with -j 1")),
}


def os_error(exc: OSError) -> BulletinError:
    """An OSError as a plain error naming the file; `is_refusal` says whether it is one the
    system gives for an ordinary reason (full disk, permissions), not a bug."""
    message, hint = _REFUSALS.get(exc.errno, (None, ""))
    what = _(message) if message else (exc.strerror or str(exc))
    # a rename's target is the file the user knows; writer.atomic_write's ".NAME.xxxx.part" stands for NAME
    name = exc.filename2 or exc.filename
    path = Path(os.fsdecode(name)) if name else None
    if path is not None and path.name.startswith(".") and path.name.endswith(".part"):
        path = path.with_name(path.name[1:].rsplit(".", 2)[0])
    return BulletinError(_("{path}: {what}").format(path=display_path(path), what=what) if path else what,
                         hint=_(hint) if hint else "")


def is_refusal(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in _REFUSALS
