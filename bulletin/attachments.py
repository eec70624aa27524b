"""An issue's attachments (附件): the files its front matter names, read and checked.

A Markdown attachment is typeset like an article; a PDF attachment's pages are
placed into the edition after typesetting (render/attach.py).  Both are kept as
assets of the issue, so that a change to one makes the edition again and the
HTML edition can link to them.
"""
from __future__ import annotations

import re
from pathlib import Path

from . import markdown, workspace, yamlsafe
from .errors import BulletinError, Location, Report
from .i18n import _
from .model import Asset, Attachment
from .workspace import confined, read_text

FENCE = "---"
# A front matter that names attachments: worth parsing when the issue files are listed.
_NAMES_ATTACHMENTS = re.compile(r"^attachments\s*:", re.MULTILINE)


def read(specs: tuple[dict, ...], path: Path, root: Path, language: str,
         report: Report) -> tuple[tuple[Attachment, ...], tuple[Asset, ...]]:
    """The attachments named in an issue's front matter, relative to the issue file."""
    found, assets = [], []
    for n, spec in enumerate(specs, 1):
        where = Location(path, spec["line"], spec.get("col", 1))
        named = path.parent / spec["file"]
        if not named.exists() and named.resolve().is_relative_to(root.resolve()):
            report.error(_("attachment {n}: {file} does not exist").format(n=n, file=spec["file"]), where,
                         _("put the file beside the issue, or correct its name"))
            continue
        try:
            file = confined(named, root)
        except BulletinError as exc:
            report.error(_("attachment {n}: {why}").format(n=n, why=exc.diagnostic.message), where,
                         exc.diagnostic.hint)
            continue
        suffix = file.suffix.lower()
        name = f"attachment-{n}{suffix}"
        if suffix == ".pdf":
            pages = _pdf_pages(file, where, report)
            if pages:
                found.append(Attachment(spec["title"], file, "pdf", pages=pages, asset=name))
                assets.append(Asset(file, name))
            continue
        got = _markdown(file, root, n, language, report)
        if got is not None:
            lead, articles, images = got
            found.append(Attachment(spec["title"], file, "md", lead, articles, asset=name))
            assets += [Asset(file, name), *images]
    return tuple(found), tuple(assets)


def _pdf_pages(file: Path, where: Location, report: Report) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(file)
        if reader.is_encrypted:
            report.error(_("attachment {file} is encrypted").format(file=file.name), where,
                         _("attach a copy of the PDF without a password"))
            return 0
        return len(reader.pages)
    except (PdfReadError, OSError, ValueError) as exc:
        report.error(_("attachment {file} is not a readable PDF: {why}").format(file=file.name, why=exc), where,
                     _("open it and save it again as PDF"))
        return 0


def _markdown(file: Path, root: Path, n: int, language: str, report: Report):
    """(lead, articles, images) of a Markdown attachment; a front matter, if any, is skipped."""
    try:
        text = read_text(file, root)
    except BulletinError as exc:
        report.add(exc.diagnostic)
        return None
    offset = 0
    lines = text.split("\n")
    if lines and lines[0].strip() == FENCE:
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in (FENCE, "...")), None)
        if end is not None:
            text, offset = "\n".join(lines[end + 1:]), end + 1
    if not text.strip():
        report.error(_("attachment {file} is empty").format(file=file.name), Location(file, 1, 1))
        return None
    return markdown.parse_body(text, file, offset, language, root, report, prefix=f"x{n}-")


def named_by(issue: Path, text: str) -> set[Path]:
    """The .md files an issue names as attachments (these are not issues themselves)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        return set()
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in (FENCE, "...")), None)
    front = "\n".join(lines[1:end]) if end else ""
    if not _NAMES_ATTACHMENTS.search(front):
        return set()
    try:
        data = yamlsafe.load(front, issue)
    except BulletinError:
        return set()  # the issue's own reading reports it
    items = data.get("attachments") if isinstance(data, dict) else None
    return {(issue.parent / item["file"]).resolve() for item in items or ()
            if isinstance(item, dict) and isinstance(item.get("file"), str) and item["file"].lower().endswith(".md")}


def issue_files(root: Path, report: Report | None = None) -> list[Path]:
    """workspace.issue_files less the .md files that an issue names as its attachments (附件):
    those are typeset inside their issue, not read as issues themselves."""
    files = workspace.issue_files(root, report)
    named: set[Path] = set()
    for path in files:
        try:
            named |= named_by(path, path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue  # the issue's own reading reports it
    return [p for p in files if p.resolve() not in named]
