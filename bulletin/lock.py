"""One writer at a time per workspace.

A second `bulletin build` (or publish) on the same workspace waits for the
first to finish instead of interleaving its writes; two `bulletin send` at
once would both find the same recipients unsent, so the second stops.  The
locks are flocks, released by the kernel if the holder dies.
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path


_HELD: set[int] = set()  # descriptors of the locks this process holds


def forget_in_child() -> None:
    """In a process just forked: close its copies of the parent's locks.  (A flock belongs to
    the open file, which a fork shares: a child that kept the copy would hold the lock after
    the parent died.)"""
    for fd in _HELD:
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


@contextmanager
def held(path: Path, on_busy):
    """Hold an flock on `path`.  If another process has it, `on_busy(holder_pid)` is called:
    it may raise to give up; if it returns, this waits for the lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_busy(os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        _HELD.add(fd)
        yield
    finally:
        _HELD.discard(fd)
        os.close(fd)  # closing releases the lock


def workspace_lock(output: Path, on_wait=lambda message: None):
    return held(output / ".lock", lambda pid: on_wait(
        f"another build of this workspace is running (pid {pid}); waiting for it to finish"))
