"""`bulletin check`: every issue file and the numbering of the series, as a build reads
them; with --fix, the punctuation rewritten first."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import attachments, fonts, textcheck
from ..errors import Report
from .published import read_series


@dataclass
class Checked:
    files: int                                           # issue files read
    fixed: list[tuple[Path, int]] = field(default_factory=list)  # (file, marks rewritten) by --fix
    note: str | None = None                              # a font substituted for one the theme names


def check(root: Path, report: Report, fix: bool = False, strict: bool = False) -> Checked:
    fixed = []
    if fix:
        for path in attachments.issue_files(root):
            try:
                count = textcheck.fix_file(path)
            except (OSError, UnicodeDecodeError):
                continue  # reported by the check below
            if count:
                fixed.append((path, count))
    series = read_series(root, report, strict=strict)
    return Checked(len(series.editions) + len(series.failed), fixed, fonts.substitution_note())
