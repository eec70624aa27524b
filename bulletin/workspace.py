"""The workspace on disk: find it, read its settings, list its issue files.

This is the only module (with scaffold.py) that knows the folder layout.
"""
from __future__ import annotations

import codecs
import os
from pathlib import Path

from . import schema, yamlsafe
from .errors import BulletinError, Location, Report
from .model import Publication, Recipients

CONFIG = "bulletin.yaml"
ISSUES = "issues"
TEMPLATES = "templates"
OUTPUT = "output"
STATE = ".bulletin"
MAX_SOURCE_BYTES = 4 * 2**20  # a long issue is ~100 KiB; anything this big is a mistake


def find_root(start: Path, search_parents: bool = True) -> Path:
    """The folder holding bulletin.yaml: `start` or, like git, one above it."""
    start = start.resolve()
    for folder in (start, *start.parents) if search_parents else (start,):
        if (folder / CONFIG).is_file():
            return folder
    raise BulletinError(f"no {CONFIG} in {start} or any folder above it",
                        hint="run 'bulletin init' to make a workspace here, or pass -C DIR")


def confined(path: Path, root: Path) -> Path:
    """`path` resolved, if it is a regular file inside the workspace; else an error.

    A symbolic link may point anywhere: following one out of the workspace
    would put another file's text into an edition.
    """
    real = path.resolve()
    if not real.is_relative_to(root.resolve()):
        raise BulletinError("the file is a link to a file outside the workspace", Location(path),
                            "copy the file into the workspace instead of linking to it")
    if not real.is_file():
        raise BulletinError("not a regular file", Location(path))
    return real


def read_text(path: Path, root: Path | None = None, max_bytes: int = MAX_SOURCE_BYTES) -> str:
    """A source file as text: UTF-8 (a BOM is allowed), LF line ends.

    With `root`, the file must be a regular file inside that workspace.
    """
    if root is not None:
        confined(path, root)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise BulletinError(f"the file is {size // 2**20} MiB; the limit is {max_bytes // 2**20} MiB",
                                Location(path), "split it, or remove pasted images and data")
        data = path.read_bytes()
    except OSError as exc:
        raise BulletinError(f"cannot read the file: {exc.strerror}", Location(path)) from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise BulletinError(f"the file is not UTF-8 (byte 0x{data[exc.start]:02x})",
                            Location(path, line, col),
                            "save it as UTF-8 (in Notepad: Save As, Encoding: UTF-8)") from None
    if "\x00" in text:
        raise BulletinError("the file contains NUL bytes; it is not a text file", Location(path))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_publication(root: Path, report: Report) -> Publication:
    path = root / CONFIG
    data = yamlsafe.load(read_text(path, root), path)
    if data is None:
        data = yamlsafe.LocatedDict()
        data.where, data.start = {}, (1, 1)
    clean, unknown, _ = schema.check(data, schema.PUBLICATION_FIELDS, path, report, CONFIG)
    if report.errors:
        raise BulletinError(f"{CONFIG} has errors; fix them first", Location(path))
    recips = clean.get("recipients", {})
    return Publication(
        root=root,
        title=clean["title"],
        publisher=clean["publisher"],
        language=clean.get("language", "zh-CN"),
        recipients=Recipients(recips.get("main", ()), recips.get("cc", ())),
        theme=clean.get("theme", "redhead"),
        contents_pages=clean.get("contents_pages", False),
        footer=clean.get("footer", "seed"),
        smtp=clean.get("smtp", {}),
        extra={**unknown, **{key: clean[key] for key in ("base_url", "signing", "retention") if key in clean}},
    )


def issue_files(root: Path) -> list[Path]:
    """Every issues/**/*.md, in name order; hidden files and folders skipped.

    Links to folders are not followed; a file that is a link is listed, and
    reading it checks where it points.
    """
    folder = root / ISSUES
    if not folder.is_dir():
        return []
    found = []
    for parent, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(parent) / f for f in files if f.endswith(".md") and not f.startswith(".")]
    return sorted(found)


def output_dir(root: Path) -> Path:
    return root / OUTPUT


def state_dir(root: Path) -> Path:
    """.bulletin/ beside bulletin.yaml: what the tool keeps for itself and must not be
    published on the web (caches, the build plan, review copies, dry-run mail).  Ignored by
    version control; published/ is the record that is kept."""
    return root / STATE


def templates_dir(root: Path) -> Path:
    return root / TEMPLATES


THEMES = Path(__file__).resolve().parent / "themes"


def theme_dir(theme: str) -> Path:
    """The folder of a theme that ships with bulletin (templates_dir overrides its files)."""
    folder = THEMES / theme
    if not folder.is_dir():
        known = ", ".join(sorted(p.name for p in THEMES.iterdir() if p.is_dir()))
        raise BulletinError(f"there is no theme '{theme}'", hint=f"themes: {known}")
    return folder
