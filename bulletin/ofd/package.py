"""The package around the pages: OFD.xml, Document.xml, the resource files, the zip.

The zip has fixed times and a fixed order, so equal input gives equal bytes.
"""
from __future__ import annotations

import datetime
import hashlib
import zipfile
from dataclasses import dataclass
from io import BytesIO

from .document import Ids, Resources, box, el, tostring

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class OutlineEntry:
    """One bookmark: its depth (1 = top), title, page (0-based) and top on that page (mm)."""
    level: int
    title: str
    page: int
    top: float = 0.0


def ofd_xml(meta) -> bytes:
    root = el(None, "OFD", Version="1.0", DocType="OFD")
    body = el(root, "DocBody")
    info = el(body, "DocInfo")
    ident = hashlib.sha256(f"{meta.title}\n{meta.author}\n{meta.date}".encode()).hexdigest()[:32]
    el(info, "DocID", ident)
    el(info, "Title", meta.title)
    el(info, "Author", meta.author)
    if meta.subject:
        el(info, "Subject", meta.subject)
    el(info, "CreationDate", meta.date.isoformat())
    if meta.keywords:
        keywords = el(info, "Keywords")
        for word in meta.keywords:
            el(keywords, "Keyword", word)
    el(info, "Creator", "bulletin")
    el(info, "CreatorVersion", meta.creator_version)
    el(el(info, "CustomDatas"), "CustomData", meta.language, Name="Language")
    el(body, "DocRoot", "Doc_0/Document.xml")
    return tostring(root)


def _outline(parent, entries: list[OutlineEntry], page_ids: list[int]) -> None:
    """Nest the entries by level under `parent` (an Outlines element)."""
    stack = [(0, parent)]
    for entry in entries:
        if not 0 <= entry.page < len(page_ids):
            continue
        while len(stack) > 1 and stack[-1][0] >= entry.level:
            stack.pop()
        node = el(stack[-1][1], "OutlineElem", Title=entry.title)
        action = el(el(node, "Actions"), "Action", Event="CLICK")
        el(el(action, "Goto"), "Dest", Type="XYZ", PageID=page_ids[entry.page], Left="0",
           Top=f"{max(entry.top, 0):.3f}".rstrip("0").rstrip("."))
        stack.append((entry.level, node))


def document_xml(ids: Ids, size: tuple[float, float], cs_id: int, page_ids: list[int],
                 outline: list[OutlineEntry]) -> bytes:
    root = el(None, "Document")
    common = el(root, "CommonData")
    el(common, "MaxUnitID", str(ids.last))
    el(el(common, "PageArea"), "PhysicalBox", box(0, 0, *size))
    el(common, "PublicRes", "PublicRes.xml")
    el(common, "DocumentRes", "DocumentRes.xml")
    el(common, "DefaultCS", str(cs_id))
    pages = el(root, "Pages")
    for n, page_id in enumerate(page_ids):
        el(pages, "Page", ID=page_id, BaseLoc=f"Pages/Page_{n}/Content.xml")
    if outline:
        _outline(el(root, "Outlines"), outline, page_ids)
    return tostring(root)


def public_res(res: Resources, cs_id: int) -> bytes:
    root = el(None, "Res", BaseLoc="Res")
    el(el(root, "ColorSpaces"), "ColorSpace", ID=cs_id, Type="RGB")
    if res.fonts:
        fonts = el(root, "Fonts")
        for font_id, face in sorted(res.fonts.values(), key=lambda f: f[0]):
            font = el(fonts, "Font", ID=font_id, FontName=face.family, FamilyName=face.family,
                      Italic="true" if face.italic else None, Bold="true" if face.bold else None,
                      Serif="true" if face.serif else None, FixedWidth="true" if face.fixed else None)
            el(font, "FontFile", f"font_{font_id}.ttf")
    return tostring(root)


def document_res(res: Resources) -> bytes:
    root = el(None, "Res", BaseLoc="Res")
    if res.images:
        media = el(root, "MultiMedias")
        for image_id, name, _data in res.images:
            item = el(media, "MultiMedia", ID=image_id, Type="Image",
                      Format="JPEG" if name.endswith(".jpg") else "PNG")
            el(item, "MediaFile", name)
    return tostring(root)


def zipped(files: list[tuple[str, bytes]], date: datetime.date) -> bytes:
    stamp = max((date.year, date.month, date.day, 0, 0, 0), ZIP_EPOCH)
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            # level 1: fonts and XML shrink nearly as far as at 6, in a third of the time
            zf.writestr(info, data, compresslevel=1)
    return out.getvalue()
