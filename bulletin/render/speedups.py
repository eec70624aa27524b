"""WeasyPrint, quicker to load and to run, with the same output.

Loading: WeasyPrint tries up to six names for each of GObject, Pango,
HarfBuzz, Fontconfig and the rest; cffi passes every name to
ctypes.util.find_library, which on Linux runs ldconfig, then gcc, then ld
for it.  That is 22 lookups and about 0.3 s of every process that imports
WeasyPrint, a fifth of typesetting a short edition.  One read of
`ldconfig -p` answers them all (before_import).

Running: for each font of a document, WeasyPrint copies the whole font file
out of HarfBuzz (a Noto CJK collection is 20-27 MB, three of them an
edition) and then replaces the copy with the subset it makes from HarfBuzz's
own face, unread.  after_import makes the copy only if something reads it
(a font that cannot be subset, a variable or colour font): ~8 % of the time
of typesetting an edition, and less memory traffic for parallel builds.
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


def before_import() -> None:
    """Replace ctypes.util.find_library in this process (Linux with glibc's ldconfig only)."""
    if not sys.platform.startswith("linux") or getattr(ctypes.util.find_library, "bulletin", False):
        return
    cache = _ldconfig_cache()
    if cache:
        ctypes.util.find_library = cached_find_library(cache, ctypes.util.find_library)


def restore() -> bool:
    """ctypes.util.find_library as it was: the quick one is for WeasyPrint's import only,
    not for the rest of the process.  Returns whether it had been replaced."""
    current = ctypes.util.find_library
    if getattr(current, "bulletin", False):
        ctypes.util.find_library = current.original
        return True
    return False


def after_import() -> bool:
    """Copy a font's bytes out of HarfBuzz only when they are read; False if this
    WeasyPrint is not built the way this relies on (then nothing is changed)."""
    try:
        import weasyprint.pdf.fonts as pdf_fonts
        from weasyprint.text.ffi import harfbuzz
        copy_out = pdf_fonts.get_hb_object_data
        font = pdf_fonts.Font
    except (ImportError, AttributeError):
        return False
    if isinstance(font.__dict__.get("file_content"), property):
        return True  # done already
    if "file_content" in font.__dict__:
        return False

    class FaceBytes:
        """The bytes of a HarfBuzz face, not yet copied; true when there are any."""

        __slots__ = ("face", "size")

        def __init__(self, face):
            self.face = face  # holds the face (and its blob) alive until read
            blob = harfbuzz.hb_face_reference_blob(face)
            self.size = harfbuzz.hb_blob_get_length(blob)
            harfbuzz.hb_blob_destroy(blob)

        def __bool__(self):
            return self.size > 0

    def face_data(hb_object, ot_color=None, glyph=None):
        if ot_color is None and glyph is None:
            return FaceBytes(hb_object)
        return copy_out(hb_object, ot_color, glyph)

    def read(self):
        value = self.__dict__["_file_content"]
        if isinstance(value, FaceBytes):
            value = self.__dict__["_file_content"] = copy_out(value.face)
        return value

    def write(self, value):
        self.__dict__["_file_content"] = value

    pdf_fonts.get_hb_object_data = face_data
    font.file_content = property(read, write)
    return True
