"""Finding the C libraries WeasyPrint loads with one look at the linker's cache.

WeasyPrint tries up to six names for each of GObject, Pango, HarfBuzz,
Fontconfig and the rest; cffi passes every name to ctypes.util.find_library,
which on Linux runs ldconfig, then gcc, then ld for it.  That is 22 lookups
and about 0.3 s of every process that imports WeasyPrint, a fifth of
typesetting a short edition.  One read of `ldconfig -p` answers them all.
"""
from __future__ import annotations

import ctypes.util
import functools
import os
import re
import struct
import subprocess
import sys

_ABI = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}  # as ctypes.util reads the cache


def _ldconfig_cache() -> bytes | None:
    try:
        return subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, stdin=subprocess.DEVNULL,
                              env={"LC_ALL": "C", "LANG": "C"}, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def cached_find_library(cache: bytes, fallback):
    """A find_library that reads `cache` (the output of ldconfig -p) and calls `fallback`
    only where the cache cannot be the whole answer."""
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    abi = _ABI.get(machine, "libc6")
    # gcc and ld find libraries outside the cache only through these variables
    elsewhere = any(os.environ.get(v) for v in ("LD_LIBRARY_PATH", "LIBRARY_PATH"))

    @functools.lru_cache(maxsize=None)
    def find_library(name: str) -> str | None:
        found = re.search(os.fsencode(r"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(name), abi)), cache)
        if found:
            return os.fsdecode(found.group(1))
        return fallback(name) if elsewhere else None

    find_library.bulletin = True
    find_library.original = fallback
    return find_library


def install() -> None:
    """Replace ctypes.util.find_library in this process (Linux with glibc's ldconfig only)."""
    if not sys.platform.startswith("linux") or getattr(ctypes.util.find_library, "bulletin", False):
        return
    cache = _ldconfig_cache()
    if cache:
        ctypes.util.find_library = cached_find_library(cache, ctypes.util.find_library)
