"""Numbers of a series: labels, file names, the next issue, and the checks.

Each kind (regular, 增刊, 专刊, 特刊) has its own yearly sequence that
restarts at 1 each year.  The total (总第N期) counts regular issues and
continues across years.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from . import labels
from .errors import Location, Report
from .model import KIND_SLUGS, REGULAR, Edition, Issue


def edition_name(year: int, number: int, kind: str = REGULAR) -> str:
    """The stem of every output file: 2018-02, or 2018-zk01 for 增刊第1期."""
    return f"{year}-{KIND_SLUGS[kind]}{number:02d}"


def edition(issue: Issue) -> Edition:
    name = edition_name(issue.year, issue.number, issue.kind)
    return Edition(
        issue=issue,
        name=name,
        period_label=labels.period_label(issue.language, issue.year, issue.number, issue.total, issue.kind),
        date_label=labels.date_label(issue.language, issue.date),
        pdf_name=f"{name}.pdf",
        html_name=f"{name}.html",
    )


def _where(issue: Issue, field: str) -> Location:
    return Location(issue.source, issue.lines.get(field, 1), 1)


def _label(issue: Issue) -> str:
    return labels.period_label("zh-CN", issue.year, issue.number, issue.total, issue.kind)


def check_series(issues: list[Issue], report: Report, incomplete: bool = False) -> None:
    """Duplicates, gaps, the yearly restart, totals that do not follow, dates out of order.

    `incomplete`: some issue files could not be read, so a gap may be one of
    them; gaps are then warnings, not errors.
    """
    by_kind: dict[str, list[Issue]] = defaultdict(list)
    for issue in issues:
        by_kind[issue.kind].append(issue)
    for kind, series in by_kind.items():
        series.sort(key=lambda i: (i.year, i.number, i.date))
        _check_numbers(series, report, incomplete)
        _check_dates(series, report)
    _check_totals(sorted(by_kind.get(REGULAR, []), key=lambda i: (i.year, i.number)), report, incomplete)


def _check_numbers(series: list[Issue], report: Report, incomplete: bool) -> None:
    gap = report.warning if incomplete else report.error
    maybe = " (perhaps in a file with errors)" if incomplete else ""
    first_year = series[0].year
    previous: Issue | None = None
    for issue in series:
        if previous and previous.year == issue.year and previous.number == issue.number:
            report.error(f"{_label(issue)} appears twice: here and in {previous.source.name}",
                         _where(issue, "issue"), "give one of them the next free number ('bulletin new' computes it)")
        elif previous and previous.year == issue.year and issue.number != previous.number + 1:
            missing = previous.number + 1 if issue.number == previous.number + 2 else \
                f"{previous.number + 1}–{issue.number - 1}"
            gap(f"{issue.year}年 number {issue.number} follows {previous.number}: 第{missing}期 is missing{maybe}",
                         _where(issue, "issue"), f"number this issue {previous.number + 1}, or add the missing one")
        elif (not previous or previous.year != issue.year) and issue.number != 1 and issue.year != first_year:
            after = f" (after {_label(previous)})" if previous else ""
            report.error(f"the first issue of {issue.year} is numbered {issue.number}{after}; "
                         "the yearly number restarts at 1", _where(issue, "issue"),
                         "write issue: 1 (the total, 总第N期, is the number that continues)")
        previous = issue


def _check_dates(series: list[Issue], report: Report) -> None:
    for earlier, later in zip(series, series[1:]):
        if later.date < earlier.date:
            report.error(f"{_label(later)} is dated {later.date}, before {_label(earlier)} "
                         f"({earlier.date}, {earlier.source.name})", _where(later, "date"),
                         "check the date, or the issue number")


def _check_totals(series: list[Issue], report: Report, incomplete: bool) -> None:
    gap = report.warning if incomplete else report.error
    seen: dict[int, Issue] = {}
    previous: Issue | None = None
    for issue in series:
        if issue.total is None:
            if previous and previous.total is not None:
                report.warning(f"{_label(issue)} has no total while {previous.source.name} has one",
                               _where(issue, "issue"), f"add total: {previous.total + 1}")
            previous = issue
            continue
        if issue.total in seen and seen[issue.total] is not issue:
            report.error(f"total {issue.total} (总第{issue.total}期) is also used by {seen[issue.total].source.name}",
                         _where(issue, "total"), "each issue has its own total")
        elif previous and previous.total is not None and issue.total != previous.total + 1:
            gap(f"total {issue.total} does not follow {previous.total} of {previous.source.name}",
                         _where(issue, "total"), f"write total: {previous.total + 1}")
        seen[issue.total] = issue
        previous = issue


def next_numbers(issues: list[Issue], date: dt.date, kind: str = REGULAR) -> tuple[int, int | None]:
    """(number, total) for a new issue dated `date`."""
    same = [i.number for i in issues if i.kind == kind and i.year == date.year]
    number = max(same, default=0) + 1
    totals = [i.total for i in issues if i.kind == REGULAR and i.total is not None]
    total = max(totals) + 1 if kind == REGULAR and totals else None
    return number, total


def issue_file_name(date: dt.date, number: int, kind: str = REGULAR) -> str:
    return edition_name(date.year, number, kind) + ".md"

