"""Numbers of a series: labels, file names, the next issue, and the checks.

Each kind (regular, 增刊, 专刊, 特刊) has its own yearly sequence that
restarts at 1 each year.  The total (总第N期) counts regular issues and
continues across years.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from . import i18n, labels
from .errors import Location, Report
from .i18n import _
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
    """The issue as the message names it, in the message's language: 2018年第2期, Issue 2, 2018."""
    return labels.period_label(_language(), issue.year, issue.number, None, issue.kind)


def _language() -> str:
    return "zh-CN" if i18n.language() == "zh" else "en"


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
    first_year = series[0].year
    previous: Issue | None = None
    for issue in series:
        if previous and previous.year == issue.year and previous.number == issue.number:
            report.error(_("{issue} appears twice: here and in {file}").format(
                issue=_label(issue), file=previous.source.name), _where(issue, "issue"),
                _("give one of them the next free number ('bulletin new' computes it)"))
        elif previous and previous.year == issue.year and issue.number != previous.number + 1:
            gap(_missing(previous, issue, incomplete), _where(issue, "issue"),
                _("number this issue {number}, or add the missing one").format(number=previous.number + 1))
        elif (not previous or previous.year != issue.year) and issue.number != 1 and issue.year != first_year:
            message = (_("the first issue of {year} is numbered {number} (after {previous}); "
                         "the yearly number restarts at 1") if previous else
                       _("the first issue of {year} is numbered {number}; the yearly number restarts at 1"))
            report.error(message.format(year=issue.year, number=issue.number,
                                        previous=_label(previous) if previous else ""),
                         _where(issue, "issue"), _("write issue: 1 (the total, 总第N期, is the number that continues)"))
        previous = issue


def _missing(previous: Issue, issue: Issue, incomplete: bool) -> str:
    """'Issue 3, 2018 follows Issue 1, 2018: Issue 2, 2018 is missing', in one language."""
    def label(number: int) -> str:
        return labels.period_label(_language(), issue.year, number, None, issue.kind)

    if issue.number == previous.number + 2:
        message = (_("{issue} follows {previous}: {missing} is missing (perhaps in a file with errors)")
                   if incomplete else _("{issue} follows {previous}: {missing} is missing"))
    else:
        message = (_("{issue} follows {previous}: {first} to {last} are missing (perhaps in a file with errors)")
                   if incomplete else _("{issue} follows {previous}: {first} to {last} are missing"))
    return message.format(issue=label(issue.number), previous=label(previous.number),
                          missing=label(previous.number + 1), first=label(previous.number + 1),
                          last=label(issue.number - 1))


def _check_dates(series: list[Issue], report: Report) -> None:
    for earlier, later in zip(series, series[1:]):
        if later.date < earlier.date:
            report.error(_("{issue} is dated {date}, before {earlier} ({earlier_date}, {file})").format(
                issue=_label(later), date=later.date, earlier=_label(earlier), earlier_date=earlier.date,
                file=earlier.source.name), _where(later, "date"), _("check the date, or the issue number"))


def _check_totals(series: list[Issue], report: Report, incomplete: bool) -> None:
    gap = report.warning if incomplete else report.error
    seen: dict[int, Issue] = {}
    previous: Issue | None = None
    for issue in series:
        if issue.total is None:
            if previous and previous.total is not None:
                report.warning(_("{issue} has no total while {file} has one").format(
                    issue=_label(issue), file=previous.source.name),
                    _where(issue, "issue"), _("add total: {total}").format(total=previous.total + 1))
            previous = issue
            continue
        if issue.total in seen and seen[issue.total] is not issue:
            report.error(_("total {total} (总第{total}期) is also used by {file}").format(
                total=issue.total, file=seen[issue.total].source.name),
                _where(issue, "total"), _("each issue has its own total"))
        elif previous and previous.total is not None and issue.total != previous.total + 1:
            gap(_("total {total} does not follow {previous} of {file}").format(
                total=issue.total, previous=previous.total, file=previous.source.name),
                _where(issue, "total"), _("write total: {total}").format(total=previous.total + 1))
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

