"""The DOCX edition: the same edition as a Word document (bulletin/docx/), for the
offices that are asked for "the Word version"."""
from __future__ import annotations

from .base import Format


def make(job, made):
    from ..docx import render_docx
    from ..typeset.jobs import Made

    return Made(render_docx(job.edition, job.publication))


FORMAT = Format("docx", ".docx", make, describe="DOCX (Word, the same layout on the document grid)")
