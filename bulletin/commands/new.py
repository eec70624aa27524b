"""`bulletin new` (and the importer's new issue): the next issue file, numbered from the
series as it is read now; scaffold.py writes its text."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import numbering, workspace
from ..errors import BulletinError, Location, Report
from ..i18n import _
from ..scaffold import issue_text
from .published import read_series


def new_issue(root: Path, date: dt.date, kind: str, report: Report) -> Path:
    """Write the next issue file, numbered from the existing ones; return its path."""
    path, text = plan_issue(root, date, kind, report)
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def plan_issue(root: Path, date: dt.date, kind: str, report: Report, body: str | None = None) -> tuple[Path, str]:
    """The path and text of the next issue file, numbered from the existing ones; nothing written."""
    read = Report()  # the other issues' warnings are check's to say, not new's
    series = read_series(root, read)
    for diagnostic in read.errors:
        report.add(diagnostic)
    if series.failed:
        raise BulletinError(
            _("{n} issue file(s) have errors, so the next number is uncertain").format(n=len(series.failed)),
            hint=_("fix them first ('bulletin check' lists them)"))
    number, total = numbering.next_numbers(series.issues, date, kind)
    pub = series.publication
    recips = pub.recipients.as_dict()  # every tier bulletin.yaml gives, in print order
    path = root / workspace.ISSUES / numbering.issue_file_name(date, number, kind)
    if path.exists():
        raise BulletinError(_("{name} exists already").format(name=path.name), Location(path),
                            _("rename it to match its numbers, or pass another --date"))
    later = [i for i in series.issues if i.kind == kind and i.date > date and i.year == date.year]
    if later:
        report.warning(_("{name} is dated after {date}; the new issue takes the next number, not its place "
                         "by date").format(name=numbering.edition(later[0]).name, date=date),
                       Location(later[0].source))
    return path, issue_text(number, total, date, kind, recips, body, pub.language)
