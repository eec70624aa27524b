"""Signed editions: a PAdES signature with the office's seal as its appearance, and its check.

`bulletin publish ID --sign` signs the archival PDF with the certificate of
the PKCS#12 file that bulletin.yaml names (`signing: certificate:`), the
password from the environment (BULLETIN_SIGN_PASSWORD, never a file).  The
signature is visible: the seal image (`signing: seal:`) stands over the
date under the masthead, as a stamp is pressed on paper.  With
`signing: timestamp_url:` an RFC 3161 time-stamp authority dates it.

This is a PAdES signature (ISO 32000 / ETSI EN 319 142), not an electronic
seal of GB/T 38540 (SM2/SM3), which no Python library makes.

pyHanko appends the signature as an incremental update.  It would also
rewrite the XMP metadata, and its rewrite turns the PDF/UA extension schema
into a form PDF/A forbids; `_KeepMetadata` keeps the metadata as WeasyPrint
wrote it (a fence around one private method of pyHanko 0.38, which
pyproject.toml pins), and every signed file is validated as PDF/A before it
is kept.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import labels
from .errors import BulletinError, Location, Report
from .i18n import _
from .model import Edition, Publication

PASSWORD_VARIABLE = "BULLETIN_SIGN_PASSWORD"
FIELD = "Signature1"
SEAL_SIZE = 42 / 25.4 * 72  # a round office seal is 42 mm across; in points


@dataclass(frozen=True)
class Signature:
    """One signature of a PDF, as `verify` reports it."""

    signer: str
    signed_at: str          # ISO 8601; the time-stamp's time when there is one
    timestamped: bool
    certificate_sha256: str
    problem: str = ""       # empty when the signature is intact, valid and covers the whole file


@contextmanager
def _quiet():
    """pyHanko logs what it finds (a suspicious revision, with a traceback) on stderr; what we
    report of it is in the Signature.  Its loggers are silenced while it works for us."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    old = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)  # its children inherit this level
    try:
        yield
    finally:
        for logger, level in zip(loggers, old):
            logger.setLevel(level)


def settings(pub: Publication) -> dict:
    """bulletin.yaml's signing: mapping (checked by schema.signing_settings)."""
    found = pub.extra.get("signing")
    if not found:
        raise BulletinError(_("bulletin.yaml has no 'signing' settings"), Location(pub.root / "bulletin.yaml"),
                            _("add, for example:\nsigning:\n  certificate: office.p12\n  seal: seal.png"))
    return found


def _signer(root: Path, config: dict):
    from pyhanko.sign import signers

    from .workspace import confined

    where = Location(root / "bulletin.yaml")
    password = os.environ.get(PASSWORD_VARIABLE)
    if not password:
        raise BulletinError(_("the password of the certificate is not set"), where,
                            _("export {variable}=... (never write it in a file)").format(variable=PASSWORD_VARIABLE))
    path = _workspace_file(root, config["certificate"], where, confined)
    try:
        return signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), (), passphrase=password.encode("utf-8"))
    except ValueError:
        raise BulletinError(_("cannot open the certificate {name}: wrong password, or not a PKCS#12 file")
                            .format(name=config["certificate"]), where,
                            _("check {variable}, or export the certificate again as .p12 (.pfx)")
                            .format(variable=PASSWORD_VARIABLE)) from None


def _workspace_file(root: Path, name: str, where: Location, confined) -> Path:
    path = root / name
    if not path.exists():
        raise BulletinError(_("{name} does not exist").format(name=name), where,
                            _("put the file in the workspace, or correct its name in bulletin.yaml"))
    return confined(path, root)


def _writer(pdf: bytes):
    """An incremental writer that leaves the Info dictionary and XMP metadata as they are."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    if not callable(getattr(IncrementalPdfFileWriter, "_update_meta", None)):
        raise BulletinError(_("this pyHanko ({version}) is not the one bulletin was checked with")
                            .format(version=_pyhanko_version()), hint=_("pip install 'pyhanko>=0.38,<0.39'"))

    class _KeepMetadata(IncrementalPdfFileWriter):
        def _update_meta(self):  # pyHanko 0.38: the metadata update of every write
            pass

    return _KeepMetadata(io.BytesIO(pdf))


def _pyhanko_version() -> str:
    from importlib.metadata import version

    return version("pyhanko")


def _still_pdfa(data: bytes, unsigned: bytes, edition: Edition) -> None:
    """Refuse a signed file that lost the PDF/A level of the unsigned one."""
    import page

    level = pdfa_level(unsigned)
    if level and not page.is_pdf_compliant_bytes(data, profile=level.lower()):
        raise BulletinError(_("the signed edition is no longer PDF/A-{level}; it was not written")
                            .format(level=level), Location(edition.issue.source),
                            _("report this as a bug in bulletin, with the versions that 'bulletin doctor' prints"))


def pdfa_level(pdf: bytes) -> str:
    """The PDF/A level a PDF declares in its XMP metadata (3A, 3U, ...), or ''."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return doc.open_metadata().pdfa_status or ""


def seal_box(pdf: bytes, edition: Edition) -> tuple[float, float, float, float]:
    """Where the seal goes on page 1: a 42 mm square centred on the date under the masthead.

    The date is found in the typeset page (its text, as PDF readers see it), so any
    theme that prints the date label on page 1 gets the seal in the right place."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        text = doc[0].get_textpage()
        found = text.search(edition.date_label, match_case=True).get_next()
        if found is None:
            raise BulletinError(_("the date {date} is not on page 1: no place for the seal")
                                .format(date=edition.date_label), Location(edition.issue.source),
                                _("a theme that moves the date must keep it on page 1"))
        first, count = found
        boxes = [text.get_charbox(i) for i in range(first, first + count)]
    finally:
        doc.close()
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
    cx, cy, half = (left + right) / 2, (bottom + top) / 2, SEAL_SIZE / 2
    return (cx - half, cy - half, cx + half, cy + half)


def _tagged_field(pdf: bytes, box: tuple[float, float, float, float], alt: str) -> bytes:
    """`pdf` with an empty signature field on page 1, tagged as PDF/UA asks: a Form structure
    element holding the widget, and the widget's description (/TU).  pyHanko signs into it;
    a field pyHanko made itself would be untagged, and the signed edition no longer PDF/UA-1."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    from .binding import _flat

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        page, tree = doc.pages[0].obj, doc.Root.StructTreeRoot
        document = tree.K if isinstance(tree.K, Dictionary) else tree.K[0]
        key = max((k for k, _ in _flat(tree.ParentTree)), default=-1) + 1
        widget = doc.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, FT=Name.Sig, T=String(FIELD), TU=String(alt),
            Rect=Array(box), F=132, P=page, StructParent=key))  # F: print, locked
        form = doc.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Form, P=document, Pg=page,
                                            Alt=String(alt), K=Dictionary(Type=Name.OBJR, Obj=widget, Pg=page)))
        if not isinstance(document.get("/K"), Array):
            document.K = Array([document.K]) if "/K" in document else Array()
        document.K.append(form)
        tree.ParentTree = doc.make_indirect(Dictionary(Nums=Array(
            [item for k, v in sorted(_flat(tree.ParentTree) + [(key, form)], key=lambda kv: kv[0])
             for item in (k, v)])))
        tree.ParentTreeNextKey = key + 1
        page.Annots = Array([*page.get("/Annots", []), widget])
        doc.Root.AcroForm = Dictionary(Fields=Array([widget]))
        out = io.BytesIO()
        doc.save(out, deterministic_id=True)
        return out.getvalue()


def sign(pdf: bytes, root: Path, pub: Publication, edition: Edition) -> tuple[bytes, Signature]:
    """`pdf` signed with the workspace's certificate and seal; the signature as `verify` will see it."""
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.layout import AxisAlignment, SimpleBoxLayoutRule
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko.stamp import StaticStampStyle

    from .workspace import confined

    config = settings(pub)
    signer = _signer(root, config)
    where = Location(root / "bulletin.yaml")
    seal = _workspace_file(root, config["seal"], where, confined)
    try:
        style = StaticStampStyle(background=PdfImage(str(seal)), border_width=0, background_opacity=1.0,
                                 background_layout=SimpleBoxLayoutRule(AxisAlignment.ALIGN_MID,
                                                                       AxisAlignment.ALIGN_MID))
    except OSError:
        raise BulletinError(_("the seal {name} is not an image").format(name=config["seal"]), where,
                            _("use a PNG with a transparent background")) from None
    url = config.get("timestamp_url")
    meta = signers.PdfSignatureMetadata(field_name=FIELD, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES,
                                        reason=edition.period_label, location=edition.issue.publisher)
    alt = labels.words(edition.issue.language)["seal_alt"].format(publisher=edition.issue.publisher)
    prepared = _tagged_field(pdf, seal_box(pdf, edition), alt)
    pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style,
                                   timestamper=timestamps.HTTPTimeStamper(url) if url else None)
    try:
        with _quiet():
            out = pdf_signer.sign_pdf(_writer(prepared), existing_fields_only=True, output=io.BytesIO())
    except timestamps.TimestampRequestError as exc:
        raise BulletinError(_("the time-stamp server {url} did not answer: {why}").format(url=url, why=exc),
                            where, _("try again later, or remove timestamp_url to sign without a time-stamp")) \
            from None
    data = out.getvalue()
    _still_pdfa(data, pdf, edition)
    return data, signatures(data)[-1]


def signatures(pdf: bytes) -> list[Signature]:
    """Every signature of `pdf`, validated: intact, cryptographically valid, nothing changed after it."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    found = []
    for embedded in reader.embedded_signatures:
        cert = embedded.signer_cert
        # The office's own certificate is the anchor: whether a CA vouches for it is for the
        # reader's PDF software; what the archive needs is that these bytes are what it signed.
        context = ValidationContext(trust_roots=[cert], allow_fetching=False)
        with _quiet():
            status = validate_pdf_signature(embedded, context, skip_diff=False)
        when = status.timestamp_validity.timestamp if status.timestamp_validity else status.signer_reported_dt
        found.append(Signature(
            signer=cert.subject.native.get("common_name") or cert.subject.human_friendly, signed_at=when.isoformat() if when else "",
            timestamped=status.timestamp_validity is not None,
            certificate_sha256=hashlib.sha256(cert.dump()).hexdigest(), problem=_problem(status)))
    return found


def _problem(status) -> str:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if not status.intact:
        return _("the signed bytes have been changed")
    if not status.valid:
        return _("the signature does not match the certificate")
    stamp = status.timestamp_validity
    if stamp is not None and not (stamp.intact and stamp.valid):
        return _("the time-stamp does not match the signature")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        level = status.modification_level
        if level is None or level > ModificationLevel.LTA_UPDATES:
            return _("the file was changed after it was signed")
    return ""


def check(path: Path, rel: str, name: str, report: Report) -> list[Signature]:
    """Report each signature of the PDF at `path` that fails; returns them all."""
    try:
        found = signatures(path.read_bytes())
    except Exception as exc:  # noqa: BLE001 - a damaged file is a finding, not a crash
        report.error(_("{name}: {file}: the signature cannot be read: {why}").format(name=name, file=rel, why=exc),
                     Location(path), _("restore it from version control"))
        return []
    for sig in found:
        if sig.problem:
            report.error(_("{name}: {file}: {problem} (signed by {signer})")
                         .format(name=name, file=rel, problem=sig.problem, signer=sig.signer),
                         Location(path), _("restore it from version control, or publish it again"))
    return found


def check_record(root: Path, name: str, record: dict, report: Report) -> list[Signature]:
    """A published edition's signatures: each valid, and the one the manifest recorded still there."""
    found = []
    for rel in (r for r in record["outputs"] if r.endswith(".pdf")):
        path = root / rel
        if not path.is_file():
            continue  # reported missing by the hash check
        sigs = check(path, rel, name, report)
        found += sigs
        wanted = record["signature"]["certificate_sha256"]
        if not any(s.certificate_sha256 == wanted for s in sigs):
            report.error(_("{name}: {file} is no longer signed by {signer}")
                         .format(name=name, file=rel, signer=record["signature"]["signer"]), Location(path),
                         _("restore it from version control, or publish it again with --sign"))
    return found
