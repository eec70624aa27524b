"""Facts about this machine and its processes that several stages need.

Kept apart from the stages so that none of them reaches sideways into
another for a helper (the search index into the typesetters, publishing
into the doctor).
"""
from __future__ import annotations

import os
import re
import sys
from functools import lru_cache
from pathlib import Path


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


@lru_cache(maxsize=None)
def installed_version(package: str) -> str:
    """The version of an installed package ("?" if it is not), without importing it.

    Read from the name of the dist-info folder beside the package: importlib.metadata
    would first list every folder on sys.path, 30 ms of every build.
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        wanted = _normal(package)
        found = [version for entry in _entries(Path(spec.origin).parent.parent) if entry.endswith(".dist-info")
                 for dist, _, version in [entry[:-len(".dist-info")].rpartition("-")] if _normal(dist) == wanted]
        if len(found) == 1:
            return found[0]
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _entries(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []
