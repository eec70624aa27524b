"""Contributions and publications per unit (信息报送及采用情况).

Received: every article with a `source` in an issue file, and every import
recorded in .bulletin/contributions.jsonl that did not become one of them
(an import names the edition it went into; an import whose article is in that
edition is the same contribution, counted once).  Published: the articles
with a source in an edition recorded in published/manifest.json.  An article
counts in the period of its issue's date; an import that is not an article,
in the period of its own date.  With `scores: {received: 1, published: 3}` in
bulletin.yaml, each row also has its score.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import numbering, publish, records
from .errors import BulletinError, Location, Report
from .i18n import _
from .model import Issue


@dataclass
class Row:
    unit: str
    author: str = ""
    received: int = 0
    published: int = 0
    score: float = 0.0


@dataclass
class Table:
    title: str              # the bulletin and what the table is
    period: str             # 2018年, 2018年3月, or every year
    by: str                 # "unit" or "author"
    scored: bool
    rows: list[Row] = field(default_factory=list)
    total: Row = field(default_factory=lambda: Row(""))

    def header(self) -> list[str]:
        names = [_("unit")] if self.by == "unit" else [_("author"), _("unit")]
        return names + [_("received"), _("published")] + ([_("score")] if self.scored else [])

    def cells(self, row: Row) -> list:
        names = [row.unit] if self.by == "unit" else [row.author, row.unit]
        return names + [row.received, row.published] + ([_number(row.score)] if self.scored else [])

    def body(self) -> list[list]:
        """The column header, a row per unit (or author), and the total."""
        total = self.cells(self.total)
        total[0] = _("total")
        return [self.header(), *(self.cells(r) for r in self.rows), total]


def _number(value: float):
    return int(value) if float(value).is_integer() else round(value, 2)


def in_period(date: dt.date, year: int | None, month: int | None) -> bool:
    return (year is None or date.year == year) and (month is None or date.month == month)


def period_label(year: int | None, month: int | None) -> str:
    if year is None:
        return _("every year")
    if month is None:
        return _("the year {year}").format(year=year)
    return _("{month}/{year}").format(month=month, year=year)


@dataclass(frozen=True)
class Item:
    """One contribution: where it came from, when, and whether it was published."""

    unit: str
    author: str
    date: dt.date
    published: bool


def articles(issues: list[Issue], issued: set[str]) -> list[Item]:
    out = []
    for issue in issues:
        name = numbering.edition(issue).name
        out += [Item(a.source, a.author, issue.date, name in issued) for a in issue.articles if a.source]
    return out


def imports(root: Path, issues: list[Issue], report: Report) -> list[Item]:
    """The imports of contributions.jsonl that are not an article of the edition they name."""
    path = records.contributions_path(root)
    rows = records.read_jsonl(path)
    in_edition, alias = Counter(), {}
    for issue in issues:
        name = numbering.edition(issue).name
        alias.update((key, name) for key in _names(issue, root))
        in_edition.update((name, a.source) for a in issue.articles if a.source)
    out = []
    for number, row in enumerate(rows, 1):
        date, source = _date(row.get("date")), row.get("source")
        if date is None or not isinstance(source, str) or not source.strip():
            report.warning(_("an import without a date (YYYY-MM-DD) or a source is not counted"),
                           Location(path, number, 1))
            continue
        named = str(row.get("edition") or "")
        key = (alias.get(named, named), source.strip())
        if in_edition[key] > 0:
            in_edition[key] -= 1  # the article it became is counted already
            continue
        author = row.get("author") if isinstance(row.get("author"), str) else ""
        out.append(Item(source.strip(), author.strip(), date, False))
    return out


def _names(issue: Issue, root: Path) -> set[str]:
    """What an import may call the edition it went into: 2018-02, the file's name or its path."""
    rel = issue.source.resolve().relative_to(root.resolve()).as_posix()
    return {numbering.edition(issue).name, issue.source.stem, issue.source.name, rel}


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def table(items: list[Item], title: str, year: int | None, month: int | None, by: str,
          scores: dict, units: tuple[str, ...] = ()) -> Table:
    """The counts per unit (or author and unit) of the items in the period; `units` listed even at 0."""
    result = Table(title, period_label(year, month), by, bool(scores))
    rows: dict[tuple[str, str], Row] = {}
    if by == "unit":
        rows = {("", u): Row(u) for u in units}
    for item in items:
        if not in_period(item.date, year, month) or (by == "author" and not item.author):
            continue
        key = ("", item.unit) if by == "unit" else (item.author, item.unit)
        row = rows.setdefault(key, Row(item.unit, key[0]))
        row.received += 1
        row.published += item.published
    for row in rows.values():
        row.score = row.received * scores.get("received", 0) + row.published * scores.get("published", 0)
        result.total.received += row.received
        result.total.published += row.published
        result.total.score += row.score
    result.rows = sorted(rows.values(), key=lambda r: (-r.score, -r.published, -r.received, r.author, r.unit))
    return result


def stats(root: Path, report: Report, year: int | None = None, month: int | None = None,
          by: str = "unit") -> Table:
    """The table of the workspace's contributions in the period (see the module's docstring)."""
    from .commands.published import read_series

    series = read_series(root, report)
    if series.failed:
        raise BulletinError(_("{n} issue file(s) have errors, so the counts would be wrong").format(
            n=len(series.failed)), hint=_("fix them first ('bulletin check' lists them)"))
    pub = series.publication
    issued = set(publish.load_manifest(root)["editions"])
    items = articles(series.issues, issued) + imports(root, series.issues, report)
    title = _("{bulletin}: contributions received and published").format(bulletin="".join(pub.title))
    return table(items, title, year, month, by, pub.extra.get("scores", {}), tuple(pub.extra.get("units", ())))


def csv_bytes(result: Table) -> bytes:
    """The table as CSV with a byte-order mark, so that Excel and WPS read the Chinese right."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([result.title])
    writer.writerow([_("period: {period}").format(period=result.period)])
    writer.writerow([])
    writer.writerows(result.body())
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_bytes(result: Table) -> bytes:
    """The table as an Excel workbook: the title and period above, the total in bold."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("statistics")[:31]
    sheet.append([result.title])
    sheet.append([_("period: {period}").format(period=result.period)])
    sheet.append([])
    body = result.body()
    for row in body:
        sheet.append(row)
    bold = Font(bold=True)
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in (*sheet[4], *sheet[sheet.max_row]):
        cell.font = bold
    for column, width in zip("ABCDE", (24, 24, 10, 10, 10) if result.by == "author" else (28, 10, 10, 10)):
        sheet.column_dimensions[column].width = width
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
