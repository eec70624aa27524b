"""`bulletin list`: the editions, a row each."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Report
from ..i18n import _
from .published import read_series


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    date: str
    state: str          # 草稿, 已审核, 已签发, 已印发 (workflow.py), in the user's language
    first_title: str


def editions(root: Path, report: Report) -> tuple[list[Row], int]:
    """A row per edition, and the number of issue files with errors (not listed)."""
    from ..workflow import states

    series = read_series(root, report)
    state = states(root, series.editions)
    rows = [Row(e.name, e.period_label, e.issue.date.isoformat(), _(state[e.name]),
                next((a.toc for a in e.issue.articles if a.toc), "")) for e in series.editions]
    return rows, len(series.failed)
