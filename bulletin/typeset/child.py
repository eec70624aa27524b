"""A typesetter's life, in the process fork.py made: load WeasyPrint once, then make
each job's formats until told to stop.  Only this side of the fork imports it."""
from __future__ import annotations

import gc
import os
import resource
import traceback
from multiprocessing.connection import Connection

from .. import trace
from ..errors import BulletinError
from ..i18n import _
from .jobs import Job, Made, Result, failed


def serve(fd: int) -> None:
    """Render each job sent on the socket `fd` until None comes, or the build's end closes.

    Ctrl-C is the build's to handle (fork.py ignores it here): it stops the
    typesetters it started.  A build that was killed closes its end of the
    socket, and this one ends; on Linux the kernel also kills it with the build.
    """
    conn = Connection(fd)
    broken = _load()
    try:
        while (job := conn.recv()) is not None:
            if broken:
                conn.send(failed(job, broken, _("run 'bulletin doctor' to see what is missing"), fatal=True))
                continue
            try:
                result = render(job)
            except Exception as exc:  # noqa: BLE001 - a bug must cost one edition, not the build
                if os.environ.get("BULLETIN_DEBUG"):
                    traceback.print_exc()
                result = failed(job, _("internal error while typesetting: {error}").format(
                    error=f"{type(exc).__name__}: {exc}"),
                    _("this is a bug in bulletin or WeasyPrint; please report it with the issue file"))
            conn.send(result)
    except (EOFError, OSError):
        pass


def _load() -> str | None:
    """Import WeasyPrint the quick way (render/pdf.py); the reason if it cannot be."""
    from ..render import pdf

    try:
        pdf.load()  # once per process; fonts loaded then stay open for the next job
    except Exception as exc:  # noqa: BLE001 - e.g. Pango missing: every job gets the reason
        return _("WeasyPrint could not be loaded: {error}").format(error=f"{type(exc).__name__}: {exc}")
    # WeasyPrint, its fonts and caches stay for the process's life: moved out of the
    # collector's sight, each collection walks one edition's objects, not all 65,000
    # (the collection at each job's start: 50 ms -> 5 ms).
    gc.freeze()
    return None


def render(job: Job) -> Result:
    from .. import formats

    # A WeasyPrint document is a web of cycles: collect the last job's now, or a
    # process grows by ~35 MiB an edition until the collector runs.  (Done here,
    # not after the job, so that no result waits for it.)
    gc.collect()
    trace.event("job", job.name)
    made: dict[str, Made] = {}
    try:
        for name in job.formats:
            made[name] = formats.get(name).make(job, made)
    except BulletinError as exc:
        return Result(job.name, job.key, {}, exc.diagnostic, _peak_rss())
    except MemoryError:
        return failed(job, _("ran out of memory typesetting this issue"), "")
    from ..render import patches

    return Result(job.name, job.key, {name: _compared(job, name, m) for name, m in made.items()}, None, _peak_rss(),
                  warnings=tuple(patches.warnings()))


def _compared(job: Job, name: str, made: Made) -> Made:
    """`made` without its bytes if the file on disk has them already (nothing to write, and
    no thumbnail to make); else with the files made beside it."""
    from .. import formats

    fmt = formats.get(name)
    path = job.out / f"{job.name}{fmt.suffix}"
    try:
        if path.read_bytes() == made.data:
            return Made(None, made.pages, notes=made.notes)
    except OSError:
        pass
    return Made(made.data, made.pages, fmt.extra(job, made.data) if fmt.extra else {}, made.notes)


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
