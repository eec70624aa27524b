"""WeasyPrint's C declarations, parsed once per machine instead of in every process.

`weasyprint.text.ffi` declares some 450 lines of Pango, HarfBuzz and
Fontconfig C for cffi's in-line ABI mode.  pycparser, in pure Python, parses
them at every import (0.1 s), and parses again each type string the first
time `ffi.new()` meets it (another 0.1 s, in the first edition a process
typesets): 0.2 s of every typesetting process, on the critical path of a
one-edition build.

cffi's out-of-line ABI mode takes the same declarations already parsed, as
data (what `FFI.emit_python_code` writes), and parses type strings in C.
`install()` makes `cffi.FFI()` in `weasyprint.text.ffi`, and only there,
return a stand-in whose `cdef()` builds such an FFI from that data, made
once and kept in ~/.cache/bulletin/ under the hash of the declarations and
of the cffi and Python versions.  The same functions of the same libraries
are called the same way; the tests compare the PDFs byte for byte.

The data is read with `ast.literal_eval`, never run: a damaged or hostile
cache file is only a slower start.  Anything unexpected, and WeasyPrint
gets cffi's own FFI, as without this module.
"""
from __future__ import annotations

import ast
import contextlib
import hashlib
import io
import sys
import tempfile
from pathlib import Path

from ..writer import atomic_write, user_cache

_TARGET = "weasyprint.text.ffi"
_MODULE = "_bulletin_weasyprint_ffi"
_original = None  # cffi.FFI, while install() has replaced it


def install() -> None:
    """Before WeasyPrint is imported: its FFI will come from the prebuilt declarations."""
    global _original
    if _TARGET in sys.modules or _original is not None:
        return
    try:
        import cffi
        import _cffi_backend
        _cffi_backend.FFI.RTLD_NODELETE  # noqa: B018 - needed, see _Standin.dlopen
    except (ImportError, AttributeError):
        return
    _original = cffi.FFI

    def make_ffi(*args, **kwargs):
        global _last
        if not args and not kwargs and sys._getframe(1).f_globals.get("__name__") == _TARGET:
            _last = _Standin(_original)
            return _last
        return _original(*args, **kwargs)

    cffi.FFI = make_ffi


def uninstall() -> None:
    """After WeasyPrint is imported: cffi.FFI is cffi's again, and WeasyPrint's modules hold
    the FFI itself (prebuilt or plain), not the stand-in."""
    global _original
    if _original is None:
        return
    import cffi

    cffi.FFI, _original = _original, None
    standin = getattr(sys.modules.get(_TARGET), "ffi", None)
    if not isinstance(standin, _Standin) or standin.ffi is None:
        return
    for name, module in list(sys.modules.items()):
        if name.startswith("weasyprint") and getattr(module, "ffi", None) is standin:
            module.ffi = standin.ffi


def prebuilt_in_use() -> bool:
    """Whether WeasyPrint's FFI in this process is the prebuilt one."""
    module = sys.modules.get(_TARGET)
    ffi = getattr(module, "ffi", None)
    return ffi is not None and _last is not None and _last.prebuilt and _last.ffi is ffi


_last = None  # the stand-in of the last import


class _Standin:
    """What `cffi.FFI()` returns in weasyprint.text.ffi, until uninstall() replaces it."""

    def __init__(self, original):
        self._original = original
        self.ffi = None
        self.prebuilt = False
        self.sources: list = []  # every cdef, for a plain FFI made instead of the prebuilt one

    def cdef(self, source, *args, **kwargs):
        self.sources.append((source, args, kwargs))
        if self.ffi is None and not args and not kwargs:
            self.ffi = _prebuilt(source, self._original)
            if self.ffi is not None:
                self.prebuilt = True
                return
        if self.prebuilt:
            # A prebuilt FFI cannot take more declarations: cffi's own FFI instead, with all
            # of them (WeasyPrint 70 declares once; a later one may not).
            self.ffi, self.prebuilt = self._original(), False
            for src, a, kw in self.sources[:-1]:
                self.ffi.cdef(src, *a, **kw)
            from ..i18n import N_
            from .patches import mark
            mark("cdefs", False, N_("WeasyPrint declared its C functions more than once"))
        self._plain().cdef(source, *args, **kwargs)

    def dlopen(self, name, flags=0):
        if not self.prebuilt:
            return self._plain().dlopen(name, flags)
        # An out-of-line library is closed when its Lib object is freed, and at exit
        # Python frees modules in any order: a destructor registered with ffi.gc (a
        # Pango font map's unref) would then call into an unloaded library.  Loaded
        # for the life of the process instead, as in-line mode in effect does.
        return self.ffi.dlopen(name, flags | self.ffi.RTLD_NODELETE)

    def _plain(self):
        if self.ffi is None:
            self.ffi = self._original()
        return self.ffi

    def __getattr__(self, name):
        return getattr(self._plain(), name)


def _prebuilt(source: str, original):
    """An out-of-line FFI for `source`, from the cache or made now; None if it cannot be."""
    import cffi

    key = hashlib.sha256("\0".join([source, cffi.__version__, sys.version]).encode()).hexdigest()[:24]
    path = user_cache(f"weasyprint-ffi-{key}.py")
    try:
        return _load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, SyntaxError, TypeError):
        pass  # none yet, or damaged: made again
    try:
        text = _emit(source, original)
        ffi = _load(text)
    except Exception:  # noqa: BLE001 - cffi's own FFI then, as without this module
        return None
    try:
        atomic_write(path, text.encode("utf-8"))
    except OSError:
        pass  # no cache: made again next time
    return ffi


def _emit(source: str, original) -> str:
    """cffi's out-of-line module for `source`: one call, `_cffi_backend.FFI(...)`, of literals."""
    ffi = original()
    ffi.cdef(source)
    ffi.set_source(_MODULE, None)
    with tempfile.TemporaryDirectory(prefix="bulletin-cdefs-") as tmp:
        target = Path(tmp) / f"{_MODULE}.py"
        with contextlib.redirect_stdout(io.StringIO()):  # it prints "generating ..."
            ffi.emit_python_code(str(target))
        return target.read_text(encoding="utf-8")


def _load(text: str):
    """The FFI that cffi's generated module would make, from its literals (nothing is run)."""
    import _cffi_backend

    calls = [node.value for node in ast.parse(text).body
             if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
             and ast.unparse(node.value.func) == "_cffi_backend.FFI"]
    if len(calls) != 1:
        raise ValueError("not cffi's out-of-line module")
    call = calls[0]
    args = [ast.literal_eval(arg) for arg in call.args]
    kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
    return _cffi_backend.FFI(*args, **kwargs)
