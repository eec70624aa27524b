"""Rendering PDFs in worker processes.

Each worker imports WeasyPrint and installs the CJK line justification
once, then renders many editions; Pango keeps the fonts it has loaded.
A job is plain data (the print HTML and paths), so the main process never
imports WeasyPrint.

The first worker can be started before the build knows that it will
typeset: `bulletin build` forks it first thing (__main__.py, fork.py), and
it imports WeasyPrint, 0.4-0.6 s, while this process imports, reads and
parses.  A worker that was not needed is killed, not waited for.
"""
from __future__ import annotations

import gc
import os
import resource
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from . import fork
from .errors import BulletinError, Diagnostic, Location


@dataclass(frozen=True)
class Job:
    name: str
    html: str
    base: Path
    root: Path
    source: Path
    pdf: Path            # where the edition's PDF goes: the same bytes there need no writing, no thumbnail


@dataclass(frozen=True)
class Result:
    name: str
    data: bytes | None
    pages: int
    problem: Diagnostic | None
    peak_rss: int        # bytes, of the process that rendered it
    thumb: bytes | None  # page 1 as a PNG, made here so that it is made in parallel too
    changed: bool = True  # False: the PDF is byte for byte the one on disk (no thumbnail made)
    fatal: bool = False  # the worker cannot typeset at all (WeasyPrint did not load)


def _init() -> None:
    from .render import pdf

    pdf.load()  # once per worker, before the first job; fonts loaded then stay open for the next


def render(job: Job) -> Result:
    from .render import pdf as pdf_render

    from .render.site import thumbnail

    # A WeasyPrint document is a web of cycles: collect the last job's now, or a
    # worker grows by ~35 MiB an edition until the collector runs.  (Done here,
    # not after the job, so that no result waits for it.)
    gc.collect()
    thumb, changed = None, True
    try:
        pdf = pdf_render.render(job.html, base=job.base, root=job.root, source=job.source)
        data, pages, problem = pdf.data, pdf.pages, None
        changed = not job.pdf.exists() or job.pdf.read_bytes() != data
        if changed:
            thumb = thumbnail(data)[0]
    except BulletinError as exc:
        data, pages, problem = None, 0, exc.diagnostic
    except MemoryError:
        data, pages, problem = None, 0, Diagnostic("error", "ran out of memory typesetting this issue",
                                                   Location(job.source))
    return Result(job.name, data, pages, problem, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, thumb,
                  changed)


default_jobs = fork.cores


def serve(fd: int, parent: int) -> None:
    """A worker's life (forked by fork.typesetter): load WeasyPrint, then render each job
    sent on the socket `fd` until told to stop.

    Ctrl-C is the build's to handle (fork.typesetter ignores it here): it
    stops the workers it started.  A build that was killed closes its end of
    the socket, and this one ends; on Linux the kernel also kills it with the build.
    """
    conn = Connection(fd)
    _outlive_nothing(parent)
    try:
        _init()
        # WeasyPrint, its fonts and caches stay for the worker's life: moved out of the
        # collector's sight, each collection walks one edition's objects, not all 65,000
        # (the collection at each job's start: 50 ms -> 5 ms).
        gc.freeze()
        broken = None
    except Exception as exc:  # noqa: BLE001 - e.g. Pango missing: every job gets the reason
        broken = f"WeasyPrint could not be loaded: {type(exc).__name__}: {exc}"
    try:
        while (job := conn.recv()) is not None:
            if broken:
                conn.send(_failed(job, broken, "run 'bulletin doctor' to see what is missing", fatal=True))
                continue
            try:
                result = render(job)
            except Exception as exc:  # noqa: BLE001 - a bug must cost one edition, not the build
                result = _failed(job, f"internal error while typesetting: {type(exc).__name__}: {exc}",
                                 "this is a bug in bulletin or WeasyPrint; please report it with the issue file")
            conn.send(result)
    except (EOFError, OSError):
        pass


def _failed(job: Job, message: str, hint: str, fatal: bool = False) -> Result:
    return Result(job.name, None, 0, Diagnostic("error", message, Location(job.source), hint), 0, None,
                  fatal=fatal)


_PARENT_ENDS: list = []  # this process's ends of the pipes to its workers


def _outlive_nothing(parent: int) -> None:
    """Let go of the build's ends of the worker pipes, which the fork copied, so that a
    build killed with SIGKILL leaves no worker behind: while a copy is open here, this
    worker's own pipe never reads end-of-file."""
    for end in _PARENT_ENDS:
        end.close()
    arm = fork.killed_with_parent()
    if arm is not None:
        arm()
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(0)


class _Child:
    """A forked process, as far as a Worker needs to know it."""

    def __init__(self, pid: int):
        self.pid = pid
        self.exitcode: int | None = None

    def is_alive(self) -> bool:
        if self.exitcode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                pid, status = self.pid, 0
            if pid:
                self.exitcode = os.waitstatus_to_exitcode(status)
        return self.exitcode is None

    def join(self, timeout: float | None = None) -> None:
        end = None if timeout is None else time.monotonic() + timeout
        while self.is_alive() and (end is None or time.monotonic() < end):
            time.sleep(0.005)

    def kill(self) -> None:
        if self.is_alive():
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


class Worker:
    """One typesetting process, forked now from this (still small) process, or earlier
    (`forked`: what fork.typesetter returned, before this process imported much)."""

    def __init__(self, forked: tuple[int, int] | None = None):
        pid, fd = forked or fork.typesetter()
        self.conn = Connection(fd)
        _PARENT_ENDS.append(self.conn)
        self.process = _Child(pid)
        self.job: Job | None = None   # the job it is typesetting
        self.used = False             # whether it was given any

    def give(self, job: Job) -> bool:
        """Send it a job; False if it has died."""
        try:
            self.conn.send(job)
        except OSError:
            return False
        self.job, self.used = job, True
        return True

    def take(self) -> Result:
        """The result of its job; a Result with a problem if the process died doing it."""
        job, self.job = self.job, None
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            self.process.join(5)
            code = self.process.exitcode
            why = f"it was killed by signal {-code}" if code and code < 0 else f"it exited with status {code}"
            return _failed(job, f"the typesetting process stopped while typesetting this issue: {why}",
                           "build again; if it stops again, report it with the issue file")

    def stop(self) -> None:
        """Let an idle worker finish; kill one that is busy, or was never used (it may be
        still loading WeasyPrint, and nothing should wait for that)."""
        if self.used and self.job is None and self.process.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.process.join(30)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()
        if self.conn in _PARENT_ENDS:
            _PARENT_ENDS.remove(self.conn)


class Renderer:
    """Workers that take the next job as each becomes free.

    Jobs may be added while the build is still parsing (`add`): each call
    also hands finished workers their next job, so they do not wait for the
    parse to end.  `results()` then yields every result as it comes.
    `spare`: a worker started earlier, used as the first of them.  A worker
    that dies is replaced; the edition it was typesetting is reported failed.
    """

    def __init__(self, workers: int, spare: Worker | None = None):
        self.workers = ([spare] if spare else []) + [Worker() for _ in range(workers - (1 if spare else 0))]
        self._queue: deque[Job] = deque()
        self._busy: dict = {}             # connection -> worker typesetting
        self._finished: deque = deque()   # (job, result) not yet taken by results()
        self._replacements = 0            # a worker dies at most once a job, or the machine is broken

    def add(self, jobs: list[Job]) -> None:
        """Queue jobs; idle workers start them now."""
        self._queue.extend(jobs)
        self._replacements += len(jobs)
        self._collect(timeout=0)

    def keep(self, wanted, order=None) -> None:
        """Drop the queued jobs for which `wanted(job)` is false; sort the rest by `order`,
        largest first.  (A dropped job that is already being typeset still yields its result.)"""
        kept = [job for job in self._queue if wanted(job)]
        self._queue = deque(sorted(kept, key=order, reverse=True) if order else kept)

    def results(self):
        """(job, Result) for every job started, as each finishes."""
        while self._finished or self._busy or self._queue:
            if not self._finished:
                self._collect(timeout=None)
            while self._finished:
                yield self._finished.popleft()

    def _collect(self, timeout: float | None) -> None:
        """Give idle workers jobs; take the results of those done (waiting up to `timeout`)."""
        for worker in list(self.workers):
            if worker.job is None:
                self._feed(worker)
        if not self._busy:
            return
        for conn in wait(list(self._busy), timeout):
            worker = self._busy.pop(conn)
            job = worker.job
            result = worker.take()
            if result.fatal:
                raise BulletinError(result.problem.message, hint=result.problem.hint)
            self._finished.append((job, result))
            self._feed(worker)

    def _feed(self, worker: Worker) -> None:
        while self._queue:
            if worker.give(self._queue[0]):
                self._queue.popleft()
                self._busy[worker.conn] = worker
                return
            if self._replacements == 0:
                raise BulletinError("the typesetting processes keep stopping before they start",
                                    hint="run 'bulletin doctor'")
            self._replacements -= 1
            worker.stop()
            self.workers.remove(worker)
            worker = Worker()
            self.workers.append(worker)

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
