"""Where the workflow keeps its records, and reading and appending them.

- published/ (kept in version control: the record of what was approved and issued):
  approvals.jsonl, one approval a line; manifest.json and deliveries.jsonl beside it.
- .bulletin/ (workspace.state_dir, ignored by version control): review copies in
  review/, and contributions.jsonl, the units' contributions as they were imported.

A JSON Lines file is read line by line: a line that is not a JSON object is
an error at its line, never a traceback, so a hand-edited record says where
it went wrong.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import workspace
from .errors import BulletinError, Location
from .i18n import _
from .writer import atomic_write

PUBLISHED = "published"
APPROVALS = "approvals.jsonl"
CONTRIBUTIONS = "contributions.jsonl"
REVIEW = "review"


def approvals_path(root: Path) -> Path:
    return root / PUBLISHED / APPROVALS


def contributions_path(root: Path) -> Path:
    return workspace.state_dir(root) / CONTRIBUTIONS


def review_dir(root: Path) -> Path:
    return workspace.state_dir(root) / REVIEW


def read_jsonl(path: Path) -> list[dict]:
    """Every object of a JSON Lines file, in order; [] when there is no file."""
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BulletinError(_("cannot read the record: {why}").format(why=exc), Location(path)) from None
    rows = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            row, why = None, str(exc)
        else:
            why = _("not a JSON object")
        if not isinstance(row, dict):
            raise BulletinError(_("line {line} of the record is damaged: {why}").format(line=number, why=why),
                                Location(path, number, 1), _("restore the file from version control"))
        rows.append(row)
    return rows


def append_jsonl(path: Path, row: dict) -> None:
    """Add one object as a line; the whole file is replaced atomically, never left half written."""
    old = path.read_bytes() if path.exists() else b""
    if old and not old.endswith(b"\n"):
        old += b"\n"
    atomic_write(path, old + (json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
