"""Issuing an edition: the archival copy, its manifest, and checking it later.

`publish` renders the edition's archival copy into published/ (PDF/A-3a
and PDF/UA-1, tagged, with the Markdown source attached; signed with
`--sign`, see signing.py; and the HTML page) and records in
published/manifest.json the SHA-256 of the source and of every output, and
the versions of the tools that made them.  published/ is meant to be kept
in version control: it is the record of what was issued.

From then on, a change to the issue file is an error in `check` and
`build` until the edition is published again with `--reissue`; `verify`
recomputes every hash and reports any difference.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from pathlib import Path

from . import __version__, fonts, images, numbering, workspace
from .errors import BulletinError, Location, Report
from .i18n import _
from .model import Edition, Issue, Publication
from .render import html as html_render
from .render import pdf as pdf_render
from .render import theme
from .fixity import recorded_recipients, settings_sha256
from .writer import atomic_write, write_if_changed

FOLDER = "published"
MANIFEST = "manifest.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_path(root: Path) -> Path:
    return root / FOLDER / MANIFEST


def load_manifest(root: Path) -> dict:
    path = manifest_path(root)
    if not path.exists():
        return {"editions": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data.get("editions"), dict):
            raise ValueError("no 'editions'")
        return data
    except (ValueError, AttributeError) as exc:
        raise BulletinError(_("the manifest is damaged: {why}").format(why=exc), Location(path),
                            _("restore it from version control")) from None


def check_unchanged(issues: list[Issue], root: Path, report: Report, digests: dict[Path, str],
                    pub: Publication | None = None) -> set[Path]:
    """Published issues whose source, images or page settings changed since: errors; returns their paths.

    `digests`: the SHA-256 of each issue file, as the build has read them already;
    `pub`: the settings, read again from bulletin.yaml when not given."""
    records = load_manifest(root)["editions"]
    changed = set()
    for issue in issues:
        name = numbering.edition(issue).name
        record = records.get(name)
        if record and record["source"] == _rel(issue.source, root) and digests[issue.source] != record["source_sha256"]:
            report.error(_("{name} was published on {date} and its source has changed since").format(
                name=name, date=record["published"]), Location(issue.source),
                _("undo the change, or issue it again: bulletin publish {name} --reissue").format(name=name))
            changed.add(issue.source)
        elif record and "inputs" in record:
            pub = pub or workspace.load_publication(root, Report())
            for what, where in inputs_changed(issue, pub, root, record["inputs"]):
                report.error(_("{name} was published on {date} and {what} has changed since").format(
                    name=name, date=record["published"], what=what), Location(where),
                    _("undo the change, or issue it again: bulletin publish {name} --reissue").format(name=name))
                changed.add(issue.source)
    return changed


def inputs(issue: Issue, pub: Publication, root: Path) -> dict:
    """SHA-256 of what shapes the edition besides its source: every image it uses, its settings."""
    return {"images": {_rel(a.source, root): sha256(a.source) if a.source.is_file() else None
                       for a in issue.assets},
            "settings_sha256": settings_sha256(issue, pub)}


def inputs_changed(issue: Issue, pub: Publication, root: Path, recorded: dict) -> list[tuple[str, Path]]:
    """What differs from the recorded inputs: (what, where) for each image and for the settings."""
    now = inputs(issue, pub, root)
    out = [(_("the image {path}").format(path=rel), root / rel)
           for rel in sorted(set(now["images"]) | set(recorded.get("images", {})))
           if now["images"].get(rel) != recorded.get("images", {}).get(rel)]
    if recorded.get("settings_sha256") not in (None, now["settings_sha256"]):
        out.append((_("its settings in {file}").format(file=workspace.CONFIG), root / workspace.CONFIG))
    return out


def toolchain() -> dict:
    from weasyprint import VERSION

    return {
        "bulletin": __version__,
        "weasyprint": VERSION,
        "pango": pdf_render.pango_version(),
        "python": platform.python_version(),
        "fonts": {role: face for role, face, _ in fonts.in_use()},
    }


def publish(root: Path, edition: Edition, pub: Publication, reissue: bool, report: Report,
            today: dt.date | None = None, sign: bool = False) -> dict:
    manifest = load_manifest(root)
    name, issue = edition.name, edition.issue
    record = manifest["editions"].get(name)
    _may_publish(record, reissue, edition)
    folder = root / FOLDER
    files = _made(root, edition, pub, folder, sign)
    signature = files.pop(None, None)
    planned = {_rel(path, root): hashlib.sha256(data).hexdigest() for path, data in files.items()}
    if record and planned == record.get("outputs") and recorded_recipients(issue) == record.get("recipients"):
        # byte-reproducible: equal files mean nothing that reaches the page or the recipients changed
        raise BulletinError(_("{name} is the same as when it was published on {date}: there is nothing "
                              "to issue again").format(name=name, date=record["published"]), Location(issue.source),
                            _("correct the issue file, its pictures or its approval first; nothing was written"))
    for path, data in files.items():
        write_if_changed(path, data)  # pictures, which the web page may be showing, are not touched if equal
    history = (record or {}).get("history", [])
    if record:
        history.append({k: record[k] for k in ("published", "source_sha256", "outputs")})
    new = {
        "label": edition.period_label,
        "date": issue.date.isoformat(),
        "source": _rel(issue.source, root),
        "source_sha256": sha256(issue.source),
        "published": (today or dt.date.today()).isoformat(),
        "outputs": dict(sorted(planned.items())),
        "toolchain": toolchain(),
        "history": history,
        "recipients": recorded_recipients(issue),
        "inputs": inputs(issue, pub, root),
    }
    if signature:  # who signed, recorded: verify checks that the file still carries that signature
        new["signature"] = {"signer": signature.signer, "signed": signature.signed_at,
                            "certificate_sha256": signature.certificate_sha256}
    manifest["editions"][name] = new
    atomic_write(manifest_path(root), (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
                                       + "\n").encode("utf-8"))
    return new


def _may_publish(record: dict | None, reissue: bool, edition: Edition) -> None:
    name, issue = edition.name, edition.issue
    if record and not reissue:
        same = sha256(issue.source) == record["source_sha256"]
        message = (_("{name} was published on {date}") if same else
                   _("{name} was published on {date} and its source has changed since"))
        raise BulletinError(message.format(name=name, date=record["published"]), Location(issue.source),
                            _("to issue it again: bulletin publish {name} --reissue").format(name=name))
    if reissue and not record:
        raise BulletinError(_("{name} has not been published yet").format(name=name),
                            hint=_("to publish it: bulletin publish {name}").format(name=name))


def _made(root: Path, edition: Edition, pub: Publication, folder: Path, sign: bool) -> dict:
    """{path in published/: bytes} of everything the edition publishes, made before anything is
    written; under the key None, the signature when signed."""
    issue = edition.issue
    env = theme.environment(workspace.templates_dir(root), pub.theme)
    files: dict = {folder / edition.assets_dir / asset.name: images.printable(asset.source, root).read_bytes()
                   for asset in issue.assets}
    page = html_render.render(edition, pub, env, "screen")
    printed = html_render.render(edition, pub, env, "print", archival=True)
    pdf = pdf_render.render(printed, base=folder, root=root, source=issue.source, attach=attached_source(edition))
    data = pdf.data
    if sign:
        from . import signing
        data, files[None] = signing.sign(pdf.data, root, pub, edition)
    files.update(_other_formats(edition, pub, printed, folder, data, pdf.pages))
    files[folder / edition.pdf_name] = data
    files[folder / edition.html_name] = page.encode("utf-8")
    return files


def attached_source(edition: Edition) -> pdf_render.Source:
    """The issue file as the PDF/A carries it, dated with the edition (byte-reproducible)."""
    issue = edition.issue
    when = dt.datetime.combine(issue.date, dt.time(), tzinfo=dt.timezone.utc)
    return pdf_render.Source(issue.source.name, issue.source.read_bytes(), when)


def _other_formats(edition: Edition, pub: Publication, printed: str, folder: Path, pdf: bytes,
                   pages: int) -> dict[Path, bytes]:
    """The other editions bulletin.yaml's `formats` names (DOCX, OFD), made before anything is
    written, through the same registry as the build; the OFD from the published PDF's bytes,
    so that it carries exactly what was issued."""
    from . import formats
    from .typeset.jobs import Job, Made

    job = Job(edition, pub, tuple(pub.formats), printed, folder, "")
    made = {"pdf": Made(pdf, pages)}
    out = {}
    for name in formats.typeset(pub.formats):
        if name not in made:
            made[name] = formats.get(name).make(job, made)
            out[folder / f"{edition.name}{formats.get(name).suffix}"] = made[name].data
    return out


def verify(root: Path, report: Report, signed: list | None = None) -> int:
    """Recompute every hash of the manifest; report each difference.  Returns editions checked.

    A signed edition's signature is validated too; `signed` receives (name, Signature) of each."""
    manifest = load_manifest(root)
    records = manifest["editions"]
    _verify_volumes(root, manifest, report)
    for name, record in sorted(records.items()):
        if "signature" in record:
            from . import signing
            found = signing.check_record(root, name, record, report)
            if signed is not None:
                signed += [(name, sig) for sig in found]
        for rel, digest in [(record["source"], record["source_sha256"]), *record["outputs"].items()]:
            path = root / rel
            if not path.is_file():
                report.error(_("{name}: {file} is missing").format(name=name, file=rel), Location(path))
            elif sha256(path) != digest:
                report.error(_("{name}: {file} differs from the published file (SHA-256 {found}…, "
                               "recorded {recorded}…)").format(name=name, file=rel, found=sha256(path)[:12],
                                                             recorded=digest[:12]), Location(path),
                             _("restore it from version control") if rel == record["source"] else
                             _("restore it, or publish again: bulletin publish {name} --reissue").format(name=name))
    return len(records)


def _rel(path: Path, root: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def _verify_volumes(root: Path, manifest: dict, report: Report) -> None:
    """The published volumes' digests (bulletin volume --publish records them)."""
    for year, record in sorted(manifest.get("volumes", {}).items()):
        path = root / record["file"]
        if not path.is_file():
            report.error(_("the volume of {year}: {file} is missing").format(year=year, file=record["file"]),
                         Location(path))
        elif sha256(path) != record["sha256"]:
            report.error(_("the volume of {year}: {file} differs from the published file")
                         .format(year=year, file=record["file"]), Location(path),
                         _("restore it, or bind it again: bulletin volume {year} --publish").format(year=year))
