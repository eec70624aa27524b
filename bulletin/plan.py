"""The build plan: render an edition's PDF again only when its inputs changed.

An edition's key hashes what its PDF is made from: the bytes of its issue
file, the size and time of its images, every file of the theme and of the
workspace's templates/, bulletin.yaml, the font files in use and the
versions of bulletin and WeasyPrint.  output/.plan.json keeps the key each
PDF (and each web page) was made from; an edition whose key is unchanged
and whose file is there is not made again.  Nothing has to be rendered to
find that out, so a build with nothing new takes a fraction of a second.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path

from . import __version__, fonts
from .writer import atomic_write

STATE = ".plan.json"


@lru_cache(maxsize=1)
def fonts_fingerprint() -> str:
    """The font files the theme resolves to, with their sizes and times: a changed font renders anew."""
    return fonts.fingerprint([face for _, face, _ in fonts.in_use() if face])


@lru_cache(maxsize=1)
def versions() -> str:
    return f"bulletin {__version__}; weasyprint {installed_version('weasyprint')}"


@lru_cache(maxsize=None)
def installed_version(package: str) -> str:
    """The version of an installed package ("?" if it is not), without importing it.

    Read from the name of the dist-info folder beside the package: importlib.metadata
    would first list every folder on sys.path, 30 ms of every build.
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        wanted = _normal(package)
        found = [version for entry in _entries(Path(spec.origin).parent.parent) if entry.endswith(".dist-info")
                 for dist, _, version in [entry[:-len(".dist-info")].rpartition("-")] if _normal(dist) == wanted]
        if len(found) == 1:
            return found[0]
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _entries(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def theme_fingerprints(folders: list[Path], apart: frozenset[str]) -> tuple[str, str]:
    """Every template and stylesheet that may be used, by content: (all of them, all but
    those named in `apart`)."""
    every, rest = hashlib.sha256(), hashlib.sha256()
    for folder in folders:
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                name = path.relative_to(folder).as_posix()
                part = name.encode() + b"\0" + path.read_bytes() + b"\0"
                every.update(part)
                if name not in apart:
                    rest.update(part)
    return every.hexdigest(), rest.hexdigest()


def key(*parts: str, assets=()) -> str:
    h = hashlib.sha256()
    for part in (versions(), *parts):
        h.update(part.encode("utf-8") + b"\0")
    for asset in assets:
        try:
            st = asset.source.stat()
            h.update(f"{asset.name}:{asset.source}:{st.st_size}:{st.st_mtime_ns}\0".encode())
        except OSError:
            h.update(f"{asset.name}:missing\0".encode())
    return h.hexdigest()


def load(out: Path) -> dict[str, str]:
    try:
        data = json.loads((out / STATE).read_text(encoding="utf-8"))
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
    except (OSError, ValueError, AttributeError):
        return {}  # no plan yet, or a damaged one: everything is rendered


def save(out: Path, state: dict[str, str]) -> None:
    atomic_write(out / STATE, (json.dumps(state, sort_keys=True, indent=0) + "\n").encode("utf-8"))
