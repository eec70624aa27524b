"""What crosses the socket between a build and its typesetters: plain, picklable data."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Diagnostic, Location
from ..model import Edition, Publication


@dataclass(frozen=True)
class Job:
    """Make `formats` of one edition (those it needs first, see formats.order)."""

    edition: Edition
    publication: Publication
    formats: tuple[str, ...]
    html: str            # the print HTML (rendered in the build's process when a format has print_html; else "")
    out: Path            # output/: an output equal to the file there is reported unchanged
    key: str             # what the edition is made from (plan.py); a result is matched by name and key

    @property
    def name(self) -> str:
        return self.edition.name


@dataclass(frozen=True)
class Made:
    """One output of a job."""

    data: bytes | None               # None: the same bytes as the file on disk
    pages: int = 0
    extra: dict[str, bytes] = field(default_factory=dict)  # files beside it, by path under output/
    notes: tuple[str, ...] = ()      # warnings about this edition's layout (the 版记 alone on a page)


@dataclass(frozen=True)
class Result:
    name: str
    key: str
    made: dict[str, Made]            # format -> output
    problem: Diagnostic | None
    peak_rss: int                    # bytes, of the process that made it
    fatal: bool = False              # the typesetter cannot work at all (WeasyPrint did not load)
    warnings: tuple[str, ...] = ()   # about the typesetter itself (a workaround unavailable: patches.py)


def failed(job: Job, message: str, hint: str, fatal: bool = False) -> Result:
    """The result of a job that made nothing, with the reason."""
    return Result(job.name, job.key, {}, Diagnostic("error", message, Location(job.edition.issue.source), hint), 0,
                  fatal=fatal)
