"""The outputs of an edition, registered in one place.

A format is a module here with a `FORMAT = Format(...)` (base.py), and one line
in `MODULES`.  The module imports base.py, never this registry, which imports
the module by name when the format is asked for: no cycle.  The build asks
the registry which formats the workspace chose (`formats:` in bulletin.yaml),
gives each its own up-to-date key in the plan, and hands every typeset format
of an out-of-date edition to a typesetting process in one job (child.py runs
`make`, the formats it needs first).  Nothing in the
build's control flow names a format, except that the web page ("html") is
made by the archive stage, in the build's own process, because it links to
its neighbours.
"""
from __future__ import annotations

import importlib

# the type, and the names (which schema.py reads from base.py without importing a format)
from .base import DEFAULT, MODULES, Format, check_names, unknown_hint  # noqa: F401


def get(name: str) -> Format:
    return importlib.import_module(f"{__name__}.{MODULES[name]}").FORMAT


def known() -> tuple[str, ...]:
    return tuple(MODULES)


def order(names) -> tuple[str, ...]:
    """`names` with the formats they need, each after what it needs."""
    done: list[str] = []

    def visit(name: str) -> None:
        if name in done:
            return
        for need in get(name).needs:
            visit(need)
        done.append(name)

    for name in names:
        visit(name)
    return tuple(done)


def typeset(names) -> tuple[str, ...]:
    """Of `names` (and what they need), those made in a typesetting process, in order."""
    return tuple(n for n in order(names) if get(n).make is not None)
