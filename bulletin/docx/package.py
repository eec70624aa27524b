"""Saving the DOCX so that the same edition always gives the same bytes.

python-docx stamps nothing by itself, but its template carries a
thumbnail, Word 2010's stylesWithEffects and dates of 2013; the zip it
writes takes the clock's time.  Here the document properties come from the
edition (its date as the creation and modification time) and the zip is
written again with that date on every member.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile

from .. import __version__
from ..model import Edition

DROPPED_PARTS = ("/metadata/thumbnail", "/stylesWithEffects")


def save(document, edition: Edition) -> bytes:
    _properties(document, edition)
    _drop_template_parts(document)
    raw = io.BytesIO()
    document.save(raw)
    return _fixed_zip(raw.getvalue(), edition.issue.date)


def _properties(document, edition: Edition) -> None:
    issue = edition.issue
    when = dt.datetime.combine(issue.date, dt.time(0, 0))
    props = document.core_properties
    props.title = f"{''.join(issue.title)} {edition.period_label}"
    props.subject = edition.period_label
    props.author = issue.publisher
    props.last_modified_by = issue.publisher
    props.keywords = ", ".join(a.toc for a in issue.articles if a.toc)
    props.comments = f"bulletin {__version__}"
    props.language = issue.language
    props.category = ""
    props.revision = 1
    props.created = when
    props.modified = when
    props.last_printed = when


def _drop_template_parts(document) -> None:
    """The template's preview picture (Explorer would show it as the document's) and stylesWithEffects."""
    for rels in (document.part.package.rels, document.part.rels):
        for rid in [rid for rid, rel in rels.items() if rel.reltype.endswith(DROPPED_PARTS)]:
            rels.pop(rid)


def _fixed_zip(data: bytes, date: dt.date) -> bytes:
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()
