"""The workspace on disk: find it, read its settings, list its issue files.

This is the only module (with scaffold.py) that knows the folder layout.
"""
from __future__ import annotations

import codecs
import errno
import os
from pathlib import Path

from . import schema, yamlsafe
from .formats import base as formats_base
from .errors import BulletinError, Location, Report, os_error
from .i18n import _
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
    raise BulletinError(_("no {config} in {folder} or any folder above it").format(config=CONFIG, folder=start),
                        hint=_("run 'bulletin init' to make a workspace here, or pass -C DIR"))


def confined(path: Path, root: Path) -> Path:
    """`path` resolved, if it is a regular file inside the workspace; else an error.

    A symbolic link may point anywhere: following one out of the workspace
    would put another file's text into an edition.
    """
    real = path.resolve()
    if not real.is_relative_to(root.resolve()):
        raise BulletinError(_("the file is a link to a file outside the workspace"), Location(path),
                            _("copy the file into the workspace instead of linking to it"))
    if not real.is_file():
        raise BulletinError(_("not a regular file"), Location(path))
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
            raise BulletinError(_("the file is {size} MiB; the limit is {limit} MiB").format(
                size=size // 2**20, limit=max_bytes // 2**20),
                Location(path), _("split it, or remove pasted images and data"))
        data = path.read_bytes()
    except OSError as exc:
        raise BulletinError(_("cannot read the file: {why}").format(why=_system_error(exc)), Location(path)) from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise BulletinError(_("the file is not UTF-8 (byte 0x{byte:02x})").format(byte=data[exc.start]),
                            Location(path, line, col),
                            _("save it as UTF-8 (in Notepad: Save As, Encoding: UTF-8)")) from None
    if "\x00" in text:
        raise BulletinError(_("the file contains NUL bytes; it is not a text file"), Location(path))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _system_error(exc: OSError) -> str:
    """The system's reason in the user's language (os_error's words; strerror is English)."""
    if exc.errno == errno.ENOENT:
        return _("there is no such file")
    return os_error(OSError(exc.errno, exc.strerror)).diagnostic.message


def load_publication(root: Path, report: Report) -> Publication:
    path = root / CONFIG
    data = yamlsafe.load(read_text(path, root), path)
    if data is None:
        data = yamlsafe.LocatedDict()
        data.where, data.start = {}, (1, 1)
    clean, unknown, _lines = schema.check(data, schema.PUBLICATION_FIELDS, path, report, CONFIG)
    if report.errors:
        raise BulletinError(_("{config} has errors; fix them first").format(config=CONFIG), Location(path))
    recips = clean.get("recipients", {})
    return Publication(
        root=root,
        title=clean["title"],
        publisher=clean["publisher"],
        language=clean.get("language", "zh-CN"),
        recipients=Recipients.from_dict(recips),
        numbered=clean.get("numbered", False),
        duplex=clean.get("duplex", False),
        theme=clean.get("theme", "redhead"),
        contents_pages=clean.get("contents_pages", False),
        footer=clean.get("footer", "seed"),
        formats=clean.get("formats", formats_base.DEFAULT),
        smtp=clean.get("smtp", {}),
        defaults={f.name: clean[f.name] for f in schema.RECURRING if f.name in clean},
        mail=clean.get("mail", {}),
        extra={**unknown, **{k: clean[k] for k in ("base_url", "signing", "retention", *schema.WORKFLOW_SETTINGS) if k in clean}},
    )


def issue_files(root: Path, report: Report | None = None) -> list[Path]:
    """Every issues/**/*.md, in name order; hidden files and folders skipped.

    Links to folders are not followed; a file that is a link is listed, and
    reading it checks where it points.  With `report`, a file that looks like an
    issue but is not read (2018-03.txt, 2018-03.md.txt as Notepad saves, 2018-03.MD)
    is named in a warning.
    """
    folder = root / ISSUES
    if not folder.is_dir():
        return []
    found = []
    for parent, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(parent) / f for f in files if f.endswith(".md") and not f.startswith(".")]
        for name in files if report is not None else ():
            if not name.endswith(".md") and not name.startswith(".") and _looks_like_issue(Path(parent) / name):
                report.warning(_("'{name}' is not read: issue files end in '.md'").format(name=name),
                               Location(Path(parent) / name),
                               _("rename it to '{name}'").format(name=_issue_name(name)))
    return sorted(found)


_TEXT_SUFFIXES = (".txt", ".markdown", ".mdown", ".text")


def _issue_name(name: str) -> str:
    """The name a stray issue file should have: 2018-03.md.txt, 2018-03.MD -> 2018-03.md."""
    lower = name.lower()
    for suffix in (".md.txt", ".md", *_TEXT_SUFFIXES):
        if lower.endswith(suffix):
            return name[: -len(suffix)] + ".md"
    return name + ".md"


def _looks_like_issue(path: Path) -> bool:
    """An .MD file, or a text file that starts with front matter ('---')."""
    lower = path.name.lower()
    if lower.endswith((".md", ".md.txt")):
        return True
    if not lower.endswith(_TEXT_SUFFIXES) or path.is_symlink():
        return False  # (a link may point out of the workspace: not opened)
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError:
        return False
    return head.removeprefix(codecs.BOM_UTF8).startswith(b"---")


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
        raise BulletinError(_("there is no theme '{theme}'").format(theme=theme),
                            hint=_("themes: {names}").format(names=known))
    return folder
