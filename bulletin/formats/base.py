"""What a format of an edition is: the one type a format's module (pdf.py, html.py, ...)
imports, kept apart from the registry (__init__.py) that imports those modules."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str                  # the file's ending: 2018-02.pdf
    make: Callable | None        # (job, made so far) -> jobs.Made, in a typesetter; None: made by the archive stage
    needs: tuple[str, ...] = ()  # formats made first, whose output `make` reads (the OFD reads the PDF)
    version: str = "1"           # change it to make every output of this format again
    describe: str = ""           # for --help and doctor
    extra: Callable | None = None  # (job, new bytes) -> {path under output/: bytes}: files beside a new output
    print_html: bool = False     # `make` reads job.html, the print HTML (rendered only for such a format)
