"""The build plan: make an output again only when what it is made from changed.

An edition's key hashes what its outputs are made from: the bytes of its
issue file, the size and time of its images, every file of the theme and of
the workspace's templates/, bulletin.yaml, the font files in use and the
versions of bulletin and WeasyPrint; each format's key adds the format's
name and version to it.  `.bulletin/plan.json` keeps, in a `Plan`, the key
each output of each edition, each year's search index and the archive
pages were made from; an output whose key is unchanged and whose file is
there is not made again.  Nothing has to be rendered to find that out, so a
build with nothing new takes a fraction of a second.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from . import __version__, fonts
from .system import installed_version
from .writer import atomic_write

FILE = "plan.json"
FORMAT = 2  # of the file; a plan of another format is dropped (everything is made again)


@lru_cache(maxsize=1)
def fonts_fingerprint() -> str:
    """The font files the theme resolves to, with their sizes and times: a changed font renders anew."""
    return fonts.fingerprint([face for _, face, _ in fonts.in_use() if face])


@lru_cache(maxsize=1)
def versions() -> str:
    return f"bulletin {__version__}; weasyprint {installed_version('weasyprint')}"


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


def edition_key(context: str, look: str, digest: str, assets=(), signed: dict[str, str] | None = None) -> str:
    """What every output of an edition is made from (see the module's docstring); `signed`:
    the names of its recorded approvals (审核, 签发), which its footer prints."""
    return key(context, look, digest, *(f"{k}={v}" for k, v in sorted((signed or {}).items())), assets=assets)


def output_key(edition: str, fmt) -> str:
    """What one format of an edition is made from: the edition's key, the format and its version."""
    return key(edition, fmt.name, fmt.version)


@dataclass
class Plan:
    """What each output in output/ was made from, as keys (see the module's docstring)."""

    inputs: str = ""                    # settings, fonts and the editions' templates of the last build
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)  # edition -> format -> key
    search: dict[str, str] = field(default_factory=dict)              # year -> key of its index
    archive: str = ""                   # the archive pages
    notes: dict[str, list[str]] = field(default_factory=dict)         # edition -> its layout notes (msgids),
    # said again by a build that finds the edition up to date, so that a warning does not vanish unheeded

    def current(self, edition: str, fmt: str, wanted: str, path: Path) -> bool:
        return self.outputs.get(edition, {}).get(fmt) == wanted and path.exists()

    def record(self, edition: str, fmt: str, made_from: str) -> None:
        self.outputs.setdefault(edition, {})[fmt] = made_from

    def forget(self, keep: set[str]) -> None:
        """Drop the editions not in `keep` (their files are gone, or they failed)."""
        self.outputs = {name: v for name, v in self.outputs.items() if name in keep}
        self.notes = {name: v for name, v in self.notes.items() if name in keep}


def load(state: Path) -> Plan:
    """The plan in the folder `state` (.bulletin/); an empty one if there is none or it is damaged."""
    try:
        data = json.loads((state / FILE).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return Plan()
        plan = Plan(str(data["inputs"]), {str(e): {str(f): str(k) for f, k in v.items()}
                                          for e, v in data["outputs"].items()},
                    {str(y): str(k) for y, k in data["search"].items()}, str(data["archive"]),
                    {str(e): [str(n) for n in v] for e, v in data.get("notes", {}).items()})
        return plan
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Plan()  # no plan yet, or a damaged one: everything is made


def save(state: Path, plan: Plan) -> None:
    data = {"format": FORMAT, **asdict(plan)}
    atomic_write(state / FILE, (json.dumps(data, sort_keys=True, indent=0) + "\n").encode("utf-8"))
