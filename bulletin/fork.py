"""Forking a typesetting process: the part of workers.py that `bulletin build` runs first
thing (see __main__.py), before Click and the rest are imported.

So it imports only what the interpreter has loaded already, and `socket`.
The child imports workers.py and WeasyPrint itself, while its parent goes
on importing and reading the workspace.
"""
from __future__ import annotations

import os
import socket
import sys


def cores() -> int:
    """The cores this process may run on (a `taskset` or a container's CPU set counts)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def killed_with_parent():
    """A function that, called in a process just forked, has Linux kill that process when
    the thread that forked it ends (a build killed with SIGKILL included); None elsewhere.
    prctl is looked up here, before the fork: the child of a process with threads must not
    load libraries (another thread may have held the loader's lock)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    PR_SET_PDEATHSIG, SIGKILL = 1, 9
    return lambda: prctl(PR_SET_PDEATHSIG, SIGKILL)


def typesetter() -> tuple[int, int]:
    """Fork a process that typesets the jobs sent to it (workers.serve); returns its pid and
    this process's end of the socket between them."""
    ours, theirs = socket.socketpair()
    parent = os.getpid()
    pid = os.fork()
    if pid:
        theirs.close()
        return pid, ours.detach()
    # The child: it must never return into its parent's code, so it ends with os._exit.
    code = 0
    try:
        import signal
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle (it stops us)
        ours.close()
        _quiet_stdin()
        from .workers import serve
        serve(theirs.detach(), parent)
    except BaseException:  # noqa: BLE001 - serve reports what it can; this is a bug
        import traceback
        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        os._exit(code)


def _quiet_stdin() -> None:
    """A typesetter never reads the terminal (as multiprocessing's children do not)."""
    try:
        sys.stdin.close()
        sys.stdin = open(os.devnull)  # noqa: SIM115 - for the life of the process
    except (OSError, ValueError, AttributeError):
        pass
