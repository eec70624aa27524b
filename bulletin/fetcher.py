"""The only way WeasyPrint may read a file: regular files under the workspace.

WeasyPrint's default fetcher follows file:, http: and redirects, so an
issue could pull /etc/passwd into a PDF (research note §1.4).  This one
allows `data:` and regular files under the workspace root (after resolving
symlinks), each under a size cap, and keeps a list of what it refused:
SVG drawing swallows fetch errors, so callers check `refused` afterwards.

Files are named to WeasyPrint by virtual URLs, file:///bulletin-workspace/…,
which this fetcher maps onto the workspace: WeasyPrint names images in the
PDF after their URL, and a real path would make the PDF depend on where the
workspace happens to be.  Any other file: URL is refused.
"""
from __future__ import annotations

import stat
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from .i18n import _

MAX_FETCH_BYTES = 20 * 2**20
VIRTUAL_ROOT = "/bulletin-workspace"


def virtual_uri(path: Path, root: Path) -> str:
    """The URL WeasyPrint is given for a file or folder of the workspace."""
    rel = Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    return "file://" + quote(f"{VIRTUAL_ROOT}/{rel}" if rel != "." else VIRTUAL_ROOT)


def confined_fetcher(root: Path, max_bytes: int = MAX_FETCH_BYTES):
    """A ConfinedFetcher for this workspace.  WeasyPrint is imported here, not with the
    module: commands that typeset nothing (check, list, a build with nothing new) start fast."""
    return _fetcher_class()(root, max_bytes)


@lru_cache(maxsize=1)
def _fetcher_class():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class ConfinedFetcher(URLFetcher):
        def __init__(self, root: Path, max_bytes: int = MAX_FETCH_BYTES):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=5)
            self.root = Path(root).resolve()
            self.max_bytes = max_bytes
            self.refused: list[tuple[str, str]] = []

        def _refuse(self, url: str, why: str):
            self.refused.append((url, why))
            raise FatalURLFetchingError(f"refused {url}: {why}")

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                if len(url) > self.max_bytes:
                    self._refuse(url[:40] + "…", _("data: URL too large"))
                return super().fetch(url, headers)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                self._refuse(url, _("only files of the workspace may be used"))
            virtual = unquote(parts.path)
            if virtual != VIRTUAL_ROOT and not virtual.startswith(VIRTUAL_ROOT + "/"):
                self._refuse(url, _("outside the workspace"))
            path = (self.root / virtual[len(VIRTUAL_ROOT):].lstrip("/")).resolve()
            if not path.is_relative_to(self.root):
                self._refuse(url, _("outside the workspace"))
            try:
                st = path.stat()
            except OSError:
                self._refuse(url, _("no such file"))
            if not stat.S_ISREG(st.st_mode):
                self._refuse(url, _("not a regular file"))
            if st.st_size > self.max_bytes:
                self._refuse(url, _("too large"))
            return super().fetch(path.as_uri(), headers)

    return ConfinedFetcher
