"""published/deliveries.jsonl: every SMTP reply `send` received, and what it means per recipient.

The log is append-only, one JSON object a line, fsynced before `send` goes
on.  Each line names the edition, the SHA-256 of the PDF sent, the
recipient (address, name, role, To or Cc) and a status:

  in_flight   written (and fsynced) after the server accepted the recipient
              and before the end of the message was sent: from here until the
              server's reply, nobody can know whether the message was queued
  delivered   the server accepted this recipient at RCPT and the message at
              the end of DATA (2xx)
  uncertain   the message was sent in full but its reply never came
  deferred    a temporary refusal (4xx) or a dropped line before the end

A line past RCPT also keeps `rcpt_code`, the server's reply to that recipient's RCPT.
  refused     a permanent refusal (5xx)

A recipient's state is its latest line: a crash between `in_flight` and the
reply leaves `in_flight` last, which reads as uncertain.  Copies sent with
`send --to` are marked `copy` and never count as anyone's delivery.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

FILE = "deliveries.jsonl"

DELIVERED, UNCERTAIN, REFUSED, DEFERRED, NOT_SENT = "delivered", "uncertain", "refused", "deferred", "not sent"
IN_FLIGHT = "in_flight"
# Logs written by earlier versions of bulletin name two states differently.
_LEGACY = {"sent": DELIVERED, "failed": REFUSED}


@dataclass(frozen=True)
class State:
    status: str               # DELIVERED, UNCERTAIN, REFUSED, DEFERRED or NOT_SENT
    entry: dict | None        # the line it is read from (the delivery itself for DELIVERED)


class DeliveryLog:
    def __init__(self, path: Path):
        self.path = path

    def entries(self) -> list[dict]:
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash: what it began to record was not confirmed
            if isinstance(entry, dict) and {"edition", "address", "status"} <= entry.keys():
                out.append(entry)
        return out

    def append(self, *entries: dict) -> None:
        """Write the lines and fsync them before returning: `send` acts on them only after."""
        if not entries:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries).encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)

    def states(self, edition: str, pdf_sha256: str) -> dict[str, State]:
        """Each address's state for this edition's PDF (see the module's docstring)."""
        out: dict[str, State] = {}
        for entry in self.entries():
            if entry["edition"] != edition or entry.get("pdf_sha256") != pdf_sha256 or entry.get("copy"):
                continue
            status = _LEGACY.get(entry["status"], entry["status"])
            known = out.get(entry["address"])
            if known and known.status == DELIVERED:
                continue  # delivered stays delivered: later lines are a resend the user asked for
            out[entry["address"]] = State(UNCERTAIN if status == IN_FLIGHT else status, entry)
        return out
