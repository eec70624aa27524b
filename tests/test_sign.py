"""Accessible and signed editions: PDF/A-3a + PDF/UA-1, PAdES with a seal and a time-stamp, and verify."""
import datetime as dt
import io
import re
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import page
import pdfplumber
import pikepdf
import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image, ImageDraw
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from conftest import REPO, run

PASSWORD = "correct horse"
SIGNER = "清远市创模办 简报签发"


def certificate(common_name, usage=None):
    # pyHanko's test time-stamper signs with RSA only; the office's key is an EC one
    key = rsa.generate_private_key(65537, 2048) if usage else ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30)))
    if usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=True)
    return key, builder.sign(key, hashes.SHA256())


def seal_png(path):
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 292, 292), outline=(220, 0, 0, 255), width=12)
    draw.regular_polygon((150, 150, 70), 5, fill=(220, 0, 0, 255))
    image.save(path)


def workspace(tmp_path, timestamp_url=None):
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copytree(REPO / "issues", root / "issues")
    key, cert = certificate(SIGNER)
    (root / "office.p12").write_bytes(pkcs12.serialize_key_and_certificates(
        b"office", key, cert, None, serialization.BestAvailableEncryption(PASSWORD.encode())))
    seal_png(root / "seal.png")
    signing = "signing:\n  certificate: office.p12\n  seal: seal.png\n"
    if timestamp_url:
        signing += f"  timestamp_url: {timestamp_url}\n"
    (root / "bulletin.yaml").write_text((REPO / "bulletin.yaml").read_text(encoding="utf-8") + signing,
                                        encoding="utf-8")
    return root, cert


def middle_of_largest_stream(data):
    """The offset of a byte inside the largest content stream (not an object or xref stream)."""
    found = []
    for m in re.finditer(rb"obj\s*<<(.*?)>>\s*stream\r?\n", data, re.S):
        if b"/ObjStm" not in m.group(1) and b"/XRef" not in m.group(1):
            end = data.index(b"endstream", m.end())
            found.append((end - m.end(), m.end()))
    size, start = max(found)
    return start + size // 2


def failures(pdf, profile):
    result = page.validate_pdf(str(pdf), profile=profile)
    return [(f.rule_id, f.message) for f in result.failures]


def test_published_edition_is_pdfa3a_and_pdfua1(tmp_path):
    root, _ = workspace(tmp_path)
    run("publish", "2018-02", cwd=root, check=True)
    pdf = root / "published" / "2018-02.pdf"
    assert failures(pdf, "3a") == []
    assert failures(pdf, "ua1") == []
    with pikepdf.open(pdf) as doc:
        meta = doc.open_metadata()
        assert meta.pdfa_status == "3A"
        assert meta.get("{http://www.aiim.org/pdfua/ns/id/}part") == "1"
        assert doc.Root.MarkInfo.Marked is True and "/StructTreeRoot" in doc.Root


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    root, cert = workspace(tmp_path_factory.mktemp("signed"))
    proc = run("publish", "2018-02", "--sign", cwd=root, env={"BULLETIN_SIGN_PASSWORD": PASSWORD})
    assert proc.returncode == 0, proc.stderr
    return root, cert


def test_signed_edition_validates_and_stays_pdfa(signed):
    root, cert = signed
    pdf = root / "published" / "2018-02.pdf"
    with pdf.open("rb") as f:
        sigs = PdfFileReader(f).embedded_signatures
        assert len(sigs) == 1
        context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(cert.public_bytes(
            serialization.Encoding.DER))])
        status = validate_pdf_signature(sigs[0], context)
        assert status.bottom_line, status.pretty_print_details()
        assert status.signing_cert.subject.native["common_name"] == SIGNER
    assert failures(pdf, "3a") == []  # the signed file, not the one before signing
    assert failures(pdf, "ua1") == []  # the field is tagged: a Form element and its description


def test_seal_stands_over_the_date_under_the_masthead(signed):
    root, _ = signed
    with pdfplumber.open(root / "published" / "2018-02.pdf") as doc:
        first = doc.pages[0]
        widget = next(a for a in first.annots if a["data"].get("FT") and a["data"]["FT"].name == "Sig")
        date = first.search("2018年3月5日")[0]
    assert widget["x0"] < date["x0"] and date["x1"] < widget["x1"]
    assert widget["top"] < date["top"] and date["bottom"] < widget["bottom"]
    assert 110 < widget["x1"] - widget["x0"] < 130  # 42 mm


def test_verify_reports_the_signer_and_fails_on_a_later_change(signed, tmp_path):
    root, _ = signed
    proc = run("verify", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert f"2018-02: signed by {SIGNER} on " in proc.stdout
    altered = tmp_path / "altered"
    shutil.copytree(root, altered)
    pdf = altered / "published" / "2018-02.pdf"
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()))
    forged = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 12 Tf 100 100 Td (forged) Tj ET"))
    writer.add_stream_to_page(0, forged)
    out = io.BytesIO()
    writer.write(out)
    pdf.write_bytes(out.getvalue())
    proc = run("verify", cwd=altered)
    assert proc.returncode == 1
    assert "published/2018-02.pdf: the file was changed after it was signed" in proc.stderr


def test_a_flipped_byte_inside_the_signed_range_fails_verify(signed, tmp_path):
    root, _ = signed
    altered = tmp_path / "flipped"
    shutil.copytree(root, altered)
    pdf = altered / "published" / "2018-02.pdf"
    data = bytearray(pdf.read_bytes())
    data[middle_of_largest_stream(bytes(data))] ^= 0x01  # a font or page: signed, not structure
    pdf.write_bytes(bytes(data))
    proc = run("verify", cwd=altered)
    assert proc.returncode == 1
    assert "the signed bytes have been changed" in proc.stderr


def test_signing_without_the_password_writes_nothing(tmp_path):
    root, _ = workspace(tmp_path)
    proc = run("publish", "2018-01", "--sign", cwd=root, env={"BULLETIN_SIGN_PASSWORD": ""})
    assert proc.returncode == 1
    assert "BULLETIN_SIGN_PASSWORD" in proc.stderr
    assert not (root / "published" / "2018-01.pdf").exists()


def test_a_certificate_outside_the_workspace_is_refused(tmp_path):
    root, _ = workspace(tmp_path)
    text = (root / "bulletin.yaml").read_text(encoding="utf-8").replace("certificate: office.p12",
                                                                        "certificate: ../office.p12")
    (root / "bulletin.yaml").write_text(text, encoding="utf-8")
    proc = run("publish", "2018-02", "--sign", cwd=root, env={"BULLETIN_SIGN_PASSWORD": PASSWORD})
    assert proc.returncode == 1
    assert "bulletin.yaml:" in proc.stderr and "signing.certificate" in proc.stderr


class _TimeStampAuthority(BaseHTTPRequestHandler):
    """An RFC 3161 server on 127.0.0.1: pyHanko's test stamper behind real HTTP."""

    stamper = None
    requests = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        assert self.headers["Content-Type"] == "application/timestamp-query"
        response = type(self).stamper.request_tsa_response(tsp.TimeStampReq.load(body))
        type(self).requests += 1
        data = response.dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_a_timestamp_server_dates_the_signature(tmp_path):
    key, cert = certificate("Test TSA", ExtendedKeyUsageOID.TIME_STAMPING)
    der = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    pkey = asn1_keys.PrivateKeyInfo.load(key.private_bytes(serialization.Encoding.DER,
                                                           serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption()))
    _TimeStampAuthority.stamper = DummyTimeStamper(tsa_cert=der, tsa_key=pkey)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TimeStampAuthority)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        root, _ = workspace(tmp_path, f"http://127.0.0.1:{server.server_address[1]}/tsa")
        proc = run("publish", "2018-01", "--sign", cwd=root, env={"BULLETIN_SIGN_PASSWORD": PASSWORD})
        assert proc.returncode == 0, proc.stderr
    finally:
        server.shutdown()
    assert _TimeStampAuthority.requests >= 1  # pyHanko asks once more to size the signature
    proc = run("verify", cwd=root, check=True)
    assert "(time-stamped)" in proc.stdout
    assert failures(root / "published" / "2018-01.pdf", "3a") == []


def test_a_signed_edition_in_the_volume_keeps_its_seal_but_not_the_signature(signed, tmp_path):
    root, _ = signed
    work = tmp_path / "ws"
    shutil.copytree(root, work)
    run("volume", "2018", cwd=work, check=True)
    volume = work / "output" / "volumes" / "2018.pdf"
    assert failures(volume, "3a") == []
    with pikepdf.open(volume) as pdf:
        assert "/AcroForm" not in pdf.Root
        assert not any(a.get("/FT") == "/Sig" for p in pdf.pages for a in p.get("/Annots", []))
        edition = next(item for item in pdf.open_outline().root if item.title.startswith("2018年第2期"))
        page = pikepdf.Page(edition.destination[0])
        # the seal's appearance, printed on the page (as an artifact: the volume stays PDF/UA-1)
        assert any(name.startswith("/Seal") for name in _forms(page)), "the seal was dropped from the page"
    assert failures(volume, "ua1") == []


def _forms(page):
    resources = page.obj.get("/Resources", {})
    return {str(k): v for k, v in resources.get("/XObject", {}).items() if v.get("/Subtype") == "/Form"}


def test_the_archive_self_check_validates_a_signed_edition(signed, tmp_path):
    root, _ = signed
    work = tmp_path / "ws"
    shutil.copytree(root, work)
    proc = run("archive", "2018", cwd=work)
    assert "authenticity: 5 file(s) match their digests; 1 signed PDF(s) valid" in proc.stdout  # PDF, source, record, DOCX, OFD
    record = (work / "archive/2018/editions/2018-02/metadata.xml").read_text(encoding="utf-8")
    assert f'签署者="{SIGNER}"' in record
    pdf = work / "archive/2018/editions/2018-02/2018-02.pdf"
    data = bytearray(pdf.read_bytes())
    data[middle_of_largest_stream(bytes(data))] ^= 0x01
    pdf.write_bytes(bytes(data))
    proc = run("archive", "--check", work / "archive/2018", cwd=work)
    assert proc.returncode == 1
    assert ("FAIL authenticity: editions/2018-02/2018-02.pdf: the signed bytes have been changed "
            f"(signed by {SIGNER})") in proc.stdout
