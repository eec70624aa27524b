"""The build plan: render an edition's PDF again only when its inputs changed.

An edition's key hashes what its PDF is made from: the print HTML (which
holds the text, the numbers, the templates' output, the CSS and
bulletin.yaml's settings), the bytes of its images, the font files in use
and the versions of bulletin and WeasyPrint.  output/.plan.json keeps the
key each PDF was made from; an edition whose key is unchanged and whose PDF
is there is not rendered.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
from functools import lru_cache
from pathlib import Path

from . import __version__, fonts
from .writer import atomic_write

STATE = ".plan.json"


@lru_cache(maxsize=1)
def fonts_fingerprint() -> str:
    """The font files the theme resolves to, with their sizes and times: a changed font renders anew."""
    parts = []
    for _, face, _ in fonts.in_use():
        if not face:
            continue
        out = subprocess.run(["fc-match", "--format", "%{file}", face], capture_output=True, text=True).stdout
        path = Path(out)
        if out and path.exists():
            st = path.stat()
            parts.append(f"{face}={path}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)


@lru_cache(maxsize=1)
def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        weasyprint = version("weasyprint")
    except PackageNotFoundError:
        weasyprint = "?"
    return f"bulletin {__version__}; weasyprint {weasyprint}"


def key(print_html: str, assets) -> str:
    h = hashlib.sha256()
    for part in (versions(), fonts_fingerprint(), print_html):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    for asset in assets:
        h.update(asset.name.encode() + b"\0" + hashlib.sha256(asset.source.read_bytes()).digest())
    return h.hexdigest()


def load(out: Path) -> dict[str, str]:
    try:
        data = json.loads((out / STATE).read_text(encoding="utf-8"))
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
    except (OSError, ValueError, AttributeError):
        return {}  # no plan yet, or a damaged one: everything is rendered


def save(out: Path, state: dict[str, str]) -> None:
    atomic_write(out / STATE, (json.dumps(state, sort_keys=True, indent=0) + "\n").encode("utf-8"))
