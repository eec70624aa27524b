"""Forking a typesetting process: what `bulletin build` runs first thing (see __main__.py),
before Click and the rest are imported.

It imports little (the interpreter has most of it loaded already): the child
imports child.py and WeasyPrint itself, while its parent goes on importing
and reading the workspace.  The child keeps nothing of its parent but its
end of the socket and the standard streams: every other descriptor the fork
copied (other typesetters' sockets, a Pagefind pipe) is closed at once, so
a build killed with SIGKILL leaves no typesetter waiting on a copy.
"""
from __future__ import annotations

import os
import socket
import sys

from ..system import killed_with_parent


def typesetter() -> tuple[int, int]:
    """Fork a process that typesets the jobs sent to it (child.serve); returns its pid and
    this process's end of the socket between them."""
    ours, theirs = socket.socketpair()
    parent = os.getpid()
    arm = killed_with_parent()  # looked up before the fork (see system.killed_with_parent)
    pid = os.fork()
    if pid:
        theirs.close()
        return pid, ours.detach()
    # The child: it must never return into its parent's code, so it ends with os._exit.
    code = 0
    try:
        import signal
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle (it stops us)
        fd = theirs.detach()
        _keep_only(fd)
        if arm is not None:
            arm()
        if os.getppid() != parent:  # the build died before the line above took effect
            os._exit(0)
        _quiet_stdin()
        from .child import serve
        serve(fd)
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


def _keep_only(fd: int) -> None:
    """Close every descriptor but the standard streams and `fd`."""
    os.closerange(3, fd)
    os.closerange(fd + 1, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 65536)


def _quiet_stdin() -> None:
    """A typesetter never reads the terminal (as multiprocessing's children do not)."""
    try:
        sys.stdin.close()
        sys.stdin = open(os.devnull)  # noqa: SIM115 - for the life of the process
    except (OSError, ValueError, AttributeError):
        pass
