"""Reading the issues: each file parsed and checked on its own (a generator, so that a
build can start typesetting an edition before the rest are read), then the series'
checks as a separate pass, giving a `Series` with every edition's names and labels.

This stage reads the workspace's settings and issue files only; what was
published (published/) is the publishing stage's to compare (publish.py).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import attachments, fonts, numbering, plan, workspace
from .cache import ParseCache
from .errors import BulletinError, Diagnostic, Report
from .i18n import _
from .model import REGULAR, Edition, Issue, Publication


@dataclass
class Workspace:
    """What is read before any issue is parsed: the settings, the issue files' hashes,
    the parse cache."""

    root: Path
    publication: Publication
    context: str                # what every edition depends on: bulletin.yaml, the fonts
    cache: ParseCache
    digests: dict[Path, str]    # SHA-256 of each issue file's bytes ("" for one that may not be read)


@dataclass(frozen=True)
class Read:
    """One issue file, read: its edition, or None if it has errors (reported)."""

    path: Path
    edition: Edition | None

    @property
    def issue(self) -> Issue | None:
        return self.edition.issue if self.edition else None


@dataclass
class Series:
    publication: Publication
    editions: list[Edition]              # of the files that passed every check, in date order
    failed: list[Path] = field(default_factory=list)   # the files that did not
    digests: dict[Path, str] = field(default_factory=dict)
    context: str = ""

    @property
    def issues(self) -> list[Issue]:
        return [e.issue for e in self.editions]

    def without(self, sources: set[Path]) -> "Series":
        """The series less the issues of `sources`, which count as failed."""
        kept = [e for e in self.editions if e.issue.source not in sources]
        gone = [e.issue.source for e in self.editions if e.issue.source in sources]
        return Series(self.publication, kept, self.failed + gone, self.digests, self.context)


def survey(root: Path, report: Report) -> Workspace:
    pub = workspace.load_publication(root, report)
    context = hashlib.sha256((root / workspace.CONFIG).read_bytes()).hexdigest() + plan.fonts_fingerprint()
    cache = ParseCache(workspace.state_dir(root), context)
    return Workspace(root, pub, context, cache, {p: _digest(p, root) for p in attachments.issue_files(root, report)})


def _digest(path: Path, root: Path) -> str:
    try:
        return hashlib.sha256(workspace.confined(path, root).read_bytes()).hexdigest()
    except (OSError, BulletinError):
        return ""


def read(ws: Workspace, report: Report, strict: bool = False) -> Iterator[Read]:
    """Parse every issue file (or take it from the cache), reporting its own problems.

    `strict`: a file with warnings counts as a file with errors.
    """
    from . import issuefile

    for path, digest in ws.digests.items():
        cached = ws.cache.get(path, digest)
        if cached is None:
            own = Report()
            issue = issuefile.parse_issue(path, ws.publication, own, coverage=fonts.coverage())
            if issue is not None:  # a file with errors is read again: its cure may lie elsewhere (an image)
                ws.cache.put(path, digest, issue, own.items)
        else:
            issue, diagnostics = cached
            own = Report(list(diagnostics))
        if strict:
            own = Report([Diagnostic("error", _("{message} (--strict)").format(message=d.message), d.location, d.hint)
                          if not d.is_error
                          else d for d in own.items])
            issue = None if own.errors else issue
        report.extend(own)
        yield Read(path, numbering.edition(issue) if issue else None)
    ws.cache.save({str(p) for p in ws.digests})


def check(ws: Workspace, reads: list[Read], report: Report) -> Series:
    """The series' checks (numbers, dates, totals) over the issues read; every edition named."""
    editions = [r.edition for r in reads if r.edition is not None]
    failed = [r.path for r in reads if r.edition is None]
    numbering.check_series([e.issue for e in editions], report, incomplete=bool(failed))
    from . import editorial  # (it reads approvals and the manifest: only once the issues are read)

    editorial.check(ws.root, ws.publication, [e.issue for e in editions], report)  # terms, units, sources, approvals
    editions.sort(key=lambda e: (e.issue.date, e.issue.kind != REGULAR, e.issue.number))
    return Series(ws.publication, editions, failed, ws.digests, ws.context)


def load(root: Path, report: Report, strict: bool = False) -> Series:
    """Read and check the whole series at once."""
    ws = survey(root, report)
    return check(ws, list(read(ws, report, strict)), report)


def matches(edition: Edition, selector: str) -> bool:
    """An edition named by its name (2018-02), its file's stem or its path."""
    source = edition.issue.source
    return selector in (edition.name, source.stem) or source == Path(selector).resolve()


def select(series: Series, selectors: tuple[str, ...], report: Report) -> list[Edition]:
    """The editions named on the command line: by edition name (2018-02) or by file."""
    if not selectors:
        return list(series.editions)
    chosen: list[Edition] = []
    for sel in selectors:
        found = [e for e in series.editions if matches(e, sel)]
        if found:
            chosen.extend(e for e in found if e not in chosen)
        elif any(sel in (p.stem, str(p)) or p == Path(sel).resolve() for p in series.failed):
            pass  # its errors are already in the report
        else:
            names = ", ".join(e.name for e in series.editions) or _("none yet")
            report.error(_("no issue '{name}' in this workspace").format(name=sel),
                         hint=_("issues: {names}").format(names=names))
    return chosen
