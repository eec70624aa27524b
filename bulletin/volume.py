"""The yearly volume (合订本): the year's published editions bound in one PDF/A.

The volume shows exactly what was issued: each edition's pages are the
published PDF's pages, copied (pikepdf), never typeset again.  Around them the
theme's volume.html typesets a cover and the year's contents (every edition
and every article, with its page in the volume) in front, and an index of the
contributing units (the articles' `source`) at the back.  The volume's page
numbers start at 1 on the first edition's first page; page labels make a PDF
reader's page box show them (the cover and contents are i, ii, ...).

Each part is tagged PDF/A-3a; their structure trees are joined under one
Document (an edition is a Part of it), so the volume is PDF/A-3a as well.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import labels, publish, workspace
from .errors import BulletinError, Location, Report
from .i18n import _
from .model import Edition, Publication
from .writer import atomic_write

FOLDER = "volumes"


@dataclass
class Entry:
    """An article in the volume: its contents title, its unit, and its page in the volume."""

    title: str
    source: str
    page: int
    edition: str  # the edition's period label


@dataclass
class Part:
    """A published edition bound in the volume."""

    edition: Edition
    path: Path
    pages: int
    first: int                                   # its first page in the volume (from 1)
    articles: list[Entry] = field(default_factory=list)


@dataclass
class Volume:
    year: int
    path: Path                                   # output/volumes/2018.pdf
    pages: int
    front: int                                   # pages before the first edition (cover, contents)
    parts: list[Part]
    index: int                                   # pages of the index of units (0 when no article names one)
    published: Path | None = None


def make(root: Path, year: int, report: Report, publish_it: bool = False,
         today: dt.date | None = None) -> Volume | None:
    """Bind the year's published editions into output/volumes/YEAR.pdf (and published/ with `publish_it`)."""
    from .commands.published import read_series
    from .lock import workspace_lock

    with workspace_lock(workspace.output_dir(root)):
        series = read_series(root, report)
        pub = series.publication
        parts = _parts(root, [e for e in series.editions if e.issue.year == year], report)
        if not parts:
            if not report.errors:
                report.error(_("no edition of {year} has been published").format(year=year),
                             hint=_("publish them first: bulletin publish {year}-01").format(year=year))
            return None
        data, front, index = _bind(root, pub, year, parts)
        path = workspace.output_dir(root) / FOLDER / f"{year}.pdf"
        atomic_write(path, data)
        volume = Volume(year, path, front + sum(p.pages for p in parts) + index, front, parts, index)
        if publish_it:
            volume.published = _record(root, volume, data, today or dt.date.today())
        return volume


def _parts(root: Path, editions: list[Edition], report: Report) -> list[Part]:
    """The published editions among `editions`, in order of date, each checked against the manifest."""
    import pikepdf

    records = publish.load_manifest(root)["editions"]
    parts, first = [], 1
    for edition in sorted(editions, key=lambda e: (e.issue.date, e.name)):
        record = records.get(edition.name)
        if record is None:
            continue
        rel = f"{publish.FOLDER}/{edition.pdf_name}"
        path = root / rel
        if not path.is_file() or publish.sha256(path) != record["outputs"].get(rel):
            raise BulletinError(_("{file} is missing or differs from the manifest").format(file=rel),
                                Location(path), _("run 'bulletin verify' and restore it before binding the year"))
        with pikepdf.open(path) as pdf:
            pages = _anchor_pages(pdf)
            count = len(pdf.pages)
        part = Part(edition, path, count, first)
        for article in edition.issue.articles:
            title = article.toc or labels.words(edition.issue.language)["untitled"]
            part.articles.append(Entry(title, article.source, first + pages.get(article.anchor, 0),
                                       edition.period_label))
        parts.append(part)
        first += count
    return parts


def _anchor_pages(pdf) -> dict[str, int]:
    """Named destination -> page index (0-based) of a published edition."""
    from pikepdf import NameTree

    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
    names = pdf.Root.get("/Names", {}).get("/Dests")
    if names is None:
        return {}
    return {str(k): pages.get(v[0].objgen, 0) for k, v in NameTree(names).items()}


def units(parts: list[Part]) -> list[dict]:
    """The contributing units with their articles; units in the order of their first article."""
    found: dict[str, list[Entry]] = {}
    for part in parts:
        for entry in part.articles:
            if entry.source:
                found.setdefault(entry.source, []).append(entry)
    return [{"name": name, "articles": entries} for name, entries in found.items()]


def _context(pub: Publication, year: int, parts: list[Part], part: str, first_page: int) -> dict:
    from . import __version__

    words = labels.words(pub.language)
    return {
        "part": part, "lang": pub.language, "words": words, "title_lines": pub.title,
        "publisher": pub.publisher, "volume_label": words["volume"].format(year=year),
        "editions": [{"label": p.edition.period_label, "date_label": p.edition.date_label, "page": p.first,
                      "articles": p.articles} for p in parts],
        "units": units(parts), "index_page": first_page, "first_page": first_page,
        "generator": f"bulletin {__version__}",
    }


def _typeset(root: Path, pub: Publication, year: int, parts: list[Part], part: str, first_page: int) -> bytes:
    from .render import pdf as pdf_render
    from .render import theme

    env = theme.environment(workspace.templates_dir(root), pub.theme)
    html = theme.render(env, "volume.html", **_context(pub, year, parts, part, first_page))
    bound = {p.edition.name: publish.sha256(p.path) for p in parts}
    when = dt.datetime(year, 12, 31, tzinfo=dt.timezone.utc)
    listing = pdf_render.Source(f"{year}-editions.json", json.dumps(bound, indent=2).encode("utf-8"), when,
                                description="The published editions bound in this volume, with their SHA-256",
                                relationship="Data")
    out = workspace.output_dir(root) / FOLDER
    return pdf_render.render(html, base=out, root=root, source=root / workspace.CONFIG, attach=listing).data


def _bind(root: Path, pub: Publication, year: int, parts: list[Part]) -> tuple[bytes, int, int]:
    """The volume's bytes, its pages before the first edition, and its index pages."""
    import pikepdf

    from . import binding

    after = parts[-1].first + parts[-1].pages
    front = pikepdf.open(io.BytesIO(_typeset(root, pub, year, parts, "front", after)))
    front_pages = len(front.pages)
    sources = [pikepdf.open(p.path) for p in parts]
    index = pikepdf.open(io.BytesIO(_typeset(root, pub, year, parts, "index", after))) if units(parts) else None
    try:
        joined = binding.Binder(front)
        starts = [joined.append(src) for src in sources]
        index_start = joined.append(index) if index is not None else None
        words = labels.words(pub.language)
        outline = [(words["contents"], 1, [])]
        outline += [(p.edition.period_label, start, [(e.title, front_pages + e.page - 1) for e in p.articles])
                    for p, start in zip(parts, starts)]
        if index_start is not None:
            outline.append((words["unit_index"], index_start, []))
        joined.finish(outline, front_pages)
        buffer = io.BytesIO()
        front.save(buffer, deterministic_id=True)
        return buffer.getvalue(), front_pages, len(index.pages) if index is not None else 0
    finally:
        for pdf in [front, *sources, *([index] if index is not None else [])]:
            pdf.close()


def _record(root: Path, volume: Volume, data: bytes, today: dt.date) -> Path:
    """published/volumes/YEAR.pdf and its entry in the manifest ("volumes")."""
    target = root / publish.FOLDER / FOLDER / f"{volume.year}.pdf"
    atomic_write(target, data)
    manifest = publish.load_manifest(root)
    manifest.setdefault("volumes", {})[str(volume.year)] = {
        "file": target.relative_to(root).as_posix(), "sha256": hashlib.sha256(data).hexdigest(),
        "pages": volume.pages, "editions": [p.edition.name for p in volume.parts], "published": today.isoformat(),
    }
    atomic_write(publish.manifest_path(root), (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
                                               + "\n").encode("utf-8"))
    return target
