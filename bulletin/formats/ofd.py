"""The OFD edition (GB/T 33190): made from the edition's PDF (bulletin/ofd/), so its
text, fonts and rules are where the PDF has them."""
from __future__ import annotations

from .base import Format


def make(job, made):
    from ..ofd import edition_to_ofd
    from ..typeset.jobs import Made

    pdf = made["pdf"]
    return Made(edition_to_ofd(job.edition, job.publication, pdf.data), pdf.pages)


FORMAT = Format("ofd", ".ofd", make, needs=("pdf",), describe="OFD (GB/T 33190, from the PDF)")
