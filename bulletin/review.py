"""A review copy (送审稿) of an edition, and what changed since the last one.

`bulletin review ID` writes into .bulletin/review/ (never into output/, which
is published on the web):

- ID.pdf, the edition as it would print, every page marked 送审稿 with the
  date and time (the theme's review.css, added after its own stylesheet, so
  a workspace's own templates are marked too);
- ID.diff.html, the paragraphs changed since the last review copy, or else
  since the last publication (the Markdown attached to the published PDF/A);
- ID.md and ID.json, the text reviewed and its inputs: the next review
  compares with them, and 'bulletin list' shows the edition as 送审 while they
  match.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from . import __version__, approval, labels, records, textdiff, workspace
from .errors import Report
from .i18n import _
from .model import Edition
from .writer import atomic_write


@dataclass
class ReviewCopy:
    edition: Edition
    pdf: Path
    diff: Path
    pages: int
    changed: int     # paragraphs added, deleted or changed
    basis: str       # what the text was compared with


def review(root: Path, selector: str, report: Report, now: dt.datetime | None = None) -> ReviewCopy | None:
    """Write the review copy and the diff of one edition; None if the issue has errors."""
    from .commands.published import one_edition
    from .render import html as html_render
    from .render import pdf as pdf_render
    from .render import theme

    found = one_edition(root, selector, report, reissuing=selector)
    if found is None:
        return None
    series, edition = found
    pub = series.publication
    now = now or dt.datetime.now().astimezone()
    folder = records.review_dir(root)
    env = theme.environment(workspace.templates_dir(root), pub.theme)
    words = labels.words(edition.issue.language)
    mark = words["review_copy"]
    stamp = f"{mark}　{labels.date_label(edition.issue.language, now.date())} {now:%H:%M}"
    css = theme.render(env, "review.css", stamp=stamp, watermark=theme.render(env, "review_mark.svg", mark=mark))
    printed = html_render.render(edition, pub, env, "print")
    pdf = pdf_render.render(printed, base=folder, root=root, source=edition.issue.source, stylesheets=(css,))
    text = workspace.read_text(edition.issue.source, root)
    before, basis = _previous(root, edition, folder)
    hunks = textdiff.diff(before, text)
    changed = sum(1 for h in hunks if h.kind != "same")
    page = theme.render(env, "review_diff.html", lang=edition.issue.language, generator=f"bulletin {__version__}",
                        hunks=hunks, t=_page_words(edition, basis, changed))
    paths = [folder / f"{edition.name}{suffix}" for suffix in (".pdf", ".diff.html", ".md", ".json")]
    atomic_write(paths[0], pdf.data)
    atomic_write(paths[1], page.encode("utf-8"))
    atomic_write(paths[2], text.encode("utf-8"))
    state = {"at": now.isoformat(timespec="seconds"), "inputs": approval.inputs(root, edition.issue)}
    atomic_write(paths[3], json.dumps(state, ensure_ascii=False, indent=2).encode("utf-8"))
    return ReviewCopy(edition, paths[0], paths[1], pdf.pages, changed, basis)


def _previous(root: Path, edition: Edition, folder: Path) -> tuple[str, str]:
    """(the text to compare with, what it is): the last review copy or the publication, whichever
    is later (on the same day, the review copy); nothing when there is neither."""
    from .publish import load_manifest

    kept = folder / f"{edition.name}.md"
    when = dt.datetime.fromtimestamp(kept.stat().st_mtime).astimezone() if kept.exists() else None
    issued = load_manifest(root)["editions"].get(edition.name, {}).get("published", "")
    if issued and (when is None or issued > when.date().isoformat()):
        published = published_text(root, edition)
        if published is not None:
            return published, _("compared with the edition published on {date}").format(date=issued)
    if when is not None:
        return kept.read_text(encoding="utf-8"), _("compared with the review copy of {when}").format(
            when=f"{when:%Y-%m-%d %H:%M}")
    return "", _("there is no earlier review copy or publication: all the text is new")


def published_text(root: Path, edition: Edition) -> str | None:
    """The Markdown attached to the published PDF/A of the edition, if there is one."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    path = root / records.PUBLISHED / edition.pdf_name
    if not path.is_file():
        return None
    try:
        files = PdfReader(path).attachments.get(edition.issue.source.name)
    except (PyPdfError, OSError, ValueError):
        return None
    if not files:
        return None
    try:
        return files[0].decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return None


def _page_words(edition: Edition, basis: str, changed: int) -> dict[str, str]:
    """The diff page's words in the user's language (the template adds numbers)."""
    return {
        "title": _("{label}: changes for review").format(label=edition.period_label),
        "basis": basis,
        "summary": _("{n} paragraph(s) changed").format(n=changed) if changed else _("nothing changed"),
        "same": _("({n} unchanged paragraph(s))"),
        "added": _("added, line {line}"),
        "deleted": _("deleted (was at line {line})"),
        "changed": _("changed, line {line}"),
    }
