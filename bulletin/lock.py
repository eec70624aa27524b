"""One writer at a time per workspace.

A second `bulletin build` (or publish) on the same workspace waits for the
first to finish instead of interleaving its writes; the lock is an flock
on output/.lock, released by the kernel if the holder dies.
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def workspace_lock(output: Path, on_wait=lambda message: None):
    output.mkdir(parents=True, exist_ok=True)
    path = output / ".lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            on_wait(f"another build of this workspace is running (pid {holder}); waiting for it to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock
