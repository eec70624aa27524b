"""One issue file: front matter + Markdown body -> a trusted `Issue`."""
from __future__ import annotations

from pathlib import Path

from . import attachments, markdown, scaffold, schema, textcheck, yamlsafe
from .errors import BulletinError, Location, Report
from .i18n import _
from .model import REGULAR, Issue, Publication, Recipients
from .workspace import read_text

FENCE = "---"
# Classifications (密级) whose copies must be numbered (GB/T 9704 7.2.1)
SECRET = ("秘密", "机密", "绝密")


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """(YAML text, body, number of file lines before the body)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        raise BulletinError(
            _("the file does not start with front matter ('---' on the first line)"),
            Location(path, 1, 1),
            _("begin the file with '---', then lines such as 'issue: 2' and 'date: 2018-03-05', then '---'"))
    for i in range(1, len(lines)):
        if lines[i].strip() in (FENCE, "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 1
    raise BulletinError(_("the front matter is not closed: no second '---' line"),
                        Location(path, 1, 1), _("put a line '---' after the last field"))


def parse_issue(path: Path, pub: Publication, report: Report,
                coverage: frozenset[int] | None = None) -> Issue | None:
    """Read and validate one issue.  Problems go to `report`; None if any is an error.

    `coverage`, the code points the fonts in use can draw (None: not checked).
    """
    before = len(report.errors)
    try:
        text = read_text(path, pub.root)
        textcheck.check_text(text, path, report, coverage)
        front, body, offset = split_front_matter(text, path)
        data = yamlsafe.load(front, path, line_offset=1)
    except BulletinError as exc:
        report.add(exc.diagnostic)
        return None
    if data is None:
        report.error(_("the front matter is empty"), Location(path, 2, 1),
                     _("add at least 'issue: 1' and 'date: YYYY-MM-DD'"))
        return None
    clean, unknown, lines = schema.check(data, schema.ISSUE_FIELDS, path, report, _("the front matter"))
    if len(report.errors) > before:
        return None
    language = clean.get("language", pub.language)
    kind = clean.get("kind", REGULAR)
    if kind != REGULAR and "total" in clean:
        report.warning(_("the total (总第N期) counts regular issues only; it is ignored for a {kind}").format(
            kind=kind), Location(path, lines["total"], 1), _("remove the 'total' line"))
        clean.pop("total")
    lead, articles, assets = markdown.parse_body(body, path, offset, language, pub.root, report)
    sample = scaffold.placeholder_slips(body)
    if sample:
        report.warning(_("the sample text that 'bulletin init' wrote is still here, on lines {lines}").format(
            lines=", ".join(str(offset + n) for n in sample)), Location(path, offset + sample[0], 1),
            _("replace it with the issue's own articles"))
    attached, more = attachments.read(clean.get("attachments", ()), path, pub.root, language, report)
    if len(report.errors) > before:
        return None
    # the recurring fields: the issue's own value, else bulletin.yaml's default
    layout = {f.name: clean.get(f.name, pub.defaults.get(f.name)) for f in schema.RECURRING
              if f.name in clean or f.name in pub.defaults}
    if clean.get("numbered", pub.numbered) or str(layout.get("classification", "")).startswith(SECRET):
        layout["numbered"] = True
    return Issue(
        source=path,
        number=clean["issue"],
        date=clean["date"],
        total=clean.get("total"),
        kind=kind,
        # an issue's recipients replace those of bulletin.yaml as a whole
        recipients=Recipients.from_dict(clean["recipients"]) if "recipients" in clean else pub.recipients,
        title=clean.get("title", pub.title),
        publisher=clean.get("publisher", pub.publisher),
        language=language,
        articles=articles,
        preamble_html=lead,
        fields={**layout, **unknown},
        assets=assets + more,
        attachments=attached,
        lines=lines,
    )

