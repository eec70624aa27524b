"""What python-docx cannot read, through LibreOffice headless: .doc, .wps, .rtf, .odt, EMF/WMF.

Each run of soffice gets a profile of its own in a temporary folder, so a
LibreOffice the user has open (or another import) does not block it.  The
kind of a file is told by its first bytes, not its name: WPS saves .docx
files as .wps, and a renamed .doc is common.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ..errors import BulletinError, Location
from ..i18n import _

PACKAGE = "libreoffice-writer-nogui"
TIMEOUT = 180
MAX_UNZIPPED = 400 * 2**20      # a contribution with its pictures is a few MiB; this is a bomb
MAX_ENTRIES = 10_000
OLD_KINDS = {"ole", "rtf", "odt"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def kind(path: Path) -> str:
    """docx, ole (.doc/.wps), rtf or odt, from the file's first bytes; a BulletinError otherwise."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise BulletinError(_("cannot read the file: {reason}").format(reason=exc.strerror), Location(path)) from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    raise BulletinError(_("this is not a Word, WPS, RTF or OpenDocument file"), Location(path),
                        _("save it from Word or WPS as .docx and import that"))


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNZIPPED:
                raise BulletinError(_("the file unpacks to more than {n} MiB; it is damaged or not a document")
                                    .format(n=MAX_UNZIPPED // 2**20), Location(path))
            mimetype = z.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except zipfile.BadZipFile:
        raise BulletinError(_("the file is damaged (not a complete .docx)"), Location(path),
                            _("open it in Word or WPS, save it again, and import the new file")) from None
    if "word/document.xml" in names:
        return "docx"
    if mimetype.startswith("application/vnd.oasis.opendocument.text"):
        return "odt"
    raise BulletinError(_("this is not a Word, WPS, RTF or OpenDocument file"), Location(path),
                        _("save it from Word or WPS as .docx and import that"))


def to_docx(path: Path, folder: Path) -> Path:
    """An old or foreign document converted to .docx in `folder` by LibreOffice."""
    exe = soffice()
    if exe is None:
        raise BulletinError(_("reading this kind of file needs LibreOffice, which is not installed"), Location(path),
                            _("install it ('apt-get install {package}' on Debian or Ubuntu), or save the file "
                              "as .docx in Word or WPS").format(package=PACKAGE))
    suffix = path.suffix.lower() if path.suffix.lower() in (".doc", ".wps", ".rtf", ".odt") else ".doc"
    source = folder / ("source" + suffix)
    shutil.copyfile(path, source)
    _run(exe, "docx:MS Word 2007 XML", [source], folder / "out")
    result = folder / "out" / "source.docx"
    if not result.is_file():
        raise BulletinError(_("LibreOffice could not convert the file"), Location(path),
                            _("open it in Word or WPS, save it as .docx, and import that"))
    return result


def pictures_to_png(pictures: list[tuple[bytes, str]]) -> list[bytes | None]:
    """EMF and WMF pictures as PNG (None for one LibreOffice could not draw); all in one run."""
    exe = soffice()
    if exe is None or not pictures:
        return [None] * len(pictures)
    with tempfile.TemporaryDirectory(prefix="bulletin-import-") as tmp:
        folder = Path(tmp)
        sources = []
        for i, (data, ext) in enumerate(pictures):
            sources.append(folder / f"p{i}{ext}")
            sources[-1].write_bytes(data)
        try:
            _run(exe, "png", sources, folder / "out")
        except BulletinError:
            return [None] * len(pictures)
        return [_read(folder / "out" / f"p{i}.png") for i in range(len(pictures))]


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _run(exe: str, target: str, sources: list[Path], outdir: Path) -> None:
    profile = outdir.parent / "profile"
    cmd = [exe, "--headless", "--norestore", "--nologo", "--nolockcheck", f"-env:UserInstallation={profile.as_uri()}",
           "--convert-to", target, "--outdir", str(outdir), *map(str, sources)]
    try:
        subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL, timeout=TIMEOUT, check=False,
                       cwd=outdir.parent)
    except subprocess.TimeoutExpired:
        raise BulletinError(_("LibreOffice took more than {n} s to convert the file").format(n=TIMEOUT)) from None
    except OSError as exc:
        raise BulletinError(_("cannot run LibreOffice: {reason}").format(reason=exc.strerror)) from None
