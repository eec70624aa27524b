"""One SMTP session, spoken step by step so that every recipient's reply is known.

smtplib's sendmail() gives up at a 421 and reports only the recipients it
refused so far, as if the others had been accepted.  Here MAIL, each RCPT
and DATA are sent one by one with smtplib's lower-level commands, and the
end of DATA is split from its reply, so that the caller can log the
recipients "in flight" (fsynced) just before the message's end is sent:
the one moment after which a lost reply leaves the delivery uncertain.

Always TLS with a verified certificate (STARTTLS or SSL); the login only
after TLS.
"""
from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path

from .errors import BulletinError
from .i18n import _

PASSWORD_ENV = "BULLETIN_SMTP_PASSWORD"
TIMEOUT = 60
_LEADING_DOT = re.compile(rb"(?m)^\.")


class Unreachable(BulletinError):
    """The server cannot be reached (at first an error; later, a temporary failure to retry)."""


@dataclass(frozen=True)
class Reply:
    code: int | None   # None: no reply came (the line dropped, or timed out)
    text: str
    step: str          # connect, mail, rcpt, data (the DATA command), end (the message's end)
    rcpt_code: int | None = None  # past RCPT: the server's reply to this recipient's RCPT

    def shown(self) -> str:
        return f"{self.code} {self.text}" if self.code is not None else self.text


class Session:
    """A connection that is opened when needed and reopened after a drop or a 421."""

    def __init__(self, settings: dict, root: Path, password: str | None):
        self.settings, self.root, self.password, self.client = settings, root, password, None

    def __enter__(self):
        self.open()  # the first connection's failure stops the send before anything is sent
        return self

    def __exit__(self, *exc):
        self.close()

    def open(self) -> None:
        s = self.settings
        cafile = s.get("cafile")
        context = ssl.create_default_context(cafile=str(self.root / cafile) if cafile else None)
        host, port = s["host"], s.get("port", 465 if s.get("security") == "ssl" else 587)
        try:
            if s.get("security") == "ssl":
                client = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=context)
            else:
                client = smtplib.SMTP(host, port, timeout=TIMEOUT)
                client.ehlo()
                client.starttls(context=context)
                client.ehlo()
            if s.get("user"):
                client.login(s["user"], self.password)
        except ssl.SSLCertVerificationError as exc:
            raise BulletinError(_("the certificate of {host} is not trusted: {why}").format(
                host=host, why=exc.verify_message),
                hint=_("nothing more was sent; if the server uses a private CA, set smtp: cafile:")) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise BulletinError(_("{host} refused the login of {user}: {code}").format(
                host=host, user=s.get("user"), code=exc.smtp_code),
                hint=_("check smtp: user and {name}").format(name=PASSWORD_ENV)) from None
        except smtplib.SMTPNotSupportedError:
            raise BulletinError(_("{host} does not offer STARTTLS; bulletin never sends without TLS").format(host=host),
                                hint=_("use security: ssl (port 465) if the server offers it")) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise Unreachable(_("cannot connect to {host}:{port}: {why}").format(host=host, port=port, why=exc),
                              hint=_("nothing more was sent; run send again later")) from None
        self.client = client

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except (smtplib.SMTPException, OSError):
                self.client.close()
            self.client = None

    def _drop(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def transaction(self, sender: str, addresses: list[str], payload: bytes, in_flight) -> dict[str, Reply]:
        """Send `payload` to `addresses`: each address's reply.  `in_flight(accepted)` is called
        after the server has accepted the recipients and before the message's end is sent."""
        replies = {a: Reply(None, _("not tried"), "mail") for a in addresses}
        try:
            if self.client is None:
                self.open()
            return self._transaction(sender, addresses, payload, in_flight, replies)
        except Unreachable as exc:
            return {a: Reply(None, str(exc.diagnostic.message), "connect") for a in addresses}
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            lost = _("the connection was lost: {why}").format(why=str(exc) or type(exc).__name__)
            # Whoever still waits for a reply before the message's end was not sent the message.
            return {a: r if r.step == "end" or (r.code or 0) >= 400 else Reply(None, lost, r.step)
                    for a, r in replies.items()}

    def _transaction(self, sender, addresses, payload, in_flight, replies) -> dict[str, Reply]:
        c = self.client
        code, text = c.mail(sender)
        if code != 250:
            return self._abandon(replies, addresses, Reply(code, _text(text), "mail"))
        accepted = []
        for a in addresses:
            code, text = c.rcpt(a)
            replies[a] = Reply(code, _text(text), "rcpt")
            if code == 421:  # the server is closing the channel: nobody in this message gets it
                return self._abandon(replies, addresses, replies[a])
            if code in (250, 251):
                accepted.append(a)
        if not accepted:
            c.rset()
            return replies
        at_rcpt = {a: replies[a].code for a in accepted}
        code, text = c.docmd("DATA")
        if code != 354:
            return self._abandon(replies, accepted, Reply(code, _text(text), "data"))
        in_flight(accepted)
        for a in accepted:
            replies[a] = Reply(None, _("no reply after the message was sent"), "end", at_rcpt[a])
        try:
            c.send(_LEADING_DOT.sub(b"..", payload).rstrip(b"\r\n") + b"\r\n.\r\n")
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            # The message's end did not leave: no server can have accepted it.
            self._drop()
            lost = _("the connection was lost while sending: {why}").format(why=exc)
            return {**replies, **{a: Reply(None, lost, "data", at_rcpt[a]) for a in accepted}}
        code, text = c.getreply()  # a drop here leaves the "end" replies: uncertain
        for a in accepted:
            replies[a] = Reply(code, _text(text), "end", at_rcpt[a])
        if code == 421:
            self._drop()
        return replies

    def _abandon(self, replies, addresses, reply: Reply) -> dict[str, Reply]:
        """The message goes to none of `addresses`: each not refused already gets `reply`
        (a 421 also closes the line)."""
        if reply.code == 421:
            self._drop()
        else:
            try:
                self.client.rset()
            except (smtplib.SMTPException, OSError):
                self._drop()
        return {**replies, **{a: Reply(reply.code, reply.text, reply.step, replies[a].code)
                              for a in addresses if (replies[a].code or 0) < 400}}


def _text(text: bytes | str) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
