"""The build's side of the typesetters: a Worker per process, and the Pool that feeds them.

Each typesetter imports WeasyPrint once, then makes many editions; Pango
keeps the fonts it has loaded.  A job is plain data (jobs.py), so the
build's process never imports WeasyPrint.

The first typesetter can be forked before the build knows that it will
typeset: `bulletin build` forks it first thing (__main__.py), and it
imports WeasyPrint, 0.4-0.6 s, while the build imports, reads and parses.
A typesetter that was not needed is killed, not waited for.  `bulletin
serve` keeps its pool between rebuilds, so an edit is typeset by a process
that has everything loaded.
"""
from __future__ import annotations

import os
import signal
import time
from collections import deque
from multiprocessing.connection import Connection, wait

from ..errors import BulletinError
from ..i18n import _
from ..system import cores
from . import fork
from .jobs import Job, Result, failed


def default_jobs() -> int:
    return cores()


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
    """One typesetting process, forked now, or earlier (`forked`: what fork.typesetter
    returned, before this process imported much)."""

    def __init__(self, forked: tuple[int, int] | None = None):
        pid, fd = forked or fork.typesetter()
        self.conn = Connection(fd)
        self.process = _Child(pid)
        self.job: Job | None = None   # the job it is making
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
        """The result of its job; a Result with a problem if the process died making it."""
        job, self.job = self.job, None
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            self.process.join(5)
            code = self.process.exitcode
            why = (_("it was killed by signal {n}").format(n=-code) if code and code < 0
                   else _("it exited with status {n}").format(n=code))
            return failed(job, _("the typesetting process stopped while typesetting this issue: {why}").format(why=why),
                          _("build again; if it stops again, report it with the issue file"))

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


class Pool:
    """Workers that take the next job as each becomes free.

    Jobs may be added while the build is still parsing (`add`): each call
    also hands idle workers their next job, so they do not wait for the
    parse to end.  `results()` then yields every result as it comes.  A
    worker that dies is replaced; the edition it was making is reported failed.
    """

    def __init__(self, size: int, spare: Worker | None = None):
        # all forked now: each loads WeasyPrint while the build reads and parses
        self.workers = ([spare] if spare else []) + [Worker() for _ in range(size - (1 if spare else 0))]
        self._queue: deque[Job] = deque()
        self._busy: dict = {}             # connection -> worker making a job
        self._finished: deque = deque()   # (job, result) not yet taken by results()
        self._replacements = 0            # a worker dies at most once a job, or the machine is broken

    def grow(self, size: int) -> None:
        """At least `size` workers (a pool kept by `serve` grows when an edit needs more)."""
        self.workers += [Worker() for _ in range(size - len(self.workers))]

    def add(self, jobs: list[Job]) -> None:
        """Queue jobs; idle workers start them now."""
        self._queue.extend(jobs)
        self._replacements += len(jobs)
        self._collect(timeout=0)

    def keep(self, wanted, order=None) -> None:
        """Drop the queued jobs for which `wanted(job)` is false; sort the rest by `order`,
        largest first.  (A dropped job that is already being made still yields its result.)"""
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
                raise BulletinError(_("the typesetting processes keep stopping before they start"),
                                    hint=_("run 'bulletin doctor'"))
            self._replacements -= 1
            worker.stop()
            self.workers.remove(worker)
            worker = Worker()
            self.workers.append(worker)

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers = []
