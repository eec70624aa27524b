"""The archive package of 2018 (归档包) and its self-check (四性检测), read back and tampered with."""
import hashlib
import shutil
import xml.etree.ElementTree as ET
import zipfile

import pikepdf
import pytest

from conftest import REPO, run

NS = "{urn:bulletin:archive:1}"
EDITIONS = ("2018-01", "2018-02", "2018-03")


def workspace(root, publish=EDITIONS):
    root.mkdir(parents=True)
    config = (REPO / "bulletin.yaml").read_text(encoding="utf-8") + "retention: 永久\n"
    (root / "bulletin.yaml").write_text(config, encoding="utf-8")
    shutil.copytree(REPO / "issues", root / "issues")
    for name in publish:
        run("publish", name, cwd=root, check=True)
    return root


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    root = workspace(tmp_path_factory.mktemp("archive") / "ws")
    approval = '{"edition": "2018-02", "step": "签发", "by": "张三", "at": "2018-03-04T10:00:00+08:00"}\n'
    (root / "published" / "approvals.jsonl").write_text(approval + "not json\n", encoding="utf-8")
    proc = run("archive", "2018", "--zip", cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root, root / "archive" / "2018", proc


@pytest.fixture
def copy(package, tmp_path):
    """A copy of the fresh package, to damage."""
    target = tmp_path / "2018"
    shutil.copytree(package[1], target)
    return target


def check(folder):
    proc = run("archive", "--check", folder, cwd=folder.parent)
    return proc.returncode, proc.stdout.splitlines()


def test_fresh_package_passes_every_check(package):
    root, folder, proc = package
    assert "wrote archive/2018" in proc.stdout
    for name in ("integrity", "authenticity", "usability", "security"):
        assert any(line.startswith(f"ok   {name}: ") for line in proc.stdout.splitlines()), proc.stdout
    assert "FAIL" not in proc.stdout and proc.stdout.rstrip().endswith("every check passed")
    assert (folder / "report.txt").read_text(encoding="utf-8") in proc.stdout
    assert check(folder)[0] == 0


def test_manifest_names_every_file_with_its_digests(package):
    root, folder, _ = package
    listed = {f.get("路径"): f for f in ET.parse(folder / "manifest.xml").getroot().iter(f"{NS}文件")}
    assert sorted(listed) == sorted(f"editions/{n}/{f}" for n in EDITIONS  # the sample makes DOCX and OFD too
                                    for f in (f"{n}.pdf", f"{n}.md", f"{n}.docx", f"{n}.ofd", "metadata.xml"))
    for rel, entry in listed.items():
        data = (folder / rel).read_bytes()
        assert entry.get("SHA256") == hashlib.sha256(data).hexdigest()
        assert entry.get("SM3") == hashlib.new("sm3", data).hexdigest()
    assert (folder / "editions/2018-02/2018-02.pdf").read_bytes() == (root / "published/2018-02.pdf").read_bytes()
    assert (folder / "editions/2018-02/2018-02.md").read_bytes() == (root / "issues/2018-02.md").read_bytes()
    with zipfile.ZipFile(folder.with_name("2018.zip")) as zf:
        assert sorted(zf.namelist()) == sorted(f"2018/{rel}" for rel in [*listed, "manifest.xml", "report.txt"])
        assert zf.read("2018/editions/2018-01/2018-01.pdf") == (folder / "editions/2018-01/2018-01.pdf").read_bytes()


def test_metadata_record_of_an_edition(package):
    root, folder, _ = package
    record = ET.parse(folder / "editions/2018-02/metadata.xml").getroot()
    field = {child.tag.removeprefix(NS): (child.text or "") for child in record}
    assert field["题名"] == "清远市创建国家环保模范城市 工作简报 2018年第2期（总第42期）"
    assert field["责任者"] == "清远市创建国家环境保护模范城市工作领导小组办公室"
    assert field["期号"] == "2018年第2期（总第42期）" and field["日期"] == "2018-03-05"
    assert field["保管期限"] == "永久" and "密级" in field
    with pikepdf.open(folder / "editions/2018-02/2018-02.pdf") as pdf:
        assert field["页数"] == str(len(pdf.pages))
    files = {f.get("名称"): f for f in record.iter(f"{NS}文件")}
    assert files["2018-02.pdf"].get("格式") == "PDF/A-3A"
    assert files["2018-02.pdf"].get("大小") == str((folder / "editions/2018-02/2018-02.pdf").stat().st_size)
    tools = {t.get("名称"): t.get("版本") for t in record.iter(f"{NS}工具")}
    assert tools["weasyprint"] and tools["python"]
    approvals = [a.attrib for a in record.iter(f"{NS}审批")]
    assert approvals == [{"edition": "2018-02", "step": "签发", "by": "张三", "at": "2018-03-04T10:00:00+08:00"}]
    other = ET.parse(folder / "editions/2018-01/metadata.xml").getroot()
    assert list(other.iter(f"{NS}审批")) == []


def failures(lines, check_name):
    return [line for line in lines if line.startswith(f"FAIL {check_name}: ")]


def test_a_flipped_byte_in_a_pdf_fails_naming_it(copy):
    pdf = copy / "editions/2018-02/2018-02.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    code, lines = check(copy)
    assert code == 1
    assert any("editions/2018-02/2018-02.pdf: its SHA256 differs" in line for line in failures(lines, "authenticity"))


def test_a_missing_edition_file_fails_naming_it(copy):
    (copy / "editions/2018-03/2018-03.pdf").unlink()
    code, lines = check(copy)
    assert code == 1
    assert "FAIL integrity: editions/2018-03/2018-03.pdf: named in the manifest but missing" in lines


def test_an_extra_file_fails_naming_it(copy):
    (copy / "editions/2018-01/notes.txt").write_text("?", encoding="utf-8")
    code, lines = check(copy)
    assert code == 1
    assert "FAIL integrity: editions/2018-01/notes.txt: not named in the manifest" in lines


def test_an_unparsable_xml_record_fails_naming_it(copy):
    record = copy / "editions/2018-01/metadata.xml"
    record.write_bytes(record.read_bytes().replace(b"</", b"<", 1))
    code, lines = check(copy)
    assert code == 1
    assert any(line.startswith("FAIL usability: editions/2018-01/metadata.xml: not well-formed XML")
               for line in lines), lines


def test_javascript_added_to_a_pdf_fails_naming_it(copy):
    path = copy / "editions/2018-01/2018-01.pdf"
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        pdf.save(path)
    code, lines = check(copy)
    assert code == 1
    assert "FAIL security: editions/2018-01/2018-01.pdf: contains JavaScript" in lines


def test_an_outside_link_fails_naming_the_pdf(copy):
    path = copy / "editions/2018-03/2018-03.pdf"
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10],
                                  A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("http://example.com/")))
        pdf.pages[0].Annots.append(pdf.make_indirect(link))
        pdf.save(path)
    code, lines = check(copy)
    assert "FAIL security: editions/2018-03/2018-03.pdf: links outside itself (URI)" in lines


def test_a_gap_in_the_numbering_fails(tmp_path):
    root = workspace(tmp_path / "ws", publish=("2018-01", "2018-03"))
    proc = run("archive", "2018", "--out", tmp_path / "pkg", cwd=root)
    assert proc.returncode == 1
    assert "FAIL integrity: regular numbering: missing [2], twice -" in proc.stdout
    assert (tmp_path / "pkg" / "report.txt").is_file()


def test_archive_of_a_year_with_nothing_published(tmp_path):
    root = workspace(tmp_path / "ws", publish=())
    proc = run("archive", "2018", cwd=root)
    assert proc.returncode == 1 and "no edition of 2018 has been published" in proc.stderr
    assert not (root / "archive").exists()
