"""`bulletin serve`: build, serve output/ on 127.0.0.1, rebuild what changed, reload the page.

The typesetters are kept between rebuilds (a warm Pool: WeasyPrint, its
fonts and caches loaded), so an edit to an issue is typeset at once, not
after a new process has loaded WeasyPrint.  Which rebuild a change needs:
an issue file alone rebuilds that edition's outputs; anything else
(bulletin.yaml, templates, an image) the whole workspace, where the plan
finds what is out of date.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import BulletinError, Report
from ..i18n import _
from ..typeset.pool import Pool, default_jobs
from .build import BuildResult, Options, build


def selectors(changed: set[Path] | None) -> tuple[str, ...]:
    """The editions to rebuild for `changed` (empty: every edition)."""
    if not changed or any(p.suffix != ".md" for p in changed):
        return ()
    return tuple(str(p) for p in changed if p.exists())


def serve(root: Path, port: int, say: Callable[[str], None], report_out: Callable[[Report, BuildResult], None],
          jobs: int | None = None) -> None:
    """Build, then serve until interrupted; `report_out` prints each rebuild's outcome."""
    from ..serve import serve as serve_site

    pool = Pool(1)  # one warm typesetter; grown for a rebuild of more than one edition

    def rebuild(changed: set[Path] | None = None) -> None:
        chosen = selectors(changed)
        pool.grow(min(jobs or default_jobs(), len(chosen) or default_jobs()))
        report = Report()
        try:
            result = build(root, chosen, report, Options(jobs=jobs, on_wait=say), pool=pool)
        except BulletinError as exc:
            report.add(exc.diagnostic)
            result = BuildResult()
        report_out(report, result)

    try:
        rebuild()
        try:
            serve_site(root, port, rebuild, say)
        except OSError as exc:
            raise BulletinError(_("cannot serve on 127.0.0.1:{port}: {why}").format(port=port, why=exc.strerror),
                                hint=_("pass another --port, or --port 0 for any free one")) from None
    finally:
        pool.close()
