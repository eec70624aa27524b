"""What this machine lacks for typesetting, and the command that installs it."""
from __future__ import annotations

from dataclasses import dataclass

from . import fonts

APT = "apt-get install -y"


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


def pango_version() -> str:
    from weasyprint.text.ffi import pango

    v = pango.pango_version()
    return f"{v // 10000}.{v // 100 % 100}.{v % 100}"


def checks() -> list[Check]:
    from .render import speedups

    speedups.before_import()
    results = []
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
        from weasyprint import VERSION
        results.append(Check("Pango", True, f"Pango {pango_version()}, WeasyPrint {VERSION}"))
        if harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0):
            results.append(Check("HarfBuzz subsetting", True, "libharfbuzz-subset is installed"))
        else:
            results.append(Check(
                "HarfBuzz subsetting", False,
                "libharfbuzz-subset is missing: WeasyPrint falls back to fontTools, about 40× slower on CJK fonts",
                f"{APT} libharfbuzz-subset0"))
    except (OSError, ImportError) as exc:
        results.append(Check("Pango", False, f"WeasyPrint cannot load Pango: {exc}",
                             f"{APT} libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"))
    results.append(_pagefind())
    from .archival import sm3_check
    results.append(sm3_check())
    families = fonts.families()
    if families is None:
        results.append(Check("fonts", False, "fc-list (fontconfig) is not installed", f"{APT} fontconfig"))
        return results
    for (role, preferred, fallback, package), (_, face, substitute) in zip(fonts.ROLES, fonts.in_use()):
        if face is None:
            results.append(Check(f"font for {role}", False, f"neither {preferred[0]} nor {fallback} is installed",
                                 f"{APT} {package}"))
        else:
            results.append(Check(f"font for {role}", True,
                                 f"{face} (in place of {preferred[0]})" if substitute else face))
    return results



def _pagefind() -> Check:
    """The archive's search: Pagefind's extended binary (the plain one does not segment Chinese)."""
    import subprocess

    from .render import search

    fix = "pip install 'pagefind[extended]'"
    exe = search.executable()
    if exe is None:
        return Check("search (Pagefind)", False, "Pagefind is not installed: the archive has no search", fix)
    try:
        said = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check("search (Pagefind)", False, f"{exe} does not run: {exc}", fix)
    if "extended" not in exe.name:
        return Check("search (Pagefind)", False, f"{said} at {exe} is not the extended build: Chinese is not "
                     "split into words, so searches for a word find nothing", fix)
    return Check("search (Pagefind)", True, f"{said} (extended)")
