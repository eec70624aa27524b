"""What shapes a published edition besides its source, as values to hash: the recipients it
prints and the settings of bulletin.yaml that reach its page.  Shared by publish (the manifest)
and approval (what an approval holds for), so neither needs the other."""
from __future__ import annotations

import dataclasses
import hashlib
import json

from . import schema
from .model import Issue, Publication


def recorded_recipients(issue: Issue) -> list[dict]:
    """The recipients as the edition prints them, in order: each name with its role (主送 main,
    抄送 cc, or any other list of `Recipients`), so that `send` mails what was published."""
    return [{"name": name, "role": f.name} for f in dataclasses.fields(issue.recipients)
            for name in getattr(issue.recipients, f.name)]


def settings_sha256(issue: Issue, pub: Publication) -> str:
    """The settings of bulletin.yaml that reach this edition's page, as the issue resolved them."""
    page = {"title": issue.title, "publisher": issue.publisher, "language": issue.language,
            "recipients": recorded_recipients(issue), "theme": pub.theme, "footer": pub.footer,
            "contents_pages": pub.contents_pages,
            # (units, scores, approval, signing and retention are not the page's)
            "extra": {k: v for k, v in pub.extra.items() if k not in (*schema.WORKFLOW_SETTINGS, "signing", "retention")}}
    text = json.dumps(page, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
