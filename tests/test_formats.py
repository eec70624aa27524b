"""The formats of bulletin.yaml: each chosen one is made by the build, kept up to date by the
plan, and an unknown one is an error at its line."""
import re
import zipfile

from conftest import run


def test_the_sample_is_built_in_every_format_it_chooses(sample):
    root, proc = sample
    out = root / "output"
    for name in ("2018-01", "2018-02", "2018-03", "2019-01"):
        assert (out / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
        with zipfile.ZipFile(out / f"{name}.docx") as docx:
            assert "word/document.xml" in docx.namelist()
        with zipfile.ZipFile(out / f"{name}.ofd") as ofd:
            assert "OFD.xml" in ofd.namelist()
    assert re.search(r"2018-02\.pdf \(\d+ pages\), output/2018-02\.docx, output/2018-02\.ofd", proc.stdout)
    page = (out / "2018-02.html").read_text(encoding="utf-8")
    assert '<a href="2018-02.docx"' in page and '<a href="2018-02.ofd" type="application/ofd">' in page


def test_a_format_added_later_is_made_for_every_edition_and_nothing_else_again(sample_ws):
    config = sample_ws / "bulletin.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^formats:.*$", "formats: [pdf, html]", text), encoding="utf-8")
    run("build", cwd=sample_ws, check=True)
    pdf = (sample_ws / "output" / "2018-02.pdf").stat().st_mtime_ns
    assert not (sample_ws / "output" / "2018-02.docx").exists()
    config.write_text(re.sub(r"(?m)^formats:.*$", "formats: [pdf, html, docx]", text), encoding="utf-8")
    proc = run("build", cwd=sample_ws, check=True)
    assert (sample_ws / "output" / "2018-02.docx").is_file()
    assert "2018-02.docx" in proc.stdout
    assert (sample_ws / "output" / "2018-02.pdf").stat().st_mtime_ns == pdf
    again = run("build", cwd=sample_ws, check=True)
    assert "nothing changed" in again.stdout + again.stderr
    config.write_text(re.sub(r"(?m)^formats:.*$", "formats: [pdf, html]", text), encoding="utf-8")
    run("build", cwd=sample_ws, check=True)
    assert not list((sample_ws / "output").glob("*.docx"))  # a format taken out: its files go
    assert (sample_ws / "output" / "2018-02.pdf").stat().st_mtime_ns == pdf


def test_an_unknown_format_is_an_error_at_its_line(sample_ws):
    config = sample_ws / "bulletin.yaml"
    text = config.read_text(encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s.startswith("formats:"))
    config.write_text(text.replace("formats: [pdf, html, docx, ofd]", "formats: [pdf, html, doc]"), encoding="utf-8")
    proc = run("check", cwd=sample_ws, env={"BULLETIN_LANG": "en"})
    assert proc.returncode == 1
    assert f"bulletin.yaml:{line}:" in proc.stderr and "'doc'" in proc.stderr
    assert "docx" in proc.stderr  # the hint names the formats there are


def test_publish_issues_every_chosen_format_into_the_manifest(sample_ws):
    import hashlib
    import json

    run("publish", "2018-02", cwd=sample_ws, check=True)
    record = json.loads((sample_ws / "published" / "manifest.json").read_text(encoding="utf-8"))["editions"]["2018-02"]
    for suffix in ("pdf", "html", "docx", "ofd"):
        rel = f"published/2018-02.{suffix}"
        assert record["outputs"][rel] == hashlib.sha256((sample_ws / rel).read_bytes()).hexdigest()
    with zipfile.ZipFile(sample_ws / "published" / "2018-02.ofd") as ofd:
        assert "OFD.xml" in ofd.namelist()
    assert run("verify", cwd=sample_ws).returncode == 0
    (sample_ws / "published" / "2018-02.ofd").write_bytes(b"not the OFD that was issued")
    altered = run("verify", cwd=sample_ws)
    assert altered.returncode == 1 and "2018-02.ofd" in altered.stderr
