"""The print HTML of an Edition through WeasyPrint, confined, into PDF bytes."""
from __future__ import annotations

import datetime
import importlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BulletinError, Location
from ..fetcher import confined_fetcher, virtual_uri
from ..i18n import N_, _
from . import cdefs, cjk, pages, patches, pdfua, speedups
from .attach import finish_pdf, placements


@dataclass(frozen=True)
class Source:
    """The issue's Markdown, attached to an archival PDF (PDF/A-3 allows any file)."""

    name: str
    data: bytes
    date: datetime.datetime
    description: str = "Markdown source"
    relationship: str = "Source"  # PDF/A-3's AFRelationship: Source, Data, Supplement...


@dataclass
class PDF:
    data: bytes
    pages: int
    notes: list[str] = field(default_factory=list)  # warnings for the user (pages.settle), untranslated


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_warnings():
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    old = logger.propagate
    logger.propagate = False  # ours to report, not printed raw on stderr
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = old


def _uncompressed_metadata(document, pdf) -> None:
    """PDF/A validators reject a Filter on the XMP metadata stream; WeasyPrint compresses it.
    The archival edition is PDF/UA-1 as well: its identification goes in the same stream."""
    import pydyf

    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            obj.compress = False
            obj.stream = [pdfua.identify(b"".join(obj.stream))]


_FONTS = None


def font_config():
    """The process's one FontConfiguration.  Made per document (WeasyPrint's default),
    it reloads Fontconfig's configuration and starts a new Pango font map, so every
    face of every edition is opened and read again."""
    global _FONTS
    if _FONTS is None:
        from weasyprint.text.fonts import FontConfiguration
        _FONTS = FontConfiguration()
    return _FONTS


_LOADED = False


def load() -> None:
    """Import WeasyPrint the quick way and prepare it (speedups.py, cdefs.py, cjk.py), each
    workaround only on the WeasyPrint it was checked on (patches.py): once a process."""
    global _LOADED
    if _LOADED:
        return
    wrong = patches.version_ok()
    if wrong is None:
        speedups.before_import()
        cdefs.install()
    try:
        importlib.import_module("weasyprint")  # slow; only processes that typeset pay for it
    finally:
        cdefs.uninstall()
        quick = speedups.restore()
    if wrong is not None:
        for name in patches.PATCHES:
            patches.mark(name, False, wrong, patches.pinned())
    else:  # the reasons are msgids: doctor and the build's warning translate them
        patches.mark("find_library", quick, N_("this system has no ldconfig cache"), "ldconfig")
        if patches.PATCHES["cdefs"].state != "unavailable":
            patches.mark("cdefs", cdefs.prebuilt_in_use(), N_("cffi could not prebuild the declarations"))
        patches.mark("font_bytes", speedups.after_import(), N_("WeasyPrint's font class is not as expected"),
                     patches.pinned(again=True))
        patches.mark("cjk", cjk.install(), N_("the functions it replaces are not in this WeasyPrint"),
                     patches.pinned(again=True))
    font_config()
    _LOADED = True


def pango_version() -> str:
    from weasyprint.text.ffi import pango

    v = pango.pango_version()
    return f"{v // 10000}.{v // 100 % 100}.{v % 100}"


def render(html: str, base: Path, root: Path, source: Path, attach: Source | None = None,
           stylesheets: tuple[str, ...] = ()) -> PDF:
    """Typeset `html`; with `attach`, as PDF/A-3a and PDF/UA-1 carrying that source file.

    `stylesheets`: CSS added after the document's own (the 送审稿 mark of a review copy).

    Any file WeasyPrint is refused, and any warning it logs (a missing
    image, a bad CSS rule), fails the edition: an official edition must not
    silently lack something.
    """
    load()
    from weasyprint import CSS, HTML, Attachment
    from weasyprint.urls import FatalURLFetchingError

    fetcher = confined_fetcher(root)
    options = {}
    if attach is not None:
        options = {
            "pdf_variant": "pdf/a-3a",  # tagged: PDF/A-3a and, with pdfua.py, PDF/UA-1
            "attachments": [Attachment(string=attach.data, name=attach.name, description=attach.description,
                                       relationship=attach.relationship, created=attach.date, modified=attach.date)],
            "finisher": _uncompressed_metadata,
        }
    with _weasyprint_warnings() as warnings:
        try:
            source_html = HTML(string=html, base_url=virtual_uri(base, root) + "/", url_fetcher=fetcher)
            # laid out again where the 版记 falls wrong (duplex, a page of its own): pages.py
            document, notes = pages.settle(lambda extra: source_html.render(
                font_config=font_config(), stylesheets=[CSS(string=css, font_config=font_config()) for css in (*stylesheets, *extra)]))
            data = finish_pdf(document.write_pdf(**options), placements(document), root)
        except RecursionError:
            raise BulletinError(_("the issue is nested too deeply to typeset"), Location(source),
                                _("flatten the deepest lists, quotes or emphasis")) from None
        except FatalURLFetchingError:  # a BaseException, so that WeasyPrint does not swallow it
            if not fetcher.refused:
                raise
    if fetcher.refused:
        url, why = fetcher.refused[0]
        raise BulletinError(_("the edition refers to {url}, which may not be used: {why}").format(url=url, why=why),
                            Location(source), _("use only files of the workspace: images beside the issue, style sheets in templates/"))
    if warnings:
        message = (_("WeasyPrint: {warning} (and {count} more)") if len(warnings) > 1
                   else _("WeasyPrint: {warning}"))
        raise BulletinError(message.format(warning=warnings[0], count=len(warnings) - 1), Location(source),
                            _("the edition was not written; fix the cause and build again"))
    return PDF(data, len(document.pages), notes)
