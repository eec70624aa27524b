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


# The recipient lists of the 版记, in print order: the 简报 tiers 报 (up), 送 (across),
# 发 (down), or GB/T 9704's 主送 and 抄送; then 本期增发, those added to one issue.
# An issue uses one scheme or the other (schema.py refuses a mix).
TIERS = ("report", "send", "distribute", "main", "cc", "added")


@dataclass(frozen=True)
class Recipients:
    main: tuple[str, ...] = ()        # 主送
    cc: tuple[str, ...] = ()          # 抄送
    report: tuple[str, ...] = ()      # 报
    send: tuple[str, ...] = ()        # 送
    distribute: tuple[str, ...] = ()  # 发
    added: tuple[str, ...] = ()       # 本期增发

    def tiers(self) -> list[tuple[str, tuple[str, ...]]]:
        """(tier, names) of every tier that has names, in print order."""
        return [(tier, getattr(self, tier)) for tier in TIERS if getattr(self, tier)]

    def listed(self) -> list[tuple[str, str]]:
        """(tier, name) of every recipient, in print order; a name in two tiers is listed twice."""
        return [(tier, name) for tier, names in self.tiers() for name in names]

    def as_dict(self) -> dict[str, list[str]]:
        return {tier: list(names) for tier, names in self.tiers()}

    @classmethod
    def from_dict(cls, data: dict) -> "Recipients":
        return cls(**{tier: tuple(data.get(tier, ())) for tier in TIERS})


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
    formats: tuple[str, ...] = ("pdf", "html")  # the outputs of each edition (formats/__init__.py)
    numbered: bool = False   # every issue carries a copy number (份号)
    duplex: bool = False     # printed on both sides: the 版记 on an even page
    smtp: dict[str, Any] = field(default_factory=dict)
    mail: dict[str, Any] = field(default_factory=dict)  # how `send` writes the mail (signature, ...)
    extra: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)  # classification, copies, editor... for every issue


@dataclass(frozen=True)
class Asset:
    """A file an issue uses (an image), copied beside its HTML edition."""

    source: Path
    name: str  # file name under the edition's asset folder


@dataclass(frozen=True)
class Attachment:
    """A file the issue sends with it (附件): a Markdown text typeset like an article,
    or a PDF whose pages are placed into the edition."""

    title: str
    source: Path          # the file, inside the workspace
    kind: str             # "md" or "pdf"
    body_html: str = ""   # a Markdown attachment: its text before any '##' heading, rendered
    articles: tuple["Article", ...] = ()  # and its articles, if it has '##' headings
    pages: int = 0        # a PDF attachment's number of pages
    asset: str = ""       # its copy beside the HTML edition (see Asset.name)


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
    attachments: tuple[Attachment, ...] = ()               # 附件, in order

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
        "recipients": issue.recipients.as_dict(),
        "attachments": [{"title": a.title, "source": str(a.source), "kind": a.kind, "body_html": a.body_html,
                         "articles": [_article_to_dict(x) for x in a.articles], "pages": a.pages,
                         "asset": a.asset} for a in issue.attachments],
        "title": list(issue.title), "publisher": issue.publisher, "language": issue.language,
        "articles": [_article_to_dict(a) for a in issue.articles],
        "preamble_html": issue.preamble_html, "fields": issue.fields, "lines": issue.lines,
        "assets": [[str(a.source), a.name] for a in issue.assets],
    }


def issue_from_dict(d: dict) -> Issue:
    return Issue(
        source=Path(d["source"]), number=d["number"], date=dt.date.fromisoformat(d["date"]), total=d["total"],
        kind=d["kind"], recipients=_recipients(d["recipients"]),
        title=tuple(d["title"]), publisher=d["publisher"], language=d["language"],
        articles=tuple(_article_from_dict(a) for a in d["articles"]),
        preamble_html=d["preamble_html"], fields=d["fields"], lines=d["lines"],
        assets=tuple(Asset(Path(p), n) for p, n in d["assets"]),
        attachments=tuple(Attachment(a["title"], Path(a["source"]), a["kind"], a["body_html"],
                                     tuple(_article_from_dict(x) for x in a["articles"]), a["pages"], a["asset"])
                          for a in d.get("attachments", ())),
    )


def _recipients(data) -> Recipients:
    if isinstance(data, list):  # a cache entry written before the tiers: [main, cc]
        return Recipients(tuple(data[0]), tuple(data[1]))
    return Recipients.from_dict(data)


def _article_to_dict(a: Article) -> dict:
    return {**{k: getattr(a, k) for k in ("toc", "anchor", "body_html", "line", "source", "author")},
            "title_lines": list(a.title_lines), "title_html": list(a.title_html),
            "sections": [[s.level, s.title, s.anchor] for s in a.sections]}


def _article_from_dict(a: dict) -> Article:
    return Article(title_lines=tuple(a["title_lines"]), title_html=tuple(a["title_html"]), toc=a["toc"],
                   anchor=a["anchor"], body_html=a["body_html"], line=a["line"],
                   source=a.get("source", ""), author=a.get("author", ""),
                   sections=tuple(Section(*s) for s in a["sections"]))
