"""The parse cache: an issue file that has not changed is not parsed again.

`.bulletin/issues.json` (never in output/: it holds the text and local paths) keeps, for each issue file, the SHA-256 of its
bytes, the size and time of each image it uses, the parsed Issue and the
diagnostics its parsing gave.  The whole cache is thrown away when
bulletin.yaml, the fonts, the tool's version or the language of its messages change.  It is JSON, so a
damaged or hostile cache can at worst cost a re-parse.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import __version__, i18n
from .errors import Diagnostic, Location
from .model import Issue, issue_from_dict, issue_to_dict
from .writer import atomic_write

FILE = "issues.json"


def _stat(path: Path) -> list:
    try:
        st = path.stat()
        return [str(path), st.st_size, st.st_mtime_ns]
    except OSError:
        return [str(path), -1, -1]


class ParseCache:
    def __init__(self, state: Path, context: str):
        self.path = state / FILE
        # the diagnostics kept are in the language of the run that made them
        self.context = hashlib.sha256(f"{__version__}\0{i18n.language()}\0{context}".encode()).hexdigest()
        self.entries: dict = {}
        self.dirty = False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("context") == self.context and isinstance(data.get("files"), dict):
                self.entries = data["files"]
        except (OSError, ValueError, AttributeError):
            pass

    def has(self, path: Path, digest: str) -> bool:
        """Whether the file is cached for these bytes and images (without reading the entry)."""
        entry = self.entries.get(str(path))
        return bool(entry) and entry.get("sha") == digest and \
            all(_stat(Path(p)) == [p, s, m] for p, s, m in entry["deps"])

    def get(self, path: Path, digest: str):
        """(Issue or None, diagnostics) if cached for these bytes and images; else None."""
        if not self.has(path, digest):
            return None
        entry = self.entries[str(path)]
        try:
            issue = issue_from_dict(entry["issue"]) if entry["issue"] else None
            diagnostics = [Diagnostic(d[0], d[1], Location(Path(d[2]), d[3], d[4]) if d[2] else None, d[5])
                           for d in entry["diagnostics"]]
        except (KeyError, TypeError, ValueError):
            return None
        return issue, diagnostics

    def put(self, path: Path, digest: str, issue: Issue, diagnostics: list[Diagnostic]) -> None:
        self.entries[str(path)] = {
            "sha": digest,
            "deps": [_stat(a.source) for a in issue.assets] if issue else [],
            "issue": issue_to_dict(issue) if issue else None,
            "diagnostics": [[d.severity, d.message, str(d.location.path) if d.location else "",
                             d.location.line if d.location else 0, d.location.col if d.location else 0, d.hint]
                            for d in diagnostics],
        }
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        entries = {k: v for k, v in self.entries.items() if k in keep}
        if not self.dirty and entries == self.entries:
            return
        data = json.dumps({"context": self.context, "files": entries}, ensure_ascii=False, sort_keys=True)
        try:
            atomic_write(self.path, data.encode("utf-8"))
        except OSError:
            pass  # a cache that cannot be written only costs time
