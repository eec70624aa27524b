"""pdf_to_ofd: an edition's PDF, as WeasyPrint wrote it, made into an OFD package.

Callable from a worker process that has the PDF's bytes: no workspace, no
fonts of the machine, no wall clock (the edition's date is the creation date).
"""
from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from io import BytesIO

import pikepdf

from .. import __version__
from ..errors import BulletinError
from ..i18n import _
from . import package
from .document import Ids, Resources, box, content
from .fonts import embed
from .interpret import Reader, read_page
from .layout import MM, Image, Page, TextRun
from .package import OutlineEntry


@dataclass(frozen=True)
class OfdMeta:
    """What OFD.xml says of the edition; `outline` is used only when the PDF has none."""
    title: str
    author: str
    date: datetime.date
    language: str = "zh-CN"
    creator_version: str = __version__
    subject: str = ""
    keywords: tuple[str, ...] = ()
    outline: tuple[OutlineEntry, ...] = ()


def edition_meta(edition) -> OfdMeta:
    """The OfdMeta of a model.Edition: what its PDF's metadata says too."""
    issue = edition.issue
    return OfdMeta(title=" ".join((*issue.title, edition.period_label)), author=issue.publisher,
                   date=issue.date, language=issue.language, subject=edition.period_label,
                   keywords=tuple(a.toc for a in issue.articles if a.toc))


def edition_to_ofd(edition, publication, pdf: bytes) -> bytes:
    """The OFD edition of `edition` from its PDF's bytes (the output format's entry point)."""
    return pdf_to_ofd(pdf, edition_meta(edition))


def pdf_to_ofd(pdf: bytes, meta: OfdMeta) -> bytes:
    """The OFD package (zip bytes) of the PDF `pdf`; a BulletinError for what it cannot carry."""
    try:
        doc = pikepdf.open(BytesIO(pdf))
    except Exception as err:  # noqa: BLE001 - qpdf raises several kinds for one meaning
        raise BulletinError(_("The PDF cannot be read for the OFD edition: {error}").format(error=err)) \
            from None
    with doc:
        if not len(doc.pages):
            raise BulletinError(_("The PDF has no pages, so there is no OFD edition to make"))
        reader = Reader()
        pages = [read_page(reader, p) for p in doc.pages]
        outline = read_outline(doc, pages) or list(meta.outline)
        return assemble(pages, outline, meta)


def assemble(pages: list[Page], outline: list[OutlineEntry], meta: OfdMeta) -> bytes:
    ids, res = Ids(), Resources()
    cs_id = ids.next()
    _fonts(pages, res, ids)
    _images(pages, res, ids)
    page_ids = [ids.next() for _page in pages]
    size = (pages[0].width, pages[0].height)
    files = []
    for n, page in enumerate(pages):
        area = None if (round(page.width, 2), round(page.height, 2)) == (round(size[0], 2), round(size[1], 2)) \
            else box(0, 0, page.width, page.height)
        files.append((f"Doc_0/Pages/Page_{n}/Content.xml", content(page, res, ids, area)))
    head = [("OFD.xml", package.ofd_xml(meta)),
            ("Doc_0/Document.xml", package.document_xml(ids, size, cs_id, page_ids, outline)),
            ("Doc_0/PublicRes.xml", package.public_res(res, cs_id)),
            ("Doc_0/DocumentRes.xml", package.document_res(res))]
    fonts = [(f"Doc_0/Res/font_{fid}.ttf", face.data) for fid, face in sorted(res.fonts.values(),
                                                                               key=lambda f: f[0])]
    images = [(f"Doc_0/Res/{name}", data) for _id, name, data in res.images]
    return package.zipped(head + files + fonts + images, meta.date)


def _fonts(pages: list[Page], res: Resources, ids: Ids) -> None:
    """Embed each font the pages use, subset to the glyphs they draw with it."""
    used: dict[int, tuple[object, dict[int, str]]] = {}
    for page in pages:
        for item in page.items:
            if isinstance(item, TextRun):
                glyphs = used.setdefault(id(item.font), (item.font, {}))[1]
                for glyph in item.glyphs:
                    glyphs.setdefault(glyph.cid, glyph.text)
    for key, (font, glyphs) in used.items():
        res.fonts[key] = (ids.next(), embed(font, glyphs))


def _images(pages: list[Page], res: Resources, ids: Ids) -> None:
    """One resource per distinct picture, however often it is drawn."""
    known: dict[bytes, int] = {}
    for page in pages:
        for item in page.items:
            if isinstance(item, Image):
                digest = hashlib.sha256(item.picture.data).digest()
                if digest not in known:
                    known[digest] = ids.next()
                    ext = "jpg" if item.picture.format == "JPEG" else "png"
                    res.images.append((known[digest], f"image_{known[digest]}.{ext}", item.picture.data))
                res.image_of[id(item)] = known[digest]


def _destination(doc: pikepdf.Pdf, item):
    """The explicit destination [page /XYZ left top zoom] an outline item goes to, or None."""
    dest = item.get("/Dest")
    action = item.get("/A")
    if dest is None and isinstance(action, pikepdf.Dictionary) and str(action.get("/S", "")) == "/GoTo":
        dest = action.get("/D")
    if isinstance(dest, (pikepdf.String, pikepdf.Name)):
        names = doc.Root.get("/Names")
        tree = names.get("/Dests") if isinstance(names, pikepdf.Dictionary) else None
        key = str(dest)[1:] if isinstance(dest, pikepdf.Name) else str(dest)
        if tree is not None and key in pikepdf.NameTree(tree):
            dest = pikepdf.NameTree(tree)[key]
        else:
            dest = (doc.Root.get("/Dests") or {}).get("/" + key)
    if isinstance(dest, pikepdf.Dictionary):
        dest = dest.get("/D")
    return dest if isinstance(dest, pikepdf.Array) and len(dest) else None


def _entry(doc: pikepdf.Pdf, item, level: int, index: dict, pages: list[Page]) -> OutlineEntry | None:
    dest = _destination(doc, item)
    page = index.get(dest[0].objgen) if dest is not None and isinstance(dest[0], pikepdf.Dictionary) else None
    if page is None:
        return None
    top = dest[3] if len(dest) > 3 and str(dest[1]) == "/XYZ" else None
    box = [float(v) for v in doc.pages[page].mediabox]
    top_mm = (max(box[1], box[3]) - float(top)) * MM if top is not None and not isinstance(
        top, pikepdf.Object) else 0.0
    return OutlineEntry(level, str(item.get("/Title", "")), page, top_mm)


def read_outline(doc: pikepdf.Pdf, pages: list[Page]) -> list[OutlineEntry]:
    """The PDF's bookmarks with their pages and heights; [] when it has none."""
    index = {p.obj.objgen: n for n, p in enumerate(doc.pages)}
    entries: list[OutlineEntry] = []
    root = doc.Root.get("/Outlines")
    seen: set = set()

    def walk(item, level: int) -> None:
        while isinstance(item, pikepdf.Dictionary) and item.objgen not in seen and len(seen) < 100_000:
            seen.add(item.objgen)
            entry = _entry(doc, item, level, index, pages)
            if entry:
                entries.append(entry)
            walk(item.get("/First"), level + 1)
            item = item.get("/Next")

    if isinstance(root, pikepdf.Dictionary):
        walk(root.get("/First"), 1)
    return entries
