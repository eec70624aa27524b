"""The plain data that flows from one stage to the next.

Nothing here reads files or knows about the CLI.  An `Issue` is trusted:
it exists only after its source passed validation.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Kinds of issue with their own numbering sequence (research note §2.3).
REGULAR = "regular"
# Front-matter spellings accepted for each kind.
KIND_ALIASES = {
    "regular": REGULAR, "正刊": REGULAR,
    "增刊": "增刊", "supplement": "增刊",
    "专刊": "专刊", "special": "专刊",
    "特刊": "特刊", "extra": "特刊",
}
# The steps of approval (审核, then 签发) and the English names accepted for them.
REVIEW, SIGN_OFF = "审核", "签发"
APPROVAL_STEPS = {REVIEW: REVIEW, "reviewer": REVIEW, "review": REVIEW,
                  SIGN_OFF: SIGN_OFF, "issuer": SIGN_OFF, "sign-off": SIGN_OFF}
# Edition file names stay ASCII: pinyin initials of the kind.
KIND_SLUGS = {REGULAR: "", "增刊": "zk", "专刊": "zhk", "特刊": "tk"}


@dataclass(frozen=True)
class Recipients:
    main: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()


@dataclass(frozen=True)
class Publication:
    """Settings from bulletin.yaml."""

    root: Path
    title: tuple[str, ...]
    publisher: str
    language: str = "zh-CN"
    recipients: Recipients = Recipients()
    theme: str = "redhead"
    contents_pages: bool = False
    footer: str = "seed"
    smtp: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Asset:
    """A file an issue uses (an image), copied beside its HTML edition."""

    source: Path
    name: str  # file name under the edition's asset folder


@dataclass(frozen=True)
class Section:
    level: int  # 3 for ###, 4 for ####, ...
    title: str
    anchor: str


@dataclass(frozen=True)
class Article:
    title_lines: tuple[str, ...]  # empty for an untitled article
    title_html: tuple[str, ...]   # the same lines, rendered inline Markdown
    toc: str                      # the contents entry
    anchor: str
    body_html: str
    sections: tuple[Section, ...] = ()
    line: int = 0                 # where the heading stands in the source
    source: str = ""              # the contributing unit, {source="..."} above the heading
    author: str = ""              # {author="..."}


@dataclass(frozen=True)
class Issue:
    source: Path
    number: int
    date: dt.date
    total: int | None
    kind: str
    recipients: Recipients
    title: tuple[str, ...]
    publisher: str
    language: str
    articles: tuple[Article, ...]
    preamble_html: str = ""
    fields: dict[str, Any] = field(default_factory=dict)  # optional layout fields and unknown keys
    lines: dict[str, int] = field(default_factory=dict)    # field name -> source line
    assets: tuple[Asset, ...] = ()                         # images it uses

    @property
    def year(self) -> int:
        return self.date.year


@dataclass(frozen=True)
class Edition:
    """An issue with everything derived for output: labels, names, paths."""

    issue: Issue
    name: str            # "2018-02": the stable stem of every output file
    period_label: str    # "2018年第2期（总第42期）"
    date_label: str      # "2018年3月5日"
    pdf_name: str
    html_name: str

    @property
    def assets_dir(self) -> str:
        """The folder beside the HTML page that holds copies of the issue's images."""
        return f"{self.name}.files"


def issue_to_dict(issue: Issue) -> dict:
    """An Issue as JSON-able data, for the parse cache (JSON, not pickle: the cache is data, never code)."""
    return {
        "source": str(issue.source), "number": issue.number, "date": issue.date.isoformat(),
        "total": issue.total, "kind": issue.kind,
        "recipients": [list(issue.recipients.main), list(issue.recipients.cc)],
        "title": list(issue.title), "publisher": issue.publisher, "language": issue.language,
        "articles": [{**{k: getattr(a, k) for k in ("toc", "anchor", "body_html", "line", "source", "author")},
                      "title_lines": list(a.title_lines), "title_html": list(a.title_html),
                      "sections": [[s.level, s.title, s.anchor] for s in a.sections]} for a in issue.articles],
        "preamble_html": issue.preamble_html, "fields": issue.fields, "lines": issue.lines,
        "assets": [[str(a.source), a.name] for a in issue.assets],
    }


def issue_from_dict(d: dict) -> Issue:
    return Issue(
        source=Path(d["source"]), number=d["number"], date=dt.date.fromisoformat(d["date"]), total=d["total"],
        kind=d["kind"], recipients=Recipients(tuple(d["recipients"][0]), tuple(d["recipients"][1])),
        title=tuple(d["title"]), publisher=d["publisher"], language=d["language"],
        articles=tuple(Article(title_lines=tuple(a["title_lines"]), title_html=tuple(a["title_html"]), toc=a["toc"],
                               anchor=a["anchor"], body_html=a["body_html"], line=a["line"],
                               source=a.get("source", ""), author=a.get("author", ""),
                               sections=tuple(Section(*s) for s in a["sections"])) for a in d["articles"]),
        preamble_html=d["preamble_html"], fields=d["fields"], lines=d["lines"],
        assets=tuple(Asset(Path(p), n) for p, n in d["assets"]),
    )
