"""The workarounds bulletin installs in WeasyPrint's internals, fenced.

Each was written and checked against one major version of WeasyPrint
(`CHECKED`), which pyproject.toml pins.  A patch installs only on that major
and only if the pieces it needs are there; otherwise WeasyPrint is left as
it is and the patch is recorded as unavailable, with why.  `bulletin doctor`
shows every patch's state, and a build that typesets while one that changes
the page (CJK justification) is unavailable says so with a warning: never
silently ragged lines.

Upgrading WeasyPrint: raise the pin in pyproject.toml and `CHECKED` here
together, run the suite (tests/test_typography.py measures the justified
edges; the byte-for-byte tests cover the speed-ups), and read each patch
against the new version's code.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_, _
from ..system import installed_version

CHECKED = 70  # the WeasyPrint major every patch here was written and checked on


@dataclass
class Patch:
    name: str            # shown by doctor (a msgid)
    affects_output: bool  # True: without it the page looks different (a warning on every build)
    state: str = "not loaded"  # "active", "unavailable" or "not loaded" (WeasyPrint not imported here)
    why: str = ""        # a msgid, or a translated text
    fix: str = ""        # the command that makes it available, "" when there is none to give


PATCHES = {
    "cjk": Patch(N_("CJK justification (Chinese lines flush on both sides)"), True),
    "find_library": Patch(N_("quick loading of WeasyPrint's C libraries"), False),
    "cdefs": Patch(N_("WeasyPrint's C declarations parsed once per machine"), False),
    "font_bytes": Patch(N_("font files copied only when read"), False),
}


def weasyprint_major() -> int | None:
    version = installed_version("weasyprint")
    try:
        return int(version.split(".")[0])
    except ValueError:
        return None


def version_ok() -> str | None:
    """None if the installed WeasyPrint is the major the patches were checked on; else why not."""
    major = weasyprint_major()
    if major == CHECKED:
        return None
    return _("written for WeasyPrint {checked}, and this is WeasyPrint {found}").format(
        checked=CHECKED, found=installed_version("weasyprint"))


def mark(name: str, ok: bool, why: str = "", fix: str = "") -> bool:
    patch = PATCHES[name]
    patch.state, patch.why, patch.fix = ("active", "", "") if ok else ("unavailable", why, fix)
    return ok


def pinned(again: bool = False) -> str:
    """The command that installs the WeasyPrint the patches were checked on (`again`: over itself)."""
    return "pip install " + ("--force-reinstall " if again else "") + f"'weasyprint=={CHECKED}.*'"


def warnings() -> list[str]:
    """What a build that typesets must say: the patches that change the page and are unavailable."""
    return [_("{patch} is unavailable: {why}; the PDF differs from what it should be "
              "(run 'bulletin doctor')").format(patch=_(p.name), why=_(p.why))
            for p in PATCHES.values() if p.affects_output and p.state == "unavailable"]
