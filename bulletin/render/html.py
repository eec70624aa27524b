"""An Edition as HTML: one template, two media (the screen page, the PDF source)."""
from __future__ import annotations

from markupsafe import Markup

from .. import __version__, approval, images, labels
from ..fetcher import virtual_uri
from ..markdown import resolve_assets
from ..model import Edition, Publication
from . import theme


def context(edition: Edition, pub: Publication, medium: str, archival: bool = False,
            site: dict | None = None, copy: int | None = None) -> dict:
    """`copy`: the number of a numbered copy (份号), printed top left; None for the edition."""
    issue = edition.issue

    def with_images(html: str) -> Markup:
        # the web page shows the copies beside it; the PDF reads the sources
        where = (lambda a: virtual_uri(images.printable(a.source, pub.root), pub.root)) if medium == "print" \
            else (lambda a: f"{edition.assets_dir}/{a.name}")
        return Markup(resolve_assets(html, issue.assets, where))

    return {
        "medium": medium,                 # "screen" (the HTML edition) or "print" (the PDF)
        "archival": archival,             # the PDF/A copy of a published edition: sRGB colours
        "site": site,                     # in the archive: year page, previous and next edition
        "settings": {"contents_pages": pub.contents_pages, "footer": pub.footer, "duplex": pub.duplex},
        "edition": edition,
        "issue": issue,
        "lang": issue.language,
        "words": labels.words(issue.language),
        "title_lines": issue.title,
        "period_label": edition.period_label,
        "date_label": edition.date_label,
        "publisher": issue.publisher,
        "articles": [
            {**vars(a), "title_html": [Markup(h) for h in a.title_html], "body_html": with_images(a.body_html)}
            for a in issue.articles
        ],
        "preamble_html": with_images(issue.preamble_html),
        "recipients": issue.recipients,
        "attachments": [
            {"title": a.title, "kind": a.kind, "pages": a.pages, "asset": a.asset,
             "file": a.source.relative_to(pub.root).as_posix() if a.source.is_relative_to(pub.root) else "",
             "body_html": with_images(a.body_html),
             "articles": [{**vars(x), "title_html": [Markup(h) for h in x.title_html],
                           "body_html": with_images(x.body_html)} for x in a.articles]}
            for a in issue.attachments
        ],
        "copy_label": f"{copy:06d}" if copy is not None else "",
        # 审核 and 签发 as recorded (bulletin approve) for exactly these inputs, else as written
        "fields": {**issue.fields, **approval.footer_names(pub.root, edition)},
        "pdf_name": edition.pdf_name,
        "downloads": _downloads(edition, pub),
        "generator": f"bulletin {__version__}",
    }


# the editions besides the PDF a reader of the web page may download, with their media types
DOWNLOADS = (("docx", "docx_link", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
             ("ofd", "ofd_link", "application/ofd"))


def _downloads(edition: Edition, pub: Publication) -> list[dict]:
    words = labels.words(edition.issue.language)
    return [{"href": f"{edition.name}.{name}", "label": words[label], "type": mime}
            for name, label, mime in DOWNLOADS if name in pub.formats]


def render(edition: Edition, pub: Publication, env, medium: str, archival: bool = False,
           site: dict | None = None, copy: int | None = None) -> str:
    return theme.render(env, "edition.html", **context(edition, pub, medium, archival, site, copy))
