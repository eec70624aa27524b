"""`bulletin list`: the editions, a row each."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Report
from .published import read_series


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    date: str
    first_title: str


def editions(root: Path, report: Report) -> tuple[list[Row], int]:
    """A row per edition, and the number of issue files with errors (not listed)."""
    series = read_series(root, report)
    rows = [Row(e.name, e.period_label, e.issue.date.isoformat(),
                next((a.toc for a in e.issue.articles if a.toc), "")) for e in series.editions]
    return rows, len(series.failed)
