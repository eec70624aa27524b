"""The message `send` mails: headers as offices' mail clients expect them, two bodies, the PDF.

The message is built with the email package's compat32 classes on purpose:
the default policy re-folds parameters, and rewrites the attachment's
`name="=?utf-8?b?...?="` (RFC 2047, which older Outlook and some domestic
webmail need) into the RFC 2231 form, which those clients show as an
untitled attachment.  compat32 writes both forms as given here.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr

from . import labels
from .model import Edition, Publication
from .render import theme

WIRE = compat32.clone(linesep="\r\n")


@dataclass(frozen=True)
class Shown:
    """A recipient as the headers show it."""
    name: str
    address: str
    header: str  # "To" or "Cc"


def sender(pub: Publication) -> tuple[str, str]:
    """(display name, address) of smtp: from."""
    name, address = parseaddr((pub.smtp or {}).get("from", "bulletin@localhost"))
    return name, address or "bulletin@localhost"


def message_id(edition: str, pdf_sha: str, who: str, domain: str) -> str:
    """The same message (edition, PDF, recipients) always has the same id: a duplicate that slips
    through can be told from a second message."""
    key = hashlib.sha256(f"{edition}\0{pdf_sha}\0{who}".encode()).hexdigest()[:32]
    return f"<{key}@{domain}>"


def attachment_name(edition: Edition) -> str:
    return f"{''.join(edition.issue.title)}{edition.period_label}.pdf"


def compose(pub: Publication, edition: Edition, pdf: bytes, shown: list[Shown], mid: str, env) -> bytes:
    """The whole message, CRLF line ends, ready for DATA or an .eml file."""
    issue = edition.issue
    words = labels.mail_words(issue.language)
    mark = issue.fields.get("classification")
    msg = MIMEMultipart("mixed")
    subject = words["subject"].format(mark=words["marked"].format(mark=mark) if mark else "",
                                      title="".join(issue.title), label=edition.period_label)
    msg["Subject"] = _words(subject)
    msg["From"] = _address(*sender(pub))
    for header in ("To", "Cc"):
        people = [_address(s.name, s.address) for s in shown if s.header == header]
        if people:
            msg[header] = ", ".join(people)
    if not any(s.header == "To" for s in shown):
        msg["To"] = "undisclosed-recipients:;"
    msg["Date"] = format_datetime(dt.datetime.now(dt.timezone.utc))
    msg["Message-ID"] = mid
    if pub.mail.get("read_receipt"):
        msg["Disposition-Notification-To"] = _address(*sender(pub))
    context = _context(pub, edition, words, mark, len(pdf))
    bodies = MIMEMultipart("alternative")
    bodies.attach(MIMEText(theme.render(env, "mail.txt", **context), "plain", "utf-8"))
    bodies.attach(MIMEText(theme.render(env, "mail.html", **context), "html", "utf-8"))
    msg.attach(bodies)
    msg.attach(_attachment(pdf, attachment_name(edition)))
    return msg.as_bytes(policy=WIRE)


def _attachment(pdf: bytes, filename: str) -> MIMEApplication:
    """The PDF with its name in both forms: name="=?utf-8?b?...?=" and filename*=utf-8''..."""
    part = MIMEApplication(pdf, "pdf", name=_words(filename))
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", filename))
    return part


def _words(text: str) -> str:
    """Text as RFC 2047 encoded words short enough (at most 75 characters, the email package
    writes 76) that the first one fits on the header's own line."""
    if text.isascii():
        return text
    return " ".join(Header(text, "utf-8").encode(maxlinelen=60).split())


def _address(name: str, address: str) -> str:
    """"name" <address>, the name encoded when it is not ASCII."""
    return formataddr((name, address)) if name.isascii() else f"{_words(name)} <{address}>"


def _context(pub: Publication, edition: Edition, words: dict, mark: str | None, size: int) -> dict:
    issue = edition.issue
    base_url = pub.extra.get("base_url")
    title = "".join(issue.title)
    signature = pub.mail.get("signature", "")
    return {
        "edition": edition, "title": title, "lang": issue.language, "publisher": issue.publisher,
        "words": labels.words(issue.language), "mail": words, "classification": mark,
        "intro": words["intro"].format(title=title, label=edition.period_label),
        "articles": [a for a in issue.articles if a.toc],
        "page_url": (str(base_url).rstrip("/") + "/" + edition.html_name) if base_url else None,
        "attachment": attachment_name(edition), "attachment_kb": max(1, round(size / 1024)),
        "signature": [line.rstrip() for line in signature.splitlines()] if signature else [],
    }
