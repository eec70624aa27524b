"""New workspaces and new issue files, in the language of the workspace.

Every word `init` and `new` write (the comments of bulletin.yaml, the sample
articles) comes from the message catalogs, in the workspace's language: a
Chinese workspace gets Chinese comments and 文章标题, an English one English.
The sample text is a placeholder; `placeholder_slips` finds it left in an issue.
"""
from __future__ import annotations

import datetime as dt
import gettext
import re
from pathlib import Path

import yaml

from . import i18n, numbering, workspace
from .errors import BulletinError
from .i18n import N_, _
from .model import REGULAR

# Sample values of a new workspace.
TITLE_LINE, SECOND_LINE = N_("Example Office"), N_("Work Bulletin")
PUBLISHER = N_("Example Office Secretariat")
MAIN, CC = N_("All member units"), N_("General Office")

# The sample articles: headings, and the paragraph under each.
ARTICLES = (
    (N_("Article title"),
     N_("The text starts here. Each heading that starts with “## ” begins an article, and “### ” a section of it.")),
    (N_("Title of the second article | its second line"),
     N_("A title may run over two lines, separated by “ | ”; the contents join the two lines with a comma.")),
)

_CONFIG_COMMENTS = {
    "head": N_("The settings of this bulletin. A line that starts with # is a comment."),
    "help": N_("'bulletin --help' lists the commands; 'bulletin check' checks every issue."),
    "title": N_("title: the masthead, one line or a list of lines"),
    "publisher": N_("publisher: the office that issues the bulletin"),
    "language": N_("language: zh-CN (Chinese) or en (English)"),
    "recipients": N_("recipients: who receives every issue, main and cc (copies); an issue may name its own"),
    "defaults": N_("Fields that every issue repeats may be set here once (remove the # to use one); "
                   "an issue's own value wins:"),
    "classification": N_("classification: the mark printed top left"),
    "copies": N_("copies: the number of copies printed"),
    "people": N_("editor, reviewer and issuer: the people named in the footer"),
}



def gitignore(language: str = "zh-CN") -> str:
    """What version control leaves out: what the tool makes again, and what is not to be shared
    (its comments in the workspace's language, as those of bulletin.yaml)."""
    t = translator(language)
    return "\n".join([
        "# " + t(N_("made again by 'bulletin build'")),
        "output/",
        "# " + t(N_("review copies, caches, imported contributions: the tool's own; keep published/ in version control")),
        ".bulletin/",
        "",
    ])


def translator(language: str):
    """gettext for the language of a workspace (zh-CN or en), whatever the user's own."""
    if i18n.normal(language) != "zh":
        return lambda message: message
    return gettext.translation(i18n.DOMAIN, i18n.LOCALEDIR, languages=["zh_CN"], fallback=True).gettext


def _scalar(value: str) -> str:
    """`value` as YAML that reads back as the same text (quoted only when it must be)."""
    try:
        plain = yaml.safe_load(f"k: {value}") == {"k": value}
    except yaml.YAMLError:
        plain = False
    return value if plain and "#" not in value else yaml.safe_dump(value, allow_unicode=True,
                                                                   default_style='"').split("\n")[0]


def config_text(language: str, title_line: str | None = None, publisher: str | None = None) -> str:
    t = translator(language)
    c = {k: t(v) for k, v in _CONFIG_COMMENTS.items()}
    zh = i18n.normal(language) == "zh"
    return "\n".join([
        f"# {c['head']}", f"# {c['help']}", "",
        f"# {c['title']}", "title:", f"  - {_scalar(title_line or t(TITLE_LINE))}", f"  - {_scalar(t(SECOND_LINE))}",
        f"# {c['publisher']}", f"publisher: {_scalar(publisher or t(PUBLISHER))}",
        f"# {c['language']}", f"language: {'zh-CN' if zh else 'en'}",
        f"# {c['recipients']}", "recipients:", "  main:", f"    - {_scalar(t(MAIN))}", "  cc:", f"    - {_scalar(t(CC))}",
        "", f"# {c['defaults']}", f"# {c['classification']}", "# classification: 内部资料 注意保存" if zh else
        "# classification: Internal", f"# {c['copies']}", "# copies: 100", f"# {c['people']}",
        "# editor: 张三" if zh else "# editor: A. Editor", "# reviewer: 李四" if zh else "# reviewer: A. Reviewer",
        "# issuer: 王五" if zh else "# issuer: A. Director", "",
    ])


def body_text(language: str) -> str:
    t = translator(language)
    return "".join(f"\n## {t(title)}\n\n{t(text)}\n" for title, text in ARTICLES)


def init(folder: Path, title_line: str | None = None, publisher: str | None = None,
         date: dt.date | None = None, language: str = "zh-CN") -> list[Path]:
    """A new workspace: bulletin.yaml, a first issue, .gitignore.  Never overwrites.

    `language` (zh-CN or en) is the workspace's: its comments, sample text and masthead."""
    folder = folder.resolve()
    config = folder / workspace.CONFIG
    if config.exists():
        raise BulletinError(_("{path} exists already; this is a workspace").format(path=config),
                            hint=_("use 'bulletin new' to add an issue to it"))
    date = date or dt.date.today()
    first = folder / workspace.ISSUES / numbering.issue_file_name(date, 1)
    folder.mkdir(parents=True, exist_ok=True)
    written = [config, first]
    config.write_text(config_text(language, title_line, publisher), encoding="utf-8")
    first.parent.mkdir(exist_ok=True)
    first.write_text(issue_text(1, 1, date, language=language), encoding="utf-8")
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text(gitignore(language), encoding="utf-8")
        written.append(ignore)
    return written


def placeholders() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(sample headings, openings of sample paragraphs) as `init` writes them, in every language."""
    headings, openings = [], []
    for language in ("en", "zh-CN"):
        t = translator(language)
        for title, text in ARTICLES:
            headings.append(t(title))
            openings.append(re.split(r"(?<=[.。])", t(text), maxsplit=1)[0])
    return tuple(headings), tuple(openings)


def placeholder_slips(body: str) -> list[int]:
    """The lines of the body (1-based) that still hold the sample text of `init`."""
    headings, openings = placeholders()
    found = []
    for n, line in enumerate(body.split("\n"), 1):
        text = line.strip()
        if text.startswith("#") and text.lstrip("#").strip() in headings or text.startswith(openings):
            found.append(n)
    return found


def issue_text(number: int, total: int | None, date: dt.date, kind: str = REGULAR,
               recipients: dict | None = None, body: str | None = None, language: str = "zh-CN") -> str:
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
    return "\n".join(lines) + "\n" + (body_text(language) if body is None else body)
