"""What python-docx cannot read, through LibreOffice headless: .doc, .wps, .rtf, .odt, EMF/WMF.

Each run of soffice gets a profile of its own in a temporary folder, so a
LibreOffice the user has open (or another import) does not block it.  The
kind of a file is told by its first bytes, not its name: WPS saves .docx
files as .wps, and a renamed .doc is common.
"""
from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ..errors import BulletinError, Location, is_refusal, os_error
from ..i18n import _

PACKAGE = "libreoffice-writer-nogui"
TIMEOUT = 180
MAX_FILE = 100 * 2**20          # the file as sent
MAX_UNZIPPED = 400 * 2**20      # a contribution with its pictures is a few MiB; this is a bomb
MAX_ENTRIES = 10_000
OLD_KINDS = {"ole", "rtf", "odt"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def kind(path: Path) -> str:
    """docx, ole (.doc/.wps), rtf or odt, from the file's first bytes; a BulletinError otherwise."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise BulletinError(_("there is no such file"), Location(path),
                            _("check the file's name and folder (ls shows them)")) from None
    except OSError as exc:
        if is_refusal(exc):  # permissions and the like, said in the user's language with what to do
            raise os_error(exc) from None
        raise BulletinError(_("cannot read the file: {reason}").format(reason=exc.strerror), Location(path)) from None
    if size > MAX_FILE:
        raise BulletinError(_("the file is {size} MiB; the limit is {n} MiB").format(size=size // 2**20,
                                                                                    n=MAX_FILE // 2**20),
                            Location(path), _("make its pictures smaller (in Word: Compress Pictures) and save it again"))
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


def pictures_to_png(pictures: list[tuple[bytes, str]]) -> list[tuple[bytes, str] | None]:
    """EMF and WMF pictures as (bytes, extension) of a bitmap, all in one run of LibreOffice;
    None for one it could not draw.

    LibreOffice's Writer (without Draw) opens no picture on its own, so the
    pictures are put in a document of their own, 30 cm wide so that the
    bitmaps come out sharp, and that document is saved as HTML: its export
    draws each picture into a file.
    """
    exe = soffice()
    if exe is None or not pictures:
        return [None] * len(pictures)
    with tempfile.TemporaryDirectory(prefix="bulletin-import-") as tmp:
        folder = Path(tmp)
        (folder / "pictures.docx").write_bytes(_container(pictures))
        try:
            _run(exe, "html", [folder / "pictures.docx"], folder / "out")
            page = (folder / "out" / "pictures.html").read_text(encoding="utf-8", errors="replace")
        except (BulletinError, OSError):
            return [None] * len(pictures)
        sources = re.findall(r'<img\b[^>]*\bsrc="([^"/]+)"', page)
        if len(sources) != len(pictures):
            return [None] * len(pictures)
        return [_bitmap(folder / "out" / src) for src in sources]


def _bitmap(path: Path) -> tuple[bytes, str] | None:
    ext = path.suffix.lower()
    data = _read(path)
    return (data, ".jpg" if ext == ".jpeg" else ext) if data and ext in (".png", ".gif", ".jpg", ".jpeg") else None


def _container(pictures: list[tuple[bytes, str]]) -> bytes:
    """A .docx holding the metafiles, one a paragraph: made with placeholders of the same
    shape (python-docx does not take metafiles), whose bytes are then swapped."""
    import docx
    from docx.shared import Cm
    from PIL import Image

    document = docx.Document()
    for i, (data, ext) in enumerate(pictures):
        width, height = _metafile_size(data, ext)
        buf = io.BytesIO()
        Image.new("L", (width, height + i)).save(buf, "PNG")  # distinct, or python-docx shares one part
        buf.seek(0)
        document.add_picture(buf, width=Cm(30))
    packed = io.BytesIO()
    document.save(packed)
    out = io.BytesIO()
    with zipfile.ZipFile(packed) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            m = re.fullmatch(r"word/media/image(\d+)\.png", item.filename)
            if m and int(m.group(1)) <= len(pictures):
                data, ext = pictures[int(m.group(1)) - 1]
                zout.writestr(item.filename[:-4] + ext, data)
                continue
            if item.filename == "word/_rels/document.xml.rels":
                data = re.sub(rb"media/image(\d+)\.png",
                              lambda m: b"media/image" + m.group(1) + pictures[int(m.group(1)) - 1][1].encode()
                              if int(m.group(1)) <= len(pictures) else m.group(0), data)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Default Extension="emf" ContentType="image/x-emf"/>'
                                    b'<Default Extension="wmf" ContentType="image/x-wmf"/></Types>')
            zout.writestr(item, data)
    return out.getvalue()


def _metafile_size(data: bytes, ext: str) -> tuple[int, int]:
    """The picture's proportions from its header (scaled to at most 1000 px); 4:3 when unknown."""
    try:
        if ext == ".wmf" and data[:4] == b"\xd7\xcd\xc6\x9a":
            left, top, right, bottom = struct.unpack_from("<4h", data, 6)
        elif ext == ".emf":
            left, top, right, bottom = struct.unpack_from("<4i", data, 8)
        else:
            raise ValueError
        width, height = abs(right - left), abs(bottom - top)
        scale = 1000 / max(width, height)
        return max(1, round(width * scale)), max(1, round(height * scale))
    except (ValueError, struct.error, ZeroDivisionError):
        return 400, 300


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
