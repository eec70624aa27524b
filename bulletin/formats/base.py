"""What a format of an edition is: the one type a format's module (pdf.py, html.py, ...)
imports, kept apart from the registry (__init__.py) that imports those modules."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..i18n import _

# name -> module under bulletin.formats.  Adding a format: a module with FORMAT, a line here.
# (Here, not in the registry, so that schema.py checks the names without importing a format.)
MODULES = {
    "pdf": "pdf",
    "html": "html",
    "docx": "docx",
    "ofd": "ofd",
}
DEFAULT = ("pdf", "html")


def check_names(names) -> list[str]:
    """The names in `names` that are no format (for the schema's message)."""
    return [n for n in names if n not in MODULES]


def unknown_hint() -> str:
    return _("the formats are: {names}").format(names=", ".join(MODULES))


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
