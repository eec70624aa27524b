"""The OFD edition (GB/T 33190): made from the edition's PDF (bulletin/ofd/), so its
text, fonts and rules are where the PDF has them."""
from __future__ import annotations

from .base import Format


def make(job, made):
    from ..ofd import edition_to_ofd
    from ..typeset.jobs import Made

    pdf = made["pdf"]
    return Made(edition_to_ofd(job.edition, job.publication, pdf.data), pdf.pages)


# version 2: read with ofd/interpret.py (line widths under a scaled matrix were a quarter thin)
FORMAT = Format("ofd", ".ofd", make, needs=("pdf",), version="2", describe="OFD (GB/T 33190, from the PDF)")
