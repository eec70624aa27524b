"""Rendering PDFs in worker processes.

Each worker imports WeasyPrint and installs the CJK line justification
once, then renders many editions; Pango keeps the fonts it has loaded.
A job is plain data (the print HTML and paths), so the main process never
imports WeasyPrint for a parallel build.
"""
from __future__ import annotations

import gc
import multiprocessing
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
    peak_rss: int        # bytes, of the process that rendered it
    thumb: bytes | None  # page 1 as a PNG, made here so that it is made in parallel too


def _init() -> None:
    import importlib

    from .render import cjk, libraries

    libraries.install()
    importlib.import_module("weasyprint")  # loaded once per worker, before the first job
    cjk.install()


def render(job: Job) -> Result:
    from .render import pdf as pdf_render

    from .render.site import thumbnail

    thumb = None
    try:
        pdf = pdf_render.render(job.html, base=job.base, root=job.root, source=job.source)
        data, pages, problem = pdf.data, pdf.pages, None
        thumb = thumbnail(data)[0]
    except BulletinError as exc:
        data, pages, problem = None, 0, exc.diagnostic
    except MemoryError:
        data, pages, problem = None, 0, Diagnostic("error", "ran out of memory typesetting this issue",
                                                   Location(job.source))
    # A WeasyPrint document is a web of cycles; collect it now, before the next
    # job, or a worker grows by ~35 MiB an edition until the collector runs.
    gc.collect()
    return Result(job.name, data, pages, problem, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, thumb)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _ready() -> bool:
    return True


class Renderer:
    """A pool of workers, started as soon as the build knows it will typeset.

    Started early, the workers import WeasyPrint (0.6 s) while this process
    is still reading and checking the issues.
    """

    def __init__(self, workers: int):
        # Forked now, before any issue is parsed: a worker is a copy of a small
        # process (no parsed issues, no font tables) and starts in milliseconds.
        context = multiprocessing.get_context("fork")
        self.pool = ProcessPoolExecutor(max_workers=workers, initializer=_init, mp_context=context)
        for _ in range(workers):  # each starts, and imports WeasyPrint, now
            self.pool.submit(_ready)

    def run(self, jobs: list[Job]):
        """Yield a Result per job as each finishes."""
        futures = [self.pool.submit(render, job) for job in jobs]
        for future in as_completed(futures):
            yield future.result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
