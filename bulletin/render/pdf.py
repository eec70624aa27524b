"""The print HTML of an Edition through WeasyPrint, confined, into PDF bytes."""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import BulletinError, Location
from ..fetcher import ConfinedFetcher
from . import cjk


@dataclass
class PDF:
    data: bytes
    pages: int
    warnings: list[str]


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


def render(html: str, base: Path, root: Path, source: Path) -> PDF:
    from weasyprint import HTML  # slow import; only builds pay for it

    cjk.install()

    fetcher = ConfinedFetcher(root)
    with _weasyprint_warnings() as warnings:
        try:
            document = HTML(string=html, base_url=str(base) + "/", url_fetcher=fetcher).render()
            data = document.write_pdf()
        except RecursionError:
            raise BulletinError("the issue is nested too deeply to typeset", Location(source),
                                "flatten the deepest lists, quotes or emphasis") from None
    if fetcher.refused:
        url, why = fetcher.refused[0]
        raise BulletinError(f"the edition refers to {url}, which may not be used: {why}",
                            Location(source), "use only images placed inside the workspace")
    return PDF(data, len(document.pages), warnings)
