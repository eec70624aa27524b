"""Numbered copies (份号) of an edition, for a bulletin whose copies are registered.

GB/T 9704 7.2.1: the copy number, six Arabic digits, top left of the first
page.  A numbered copy differs from the edition in that number only: the
edition keeps the number's line, empty (see _masthead.html).  `render_copy`
makes one copy (used per recipient when sending); `write_copies` makes the
copies for paper distribution in one PDF, with a register to fill in.  Both
are kept under .bulletin/ (state_dir): numbered copies are not for the web.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from . import labels, workspace
from .errors import BulletinError, Report
from .i18n import _
from .model import Edition, Publication
from .writer import atomic_write

MAX_COPIES = 999_999  # six digits


@dataclass(frozen=True)
class Copies:
    pdf: Path        # every copy, in order
    register: Path   # the CSV: copy number, recipient, and columns to fill in by hand
    count: int


def copy_label(number: int) -> str:
    """000001: the 份号 as printed."""
    return f"{number:06d}"


def render_copy(edition: Edition, pub: Publication, root: Path, number: int, archival: bool = False) -> bytes:
    """Copy `number` of the edition as PDF bytes: the edition with its 份号 printed.  `archival`:
    a copy of the published edition (PDF/A with its source attached, as `publish` makes it), for mail."""
    from .render import html as html_render, pdf as pdf_render, theme

    if not 1 <= number <= MAX_COPIES:
        raise BulletinError(_("a copy number is from 1 to {max}, got {n}").format(max=MAX_COPIES, n=number))
    env = theme.environment(workspace.templates_dir(root), pub.theme)
    printed = html_render.render(edition, pub, env, "print", copy=number, archival=archival)
    if not archival:
        return pdf_render.render(printed, base=workspace.output_dir(root), root=root,
                                 source=edition.issue.source).data
    from . import publish

    source = publish.attached_source(edition)
    return pdf_render.render(printed, base=root / publish.FOLDER, root=root, source=edition.issue.source,
                             attach=source).data


def write_copies(root: Path, selector: str, count: int, report: Report, first: int = 1,
                 progress=lambda done, total: None) -> Copies | None:
    """Copies `first` .. `first + count - 1` of one edition in one PDF, and their register.

    None (with the reason in `report`) when the edition has errors or does not exist.
    """
    from pypdf import PdfReader, PdfWriter

    from .commands.published import read_series
    from .series import select

    if count < 1 or first < 1 or first + count - 1 > MAX_COPIES:
        raise BulletinError(_("copies are numbered from 000001 to 999999; {first} to {last} does not fit").format(
            first=first, last=first + count - 1), hint=_("use --count 1 or more"))
    series = read_series(root, report)
    chosen = select(series, (selector,), report)
    if len(chosen) != 1:
        if not report.errors:
            report.error(_("'{name}' names {n} editions; name one, e.g. 2018-02").format(name=selector, n=len(chosen)))
        return None
    edition = chosen[0]
    if not edition.issue.fields.get("numbered"):
        report.warning(_("{name} is not marked numbered: its published edition has no line kept for the "
                         "copy number").format(name=edition.name),
                       hint=_("add 'numbered: true' to the issue or to bulletin.yaml"))
    writer = PdfWriter()
    for done, number in enumerate(range(first, first + count), 1):
        writer.append(PdfReader(io.BytesIO(render_copy(edition, series.publication, root, number))))
        progress(done, count)
    folder = workspace.state_dir(root) / "copies"
    stem = f"{edition.name}-{copy_label(first)}-{copy_label(first + count - 1)}"
    out = io.BytesIO()
    writer.write(out)
    pdf_path, csv_path = folder / f"{stem}.pdf", folder / f"{stem}.csv"
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(pdf_path, out.getvalue())
    atomic_write(csv_path, register(edition, range(first, first + count)).encode("utf-8-sig"))
    return Copies(pdf_path, csv_path, count)


def register(edition: Edition, numbers: range) -> str:
    """The register as CSV text: one row a copy, the recipients of the 版记 filled in, in order."""
    words = labels.words(edition.issue.language)
    names = [name for _tier, name in edition.issue.recipients.listed()]
    text = io.StringIO()
    table = csv.writer(text, lineterminator="\r\n")  # (Excel opens UTF-8 with a BOM and CRLF)
    table.writerow([words[k] for k in ("copy_no", "recipient", "received_by", "received_on", "returned_on")])
    for i, number in enumerate(numbers):
        table.writerow([copy_label(number), names[i] if i < len(names) else "", "", "", ""])
    return text.getvalue()
