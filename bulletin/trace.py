"""The steps of a build, traced for tests that must act at an exact moment.

`BULLETIN_TRACE` names a file to which each step is appended as a line,
`<pid> <event> <words>`: the build's `locked`, `read`, `wrote`, `page`,
`archive`, `indexed`, a typesetter's `job`.  `BULLETIN_TRACE_STOP` names
events (comma-separated, or `*`) after which the process stops itself
(SIGSTOP) until it is continued: a test can then kill it, or another
process, at exactly that step, however fast or busy the machine is.
Unset, an event costs one test of a module global.
"""
from __future__ import annotations

import os
import signal

_FILE = os.environ.get("BULLETIN_TRACE")
_STOP = frozenset(filter(None, os.environ.get("BULLETIN_TRACE_STOP", "").split(",")))


def event(name: str, *words) -> None:
    if not _FILE:
        return
    line = " ".join([str(os.getpid()), name, *map(str, words)]) + "\n"
    fd = os.open(_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)
    if name in _STOP or "*" in _STOP:
        os.kill(os.getpid(), signal.SIGSTOP)
