"""The PDF edition: the print HTML typeset by WeasyPrint (render/pdf.py), and the
thumbnail of its first page that the archive shows."""
from __future__ import annotations

from .base import Format


def make(job, made):
    from ..render import pdf as pdf_render
    from ..typeset.jobs import Made

    issue = job.edition.issue
    pdf = pdf_render.render(job.html, base=job.out, root=job.publication.root, source=issue.source)
    return Made(pdf.data, pdf.pages, notes=tuple(pdf.notes))


def extra(job, data: bytes) -> dict[str, bytes]:
    """Files made beside a new PDF: page 1 as a PNG for the archive (made here, in parallel)."""
    from ..render.thumbs import THUMBS, thumbnail

    return {f"{THUMBS}/{job.name}.png": thumbnail(data)[0]}


# version 2: PDF attachments kept to the type area (render/attach.py)
FORMAT = Format("pdf", ".pdf", make, version="2", describe="PDF (GB/T 9704 layout)", extra=extra,
                print_html=True)
