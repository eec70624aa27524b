"""Keep only some glyphs of a font, with HarfBuzz's subsetter (the library WeasyPrint uses too).

WeasyPrint embeds each font with every glyph id of the original kept (60,000
empty slots for a CJK face); fontTools takes a tenth of a second to parse such
a font, HarfBuzz a millisecond to cut it down to the glyphs drawn. None when
libharfbuzz-subset is missing or fails: the caller then parses the whole font.
"""
from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache

NO_HINTING, DESUBROUTINIZE, NOTDEF_OUTLINE = 0x1, 0x4, 0x40
DROP_TABLE_TAG = 3  # hb_subset_sets_t
DROPPED = (b"GSUB", b"GPOS", b"GDEF", b"BASE", b"JSTF", b"DSIG", b"VORG", b"vhea", b"vmtx", b"MATH")


@lru_cache(maxsize=1)
def _library():
    name = ctypes.util.find_library("harfbuzz-subset") or "libharfbuzz-subset.so.0"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    vp = ctypes.c_void_p
    for func, res, args in (
            ("hb_blob_create", vp, [ctypes.c_char_p, ctypes.c_uint, ctypes.c_int, vp, vp]),
            ("hb_face_create", vp, [vp, ctypes.c_uint]),
            ("hb_subset_input_create_or_fail", vp, []),
            ("hb_subset_input_glyph_set", vp, [vp]),
            ("hb_subset_input_unicode_set", vp, [vp]),
            ("hb_subset_input_set", vp, [vp, ctypes.c_int]),
            ("hb_subset_input_set_flags", None, [vp, ctypes.c_uint]),
            ("hb_set_add", None, [vp, ctypes.c_uint]),
            ("hb_subset_or_fail", vp, [vp, vp]),
            ("hb_face_reference_blob", vp, [vp]),
            ("hb_blob_get_data", ctypes.c_void_p, [vp, ctypes.POINTER(ctypes.c_uint)]),
            ("hb_blob_destroy", None, [vp]), ("hb_face_destroy", None, [vp]),
            ("hb_subset_input_destroy", None, [vp])):
        fn = getattr(lib, func)
        fn.restype, fn.argtypes = res, args
    return lib


def _tag(name: bytes) -> int:
    return int.from_bytes(name, "big")


def subset(data: bytes, gids: list[int], unicodes: list[int]) -> bytes | None:
    """The font `data` with the glyphs `gids` (renumbered in their order) and the cmap of `unicodes`."""
    lib = _library()
    if lib is None:
        return None
    blob = lib.hb_blob_create(data, len(data), 0, None, None)  # 0: HarfBuzz copies the bytes
    face = lib.hb_face_create(blob, 0)
    request = lib.hb_subset_input_create_or_fail()
    try:
        if not request:
            return None
        for gid in gids:
            lib.hb_set_add(lib.hb_subset_input_glyph_set(request), gid)
        for cp in unicodes:
            lib.hb_set_add(lib.hb_subset_input_unicode_set(request), cp)
        for tag in DROPPED:
            lib.hb_set_add(lib.hb_subset_input_set(request, DROP_TABLE_TAG), _tag(tag))
        lib.hb_subset_input_set_flags(request, NO_HINTING | DESUBROUTINIZE | NOTDEF_OUTLINE)
        result = lib.hb_subset_or_fail(face, request)
        if not result:
            return None
        out = lib.hb_face_reference_blob(result)
        size = ctypes.c_uint()
        pointer = lib.hb_blob_get_data(out, ctypes.byref(size))
        font = ctypes.string_at(pointer, size.value) if pointer else None
        lib.hb_blob_destroy(out)
        lib.hb_face_destroy(result)
        return font
    finally:
        if request:
            lib.hb_subset_input_destroy(request)
        lib.hb_face_destroy(face)
        lib.hb_blob_destroy(blob)
