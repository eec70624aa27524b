"""Sending a published edition to its recipients, exactly once each.

The delivery log (published/deliveries.jsonl) is append-only and fsynced
line by line.  Each delivery is keyed by edition, PDF hash and address; an
address is written `sent` only after the server accepted the message, so a
rerun after a crash or an interruption sends only to those not yet
accepted.  4xx replies are retried with backoff; 5xx replies are recorded
`failed` and reported.  The connection is always TLS (STARTTLS or SSL) with
the certificate verified; the password comes from the environment only.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

from . import addressbook, labels, lock, numbering, publish
from .commands.published import read_series
from .series import select
from .errors import BulletinError, Location, Report
from .model import Edition, Publication
from .render import theme
from .workspace import templates_dir
from .writer import atomic_write

LOG = "deliveries.jsonl"
PASSWORD_ENV = "BULLETIN_SMTP_PASSWORD"


@dataclass(frozen=True)
class Recipient:
    role: str     # "main" (主送, To) or "cc" (抄送, Cc)
    name: str     # as written in the issue
    address: str


@dataclass
class Outcome:
    sent: list[Recipient]
    failed: list[tuple[Recipient, str]]
    deferred: list[tuple[Recipient, str]]
    skipped: list[Recipient]
    eml: list[Path]


class DeliveryLog:
    def __init__(self, path: Path):
        self.path = path

    def entries(self) -> list[dict]:
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue  # a line cut short by a crash: the delivery it began was not confirmed
        return out

    def delivered(self, edition: str, pdf_sha: str) -> set[str]:
        return {e["address"] for e in self.entries()
                if e["edition"] == edition and e["pdf_sha256"] == pdf_sha and e["status"] == "sent"}

    def append(self, entry: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)


def _send_lock(folder: Path):
    def busy(pid):
        raise BulletinError(f"another 'bulletin send' is running in this workspace (pid {pid})",
                            hint="wait for it to finish, then run send again")
    return lock.held(folder / ".send.lock", busy)


def _prepare(root: Path, selector: str, report: Report):
    series = read_series(root, report)
    chosen = [e.issue for e in select(series, (selector,), report)]
    if not chosen:
        raise BulletinError(f"'{selector}' cannot be sent: it has errors" if not report.errors else
                            "nothing was sent")
    edition = numbering.edition(chosen[0])
    record = publish.load_manifest(root)["editions"].get(edition.name)
    if record is None:
        raise BulletinError(f"{edition.name} has not been published; only published editions are sent",
                            hint=f"bulletin publish {edition.name}")
    rel = f"{publish.FOLDER}/{edition.pdf_name}"
    pdf = root / rel
    if not pdf.is_file() or publish.sha256(pdf) != record["outputs"].get(rel):
        raise BulletinError(f"{rel} is not the published file", Location(pdf),
                            "run 'bulletin verify', then restore it or publish again")
    return series.publication, edition, pdf


def recipients_of(edition: Edition, book: addressbook.AddressBook, report: Report) -> list[Recipient]:
    out: list[Recipient] = []
    issue = edition.issue
    for role, names in (("main", issue.recipients.main), ("cc", issue.recipients.cc)):
        for name in names:
            addresses = book.resolve(name)
            if not addresses:
                report.error(f"'{name}' ({'主送' if role == 'main' else '抄送'}) has no e-mail address",
                             Location(book.path), f"add it to {addressbook.FILE}: addresses: {name}: someone@example.gov.cn")
            out += [Recipient(role, name, a) for a in addresses]
    seen: set[str] = set()
    unique = []
    for r in out:  # someone on both lists gets one copy, as 主送
        if r.address not in seen:
            seen.add(r.address)
            unique.append(r)
    return unique


def _message(pub: Publication, edition: Edition, pdf: bytes, sender: str, to: list[Recipient],
             all_recipients: list[Recipient], per_recipient: bool, message_id: str, env) -> EmailMessage:
    issue = edition.issue
    words = labels.words(issue.language)
    title = "".join(issue.title)
    base_url = pub.extra.get("base_url")
    page_url = (base_url.rstrip("/") + "/" + edition.html_name) if base_url else None
    context = {"edition": edition, "title": title, "words": words, "page_url": page_url,
               "articles": [a for a in issue.articles if a.toc], "publisher": issue.publisher,
               "lang": issue.language}
    msg = EmailMessage()
    msg["Subject"] = f"{title} {edition.period_label}"
    msg["From"] = sender
    shown = to if per_recipient else all_recipients
    main = [r.address for r in shown if r.role == "main"]
    cc = [r.address for r in shown if r.role == "cc"]
    if main:
        msg["To"] = ", ".join(main)
    if cc:
        msg["Cc"] = ", ".join(cc)
    if not main and not cc:
        msg["To"] = "undisclosed-recipients:;"
    msg["Date"] = format_datetime(dt.datetime.now(dt.timezone.utc))
    msg["Message-ID"] = message_id
    msg.set_content(theme.render(env, "mail.txt", **context))
    msg.add_alternative(theme.render(env, "mail.html", **context), subtype="html")
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"{title}{edition.period_label}.pdf")
    return msg


def _message_id(edition: str, pdf_sha: str, who: str, domain: str) -> str:
    key = hashlib.sha256(f"{edition}\0{pdf_sha}\0{who}".encode()).hexdigest()[:32]
    return f"<{key}@{domain}>"


def send(root: Path, selector: str, report: Report, dry_run: bool = False, say=lambda m: None,
         sleep=time.sleep) -> Outcome:
    pub, edition, pdf_path = _prepare(root, selector, report)
    book = addressbook.load(root, report)
    everyone = recipients_of(edition, book, report)
    if report.errors:
        raise BulletinError("nothing was sent: some recipients have no address")
    if not everyone:
        raise BulletinError(f"{edition.name} has no recipients", Location(edition.issue.source),
                            "list them under recipients: main: and cc:")
    smtp = pub.smtp or {}
    if not smtp and not dry_run:
        raise BulletinError("bulletin.yaml has no 'smtp:' settings", Location(root / "bulletin.yaml"),
                            "add smtp: host, port, security (starttls or ssl), user and from")
    sender = smtp.get("from", "bulletin@localhost")
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    pdf = pdf_path.read_bytes()
    pdf_sha = hashlib.sha256(pdf).hexdigest()
    folder = root / publish.FOLDER
    log = DeliveryLog(folder / LOG)
    env = theme.environment(templates_dir(root), pub.theme)
    per_recipient = smtp.get("per_recipient", False)

    with _send_lock(folder):
        done = log.delivered(edition.name, pdf_sha)
        todo = [r for r in everyone if r.address not in done]
        outcome = Outcome([], [], [], [r for r in everyone if r.address in done], [])
        if not todo:
            return outcome
        batches = [[r] for r in todo] if per_recipient else [todo]

        def build(batch):
            who = batch[0].address if per_recipient else "all"
            mid = _message_id(edition.name, pdf_sha, who, domain)
            return _message(pub, edition, pdf, sender, batch, everyone, per_recipient, mid, env), mid

        if dry_run:
            out = root / "output" / "mail" / edition.name
            for n, batch in enumerate(batches, 1):
                msg, _ = build(batch)
                path = out / f"{n:03d}-{batch[0].address if per_recipient else 'all'}.eml"
                atomic_write(path, msg.as_bytes())
                outcome.eml.append(path)
            return outcome

        password = None
        if smtp.get("user"):
            password = os.environ.get(PASSWORD_ENV)
            if not password:
                raise BulletinError(f"the SMTP password is not set: put it in the environment variable {PASSWORD_ENV}",
                                    hint=f"export {PASSWORD_ENV}=... (it is never read from a file in the workspace)")
        with _Connection(smtp, root, password) as conn:
            for batch in batches:
                msg, mid = build(batch)
                _deliver(conn, msg, mid, batch, edition, pdf_sha, log, outcome, smtp, say, sleep)
    return outcome


def _deliver(conn, msg, mid, batch, edition, pdf_sha, log, outcome, smtp, say, sleep):
    pending = list(batch)
    attempts = smtp.get("retries", 3) + 1
    for attempt in range(attempts):
        sender = parseaddr(msg["From"])[1]
        try:
            refused = conn.send(msg, sender, [r.address for r in pending])
        except smtplib.SMTPRecipientsRefused as exc:
            refused = exc.recipients
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            refused = {r.address: (exc.smtp_code, exc.smtp_error) for r in pending}
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError) as exc:
            refused = {r.address: (421, str(exc).encode()) for r in pending}
            conn.reset()
        retry = []
        for r in pending:
            code, reply = refused.get(r.address, (250, b"OK"))
            reply = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
            entry = {"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                     "edition": edition.name, "pdf_sha256": pdf_sha, "address": r.address, "name": r.name,
                     "role": r.role, "code": code, "reply": reply[:200], "message_id": mid,
                     "attempt": attempt + 1}
            if code < 400:
                log.append({**entry, "status": "sent"})
                outcome.sent.append(r)
            elif code >= 500:
                log.append({**entry, "status": "failed"})
                outcome.failed.append((r, f"{code} {reply}"))
            else:
                log.append({**entry, "status": "deferred"})
                retry.append((r, f"{code} {reply}"))
        if not retry:
            return
        pending = [r for r, _ in retry]
        if attempt + 1 < attempts:
            delay = smtp.get("retry_delay", 2.0) * 2 ** attempt * random.uniform(0.8, 1.2)
            say(f"{len(pending)} recipient(s) deferred ({retry[0][1]}); trying again in {delay:.1f} s")
            sleep(delay)
        else:
            outcome.deferred += retry


class _Connection:
    """One SMTP session, TLS with a verified certificate, reopened after a drop."""

    def __init__(self, smtp: dict, root: Path, password: str | None):
        self.smtp, self.root, self.password, self.client = smtp, root, password, None

    def __enter__(self):
        self.open()
        return self

    def __exit__(self, *exc):
        self.reset()

    def open(self):
        s = self.smtp
        cafile = s.get("cafile")
        context = ssl.create_default_context(cafile=str(self.root / cafile) if cafile else None)
        host, port = s["host"], s.get("port", 465 if s.get("security") == "ssl" else 587)
        try:
            if s.get("security") == "ssl":
                client = smtplib.SMTP_SSL(host, port, timeout=30, context=context)
            else:
                client = smtplib.SMTP(host, port, timeout=30)
                client.ehlo()
                client.starttls(context=context)
                client.ehlo()
            if s.get("user"):
                client.login(s["user"], self.password)
        except ssl.SSLCertVerificationError as exc:
            raise BulletinError(f"the certificate of {host} is not trusted: {exc.verify_message}",
                                hint="nothing was sent; if the server uses a private CA, set smtp: cafile:") from None
        except smtplib.SMTPAuthenticationError as exc:
            raise BulletinError(f"{host} refused the login of {s.get('user')}: {exc.smtp_code}",
                                hint=f"check smtp: user and {PASSWORD_ENV}") from None
        except smtplib.SMTPNotSupportedError:
            raise BulletinError(f"{host} does not offer STARTTLS; bulletin never sends without TLS",
                                hint="use security: ssl (port 465) if the server offers it") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise BulletinError(f"cannot connect to {host}:{port}: {exc}", hint="nothing more was sent") from None
        self.client = client

    def send(self, msg, sender, to):
        if self.client is None:
            self.open()
        return self.client.send_message(msg, sender, to)

    def reset(self):
        if self.client is not None:
            try:
                self.client.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.client = None


def status(root: Path, selector: str, report: Report) -> tuple[Edition, list[tuple[Recipient, dict | None]]]:
    """Who received the edition: each recipient with its latest log entry for the published PDF."""
    pub, edition, pdf_path = _prepare(root, selector, report)
    book = addressbook.load(root, report)
    everyone = recipients_of(edition, book, report)
    pdf_sha = publish.sha256(pdf_path)
    latest: dict[str, dict] = {}
    for entry in DeliveryLog(root / publish.FOLDER / LOG).entries():
        if entry["edition"] == edition.name and entry["pdf_sha256"] == pdf_sha:
            if entry["status"] == "sent" or latest.get(entry["address"], {}).get("status") != "sent":
                latest[entry["address"]] = entry
    return edition, [(r, latest.get(r.address)) for r in everyone]
