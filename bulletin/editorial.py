"""The editorial checks of a series, after its issues are read (called by series.check).

They depend on files beside the issues (terms.yaml, recipients.yaml, the
records of approval), so they run on every check rather than being cached
with each issue's own diagnostics:

- the proofreading list (terms.py) and near misses of unit names (units.py);
- an article's source that is not a known unit;
- an approval that no longer matches the edition's inputs.  A warning, not an
  error: editing after a review is the normal way of answering it, and a build
  of the draft must go on; `publish` is where a missing approval stops things
  (approval.require), and `check --strict` makes it an error for those who want one.
"""
from __future__ import annotations

from pathlib import Path

from . import approval, numbering, publish, records, terms, textcheck, units, workspace
from .errors import BulletinError, Location, Report
from .i18n import _
from .model import Issue, Publication
from .workspace import read_text


def check(root: Path, pub: Publication, issues: list[Issue], report: Report) -> None:
    words = terms.load(root, report)
    names = units.known(root, pub)
    near = units.NearMisses(names, (*pub.title, pub.publisher))
    for issue in issues:
        try:
            text = read_text(issue.source, root)
        except BulletinError:
            continue  # (read a moment ago; reported if it cannot be now)
        body = list(textcheck.body_lines(text))
        terms.check_text(body, issue.source, words, report)
        units.check_sources(issue, text.split("\n"), names, report)
        units.check_near_misses(body, issue.source, near, report)
    stale_approvals(root, issues, report)


def stale_approvals(root: Path, issues: list[Issue], report: Report) -> None:
    """Warn where an edition's latest approval of a step was given for other inputs than today's."""
    if not records.approvals_path(root).exists():
        return
    try:
        rows = approval.load(root)
    except BulletinError as exc:
        report.add(exc.diagnostic)
        return
    issued = publish.load_manifest(root)["editions"]
    for issue in issues:
        name = numbering.edition(issue).name
        last = approval.latest(rows, name)
        if not last:
            continue
        now = approval.inputs(root, issue)
        valid = approval.current(rows, name, now)
        _written_otherwise(issue, valid, report)
        for step, row in last.items():
            changed = approval.changed(row["inputs"], now)
            if step in valid or (name in issued and changed == [workspace.CONFIG]):
                continue  # (an issued edition: bulletin.yaml may change later without reopening it)
            files = _(", ").join(changed)  # the list separator: 、 in Chinese
            report.warning(_("the {step} of {name} by {by} ({at}) is stale: {files} changed since").format(
                step=step, name=name, by=row.get("by", "?"), at=row.get("at", "?"), files=files),
                Location(issue.source),
                _("approve it again: bulletin approve {name} --as {step} --by NAME").format(name=name, step=step))


def _written_otherwise(issue: Issue, valid: dict[str, dict], report: Report) -> None:
    """A front-matter reviewer/issuer other than the one recorded: the footer prints the record."""
    for step, row in valid.items():
        key = approval.FOOTER_FIELDS[step]
        written = issue.fields.get(key)
        if isinstance(written, str) and written != row.get("by"):
            report.warning(_("'{key}: {written}' is not printed: the recorded {step} is by {by}").format(
                key=key, written=written, step=step, by=row.get("by", "?")),
                Location(issue.source, issue.lines.get(key, 1), 1),
                _("remove the line, or record the approval again"))
