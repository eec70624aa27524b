"""The archive: index, year pages, thumbnails, Atom feed, sitemap, search index.

The archive lives in output/ beside the editions, so every link is
relative (2018-02.html, 2018.html): it works from any web server, from a
subfolder and opened from disk.  The search index: see search.py.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import __version__, images, labels, trace
from ..errors import BulletinError, Report
from ..i18n import _
from ..model import Edition, Publication
from ..writer import copy_if_changed, write_if_changed
from . import theme
from .thumbs import THUMBS, thumbnail

# Files of the theme copied as they are into output/ beside the archive pages (a file of the
# same name in the workspace's templates/ replaces the theme's, as for a template).
STATIC = ("search.js",)


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
            data, _w, _h = thumbnail(pdf)  # the workers make them; this is for a PDF without one
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
        report.warning(_("no feed.xml or sitemap.xml: they need absolute links"),
                       hint=_("set base_url in bulletin.yaml to the address where output/ is published"))
    key = hashlib.sha256(json.dumps([__version__, context, base_url, cards], sort_keys=True).encode()).hexdigest()
    if key == previous and all((out / name).exists() for name in [p[0] for p in pages] + list(feeds) + list(STATIC)):
        return key
    copy_static(env, out)
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


def copy_static(env, out: Path) -> None:
    """The theme's static files (STATIC), from where the templates come: templates/ first."""
    import jinja2

    for name in STATIC:
        try:
            source = env.loader.get_source(env, name)[0]  # the loader refuses a link out of templates/
        except jinja2.TemplateNotFound:
            raise BulletinError(_("the theme has no {name}").format(name=name),
                                hint=_("reinstall bulletin, or copy the file into templates/")) from None
        write_if_changed(out / name, source.encode("utf-8"))


def write_pages(pub: Publication, listed: list[Edition], out: Path, env, plan, key_of, report: Report) -> None:
    """The web page (HTML edition) of every listed edition, with copies of its images beside
    it: made when it, or a neighbour it links to, changed.  `key_of(edition)`: what the
    edition is made from (plan.edition_key); the page's key is recorded in `plan`."""
    from .. import plan as planning
    from . import html as html_render

    words = labels.words(pub.language)
    for i, edition in enumerate(listed):
        previous = listed[i - 1] if i else None
        following = listed[i + 1] if i + 1 < len(listed) else None
        page_key = planning.key("page", key_of(edition),
                                *(f"{e.name}={e.period_label}" if e else "-" for e in (previous, following)))
        path = out / edition.html_name
        if plan.current(edition.name, "html", page_key, path):
            continue
        links = {
            "year_page": f"{edition.issue.year}.html",
            "year_label": words["year"].format(year=edition.issue.year),
            "previous": previous,
            "next": following,
        }
        try:
            page = html_render.render(edition, pub, env, "screen", site=links).encode("utf-8")
        except BulletinError as exc:
            report.add(exc.diagnostic)
            continue
        for asset in edition.issue.assets:
            copy_if_changed(images.printable(asset.source, pub.root), out / edition.assets_dir / asset.name)
        write_if_changed(path, page)
        plan.record(edition.name, "html", page_key)
        trace.event("page", path.name)


def remove_formats(out: Path, names: set[str], dropped: set[str]) -> None:
    """The files of the `dropped` formats of the editions `names`: no longer chosen."""
    from .. import formats

    for name in names:
        for fmt in dropped:
            (out / f"{name}{formats.get(fmt).suffix}").unlink(missing_ok=True)


def remove_editions(out: Path, names: set[str]) -> None:
    """Every output of the editions `names` (no longer listed: their issue failed or is
    gone), so that output/ never holds an edition's files without its listing."""
    import shutil

    from .. import formats

    for name in names:
        for fmt in formats.known():
            (out / f"{name}{formats.get(fmt).suffix}").unlink(missing_ok=True)
        (out / THUMBS / f"{name}.png").unlink(missing_ok=True)
        shutil.rmtree(out / f"{name}.files", ignore_errors=True)
