"""New workspaces and new issue files."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from . import numbering, workspace
from .build import load_series
from .errors import BulletinError, Location, Report
from .i18n import _
from .model import REGULAR

_CONFIG = """\
# Publication settings; every field is described in the README of bulletin.
title:
  - {title_line}
  - 工作简报
publisher: {publisher}
language: zh-CN
recipients:
  main:
    - 各成员单位
  cc:
    - 办公室
"""

_BODY = """
## 文章标题

正文从这里开始。每个以“## ”开头的标题开始一篇文章，“### ”开始文章中的小节。

## 第二篇文章的标题 | 标题的第二行

一个标题可以分两行，用“ | ”隔开；目录中两行以“，”相连。
"""



def gitignore() -> str:
    """What version control leaves out: what the tool makes again, and what is not to be shared."""
    return "\n".join([
        "# " + _("made again by 'bulletin build'"),
        "output/",
        "# " + _("review copies, caches, imported contributions: the tool's own; keep published/ in version control"),
        ".bulletin/",
        "",
    ])


def init(folder: Path, title_line: str = "某某单位", publisher: str = "某某单位办公室",
         date: dt.date | None = None) -> list[Path]:
    """A new workspace: bulletin.yaml, a first issue, .gitignore.  Never overwrites."""
    folder = folder.resolve()
    config = folder / workspace.CONFIG
    if config.exists():
        raise BulletinError(f"{config} exists already; this is a workspace",
                            hint="use 'bulletin new' to add an issue to it")
    date = date or dt.date.today()
    first = folder / workspace.ISSUES / numbering.issue_file_name(date, 1)
    folder.mkdir(parents=True, exist_ok=True)
    written = [config, first]
    config.write_text(_CONFIG.format(title_line=title_line, publisher=publisher), encoding="utf-8")
    first.parent.mkdir(exist_ok=True)
    first.write_text(issue_text(1, 1, date), encoding="utf-8")
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text(gitignore(), encoding="utf-8")
        written.append(ignore)
    return written


def issue_text(number: int, total: int | None, date: dt.date, kind: str = REGULAR,
               recipients: dict | None = None) -> str:
    lines = ["---", f"issue: {number}"]
    if total is not None:
        lines.append(f"total: {total}")
    lines.append(f"date: {date.isoformat()}")
    if kind != REGULAR:
        lines.append(f"kind: {kind}")
    if recipients:
        dumped = yaml.safe_dump({"recipients": recipients}, allow_unicode=True,
                                sort_keys=False, default_flow_style=False, indent=2)
        lines.append(dumped.rstrip("\n"))
    lines.append("---")
    return "\n".join(lines) + "\n" + _BODY


def new_issue(root: Path, date: dt.date, kind: str, report: Report) -> Path:
    """Write the next issue file, numbered from the existing ones; return its path."""
    series = load_series(root, report)
    if series.failed:
        raise BulletinError(
            f"{len(series.failed)} issue file(s) have errors, so the next number is uncertain",
            hint="fix them first ('bulletin check' lists them)")
    number, total = numbering.next_numbers(series.issues, date, kind)
    pub = series.publication
    recips = {k: list(v) for k, v in (("main", pub.recipients.main), ("cc", pub.recipients.cc)) if v}
    path = root / workspace.ISSUES / numbering.issue_file_name(date, number, kind)
    if path.exists():
        raise BulletinError(f"{path.name} exists already", Location(path),
                            "rename it to match its numbers, or pass another --date")
    later = [i for i in series.issues if i.kind == kind and i.date > date and i.year == date.year]
    if later:
        report.warning(f"{numbering.edition(later[0]).name} is dated after {date}; the new issue "
                       "takes the next number, not its place by date", Location(later[0].source))
    path.parent.mkdir(exist_ok=True)
    path.write_text(issue_text(number, total, date, kind, recips), encoding="utf-8")
    return path
