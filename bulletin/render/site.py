"""The archive: index, year pages, thumbnails, Atom feed, sitemap, search index.

The archive lives in output/ beside the editions, so every link is
relative (2018-02.html, 2018.html): it works from any web server, from a
subfolder and opened from disk.  The search index: see search.py.
"""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from .. import __version__, labels
from ..errors import Report
from ..model import Edition, Publication
from ..writer import write_if_changed
from . import theme

THUMBS = "thumbs"
THUMB_WIDTH = 240


def thumbnail(pdf: Path | bytes) -> tuple[bytes, int, int]:
    """Page 1 of a PDF as a PNG, THUMB_WIDTH pixels wide (pypdfium2, no system tools)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    try:
        page = doc[0]
        image = page.render(scale=THUMB_WIDTH / page.get_width()).to_pil()
    finally:
        doc.close()
    buf = io.BytesIO()
    image.save(buf, "PNG")  # optimize=True: 1 % smaller for 3x the time
    return buf.getvalue(), image.width, image.height


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR (bytes 16-24): no image library for a build
    that only lists the thumbnails it made before."""
    with path.open("rb") as f:
        head = f.read(24)
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def card(edition: Edition, thumb: tuple[int, int]) -> dict:
    return {
        "name": edition.name,
        "label": edition.period_label,
        "date": edition.issue.date.isoformat(),
        "date_label": edition.date_label,
        "html": edition.html_name,
        "pdf": edition.pdf_name,
        "thumb": f"{THUMBS}/{edition.name}.png",
        "thumb_width": thumb[0],
        "thumb_height": thumb[1],
        "titles": [{"text": a.toc, "anchor": a.anchor} for a in edition.issue.articles if a.toc],
    }


def write_site(pub: Publication, editions: list[Edition], out: Path, env, report: Report,
               context: str = "", previous: str | None = None) -> str:
    """Write the archive pages for the editions that are on disk.

    Returns the key of what the pages were made from: `context` (the
    templates and settings) and the editions' cards.  Given the key of the
    last build as `previous`, pages made from the same are not rendered again.
    The search index is made apart from these pages: see search.SearchIndexer.
    """
    cards = []
    for edition in editions:
        pdf = out / edition.pdf_name
        thumb = out / THUMBS / f"{edition.name}.png"
        if not thumb.exists() or thumb.stat().st_mtime < pdf.stat().st_mtime:
            data, _, _ = thumbnail(pdf)  # the workers make them; this is for a PDF without one
            write_if_changed(thumb, data)
        cards.append(card(edition, _png_size(thumb)))
    cards.sort(key=lambda c: (c["date"], c["name"]), reverse=True)
    years: dict[int, list[dict]] = {}
    for c in cards:
        years.setdefault(int(c["date"][:4]), []).append(c)
    all_years = sorted(years, reverse=True)
    words = labels.words(pub.language)
    base_url = pub.extra.get("base_url")
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    common = {
        "lang": pub.language, "words": words, "title_lines": pub.title, "publisher": pub.publisher,
        "generator": f"bulletin {__version__}", "all_years": all_years, "feed": bool(base_url),
        "archive_title": words["archive_title"].format(title="".join(pub.title)),
    }
    pages = [("index.html", None, list(years.items()))] + [(f"{y}.html", y, [(y, years[y])]) for y in all_years]
    feeds = ("feed.xml", "sitemap.xml") if base_url else ()
    if cards and not base_url:
        report.warning("no feed.xml or sitemap.xml: they need absolute links",
                       hint="set base_url in bulletin.yaml to the address where output/ is published")
    key = hashlib.sha256(json.dumps([__version__, context, base_url, cards], sort_keys=True).encode()).hexdigest()
    if key == previous and all((out / name).exists() for name in [p[0] for p in pages] + list(feeds)):
        return key
    for name, year, groups in pages:
        heading = words["editions_of_year"].format(year=year) if year else common["archive_title"]
        html = theme.render(env, "archive.html", **common, year=year, years=groups, heading=heading,
                            page_title=f"{heading} · {''.join(pub.title)}" if year else heading)
        write_if_changed(out / name, html.encode("utf-8"))
    updated = (cards[0]["date"] if cards else "1970-01-01") + "T00:00:00Z"
    for name in feeds:
        xml = theme.render(env, name, **common, base_url=base_url, entries=cards[:20] if name == "feed.xml" else cards,
                           updated=updated)
        write_if_changed(out / name, xml.encode("utf-8"))
    return key
