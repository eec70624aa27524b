"""The commands that work on what was published: the guard every reading of the series
passes (a published issue must not change unseen), and `bulletin publish`."""
from __future__ import annotations

from pathlib import Path

from .. import series as stage, workspace
from ..errors import BulletinError, Report
from ..i18n import _
from ..lock import workspace_lock
from ..model import Edition
from ..series import Series


def exclude_changed(series: Series, root: Path, report: Report, reissuing: str | None = None) -> Series:
    """The series less the published editions whose source changed since (errors, reported);
    `reissuing`: the edition being published again, whose source may differ."""
    from .. import publish

    checked = [e.issue for e in series.editions if not (reissuing and stage.matches(e, reissuing))]
    return series.without(publish.check_unchanged(checked, root, report, series.digests))


def read_series(root: Path, report: Report, strict: bool = False, reissuing: str | None = None) -> Series:
    """The series as every command but build reads it: checked, and guarded against changes
    to what was published."""
    return exclude_changed(stage.load(root, report, strict), root, report, reissuing)


def one_edition(root: Path, selector: str, report: Report,
                reissuing: str | None = None) -> tuple[Series, Edition] | None:
    """The series and the one edition `selector` names; None (the reason reported) otherwise."""
    series = read_series(root, report, reissuing=reissuing)
    chosen = stage.select(series, (selector,), report)
    if len(chosen) != 1:
        if not report.errors:
            report.error(_("'{selector}' names {n} issues; name one edition, e.g. 2018-02").format(
                selector=selector, n=len(chosen)))
        return None
    return series, chosen[0]


def publish_edition(root: Path, selector: str, reissue: bool, report: Report,
                    on_wait=lambda message: None, sign: bool = False) -> tuple[Edition, dict] | None:
    """Publish one edition (see publish.py); None if it has errors."""
    from .. import approval, publish

    with workspace_lock(workspace.state_dir(root), on_wait):
        series = read_series(root, report, reissuing=selector if reissue else None)
        chosen = stage.select(series, (selector,), report)
        if not chosen:
            if not report.errors:
                report.error(_("issue '{name}' has errors; it cannot be published").format(name=selector))
            return None
        if len(chosen) > 1:
            raise BulletinError(_("'{name}' names {n} issues; name one edition, e.g. 2018-02").format(
                name=selector, n=len(chosen)))
        edition = chosen[0]
        approval.require(root, edition, series.publication)  # when bulletin.yaml says approval: required
        return edition, publish.publish(root, edition, series.publication, reissue, report, sign=sign)
