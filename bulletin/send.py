"""Sending a published edition to the recipients it was published for, at most once each.

What is sent is what was published: the PDF of published/ (checked against
the manifest) to the names the manifest recorded at publish time, each
resolved through recipients.yaml.

At most once: `send` speaks SMTP itself (MAIL, RCPT, DATA), so it knows the
reply to each recipient.  A recipient is logged `delivered` only when the
server accepted that recipient at RCPT and then the message at the end of
DATA.  Before the end of the message is sent, the recipients it goes to are
logged `in_flight` (fsynced): if the line drops or bulletin dies before the
server's reply, nobody knows whether the server queued it, and a rerun holds
those recipients back as uncertain until the user says `--resend-uncertain`.
Temporary refusals (4xx, a dropped line before the end of the message) are
retried with backoff for at most `smtp: retry_for` seconds; permanent ones
(5xx) are reported at once.  Every reply is in published/deliveries.jsonl.

The connection is always TLS (STARTTLS or SSL) with the certificate
verified; the password comes from the environment only.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from . import addressbook, deliveries, fixity, i18n, labels, lock, mail, publish, workspace
from .commands.published import read_series
from .series import select
from .deliveries import DELIVERED, DEFERRED, IN_FLIGHT, NOT_SENT, REFUSED, UNCERTAIN, DeliveryLog, State
from .errors import BulletinError, Location, Report
from .i18n import _
from .model import Edition, Publication
from .render import theme
from .smtp import PASSWORD_ENV, Reply, Session
from .writer import atomic_write

DEFAULT_MAX_MB = 10
COPY = "copy"  # the role of a copy sent with --to


@dataclass(frozen=True)
class Recipient:
    role: str     # a list of the edition: main (主送), cc (抄送), or another tier; "copy" for --to
    listed: str   # the name as the edition lists it (a group's name for each of its members)
    name: str     # the name the headers show: the address book's own name of the address
    address: str
    header: str   # To or Cc (header_for)
    number: int = 0  # the 份号 of this recipient's copy of a numbered edition; 0: the edition itself


@dataclass
class Outcome:
    delivered: list[Recipient] = field(default_factory=list)
    refused: list[tuple[Recipient, str]] = field(default_factory=list)    # 5xx
    failed: list[tuple[Recipient, str]] = field(default_factory=list)     # 4xx until the time was up
    uncertain: list[Recipient] = field(default_factory=list)              # sent, never confirmed
    held: list[Recipient] = field(default_factory=list)                   # uncertain before: not resent
    already: list[Recipient] = field(default_factory=list)
    eml: list[Path] = field(default_factory=list)
    edition: str = ""

    @property
    def complete(self) -> bool:
        """True when everyone it was for has it (send's exit status)."""
        return not (self.refused or self.failed or self.uncertain or self.held)


@dataclass
class Job:
    """One edition to send: what was published, to whom, how."""
    root: Path
    pub: Publication
    edition: Edition
    pdf: bytes
    pdf_sha: str
    everyone: list[Recipient]
    env: object = None


def header_for(role: str, settings: dict) -> str:
    """To or Cc for a recipient's role: every role goes in To except those `mail: cc_roles:`
    names (default: cc, the 抄送)."""
    return "Cc" if role in settings.get("cc_roles", ("cc",)) else "To"


def send(root: Path, selector: str, report: Report, dry_run: bool = False, to: str | None = None,
         resend_uncertain: bool = False, say=lambda m: None, sleep=time.sleep, clock=time.monotonic) -> Outcome:
    """Send the published edition `selector`; `to`: one name or address gets a copy instead."""
    pub = workspace.load_publication(root, report)
    _settings_first(root, pub, dry_run, report)
    job = _job(root, selector, pub, to, report)
    log = DeliveryLog(root / publish.FOLDER / deliveries.FILE)
    folder = root / publish.FOLDER
    with _send_lock(folder):
        outcome = Outcome(edition=job.edition.name)
        todo = job.everyone if to else _todo(job, log, resend_uncertain, outcome)
        if not todo:
            return outcome
        # a numbered edition: each recipient its own copy, so one message each
        per_recipient = bool(pub.smtp.get("per_recipient")) or bool(to) or any(r.number for r in todo)
        batches = [[r] for r in todo] if per_recipient else [todo]
        if dry_run:
            _dry_run(job, batches, per_recipient, outcome)
            return outcome
        smtp = pub.smtp
        with Session(smtp, root, _password(smtp)) as session:
            for batch in batches:
                payload, mid = _payload(job, batch, per_recipient, copy=bool(to))
                _deliver(session, job, batch, payload, mid, log, outcome, say, sleep, clock)
    return outcome


def _settings_first(root: Path, pub: Publication, dry_run: bool, report: Report) -> None:
    """Say a missing smtp: before anything else: an error for a real send, a warning for a dry run."""
    if pub.smtp:
        return
    where = Location(root / workspace.CONFIG)
    hint = _("add smtp: host, port, security (starttls or ssl), user and from")
    if not dry_run:
        raise BulletinError(_("bulletin.yaml has no 'smtp:' settings; nothing was sent"), where, hint)
    report.warning(_("bulletin.yaml has no 'smtp:' settings: a real send would stop here"), where, hint)


def _job(root: Path, selector: str, pub: Publication, to: str | None, report: Report) -> Job:
    edition, pdf_path, record = _published(root, selector, report)
    pdf = pdf_path.read_bytes()
    limit = float(pub.mail.get("max_attachment_mb", DEFAULT_MAX_MB))
    if len(pdf) > limit * 2**20:
        raise BulletinError(
            _("{file} is {size:.1f} MB; mail servers refuse attachments over {limit:g} MB; nothing was sent")
            .format(file=pdf_path.name, size=len(pdf) / 2**20, limit=limit), Location(pdf_path),
            _("make the PDF smaller (fewer or smaller images), or raise mail: max_attachment_mb: in bulletin.yaml "
              "if every recipient's server accepts it"))
    book = addressbook.load(root, report)
    everyone = _copy_to(to, book, pub) if to else recipients_of(record, edition, book, pub.mail, report)
    if edition.issue.fields.get("numbered") and not to:
        # 份号 by the order the manifest recorded the recipients in: the same number on a rerun
        everyone = [dataclasses.replace(r, number=n) for n, r in enumerate(everyone, 1)]
    if report.errors:
        raise BulletinError(_("nothing was sent: some recipients have no address"))
    if not everyone:
        raise BulletinError(_("{name} has no recipients").format(name=edition.name), Location(edition.issue.source),
                            _("list them under recipients: main: and cc:"))
    env = theme.environment(workspace.templates_dir(root), pub.theme)
    return Job(root, pub, edition, pdf, publish.sha256(pdf_path), everyone, env)


def _published(root: Path, selector: str, report: Report) -> tuple[Edition, Path, dict]:
    """The edition, its published PDF (as the manifest recorded it) and its manifest record."""
    series = read_series(root, report)
    chosen = select(series, (selector,), report)
    if not chosen:
        raise BulletinError(_("'{name}' cannot be sent: it has errors").format(name=selector) if not report.errors
                            else _("nothing was sent"))
    edition = chosen[0]
    record = publish.load_manifest(root)["editions"].get(edition.name)
    if record is None:
        raise BulletinError(_("{name} has not been published; only published editions are sent")
                            .format(name=edition.name),
                            hint=_("to publish it: bulletin publish {name}").format(name=edition.name))
    rel = f"{publish.FOLDER}/{edition.pdf_name}"
    pdf = root / rel
    if not pdf.is_file() or publish.sha256(pdf) != record["outputs"].get(rel):
        raise BulletinError(_("{file} is not the published file").format(file=rel), Location(pdf),
                            _("run 'bulletin verify', then restore it or publish again"))
    return edition, pdf, record


def recipients_of(record: dict, edition: Edition, book: addressbook.AddressBook, settings: dict,
                  report: Report) -> list[Recipient]:
    """The recipients recorded when the edition was published, each with the addresses behind its name.
    Someone named twice gets one copy, under the first role that names them."""
    listed = record.get("recipients")
    if listed is None:  # published before the manifest recorded them: the issue names them
        listed = fixity.recorded_recipients(edition.issue)
        report.warning(_("the manifest does not record to whom {name} was published; sending to the "
                         "recipients its issue names now").format(name=edition.name),
                       Location(publish.manifest_path(book.path.parent)),
                       _("publish it again to record them: bulletin publish {name} --reissue").format(name=edition.name))
    out: dict[str, Recipient] = {}
    for item in listed:
        found = book.named(item["name"])
        if not found:
            role = labels.words(edition.issue.language).get(item["role"], item["role"])
            report.error(_("'{name}' ({role}) has no e-mail address").format(name=item["name"], role=role),
                         Location(book.path), _("add it to {file}: addresses: {name}: someone@example.gov.cn")
                         .format(file=addressbook.FILE, name=item["name"]))
        for name, address in found:
            out.setdefault(address, Recipient(item["role"], item["name"], name, address,
                                              header_for(item["role"], settings)))
    return list(out.values())


_ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


def _copy_to(to: str, book: addressbook.AddressBook, pub: Publication) -> list[Recipient]:
    """--to: a name of the address book, or an address; a copy touches nobody's delivery record."""
    found = book.named(to) or ((("", to),) if _ADDRESS.match(to) else ())
    if not found:
        close = [n for n in book.names() if to in n or n in to][:3]
        raise BulletinError(_("'{name}' is neither a name in {file} nor an e-mail address")
                            .format(name=to, file=addressbook.FILE), Location(book.path),
                            _("did you mean {names}?").format(names=_(", ").join(close)) if close
                            else _("give a name from {file}, or an address").format(file=addressbook.FILE))
    return [Recipient(COPY, to, name, address, "To") for name, address in found]


def _todo(job: Job, log: DeliveryLog, resend_uncertain: bool, outcome: Outcome) -> list[Recipient]:
    """Who is still to be sent to: not the delivered; the uncertain only when the user says so."""
    states = log.states(job.edition.name, job.pdf_sha)
    todo = []
    for r in job.everyone:
        status = states.get(r.address, State(NOT_SENT, None)).status
        if status == DELIVERED:
            outcome.already.append(r)
        elif status == UNCERTAIN and not resend_uncertain:
            outcome.held.append(r)
        else:
            todo.append(r)
    return todo


def _payload(job: Job, batch: list[Recipient], per_recipient: bool, copy: bool = False) -> tuple[bytes, str]:
    """The message for a batch: one message shows everyone; per recipient, each sees only themself."""
    shown = batch if per_recipient else job.everyone
    who = ("copy:" + uuid.uuid4().hex) if copy else (batch[0].address if per_recipient else "all")
    domain = mail.sender(job.pub)[1].rpartition("@")[2] or "localhost"
    mid = mail.message_id(job.edition.name, job.pdf_sha, who, domain)
    people = [mail.Shown(r.name, r.address, r.header) for r in shown]
    pdf = job.pdf
    if per_recipient and batch[0].number:
        from .copies import render_copy

        pdf = render_copy(job.edition, job.pub, job.root, batch[0].number, archival=True)
    return mail.compose(job.pub, job.edition, pdf, people, mid, job.env), mid


def _dry_run(job: Job, batches: list[list[Recipient]], per_recipient: bool, outcome: Outcome) -> None:
    """The messages as .eml files in .bulletin/mail/ (never in output/, which goes on the web)."""
    folder = workspace.state_dir(job.root) / "mail" / job.edition.name
    for n, batch in enumerate(batches, 1):
        payload, _mid = _payload(job, batch, per_recipient)
        path = folder / f"{n:03d}-{batch[0].address if per_recipient else 'all'}.eml"
        atomic_write(path, payload)
        outcome.eml.append(path)


def _password(smtp: dict) -> str | None:
    if not smtp.get("user"):
        return None
    password = os.environ.get(PASSWORD_ENV)
    if not password:
        raise BulletinError(
            _("the SMTP password is not set: put it in the environment variable {name}").format(name=PASSWORD_ENV),
            hint=_("export {name}=... (it is never read from a file in the workspace)").format(name=PASSWORD_ENV))
    return password


def _send_lock(folder: Path):
    def busy(pid):
        raise BulletinError(_("another 'bulletin send' is running in this workspace (pid {pid})").format(pid=pid),
                            hint=_("wait for it to finish, then run send again"))
    return lock.held(folder / ".send.lock", busy)


def _entry(job: Job, r: Recipient, mid: str, txn: str, attempt: int, status: str, reply: Reply | None) -> dict:
    entry = {"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
             "edition": job.edition.name, "pdf_sha256": job.pdf_sha, "address": r.address, "name": r.name,
             "listed": r.listed, "role": r.role, "header": r.header, "message_id": mid, "transaction": txn,
             "attempt": attempt, "status": status}
    if reply is not None:
        entry.update(code=reply.code, reply=reply.text[:300], step=reply.step)
        if reply.rcpt_code is not None:
            entry["rcpt_code"] = reply.rcpt_code  # what the server said to RCPT before this
    if r.role == COPY:
        entry["copy"] = True
    if r.number:
        entry["copy_number"] = f"{r.number:06d}"  # 份号 ↔ recipient, for the register
    return entry


def _deliver(session: Session, job: Job, batch: list[Recipient], payload: bytes, mid: str, log: DeliveryLog,
             outcome: Outcome, say, sleep, clock) -> None:
    """One message to a batch: each attempt logged reply by reply; 4xx retried while time allows."""
    smtp = job.pub.smtp
    attempts, base = int(smtp.get("retries", 3)) + 1, float(smtp.get("retry_delay", 2.0))
    deadline = clock() + float(smtp.get("retry_for", 120))
    pending = list(batch)
    for attempt in range(1, attempts + 1):
        txn = uuid.uuid4().hex[:16]
        by_address = {r.address: r for r in pending}

        def in_flight(accepted):
            log.append(*(_entry(job, by_address[a], mid, txn, attempt, IN_FLIGHT, None) for a in accepted))

        replies = session.transaction(mail.sender(job.pub)[1], [r.address for r in pending], payload, in_flight)
        retry = []
        for r in pending:
            reply = replies[r.address]
            status = _status(reply)
            log.append(_entry(job, r, mid, txn, attempt, status, reply))
            if status == DELIVERED:
                outcome.delivered.append(r)
            elif status == REFUSED:
                outcome.refused.append((r, reply.shown()))
            elif status == UNCERTAIN:
                outcome.uncertain.append(r)
            else:
                retry.append((r, reply.shown()))
        delay = base * 2 ** (attempt - 1) * random.uniform(0.8, 1.2)
        if not retry or attempt == attempts or clock() + delay > deadline:
            outcome.failed += retry
            return
        say(_("{n} recipient(s) deferred ({reply}); trying again in {delay:.1f} s")
            .format(n=len(retry), reply=retry[0][1], delay=delay))
        sleep(delay)
        pending = [r for r, _why in retry]


def _status(reply: Reply) -> str:
    if reply.code is None:
        return UNCERTAIN if reply.step == "end" else DEFERRED
    if 200 <= reply.code < 300:
        return DELIVERED if reply.step == "end" else DEFERRED  # accepted at RCPT, then no DATA
    return REFUSED if reply.code >= 500 else DEFERRED


def status(root: Path, selector: str, report: Report) -> tuple[Edition, list[tuple[Recipient, State]]]:
    """What the log knows of each recipient the edition was published for."""
    pub = workspace.load_publication(root, report)
    edition, pdf_path, record = _published(root, selector, report)
    book = addressbook.load(root, report)
    everyone = recipients_of(record, edition, book, pub.mail, report)
    states = DeliveryLog(root / publish.FOLDER / deliveries.FILE).states(edition.name, publish.sha256(pdf_path))
    return edition, [(r, states.get(r.address, State(NOT_SENT, None))) for r in everyone]


def status_line(r: Recipient, state: State) -> str:
    """One recipient's line of `send --status`."""
    e = state.entry or {}
    who = _("{address} ({name}, {role} → {header})").format(
        address=r.address, name=r.name, role=_role(r.role), header=_("Cc") if r.header == "Cc" else _("To"))
    if state.status == DELIVERED:
        return _("  delivered  {who} {at} {mid} {reply}").format(
            who=who, at=e.get("at", ""), mid=e.get("message_id", ""), reply=_reply(e)).rstrip()
    if state.status == REFUSED:
        return _("  refused    {who} {reply}").format(who=who, reply=_reply(e))
    if state.status == UNCERTAIN:
        return _("  uncertain  {who} sent {at}, no reply seen; ask them, then: send --resend-uncertain").format(
            who=who, at=e.get("at", ""))
    if state.status == DEFERRED:
        return _("  not sent   {who} temporary refusal: {reply}").format(who=who, reply=_reply(e))
    return _("  not sent   {who}").format(who=who)


def _role(role: str) -> str:
    """A recipient's role in the user's language: 主送, 抄送, 报... as the layout words them in Chinese."""
    if role == COPY:
        return _("copy")
    return labels.words("zh-CN").get(role, role) if i18n.language() == "zh" else role


def _reply(entry: dict) -> str:
    code = entry.get("code")
    return f"{code} {entry.get('reply', '')}".strip() if code is not None else entry.get("reply", "")


def outcome_lines(outcome: Outcome, dry_run: bool = False) -> list[str]:
    """What a send did, one line each: the report `send` prints."""
    lines = [_("delivered to {address} ({name})").format(address=r.address, name=r.name) for r in outcome.delivered]
    lines += [_("refused: {address} ({name}): {why}").format(address=r.address, name=r.name, why=why)
              for r, why in outcome.refused]
    lines += [_("not delivered: {address} ({name}): {why}; run send again later").format(
        address=r.address, name=r.name, why=why) for r, why in outcome.failed]
    lines += [_("uncertain: {address} ({name}): the message was sent but the server's reply never came").format(
        address=r.address, name=r.name) for r in outcome.uncertain]
    lines += [_("held back: {address} ({name}): an earlier send broke off before the server replied; "
                "it may have arrived").format(address=r.address, name=r.name) for r in outcome.held]
    if outcome.uncertain or outcome.held:
        lines.append(_("ask the uncertain recipients whether they have it; to send to them again: "
                       "bulletin send {name} --resend-uncertain").format(name=outcome.edition))
    if outcome.already and not (outcome.delivered or outcome.refused or outcome.failed or outcome.uncertain
                                or outcome.held or dry_run):
        lines.append(_("all {n} recipient(s) have received it already").format(n=len(outcome.already)))
    return lines
