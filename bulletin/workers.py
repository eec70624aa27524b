"""Rendering PDFs in worker processes.

Each worker imports WeasyPrint and installs the CJK line justification
once, then renders many editions; Pango keeps the fonts it has loaded.
A job is plain data (the print HTML and paths), so the main process never
imports WeasyPrint for a parallel build.
"""
from __future__ import annotations

import os
import resource
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .errors import BulletinError, Diagnostic, Location


@dataclass(frozen=True)
class Job:
    name: str
    html: str
    base: Path
    root: Path
    source: Path


@dataclass(frozen=True)
class Result:
    name: str
    data: bytes | None
    pages: int
    problem: Diagnostic | None
    peak_rss: int  # bytes, of the process that rendered it


def _init() -> None:
    from .render import cjk
    import weasyprint  # noqa: F401 - loaded once per worker

    cjk.install()


def render(job: Job) -> Result:
    from .render import pdf as pdf_render

    try:
        pdf = pdf_render.render(job.html, base=job.base, root=job.root, source=job.source)
        data, pages, problem = pdf.data, pdf.pages, None
    except BulletinError as exc:
        data, pages, problem = None, 0, exc.diagnostic
    except MemoryError:
        data, pages, problem = None, 0, Diagnostic("error", "ran out of memory typesetting this issue",
                                                   Location(job.source))
    return Result(job.name, data, pages, problem, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run(jobs: list[Job], workers: int):
    """Yield a Result per job as each finishes; in this process when one worker is enough."""
    if workers <= 1 or len(jobs) <= 1:
        if jobs:
            _init()
        for job in jobs:
            yield render(job)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), initializer=_init) as pool:
        futures = [pool.submit(render, job) for job in jobs]
        for future in as_completed(futures):
            yield future.result()
