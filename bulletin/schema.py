"""Declarative schemas for bulletin.yaml and issue front matter.

Each field says what it holds; `check` turns a LocatedDict into clean
values and reports every problem at the line and column of the value.
The same table documents the fields (`bulletin fields`, README.md).
"""
from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .errors import Location, Report
from .i18n import N_, _
from .labels import LANGUAGES
from .model import APPROVAL_STEPS, KIND_ALIASES, SIGN_OFF

_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class Invalid(Exception):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


def _shown(value: Any) -> str:
    """A value as a message shows it: text in quotes, else what it is."""
    if isinstance(value, str):
        return _("'{value}'").format(value=value)
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    return repr(value)


def positive_int(name: str, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    hint = ""
    if isinstance(value, str) and value.isdigit():
        if value.startswith("0") and int(value):
            hint = _("write {number} without the leading zero").format(number=int(value))
    elif isinstance(value, str) and value.strip().lstrip("第").rstrip("期").isdigit():
        hint = _("write only the number: {name}: {number}").format(
            name=name, number=int(value.strip().lstrip("第").rstrip("期")))
    raise Invalid(_("'{name}' must be a whole number of 1 or more, got {got}").format(name=name, got=_shown(value)),
                  hint)


def iso_date(name: str, value: Any) -> dt.date:
    m = _DATE.match(value) if isinstance(value, str) else None
    if m:
        year, month, day = (int(g) for g in m.groups())
        try:
            date = dt.date(year, month, day)
        except ValueError:
            raise _not_a_date(name, value, year, month) from None
        if len(m.group(2)) == 2 and len(m.group(3)) == 2:
            return date
        raise Invalid(_("'{name}' must be YYYY-MM-DD, got {got}").format(name=name, got=_shown(value)),
                      _("write it as {date}").format(date=date.isoformat()))
    raise Invalid(_("'{name}' must be a date written YYYY-MM-DD, got {got}").format(name=name, got=_shown(value)),
                  _("for example: {name}: 2018-03-05").format(name=name))


def _not_a_date(name: str, value: str, year: int, month: int) -> Invalid:
    """What is wrong with 2018-02-30 or 2018-13-01, said in the user's words (not Python's)."""
    if not 1 <= month <= 12:
        return Invalid(_("'{name}' is not a real date: {value}; a year has no month {month}").format(
            name=name, value=value, month=month), _("write the month as 01 to 12"))
    if year < 1:
        return Invalid(_("'{name}' is not a real date: {value}").format(name=name, value=value))
    days = calendar.monthrange(year, month)[1]
    return Invalid(_("'{name}' is not a real date: {value}; month {month} of {year} has {days} days").format(
        name=name, value=value, year=year, month=month, days=days),
        _("the last day of that month is {date}").format(date=dt.date(year, month, days).isoformat()))


def text(name: str, value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise Invalid(_("'{name}' must be text, got {got}").format(name=name, got=_shown(value)))


def title_lines(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) and value.strip():
        return (value.strip(),)
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    raise Invalid(_("'{name}' must be text or a list of lines, got {got}").format(name=name, got=_shown(value)),
                  _("for example: {name}: [清远市创建国家环保模范城市, 工作简报]").format(name=name))


def _one_of(name: str, choices, value: Any) -> Invalid:
    return Invalid(_("'{name}' must be one of {choices}, got {got}").format(
        name=name, choices=", ".join(choices), got=_shown(value)))


def language(name: str, value: Any) -> str:
    if isinstance(value, str):
        norm = {"zh": "zh-CN", "zh-cn": "zh-CN", "zh-hans": "zh-CN", "en": "en"}.get(value.lower())
        if norm is None and value.lower().startswith("en-"):
            norm = "en"
        if norm:
            return norm
    raise _one_of(name, LANGUAGES, value)


def flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise Invalid(_("'{name}' must be true or false, got {got}").format(name=name, got=_shown(value)))


def number_between(low: float, high: float, whole: bool = False):
    def convert(name: str, value: Any):
        kinds = (int,) if whole else (int, float)
        if isinstance(value, kinds) and not isinstance(value, bool) and low <= value <= high:
            return value if whole else float(value)
        message = (_("'{name}' must be a whole number from {low} to {high}, got {got}") if whole
                   else _("'{name}' must be a number from {low} to {high}, got {got}"))
        raise Invalid(message.format(name=name, low=low, high=high, got=_shown(value)))
    return convert


def one_of(*choices: str):
    def convert(name: str, value: Any) -> str:
        if isinstance(value, str) and value in choices:
            return value
        raise _one_of(name, choices, value)
    return convert


def kind(name: str, value: Any) -> str:
    if isinstance(value, str) and value.strip().lower() in KIND_ALIASES:
        return KIND_ALIASES[value.strip().lower()]
    raise _one_of(name, ("regular", "增刊", "专刊", "特刊"), value)


def name_list(name: str, value: Any, where: Location, report: Report) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list):
        names = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                names.append(item.strip())
            else:
                line, col = value.where[i]
                report.error(_("'{name}' entries must be names, got {got}").format(name=name, got=_shown(item)),
                             Location(where.path, line, col))
        return tuple(names)
    raise Invalid(_("'{name}' must be a list of names, got {got}").format(name=name, got=_shown(value)),
                  _("for example: {name}: [市环保局, 市府办]").format(name=name))


def format_list(name: str, value: Any, where: Location, report: Report) -> tuple[str, ...]:
    """The outputs of each edition (formats/__init__.py registers them)."""
    from .formats import base as formats

    names = name_list(name, value, where, report)
    unknown = formats.check_names(names)
    if unknown:
        raise Invalid(_("'{format}' is not a format bulletin writes").format(format=unknown[0]),
                      formats.unknown_hint())
    if not names:
        raise Invalid(_("'{name}' lists no format").format(name=name),
                      _("for example: {name}: [pdf, html]").format(name=name))
    return names

GB_TIERS = ("main", "cc")                        # 主送, 抄送 (GB/T 9704)
BULLETIN_TIERS = ("report", "send", "distribute")  # 报, 送, 发 (the 简报 tiers)
ALL_TIERS = (*GB_TIERS, *BULLETIN_TIERS, "added")  # added: 本期增发, with either


def recipients(name: str, value: Any, where: Location, report: Report) -> dict[str, tuple[str, ...]]:
    """main/cc or report/send/distribute, plus added; the two schemes never mixed."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Invalid(_("'{name}' must be a mapping of lists: main (主送) and cc (抄送), or report (报), "
                        "send (送) and distribute (发); added (本期增发) with either, got {got}").format(
                            name=name, got=_shown(value)))
    out = {}
    for key, item in value.items():
        line, col = value.where[key]
        loc = Location(where.path, line, col)
        if key not in ALL_TIERS:
            report.error(_("'{name}' has an unknown list '{key}'").format(name=name, key=key), loc,
                         _suggest(key, ALL_TIERS) or _("use main (主送) and cc (抄送), or report (报), send (送) "
                                                       "and distribute (发); added (本期增发) with either"))
            continue
        try:
            out[key] = name_list(f"{name}.{key}", item, loc, report)
        except Invalid as exc:
            report.error(exc.message, loc, exc.hint)
    gb = [k for k in value if k in GB_TIERS]
    tiers = [k for k in value if k in BULLETIN_TIERS]
    if gb and tiers:
        report.error(_("'{name}' mixes {gb} with {tiers}: a footer (版记) uses one scheme").format(
            name=name, gb=", ".join(gb), tiers=", ".join(tiers)), Location(where.path, *value.where[tiers[0]]),
            _("use either main (主送) and cc (抄送), or report (报), send (送) and distribute (发)"))
    return out


def attachments(name: str, value: Any, where: Location, report: Report) -> tuple[dict, ...]:
    """A list of {title, file}: what the file is, and where it is (beside the issue)."""
    example = _("for example:\n  attachments:\n    - title: 2018年重点任务分解表\n      file: 任务分解表.pdf")
    if not isinstance(value, list):
        raise Invalid(_("'{name}' must be a list of {{title, file}}, got {got}").format(name=name, got=_shown(value)),
                      example)
    out = []
    for i, item in enumerate(value):
        loc = Location(where.path, *value.where[i])
        if not isinstance(item, dict) or set(item) - {"title", "file"} or not {"title", "file"} <= set(item):
            report.error(_("each of '{name}' must have a 'title' and a 'file', and nothing else").format(name=name),
                         loc, example)
            continue
        title_ok = isinstance(item["title"], str) and item["title"].strip()
        file_ok = isinstance(item["file"], str) and item["file"].strip().lower().endswith((".md", ".pdf"))
        if not title_ok:
            report.error(_("attachment {n} has no title").format(n=i + 1), Location(where.path, *item.where["title"]),
                         example)
        if not file_ok:
            report.error(_("attachment {n}: 'file' must name a .md or a .pdf file, got {got}").format(
                n=i + 1, got=_shown(item["file"])), Location(where.path, *item.where["file"]),
                _("give the file's name, relative to the issue file"))
        if title_ok and file_ok:
            out.append({"title": item["title"].strip(), "file": item["file"].strip(),
                        "line": item.where["file"][0], "col": item.where["file"][1]})
    return tuple(out)


def _settings(name: str, value: dict, where: Location, report: Report, spec: dict) -> dict[str, Any]:
    """The keys of a settings mapping (smtp:, mail:, signing:) checked by `spec`, each problem
    at its own line; an unknown key with a did-you-mean."""
    out: dict[str, Any] = {}
    for key, item in value.items():
        loc = Location(where.path, *value.where[key])
        if key not in spec:
            report.error(_("unknown setting '{name}.{key}'").format(name=name, key=key), loc,
                         _suggest(key, spec) or _("settings: {names}").format(names=", ".join(spec)))
            continue
        try:
            out[key] = spec[key](f"{name}.{key}", item)
        except Invalid as exc:
            report.error(exc.message, loc, exc.hint)
    return out


def smtp_settings(name: str, value: Any, where: Location, report: Report) -> dict[str, Any]:
    """smtp: host, port, security (starttls or ssl), user, from, per_recipient, cafile, retries, retry_delay,
    retry_for (the most seconds spent retrying temporary refusals)."""
    if not isinstance(value, dict):
        raise Invalid(_("'{name}' must be a mapping (host, port, security, user, from)").format(name=name))
    spec = {
        "host": text, "port": positive_int, "security": one_of("starttls", "ssl"), "user": text,
        "from": text, "per_recipient": flag, "cafile": text,
        "retries": number_between(0, 10, whole=True), "retry_delay": number_between(0, 600),
        "retry_for": number_between(0, 3600),
    }
    out = _settings(name, value, where, report, spec)
    for key in ("host", "from"):
        if key not in value:
            report.error(_("'{name}' has no '{key}'").format(name=name, key=key), where,
                         _("for example: host: smtp.example.gov.cn, from: 简报 <jianbao@example.gov.cn>"))
    return out


def role_list(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) and value.strip():
        value = [value]
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    raise Invalid(_("'{name}' must be a list of recipient roles, got {value}").format(name=name, value=_shown(value)),
                  _("for example: {name}: [cc]").format(name=name))


def mail_settings(name: str, value: Any, where: Location, report: Report) -> dict[str, Any]:
    """mail: signature, read_receipt, max_attachment_mb, cc_roles: how `send` writes the message."""
    if not isinstance(value, dict):
        raise Invalid(_("'{name}' must be a mapping (signature, read_receipt, max_attachment_mb, cc_roles)")
                      .format(name=name))
    spec = {"signature": text, "read_receipt": flag, "max_attachment_mb": number_between(0.1, 1000),
            "cc_roles": role_list}
    return _settings(name, value, where, report, spec)


def scores(name: str, value: Any, where: Location, report: Report) -> dict[str, float]:
    """scores: points for each contribution received and each article published."""
    if not isinstance(value, dict):
        raise Invalid(_("'{name}' must be a mapping of points, got {value}").format(name=name, value=_shown(value)),
                      _("for example: scores: {received: 1, published: 3}"))
    out = {}
    for key, item in value.items():
        loc = Location(where.path, *value.where[key])
        if key not in ("received", "published"):
            report.error(_("unknown score '{key}'").format(key=key), loc,
                         _suggest(key, ("received", "published")) or _("use 'received' and 'published'"))
            continue
        try:
            out[key] = number_between(0, 1000)(f"{name}.{key}", item)
        except Invalid as exc:
            report.error(exc.message, loc, exc.hint)
    return out


def approval_steps(name: str, value: Any, where: Location, report: Report) -> tuple[str, ...]:
    """The steps 'publish' asks for: 审核 and 签发 (reviewer, issuer); 签发 always."""
    names = name_list(name, value, where, report)
    steps = []
    for step in names:
        if step.lower() not in APPROVAL_STEPS:
            raise Invalid(_("'{name}' lists '{step}', which is not a step of approval").format(name=name, step=step),
                          _("the steps are 审核 (reviewer) and 签发 (issuer)"))
        steps.append(APPROVAL_STEPS[step.lower()])
    return tuple(dict.fromkeys([*steps, SIGN_OFF]))


def workspace_path(name: str, value: Any) -> str:
    """A file named relative to bulletin.yaml's folder, never outside it."""
    path = Path(text(name, value))
    if path.is_absolute() or ".." in path.parts:
        raise Invalid(_("'{name}' must name a file inside the workspace, got {value}")
                      .format(name=name, value=_shown(value)),
                      _("put the file beside bulletin.yaml and write its name, e.g. office.p12"))
    return path.as_posix()


def signing_settings(name: str, value: Any, where: Location, report: Report) -> dict[str, Any]:
    """signing: certificate (PKCS#12), seal (image), timestamp_url (RFC 3161 server)."""
    if not isinstance(value, dict):
        raise Invalid(_("'{name}' must be a mapping (certificate, seal, timestamp_url)").format(name=name),
                      _("for example: signing: {{certificate: office.p12, seal: seal.png}}"))
    spec = {"certificate": workspace_path, "seal": workspace_path, "timestamp_url": _http_url}
    out = _settings(name, value, where, report, spec)
    for key in ("certificate", "seal"):
        if key not in value:
            report.error(_("'signing' has no '{key}'").format(key=key), where,
                         _("for example: certificate: office.p12, seal: seal.png"))
    return out


def _http_url(name: str, value: Any) -> str:
    url = text(name, value)
    if not re.match(r"^https?://[^\s/]+", url):
        raise Invalid(_("'{name}' must be an http:// or https:// address, got {value}")
                      .format(name=name, value=_shown(value)), _("the address of your RFC 3161 time-stamp server"))
    return url


@dataclass(frozen=True)
class Field:
    name: str
    convert: Callable
    help: str
    required: bool = False
    nested: bool = False  # convert takes (name, value, location, report)


# Fields most issues repeat: bulletin.yaml may set them once, as defaults for every
# issue; an issue's own value wins (issuefile.py).
RECURRING = (
    Field("classification", text, N_("mark printed top left, e.g. 内部资料 注意保存")),
    Field("copies", positive_int, N_("copies printed (共印X份), shown in the footer")),
    Field("editor", text, N_("editor (责任编辑), shown in the footer")),
    Field("reviewer", text, N_("reviewer (审核), shown in the footer")),
    Field("issuer", text, N_("issuer (签发), shown in the footer")),
)

ISSUE_FIELDS = (
    Field("issue", positive_int, N_("number within the year (第N期); restarts each year"), required=True),
    Field("total", positive_int, N_("cumulative number (总第N期); optional, continues across years")),
    Field("date", iso_date, N_("date of issue, YYYY-MM-DD"), required=True),
    Field("recipients", recipients, N_("main (主送) and cc (抄送), or report (报), send (送) and distribute (发); "
          "added (本期增发) with either; replaces the lists of bulletin.yaml as a whole"), nested=True),
    Field("attachments", attachments, N_("attachments (附件): a list of {title, file}, each a .md or .pdf beside the issue"),
          nested=True),
    Field("numbered", flag, N_("print a 6-digit copy number (份号) top left; implied by 秘密, 机密, 绝密")),
    Field("kind", kind, N_("regular (default), 增刊, 专刊 or 特刊: each kind has its own numbering")),
    Field("title", title_lines, N_("override the publication title for this issue")),
    Field("publisher", text, N_("override the issuing office (编发单位) for this issue")),
    Field("language", language, N_("override the language: zh-CN or en")),
    *RECURRING,
)

PUBLICATION_FIELDS = (
    Field("title", title_lines, N_("masthead title: text, or a list of lines"), required=True),
    Field("publisher", text, N_("issuing office (编发单位)"), required=True),
    Field("language", language, N_("zh-CN (default) or en")),
    Field("recipients", recipients, N_("default recipient lists: main (主送) and cc (抄送), or report (报), "
          "send (送) and distribute (发)"), nested=True),
    Field("numbered", flag, N_("every issue carries a copy number (份号) top left")),
    Field("duplex", flag, N_("printed on both sides: the footer (版记) on an even page, a blank page added where needed")),
    Field("theme", text, N_("letterhead theme; 'redhead' (红头简报) is built in")),
    Field("base_url", text, N_("absolute address of the published archive, for links in feeds and mail")),
    Field("contents_pages", flag, N_("print page numbers with leaders in the contents (目录) of the PDF")),
    Field("smtp", smtp_settings, N_("mail server for 'bulletin send': host, port, security, user, from"), nested=True),
    Field("formats", format_list, N_("the outputs of each edition: pdf and html (the default)"), nested=True),
    Field("mail", mail_settings, N_("the mail 'bulletin send' writes: signature, read_receipt, max_attachment_mb "
          "(default 10), cc_roles (recipient roles put in Cc; default [cc])"), nested=True),
    Field("footer", one_of("seed", "gb"),
          N_("footer (版记) style: 'seed' (a rule between the main and the cc list) or 'gb' (GB/T 9704: no rule, a final 。)")),
    Field("units", name_list, N_("contributing units (来稿单位) besides the names of recipients.yaml"), nested=True),
    Field("scores", scores, N_("points in 'bulletin stats': received and published, e.g. {received: 1, published: 3}"),
          nested=True),
    Field("approval", one_of("required", "optional"),
          N_("'required': 'publish' refuses an edition without a recorded sign-off (签发) for its current text")),
    Field("approval_steps", approval_steps, N_("the recorded steps 'publish' asks for: [审核, 签发]"), nested=True),
    Field("signing", signing_settings,
          N_("for 'publish --sign': certificate (PKCS#12 file), seal (image), timestamp_url (RFC 3161)"), nested=True),
    Field("retention", text, N_("retention period (保管期限) written in the archive package's records, e.g. 永久, 定期30年, 定期10年")),
    *RECURRING,  # defaults for every issue
)

# Settings the workflow reads from Publication.extra (units, scores, approval).
WORKFLOW_SETTINGS = ("units", "scores", "approval", "approval_steps")


def _suggest(key: str, names) -> str:
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
    return _("did you mean '{name}'?").format(name=close[0]) if close else ""


def check(data: Any, fields: tuple[Field, ...], path: Path, report: Report,
          what: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """Validate a mapping.  Returns (clean values, unknown keys, lines of fields)."""
    if not isinstance(data, dict):
        start = getattr(data, "start", (1, 1))
        report.error(_("{what} must be a mapping of 'name: value' lines, got {got}").format(what=what, got=_shown(data)),
                     Location(path, *start))
        return {}, {}, {}
    known = {f.name: f for f in fields}
    clean, unknown, lines = {}, {}, {}
    for key, value in data.items():
        line, col = data.where[key]
        loc = Location(path, line, col)
        lines[key] = line
        spec = known.get(key)
        if spec is None:
            unknown[key] = value
            report.warning(_("unknown field '{key}' in {what} (kept for templates)").format(key=key, what=what), loc,
                           _suggest(key, known) or _("known fields: {names}").format(names=", ".join(known)))
            continue
        try:
            clean[key] = spec.convert(key, value, loc, report) if spec.nested else spec.convert(key, value)
        except Invalid as exc:
            report.error(exc.message, loc, exc.hint)
    for spec in fields:
        if spec.required and spec.name not in data:
            report.error(_("{what} has no '{field}' ({help})").format(what=what, field=spec.name, help=_(spec.help)),
                         Location(path, *getattr(data, "start", (1, 1))),
                         _("add a line such as '{field}: {example}'").format(
                             field=spec.name, example=_EXAMPLES.get(spec.name, "...")))
    return clean, unknown, lines


_EXAMPLES = {"issue": "1", "date": "2018-03-05", "title": "工作简报", "publisher": "办公室"}
