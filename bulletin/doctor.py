"""What this machine lacks for typesetting, the command that installs it, and the state of
every workaround bulletin installs in WeasyPrint (render/patches.py)."""
from __future__ import annotations

from dataclasses import dataclass

from . import fonts
from .i18n import N_, _

APT = "apt-get install -y"
# What each font of fonts.ROLES ("body 仿宋") is for, in the user's language.
_USES = {"body": N_("body"), "titles": N_("titles"), "headings": N_("headings")}


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


def checks() -> list[Check]:
    results = _weasyprint()
    results.append(_pagefind())
    results.append(_sm3())
    results.append(_libreoffice())
    families = fonts.families()
    if families is None:
        results.append(Check(_("fonts"), False, _("fc-list (fontconfig) is not installed"), f"{APT} fontconfig"))
        return results
    for (role, preferred, free, how), (_r, face, substitute) in zip(fonts.ROLES, fonts.in_use()):
        role = _role(role)
        if face is None:
            results.append(Check(_("font for {role}").format(role=role), False,
                                 _("neither {face} nor {free} is installed").format(
                                     face=preferred[0], free=", ".join(free)), how))
        else:
            results.append(Check(_("font for {role}").format(role=role), True,
                                 _("{face} (in place of {wanted})").format(face=face, wanted=preferred[0])
                                 if substitute else face))
    for role, face, how in fonts.missing_free_face():
        results.append(Check(_("free face for {role}").format(role=_role(role)), False,
                             _("{face} is not installed; a fallback face stands in").format(face=face),
                             how, required=False))
    return results


def _role(role: str) -> str:
    """"body 仿宋" as it is in English, 正文（仿宋） in Chinese."""
    use, _space, face = role.partition(" ")
    return _("{use} {face}").format(use=_(_USES[use]) if use in _USES else use, face=face)


def _weasyprint() -> list[Check]:
    """WeasyPrint loaded as a typesetter loads it: Pango, HarfBuzz, and each patch's state."""
    from .render import patches, pdf

    try:
        pdf.load()
        from weasyprint import VERSION
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except (OSError, ImportError) as exc:
        return [Check("Pango", False, _("WeasyPrint cannot load Pango: {error}").format(error=exc),
                      f"{APT} libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0")]
    results = [Check("Pango", True, f"Pango {pdf.pango_version()}, WeasyPrint {VERSION}")]
    if harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0):
        results.append(Check(_("HarfBuzz subsetting"), True, _("libharfbuzz-subset is installed")))
    else:
        results.append(Check(_("HarfBuzz subsetting"), False, _(
            "libharfbuzz-subset is missing: WeasyPrint falls back to fontTools, about 40× slower on CJK fonts"),
            f"{APT} libharfbuzz-subset0"))
    for patch in patches.PATCHES.values():
        state = _("active") if patch.state == "active" else _("unavailable: {why}").format(why=_(patch.why))
        results.append(Check(_(patch.name), patch.state == "active", state, patch.fix,
                             required=patch.affects_output))
    return results


def _pagefind() -> Check:
    """The archive's search: Pagefind's extended binary (the plain one does not segment Chinese)."""
    import subprocess

    from .render import search

    name, fix = _("search (Pagefind)"), "pip install 'pagefind[extended]'"
    exe = search.executable()
    if exe is None:
        return Check(name, False, _("Pagefind is not installed: the archive has no search"), fix)
    try:
        said = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check(name, False, _("{exe} does not run: {error}").format(exe=exe, error=exc), fix)
    if "extended" not in exe.name:
        return Check(name, False, _("{version} at {exe} is not the extended build: Chinese is not split into "
                                    "words, so searches for a word find nothing").format(version=said, exe=exe), fix)
    return Check(name, True, _("{version} (extended)").format(version=said))


def install_command(results: list[Check]) -> str | None:
    """One command line that installs everything required and missing; None if nothing is."""
    missing = [c for c in results if not c.ok and c.required]
    if not missing:
        return None
    apt = sorted({c.fix.replace(APT, "").strip() for c in missing if c.fix.startswith(APT)})
    other = sorted({c.fix for c in missing if c.fix and not c.fix.startswith(APT)})
    return " && ".join(([f"sudo {APT} {' '.join(apt)}"] if apt else []) + other)


def _sm3() -> Check:
    """For `bulletin doctor`: whether archive packages can carry SM3 digests."""
    from .packaging import sm3_available

    if sm3_available():
        return Check("SM3", True, _("SM3 digests for archive packages (OpenSSL)"), required=False)
    return Check("SM3", False, _("OpenSSL has no SM3: archive packages carry SHA-256 digests only"),
                 _("use a Python built with an OpenSSL that has SM3 (OpenSSL 1.1.1 or later, SM3 enabled)"),
                 required=False)


def _libreoffice() -> Check:
    """Optional: 'bulletin import' of .doc, .wps, .rtf, .odt and EMF/WMF pictures needs it."""
    import shutil

    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return Check("LibreOffice", True, found, required=False)
    return Check("LibreOffice", False, _("not installed: 'bulletin import' takes .docx only, not .doc, .wps, "
                                         ".rtf or .odt"), f"{APT} libreoffice-writer-nogui", required=False)
