"""An edition's way from draft to issue: 草稿 → 送审 → 已审核 → 已签发 → 已印发.

`approve` records a step (approval.py); `states` says where each edition
stands, from the records: the manifest (issued), the approvals current for
its inputs, and the review copy made of exactly these inputs (review.py).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from . import approval, publish, records
from .errors import BulletinError, Location, Report
from .i18n import N_, _
from .model import APPROVAL_STEPS, REVIEW, SIGN_OFF, Edition

# The states, in order; shown translated (草稿, 送审, 已审核, 已签发, 已印发).
DRAFT, IN_REVIEW, REVIEWED, SIGNED, ISSUED = (N_("draft"), N_("in review"), N_("reviewed"),
                                              N_("signed off"), N_("issued"))


def step_of(text: str) -> str:
    """审核 or 签发 from any accepted spelling (reviewer, issuer)."""
    step = APPROVAL_STEPS.get(text.strip().lower())
    if step is None:
        raise BulletinError(_("'{step}' is not a step of approval").format(step=text),
                            hint=_("use --as 审核 (reviewer) or --as 签发 (issuer)"))
    return step


def approve(root: Path, selector: str, step: str, by: str, note: str, report: Report,
            when: dt.datetime | None = None) -> tuple[Edition, dict] | None:
    """Record that `by` approved the edition's current inputs at `step`; None if it has errors."""
    from .commands.published import one_edition

    step = step_of(step)
    if not by.strip():
        raise BulletinError(_("--by needs the name of the person who approves"), hint=_("for example: --by 王五"))
    found = one_edition(root, selector, report, reissuing=selector)
    if found is None:
        return None
    series, edition = found
    steps = approval.required_steps(series.publication)
    if step == SIGN_OFF and REVIEW in steps:
        gaps = approval.missing(root, edition, (REVIEW,))
        if gaps:
            raise BulletinError(_("{name} cannot be signed off before its 审核: {why}").format(
                name=edition.name, why=gaps[0][1]), Location(edition.issue.source), gaps[0][2])
    return edition, approval.record(root, edition, step, by.strip(), note.strip(), when)


def review_inputs(root: Path, name: str) -> dict | None:
    """The inputs of the edition's last review copy (review.py writes them), or None."""
    path = records.review_dir(root) / f"{name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("inputs")
    except (OSError, ValueError, AttributeError):
        return None


def states(root: Path, editions: list[Edition]) -> dict[str, str]:
    """Each edition's state (an untranslated message id: show it with _())."""
    issued = publish.load_manifest(root)["editions"]
    rows = approval.load(root)
    out = {}
    for edition in editions:
        now = approval.inputs(root, edition.issue)
        record = issued.get(edition.name)
        valid = approval.current(rows, edition.name, now)
        if record and record.get("source_sha256") == now.get(record.get("source")):
            out[edition.name] = ISSUED
        elif SIGN_OFF in valid:
            out[edition.name] = SIGNED
        elif REVIEW in valid:
            out[edition.name] = REVIEWED
        elif review_inputs(root, edition.name) == now:
            out[edition.name] = IN_REVIEW
        else:
            out[edition.name] = DRAFT
    return out
