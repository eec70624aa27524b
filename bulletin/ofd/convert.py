"""pdf_to_ofd: an edition's PDF, as WeasyPrint wrote it, made into an OFD package.

Callable from a worker process that has the PDF's bytes: no workspace, no
fonts of the machine, no wall clock (the edition's date is the creation date).
"""
from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from io import BytesIO

from pdfminer.pdfdocument import PDFDocument, PDFNoOutlines
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSLiteral

from .. import __version__
from ..errors import BulletinError
from ..i18n import _
from . import package
from .document import Ids, Resources, box, content
from .fonts import embed
from .layout import MM, Image, Page, TextRun, read_page
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
        doc = PDFDocument(PDFParser(BytesIO(pdf)))
        pdfpages = list(PDFPage.create_pages(doc))
    except BulletinError:
        raise
    except Exception as err:  # noqa: BLE001 - pdfminer raises many kinds for one meaning
        raise BulletinError(_("The PDF cannot be read for the OFD edition: {error}").format(error=err)) \
            from None
    if not pdfpages:
        raise BulletinError(_("The PDF has no pages, so there is no OFD edition to make"))
    rsrcmgr = PDFResourceManager(caching=True)
    pages = [read_page(rsrcmgr, p) for p in pdfpages]
    outline = read_outline(doc, pdfpages, pages) or list(meta.outline)
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


def read_outline(doc: PDFDocument, pdfpages: list, pages: list[Page]) -> list[OutlineEntry]:
    """The PDF's bookmarks with their pages and heights; [] when it has none."""
    index = {p.pageid: n for n, p in enumerate(pdfpages)}
    entries = []
    try:
        outlines = list(doc.get_outlines())
    except PDFNoOutlines:
        return []
    for level, title, dest, action, _se in outlines:
        if dest is None and action:
            dest = resolve1(action).get("D")
        dest = resolve1(dest)
        if isinstance(dest, (bytes, str, PSLiteral)):
            name = dest.name if isinstance(dest, PSLiteral) else dest
            dest = resolve1(doc.get_dest(name))
        if isinstance(dest, dict):
            dest = resolve1(dest.get("D"))
        if not isinstance(dest, list) or not dest:
            continue
        page = index.get(getattr(dest[0], "objid", None))
        if page is None:
            continue
        top = resolve1(dest[3]) if len(dest) > 3 and getattr(resolve1(dest[1]), "name", "") == "XYZ" else None
        top_mm = pages[page].height - float(top) * MM if isinstance(top, (int, float)) else 0.0
        text = title if isinstance(title, str) else str(title)
        entries.append(OutlineEntry(int(level), text, page, top_mm))
    return entries
