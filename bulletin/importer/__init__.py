"""`bulletin import`: Word and WPS contributions -> articles of an issue, and a report.

Each file becomes one `##` article, appended to the issue of an edition
(`into`) or to a new issue numbered as `bulletin new` numbers it.  All files
are read before anything is written: a file that cannot be read stops the
import and leaves the workspace as it was.  Pictures go beside the issue
file, named after the issue and their content's hash, so they cannot
collide.  Every contribution is logged in .bulletin/contributions.jsonl for
the statistics, and the issue is checked as `bulletin check` checks it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import workspace
from ..errors import BulletinError, Location, Report
from ..i18n import _
from ..model import REGULAR
from ..writer import atomic_write
from . import compose, convert
from .locate import Notes
from .reader import NoteRef, Picture, Reader

LOG = "contributions.jsonl"
_NOTE_LABEL = re.compile(r"^\[\^(\d+)\]:", re.M)


@dataclass
class ImportResult:
    path: Path | None                # the issue file written; None when nothing was
    edition: str = ""
    created: bool = False            # a new issue file, not an existing one
    titles: list[str] = field(default_factory=list)
    pictures: list[Path] = field(default_factory=list)


@dataclass
class _Target:
    path: Path
    edition: str
    text: str                        # what the issue file holds now ("" for a new one)
    new: bool
    date: dt.date


def import_files(root: Path, paths: list[Path], into: str | None = None, source: str | None = None,
                 author: str | None = None, report: Report | None = None, today: dt.date | None = None) -> ImportResult:
    """Import `paths` into the issue of edition `into`, or into a new issue; see the module's docstring."""
    report = report if report is not None else Report()
    root = root.resolve()
    today = today or dt.date.today()
    target = _target(root, into, today, report)
    if target is None:
        return ImportResult(None)
    pictures: dict[str, bytes] = {}
    articles, first_note = [], _next_note(target.text)
    for path in paths:
        try:
            article, digest = _one(Path(path), target, pictures, first_note, source or "", author or "", report)
        except BulletinError as exc:
            report.add(exc.diagnostic)
            continue
        first_note += article.notes_used
        articles.append((Path(path), article, digest))
    if len(articles) < len(paths) or not articles:
        report.error(_("nothing was imported: fix the file(s) above and import them all again"))
        return ImportResult(None)
    body = "\n".join(a.markdown for _p, a, _d in articles)
    written = _write(root, target, body, pictures, report)
    _log(root, target, articles, source or "", author or "", today)
    _check(root, target.path, report)
    return ImportResult(target.path, target.edition, target.new, [" | ".join(a.title_lines) for _p, a, _d in articles],
                        written)


def _target(root: Path, into: str | None, today: dt.date, report: Report) -> _Target | None:
    """The issue the articles go to: an edition's file, or a new one planned (not written)."""
    from ..commands.published import read_series
    from ..commands.new import plan_issue
    from ..series import select

    if into is None:
        path, text = plan_issue(root, today, REGULAR, report, body="")
        return _Target(path, path.stem, text, True, today)
    series = read_series(root, Report())
    chosen = select(series, (into,), report)
    if not chosen:
        if not report.errors:
            report.error(_("the issue of '{into}' has errors; fix them before importing into it").format(into=into),
                         hint=_("'bulletin check' lists them"))
        return None
    issue, name = chosen[0].issue, chosen[0].name
    from ..publish import load_manifest

    if name in load_manifest(root)["editions"]:
        report.error(_("{name} is published; importing into it would change a published edition").format(name=name),
                     Location(issue.source), _("import without --into to start a new issue"))
        return None
    return _Target(issue.source, name, workspace.read_text(issue.source, root), False, issue.date)


def _next_note(text: str) -> int:
    """The first footnote number not used in the issue yet (footnote labels are the issue's, not the article's)."""
    return max((int(m) for m in _NOTE_LABEL.findall(text)), default=0) + 1


def _one(path: Path, target: _Target, pictures: dict[str, bytes], first_note: int, source: str, author: str,
         report: Report) -> tuple[compose.Article, str]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    notes = Notes(path, report)
    kind = convert.kind(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with tempfile.TemporaryDirectory(prefix="bulletin-import-") as tmp:
        readable = path if kind == "docx" else convert.to_docx(path, Path(tmp))
        try:
            document = docx.Document(str(readable))
        except (PackageNotFoundError, KeyError, ValueError, XMLSyntaxError, OSError) as exc:
            raise BulletinError(_("cannot read the file as a Word document: {reason}").format(reason=exc),
                                Location(path), _("open it in Word or WPS, save it again as .docx, and import that")) \
                from None
        reader = Reader(document, notes)
        doc = reader.read(document.element.body)
        reader.read_notes(_note_keys(doc.blocks))
    if not any(getattr(b, "items", None) or getattr(b, "rows", None) for b in doc.blocks):
        raise BulletinError(_("the file has no text"), Location(path))
    if doc.changes:
        notes.paragraph(doc.first_change, "", _("the file has tracked changes: {ins} insertion(s) kept, {dels} "
                                                "deletion(s) dropped, as if all were accepted")
                        .format(ins=doc.changes["ins"], dels=doc.changes["del"]),
                        _("compare with the file in Word (Review > Accept all) if in doubt"))
    _prepare_pictures(doc, notes)

    def name_picture(picture: Picture) -> str:
        name = f"{target.path.stem}-{hashlib.sha256(picture.data).hexdigest()[:12]}{picture.ext}"
        pictures[name] = picture.data
        return name

    composer = compose.Composer(doc, notes, " ".join(path.stem.split()) or path.name, name_picture, first_note)
    return composer.article(source, author), digest


def _paras(blocks):
    """Every paragraph, those in table cells too."""
    for block in blocks:
        if hasattr(block, "rows"):
            yield from (p for row in block.rows for cell in row for p in cell.paras)
        else:
            yield block


def _note_keys(blocks) -> list:
    return [i.key for p in _paras(blocks) for i in p.items if isinstance(i, NoteRef)]


def _prepare_pictures(doc, notes: Notes) -> None:
    """EMF/WMF through LibreOffice, BMP/TIFF through Pillow, to PNG; what cannot be drawn is marked."""
    from PIL import Image

    from ..images import MAX_IMAGE_PIXELS

    found = [(p, para) for para, p in _pictures(doc.blocks) if p.data is not None]
    vector = [(p, para) for p, para in found if p.ext in (".emf", ".wmf")]
    for (picture, para), bitmap in zip(vector, convert.pictures_to_png([(p.data, p.ext) for p, _a in vector])):
        if bitmap is None:
            picture.problem = _("is a Windows metafile (EMF/WMF), which needs LibreOffice ({package}) to convert") \
                .format(package=convert.PACKAGE) if convert.soffice() is None else \
                _("is a Windows metafile (EMF/WMF) that LibreOffice could not convert")
            picture.data = None
        else:
            picture.data, picture.ext = bitmap
            notes.paragraph(para, "", _("a Windows metafile (EMF/WMF) picture was converted to a bitmap; check it"))
    for picture, _para in found:
        if picture.data is None:
            continue
        try:
            with Image.open(io.BytesIO(picture.data)) as img:
                if img.width * img.height > MAX_IMAGE_PIXELS:
                    raise ValueError("too many pixels")
                if picture.ext in (".bmp", ".tif"):
                    out = io.BytesIO()
                    img.save(out, "PNG")
                    picture.data, picture.ext = out.getvalue(), ".png"
        except (OSError, ValueError, Image.DecompressionBombError):
            picture.data, picture.problem = None, _("is damaged or too large to draw")


def _pictures(blocks):
    for para in _paras(blocks):
        for item in para.items:
            if isinstance(item, Picture):
                yield para.n, item


def _write(root: Path, target: _Target, body: str, pictures: dict[str, bytes], report: Report) -> list[Path]:
    """The pictures first, then the issue file: an issue never names a picture not yet written."""
    if target.path.exists():
        workspace.confined(target.path, root)
    written = []
    for name, data in sorted(pictures.items()):
        path = target.path.parent / name
        if not (path.exists() and path.read_bytes() == data):
            atomic_write(path, data)
        written.append(path)
    if target.new:
        if target.path.exists():
            raise BulletinError(_("{name} exists already").format(name=target.path.name), Location(target.path))
        text = target.text.rstrip("\n") + "\n\n" + body
    else:
        raw = target.path.read_bytes()
        newline = "\r\n" if b"\r\n" in raw else "\n"
        text = raw.decode("utf-8-sig").replace("\r\n", "\n").rstrip("\n") + "\n\n" + body
        text = text.replace("\n", newline)
        if raw.startswith(b"\xef\xbb\xbf"):
            text = "\ufeff" + text
    atomic_write(target.path, text.encode("utf-8"))
    return written


def _log(root: Path, target: _Target, articles, source: str, author: str, today: dt.date) -> None:
    """One line per article in .bulletin/contributions.jsonl, for the statistics of contributions."""
    folder = workspace.state_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps({"date": today.isoformat(), "file": path.name, "source": source, "author": author,
                                "edition": target.edition, "title": " | ".join(article.title_lines),
                                "sha256": digest}, ensure_ascii=False) + "\n"
                    for path, article, digest in articles)
    with open(folder / LOG, "a", encoding="utf-8") as f:
        f.write(lines)
        f.flush()
        os.fsync(f.fileno())


def _check(root: Path, path: Path, report: Report) -> None:
    """`bulletin check` on the workspace; what it says about the imported issue goes into the report."""
    from ..commands.published import read_series

    checked = Report()
    try:
        read_series(root, checked)
    except BulletinError as exc:
        checked.add(exc.diagnostic)
    resolved = path.resolve()
    for diagnostic in checked.items:
        where = diagnostic.location.path if diagnostic.location else None
        if where is not None and Path(where).resolve() == resolved:
            report.add(diagnostic)
