"""One writer at a time per workspace.

A second `bulletin build` (or publish) on the same workspace waits for the
first to finish instead of interleaving its writes; two `bulletin send` at
once would both find the same recipients unsent, so the second stops.  The
locks are POSIX record locks (lockf): released by the kernel if the holder
dies, and, unlike flocks, not shared with the processes it forks (a
typesetting worker that outlived a killed build would hold an flock, and
the next build would wait for ever).
"""
from __future__ import annotations

import errno
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from . import trace
from .i18n import _


@contextmanager
def held(path: Path, on_busy):
    """Hold the lock on `path`.  If another process has it, `on_busy(holder_pid)` is called:
    it may raise to give up; if it returns, this waits for the lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            on_busy(os.pread(fd, 32, 0).decode(errors="replace").strip() or "?")  # ?: pid not yet written
            fcntl.lockf(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        trace.event("locked", path.name)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def workspace_lock(output: Path, on_wait=lambda message: None):
    return held(output / ".lock", lambda pid: on_wait(
        _("another build of this workspace is running (pid {pid}); waiting for it to finish").format(pid=pid)))
