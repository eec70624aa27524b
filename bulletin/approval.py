"""Recorded approvals (审核, 签发): who approved which inputs of an edition, and when.

Each `bulletin approve` appends to published/approvals.jsonl the step, the
name, the time and the SHA-256 of every input of the edition: its issue file,
the images it uses and bulletin.yaml.  An approval holds for exactly those
bytes: a later change to any of them leaves it on record but no longer
current.  With `approval: required` in bulletin.yaml, `publish` asks for a
current 签发 (and 审核, when `approval_steps` lists it).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from . import fixity, records, workspace
from .errors import BulletinError, Location, Report
from .i18n import _
from .lock import held
from .model import REVIEW, SIGN_OFF, Edition, Issue, Publication

# The footer field each step's name fills (the theme's _footer.html reads fields.reviewer, fields.issuer).
FOOTER_FIELDS = {REVIEW: "reviewer", SIGN_OFF: "issuer"}


def inputs(root: Path, issue: Issue) -> dict[str, str]:
    """The SHA-256 of every file the edition is made from, by path relative to the workspace;
    for bulletin.yaml, of the settings that reach the edition's page (fixity.settings_sha256),
    so that adding smtp:, signing: or units: does not undo an approval."""
    out = {}
    for path in [issue.source, *(a.source for a in issue.assets)]:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
        try:
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            out[rel] = ""  # gone: no approval can match it
    pub = workspace.load_publication(root, Report())
    out[workspace.CONFIG] = fixity.settings_sha256(issue, pub)
    return out


def load(root: Path) -> list[dict]:
    return [r for r in records.read_jsonl(records.approvals_path(root)) if isinstance(r.get("inputs"), dict)]


def of_edition(rows: list[dict], name: str) -> list[dict]:
    return [r for r in rows if r.get("edition") == name]


def current(rows: list[dict], name: str, now: dict[str, str]) -> dict[str, dict]:
    """The latest approval of each step given for exactly the inputs `now`."""
    found = {}
    for row in of_edition(rows, name):
        if row["inputs"] == now and row.get("step") in FOOTER_FIELDS:
            found[row["step"]] = row
    return found


def latest(rows: list[dict], name: str) -> dict[str, dict]:
    """The latest approval of each step, current or not."""
    return {r["step"]: r for r in of_edition(rows, name) if r.get("step") in FOOTER_FIELDS}


def changed(then: dict[str, str], now: dict[str, str]) -> list[str]:
    """The files that differ between two sets of inputs (changed, added or removed)."""
    return sorted(p for p in then.keys() | now.keys() if then.get(p) != now.get(p))


def required_steps(pub: Publication) -> tuple[str, ...]:
    """The steps `publish` asks for; () when approval is not required."""
    if pub.extra.get("approval") != "required":
        return ()
    return tuple(pub.extra.get("approval_steps", (SIGN_OFF,)))


def footer_names(root: Path, edition: Edition) -> dict[str, str]:
    """reviewer and issuer from the approvals of the edition's current text and images (none: {}).

    bulletin.yaml is left out of this match: a later change of settings reopens a draft
    for approval (`require`), but does not take the names off an edition issued with them."""
    path = records.approvals_path(root)
    if not path.exists():
        return {}
    rows = of_edition(load(root), edition.name)
    if not rows:  # (most editions: no hashing of their files)
        return {}
    settings = workspace.CONFIG
    now = {k: v for k, v in inputs(root, edition.issue).items() if k != settings}
    valid = current([{**r, "inputs": {k: v for k, v in r["inputs"].items() if k != settings}} for r in rows],
                    edition.name, now)
    return {FOOTER_FIELDS[step]: row["by"] for step, row in valid.items() if isinstance(row.get("by"), str)}


def missing(root: Path, edition: Edition, steps: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(step, why, hint) for each step of `steps` without an approval current for the edition."""
    rows = load(root)
    now = inputs(root, edition.issue)
    valid, last = current(rows, edition.name, now), latest(rows, edition.name)
    out = []
    for step in steps:
        if step in valid:
            continue
        hint = _("record it: bulletin approve {name} --as {step} --by NAME").format(name=edition.name, step=step)
        if step in last:
            files = _(", ").join(changed(last[step]["inputs"], now))  # 、 in Chinese
            why = _("the {step} by {by} ({at}) was given before a change to {files}").format(
                step=step, by=last[step].get("by", "?"), at=last[step].get("at", "?"), files=files)
        else:
            why = _("it has no recorded {step}").format(step=step)
        out.append((step, why, hint))
    return out


def require(root: Path, edition: Edition, pub: Publication) -> None:
    """Refuse to publish an edition without the approvals bulletin.yaml asks for."""
    gaps = missing(root, edition, required_steps(pub))
    if gaps:
        step, why, hint = gaps[0]
        raise BulletinError(_("{name} cannot be published: approval is required and {why}").format(
            name=edition.name, why=why), Location(edition.issue.source), hint)


def record(root: Path, edition: Edition, step: str, by: str, note: str = "",
           when: dt.datetime | None = None) -> dict:
    """Append one approval to published/approvals.jsonl and return it."""
    row = {
        "edition": edition.name,
        "label": edition.period_label,
        "step": step,
        "by": by,
        "at": (when or dt.datetime.now().astimezone()).isoformat(timespec="seconds"),
        "inputs": inputs(root, edition.issue),
    }
    if note:
        row["note"] = note
    # one approval at a time: two at once would each rewrite the file without the other's line
    with held(workspace.state_dir(root) / "approvals.lock", on_busy=lambda holder: None):
        records.append_jsonl(records.approvals_path(root), row)
    return row
