"""`bulletin import`: a corpus of Word files, one per trap, imported and built by the real commands.

Each file is made here with python-docx (the XML python-docx cannot write,
tracked changes, WPS outline levels, footnotes, is written by hand), imported
with `bulletin import`, and the whole workspace built once with `bulletin
build`; each test then reads the issue's Markdown, the report on stderr and
the rendered HTML edition.
"""
import html
import io
import json
import re
import shutil
import struct
import subprocess
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt
from PIL import Image

from conftest import CONFIG, issue, run

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _xml(fragment: str):
    return parse_xml(f'<w:wrap xmlns:w="{W}">{fragment}</w:wrap>')[0]


def _picture(color, fmt="PNG") -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), color).save(out, fmt)
    out.seek(0)
    return out


# The corpus: name -> (builder, what the test expects)

def styled(path):
    d = docx.Document()
    d.add_paragraph("依靠科学手段精准治污", style="Title")
    d.add_paragraph("\u3000\u30002月7日，市环保局组织召开专题工作会议。")
    d.add_heading("一、总体要求", level=1)
    p = d.add_paragraph()
    p.add_run("加强组织领导。").bold = True
    p.add_run("各单位要")
    p.add_run("认真").italic = True
    p.add_run("落实*责任*。")
    p.paragraph_format.first_line_indent = Pt(32)
    d.add_heading("（一）工作机制", level=2)
    p = d.add_paragraph("第一句写完了。")
    p.runs[0].add_break()
    p.add_run("第二句没有")
    p.runs[1].add_break()
    p.add_run("写完就换行了。")
    d.add_heading("细化分工", level=3)
    d.add_paragraph("1. 这一段以数字开头，仍是正文。")
    d.save(path)


def direct(path):
    d = docx.Document()
    for line in ("关于开展大气污染防治", "专项行动的情况报告"):
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = p.add_run(line)
        r.bold, r.font.size = True, Pt(22)
    p = d.add_paragraph("今年以来，我局按照市委部署开展专项行动。")
    p.paragraph_format.first_line_indent = Pt(32)
    for text, face in (("工作成效", "黑体"), ("具体做法", "楷体")):
        r = d.add_paragraph().add_run(text)
        r.font.size = Pt(16)
        r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), face)
    d.add_paragraph("全市空气质量优良天数比例达到百分之九十。")
    d.save(path)


def wps(path):
    """WPS: style ids 1, 2, 3 that styles.xml does not define; headings only by w:outlineLvl."""
    d = docx.Document()
    body = d.element.body
    rows = [("1", None, "清远市环境监测工作简况"), ("2", 0, "一、监测网络建设"), ("1", None, "全市建成自动监测站十二个。"),
            ("3", 1, "（一）水质自动站"), ("1", None, "北江沿线新建水质自动站三个。"), ("2", 0, "二、下一步工作")]
    for sid, outline, text in rows:
        lvl = f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else ""
        jc = '<w:jc w:val="center"/>' if text.startswith("清远") else ""
        body.insert(len(body) - 1, _xml(f'<w:p><w:pPr><w:pStyle w:val="{sid}"/>{jc}{lvl}</w:pPr>'
                                        f'<w:r><w:t>{text}</w:t></w:r></w:p>'))
    d.save(path)


def numbered(path):
    d = docx.Document()
    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("全市河长制工作推进情况")
    for text in ("一、基本情况", "今年全市共设立河长二百余名。", "（一）组织体系", "1.市级河长", "（1）巡河制度",
                 "一、这一段虽以编号开头，但是它很长，是一整段叙述性的正文，写了工作的来龙去脉。还有第二句。"):
        d.add_paragraph(text)
    d.save(path)


def table(path):
    d = docx.Document()
    d.add_paragraph("主要污染物监测结果", style="Title")
    d.add_paragraph("表1 主要指标")
    t = d.add_table(rows=4, cols=3)
    head = t.cell(0, 0).merge(t.cell(0, 1))
    head.text = "指标名称"
    t.cell(0, 2).text = "数值"
    side = t.cell(1, 0).merge(t.cell(2, 0))
    side.text = "颗粒物"
    for r, (name, value) in enumerate((("PM2.5", "35"), ("PM10", "60")), 1):
        t.cell(r, 1).text, t.cell(r, 2).text = name, value
    t.cell(3, 0).text, t.cell(3, 1).text, t.cell(3, 2).text = "臭氧", "O3", "160"
    d.add_paragraph("以上数据由市监测站提供。")
    d.save(path)


def picture(path):
    d = docx.Document()
    d.add_paragraph("现场检查情况", style="Title")
    d.add_paragraph("检查组到企业现场核查。")
    d.add_picture(_picture("red"))
    d.add_paragraph("图1 现场检查照片")
    d.add_paragraph("图2 整改后的车间")
    d.add_picture(_picture("blue", "JPEG"))
    d.add_paragraph("企业已完成整改。")
    d.save(path)


def footnotes(path):
    d = docx.Document()
    d.add_paragraph("空气质量通报", style="Title")
    p = d.add_paragraph("全市PM2.5平均浓度为35微克每立方米")
    p._p.append(_xml('<w:r><w:footnoteReference w:id="1"/></w:r>'))
    p.add_run("，同比下降。")
    p = d.add_paragraph("优良天数比例为九成")
    p._p.append(_xml('<w:r><w:footnoteReference w:id="2"/></w:r>'))
    p.add_run("。")
    notes = (f'<w:footnotes xmlns:w="{W}">'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> 数据来自市监测站。'
             '</w:t></w:r></w:p></w:footnote>'
             '<w:footnote w:id="2"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t>按新标准评价。</w:t></w:r></w:p>'
             '</w:footnote></w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                notes.encode(), d.part.package)
    d.part.relate_to(part, RT.FOOTNOTES)
    d.save(path)


def tracked(path):
    d = docx.Document()
    d.add_paragraph("整治工作动态", style="Title")
    p = d.add_paragraph("会议决定")
    p._p.append(_xml('<w:del w:id="1" w:author="李四" w:date="2018-03-01T10:00:00Z"><w:r><w:delText>暂缓'
                     '</w:delText></w:r></w:del>'))
    p._p.append(_xml('<w:ins w:id="2" w:author="李四" w:date="2018-03-01T10:00:00Z"><w:r><w:t>立即</w:t></w:r></w:ins>'))
    p.add_run("启动整治。")
    d.add_paragraph("各单位按期上报进度。")
    d.save(path)


def commented(path):
    d = docx.Document()
    title = d.add_paragraph("执法检查通报", style="Title")
    title.runs[0].add_break()
    title.add_run("（第一季度）")
    p = d.add_paragraph("本月共检查企业四十家。")
    d.add_comment(p.runs, text="请核实数字", author="王五")
    d.add_paragraph("发现问题已责令整改。")
    d.save(path)


CORPUS = {"styles.docx": styled, "direct.docx": direct, "wps.docx": wps, "numbered.docx": numbered,
          "table.docx": table, "picture.docx": picture, "footnotes.docx": footnotes, "tracked.docx": tracked,
          "comments.docx": commented}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Every file of the corpus imported into its own new issue, then the workspace built once."""
    base = tmp_path_factory.mktemp("import")
    root = base / "ws"
    (root / "issues").mkdir(parents=True)
    (root / "bulletin.yaml").write_text(CONFIG, encoding="utf-8")
    (root / "issues" / "2018-01.md").write_text(issue(1, "2018-01-05", total=1), encoding="utf-8")
    results = {}
    for name, make in CORPUS.items():
        make(base / name)
        extra = ("--source", "市环保局", "--author", "张三") if name == "styles.docx" else ()
        proc = run("import", base / name, *extra, cwd=root)
        assert proc.returncode == 0, proc.stderr
        path = root / proc.stdout.strip()
        results[name] = (path.read_text(encoding="utf-8"), proc.stderr, path.stem)
    run("build", cwd=root, check=True)
    return root, results


def article_text(root, edition) -> str:
    """The text of the articles of an edition's HTML page, without tags or whitespace."""
    page = (root / "output" / f"{edition}.html").read_text(encoding="utf-8")
    parts = re.findall(r"<article\b.*?</article>", page, re.S)
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", "".join(parts))))


def body(markdown: str) -> str:
    return markdown.split("\n---\n", 1)[1]


def headings(markdown: str) -> list[str]:
    return [line for line in body(markdown).splitlines() if line.startswith("#")]


def pdf_text(root, edition) -> str:
    out = subprocess.run(["pdftotext", str(root / "output" / f"{edition}.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


def once(root, edition, *texts):
    """Each text once in the articles of the HTML edition, and once in the PDF."""
    shown, printed = article_text(root, edition), pdf_text(root, edition)
    for text in texts:
        bare = re.sub(r"\s+", "", text)
        assert shown.count(bare) == 1, (text, shown)
        assert printed.count(bare) == 1, (text, printed)


def test_styles(corpus):
    root, results = corpus
    md, report, edition = results["styles.docx"]
    assert '{source="市环保局" author="张三"}\n## 依靠科学手段精准治污\n' in md
    assert headings(md) == ["## 依靠科学手段精准治污", "### 一、总体要求", "#### （一）工作机制", "##### 细化分工"]
    assert "\n2月7日，" in md and "\u3000" not in body(md)  # the indent is the theme's
    assert "**加强组织领导**。各单位要*认真*落实\\*责任\\*。" in md
    assert "\n第一句写完了。\n\n第二句没有写完就换行了。\n" in md
    assert "\n1\\. 这一段以数字开头" in md
    assert re.search(r"styles\.docx:paragraph 6: warning: “第一句写完了。 第二句没…” has line breaks: 1 ended", report)
    once(root, edition, "2月7日，市环保局组织召开专题工作会议。", "各单位要认真落实*责任*。", "第一句写完了。",
         "第二句没有写完就换行了。", "1.这一段以数字开头，仍是正文。")
    page = (root / "output" / f"{edition}.html").read_text(encoding="utf-8")
    assert "<strong>加强组织领导</strong>" in page and "<em>认真</em>" in page


def test_direct_formatting(corpus):
    root, results = corpus
    md, report, edition = results["direct.docx"]
    assert headings(md) == ["## 关于开展大气污染防治 | 专项行动的情况报告", "### 工作成效", "#### 具体做法"]
    assert "paragraph 1: warning: “关于开展大气污染防治” taken as the article's title (centred)" in report
    assert "paragraph 4: warning: “工作成效” taken as a heading ### from its formatting" in report
    assert "paragraph 5: warning: “具体做法” taken as a heading #### from its formatting" in report
    once(root, edition, "今年以来，我局按照市委部署开展专项行动。", "全市空气质量优良天数比例达到百分之九十。")
    assert "关于开展大气污染防治专项行动的情况报告" in article_text(root, edition)


def test_wps_outline_levels(corpus):
    root, results = corpus
    md, report, edition = results["wps.docx"]
    assert headings(md) == ["## 清远市环境监测工作简况", "### 一、监测网络建设", "#### （一）水质自动站", "### 二、下一步工作"]
    once(root, edition, "全市建成自动监测站十二个。", "北江沿线新建水质自动站三个。")
    assert "from its number" not in report  # the outline levels said it, nothing was guessed


def test_hand_numbered_headings(corpus):
    root, results = corpus
    md, report, edition = results["numbered.docx"]
    assert headings(md) == ["## 全市河长制工作推进情况", "### 一、基本情况", "#### （一）组织体系", "##### 1.市级河长",
                            "##### （1）巡河制度"]
    for n, text, marks in ((2, "一、基本情况", "###"), (4, "（一）组织体系", "####"), (5, "1.市级河长", "#####")):
        assert f"paragraph {n}: warning: “{text}” taken as a heading {marks} from its number" in report
    assert "paragraph 7: warning: “一、这一段虽以编号开头，…” starts with a heading's number but is long" in report
    once(root, edition, "今年全市共设立河长二百余名。", "一、这一段虽以编号开头，但是它很长")


def test_table_with_merged_cells(corpus):
    root, results = corpus
    md, report, edition = results["table.docx"]
    assert ": 表1 主要指标\n\n| 指标名称 |  | 数值 |\n|---|---|---|\n| 颗粒物 | PM2.5 | 35 |\n|  | PM10 | 60 |\n" in md
    assert "table 1, row 1, column 1: warning: “指标名称” is a merged cell (1 rows × 2 columns)" in report
    assert "table 1, row 2, column 1: warning: “颗粒物” is a merged cell (2 rows × 1 columns)" in report
    page = (root / "output" / f"{edition}.html").read_text(encoding="utf-8")
    assert re.search(r"<table>\s*<caption>表1 主要指标</caption>", page)
    once(root, edition, "颗粒物", "PM10", "160", "以上数据由市监测站提供。", "表1主要指标")


def test_picture_with_caption(corpus):
    root, results = corpus
    md, report, edition = results["picture.docx"]
    names = re.findall(r"!\[(图\d [^\]]+)\]\(([^)]+)\)", md)
    assert [n for n, _f in names] == ["图1 现场检查照片", "图2 整改后的车间"]
    folder = root / "issues"
    for _caption, file in names:
        assert file.startswith(f"{edition}-") and (folder / file).is_file()
    assert names[0][1].endswith(".png") and names[1][1].endswith(".jpg")
    with Image.open(folder / names[0][1]) as img:
        assert img.getpixel((5, 5)) == (255, 0, 0)
    page = (root / "output" / f"{edition}.html").read_text(encoding="utf-8")
    assert page.count("<figure") == 2 and "<figcaption>图1 现场检查照片</figcaption>" in page
    once(root, edition, "检查组到企业现场核查。", "企业已完成整改。", "图1现场检查照片", "图2整改后的车间")


def test_footnotes(corpus):
    root, results = corpus
    md, report, edition = results["footnotes.docx"]
    assert "35微克每立方米[^1]，同比下降。" in md and "优良天数比例为九成[^2]。" in md
    assert "\n[^1]: 数据来自市监测站。" in md and "\n[^2]: 按新标准评价。" in md
    page = (root / "output" / f"{edition}.html").read_text(encoding="utf-8")
    assert page.count('class="footnote-ref"') == 2
    once(root, edition, "数据来自市监测站。", "按新标准评价。")


def test_tracked_changes(corpus):
    root, results = corpus
    md, report, edition = results["tracked.docx"]
    assert "会议决定立即启动整治。" in md and "暂缓" not in md
    assert ("paragraph 2: warning: the file has tracked changes: 1 insertion(s) kept, 1 deletion(s) dropped"
            in report)
    once(root, edition, "会议决定立即启动整治。", "各单位按期上报进度。")
    assert "暂缓" not in article_text(root, edition)


def test_comments_reported_not_imported(corpus):
    root, results = corpus
    md, report, edition = results["comments.docx"]
    assert "请核实数字" not in md
    assert headings(md) == ["## 执法检查通报 | （第一季度）"]
    assert "paragraph 2: warning: “本月共检查企业四十家。” has a comment by 王五, not imported: 请核实数字" in report
    once(root, edition, "本月共检查企业四十家。", "发现问题已责令整改。")


def test_contributions_are_logged(corpus):
    root, results = corpus
    lines = [json.loads(line) for line in (root / ".bulletin" / "contributions.jsonl").read_text("utf-8").splitlines()]
    assert [entry["file"] for entry in lines] == list(CORPUS)
    first = lines[0]
    assert (first["source"], first["author"], first["edition"]) == ("市环保局", "张三", results["styles.docx"][2])
    assert first["title"] == "依靠科学手段精准治污" and len(first["sha256"]) == 64


def test_into_an_edition_continues_its_footnotes(make_ws, tmp_path):
    root = make_ws({"2018-02.md": issue(2, "2018-03-05", total=42, body="## 旧文\n\n正文[^1]。\n\n[^1]: 旧注。\n")})
    footnotes(tmp_path / "来稿.docx")
    table(tmp_path / "表格.docx")
    proc = run("import", tmp_path / "来稿.docx", tmp_path / "表格.docx", "--into", "2018-02", "--source", "市监测站",
               cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "issues/2018-02.md"
    md = (root / "issues" / "2018-02.md").read_text(encoding="utf-8")
    assert md.startswith(issue(2, "2018-03-05", total=42, body="## 旧文\n\n正文[^1]。\n\n[^1]: 旧注。\n"))
    assert "[^2]: 数据来自市监测站。" in md and "[^3]: 按新标准评价。" in md
    assert md.count('{source="市监测站"}\n## ') == 2
    assert run("check", cwd=root).returncode == 0


def test_punctuation_checked_at_once(make_ws, tmp_path):
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", total=1)})
    d = docx.Document()
    d.add_paragraph("半角标点", style="Title")
    d.add_paragraph("2月7日,市环保局召开会议.")
    d.save(tmp_path / "half.docx")
    proc = run("import", tmp_path / "half.docx", cwd=root)
    assert proc.returncode == 0
    assert re.search(r"issues/\d{4}-\d\d\.md:\d+:\d+: warning: half-width ','", proc.stderr)


def test_bad_file_writes_nothing(make_ws, tmp_path):
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", total=1)})
    (tmp_path / "坏.docx").write_bytes(b"this is not a document")
    styled(tmp_path / "good.docx")
    before = sorted(p.name for p in (root / "issues").iterdir())
    proc = run("import", tmp_path / "good.docx", tmp_path / "坏.docx", cwd=root)
    assert proc.returncode == 1
    assert "坏.docx: error: this is not a Word, WPS, RTF or OpenDocument file" in proc.stderr
    assert sorted(p.name for p in (root / "issues").iterdir()) == before
    assert not (root / ".bulletin" / "contributions.jsonl").exists()


def test_published_edition_is_refused(make_ws, tmp_path):
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", total=1)})
    (root / "published").mkdir()
    (root / "published" / "manifest.json").write_text('{"editions": {"2018-01": {}}}', encoding="utf-8")
    styled(tmp_path / "a.docx")
    proc = run("import", tmp_path / "a.docx", "--into", "2018-01", cwd=root)
    assert proc.returncode == 1 and "2018-01 is published" in proc.stderr


def test_report_in_chinese(make_ws, tmp_path):
    from bulletin import i18n
    from bulletin.errors import Report
    from bulletin.importer import import_files

    root = make_ws({"2018-01.md": issue(1, "2018-01-05", total=1)})
    numbered(tmp_path / "来稿.docx")
    report = Report()
    i18n.set_language("zh")
    try:
        result = import_files(root, [tmp_path / "来稿.docx"], report=report)
        lines = [d.format(tmp_path) for d in report.items]
    finally:
        i18n.set_language("en")
    assert result.path is not None and not report.errors
    assert any(line.startswith("来稿.docx:段落2: 警告：“一、基本情况”") for line in lines), lines


def test_odt_through_libreoffice(make_ws, tmp_path):
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice (soffice) is needed for this test: apt-get install libreoffice-writer-nogui")
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", total=1)})
    numbered(tmp_path / "来稿.docx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", "odt", "--outdir", str(tmp_path / "odt"), str(tmp_path / "来稿.docx")],
                   check=True, capture_output=True, timeout=180)
    proc = run("import", tmp_path / "odt" / "来稿.odt", cwd=root)
    assert proc.returncode == 0, proc.stderr
    md = (root / proc.stdout.strip()).read_text(encoding="utf-8")
    assert headings(md)[:3] == ["## 全市河长制工作推进情况", "### 一、基本情况", "#### （一）组织体系"]


def test_without_libreoffice_the_error_names_the_package(make_ws, tmp_path):
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", total=1)})
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    empty = tmp_path / "bin"
    empty.mkdir()
    proc = run("import", tmp_path / "old.doc", cwd=root, env={"PATH": str(empty)})
    assert proc.returncode == 1
    assert "needs LibreOffice" in proc.stderr and "libreoffice-writer-nogui" in proc.stderr


def _wmf() -> bytes:
    """A Windows metafile drawn by hand: one green rectangle, 600 × 400 units."""
    records = [struct.pack("<IH2h", 5, 0x020B, 0, 0), struct.pack("<IH2h", 5, 0x020C, 400, 600),
               struct.pack("<IHHIH", 7, 0x02FC, 0, 0x0000FF00, 0), struct.pack("<IHh", 4, 0x012D, 0),
               struct.pack("<IH4h", 7, 0x041B, 400, 600, 0, 0), struct.pack("<IH", 3, 0)]
    body = b"".join(records)
    meta = struct.pack("<HHHIHIH", 1, 9, 0x0300, (18 + len(body)) // 2, 1, max(len(r) // 2 for r in records), 0)
    checksum = 0
    for word in struct.unpack("<10H", struct.pack("<IHhhhhHI", 0x9AC6CDD7, 0, 0, 0, 600, 400, 1440, 0)):
        checksum ^= word
    return struct.pack("<IHhhhhHIH", 0x9AC6CDD7, 0, 0, 0, 600, 400, 1440, 0, checksum) + meta + body


def metafile(path):
    """A picture as WMF, as WPS saves drawings: python-docx takes no metafile, so a PNG is swapped for it."""
    d = docx.Document()
    d.add_paragraph("示意图", style="Title")
    d.add_picture(_picture("red"))
    d.add_paragraph("图1 监测点位示意")
    packed = io.BytesIO()
    d.save(packed)
    with zipfile.ZipFile(packed) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/media/image1.png":
                zout.writestr("word/media/image1.wmf", _wmf())
                continue
            if item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"media/image1.png", b"media/image1.wmf")
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Default Extension="wmf" ContentType="image/x-wmf"/></Types>')
            zout.writestr(item, data)


def test_wmf_picture_through_libreoffice(make_ws, tmp_path):
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice (soffice) is needed for this test: apt-get install libreoffice-writer-nogui")
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", total=1)})
    metafile(tmp_path / "图.docx")
    proc = run("import", tmp_path / "图.docx", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "paragraph 2: warning: a Windows metafile (EMF/WMF) picture was converted to a bitmap" in proc.stderr
    md = (root / proc.stdout.strip()).read_text(encoding="utf-8")
    name = re.search(r"!\[图1 监测点位示意\]\(([^)]+)\)", md).group(1)
    with Image.open(root / "issues" / name) as img:
        assert img.format in ("PNG", "GIF", "JPEG")
        assert img.convert("RGB").getpixel((img.width // 2, img.height // 2)) == (0, 255, 0)
    # Without LibreOffice the picture is reported, and the rest imported.
    metafile(tmp_path / "图2.docx")
    empty = tmp_path / "bin"
    empty.mkdir()
    proc = run("import", tmp_path / "图2.docx", cwd=root, env={"PATH": str(empty)})
    assert proc.returncode == 0, proc.stderr
    assert "a picture is a Windows metafile (EMF/WMF), which needs LibreOffice (libreoffice-writer-nogui)" in proc.stderr
    assert "![" not in (root / proc.stdout.strip()).read_text(encoding="utf-8")


def test_automatic_numbers_text_boxes_hidden_text(make_ws, tmp_path):
    """Word's own numbering (一、 as chineseCounting), a text box, hidden text."""
    d = docx.Document()
    d.add_paragraph("自动编号的来稿", style="Title")
    numbering = d.part.numbering_part.element
    numbering.insert(0, _xml('<w:abstractNum w:abstractNumId="90">'
                             '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
                             '<w:lvlText w:val="%1、"/></w:lvl>'
                             '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
                             '<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'))
    numbering.append(_xml('<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for level, text in ((0, "基本情况"), (1, "组织体系"), (1, "工作机制"), (0, "存在问题")):
        p = d.add_paragraph(text)
        p._p.get_or_add_pPr().append(_xml(f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    p = d.add_paragraph("正文在此。")
    p._p.append(_xml('<w:r><w:pict xmlns:v="urn:schemas-microsoft-com:vml"><v:shape><v:textbox><w:txbxContent>'
                     '<w:p><w:r><w:t>文本框中的说明文字。</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape>'
                     '</w:pict></w:r>'))
    p._p.append(_xml('<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏的备注</w:t></w:r>'))
    d.save(tmp_path / "auto.docx")
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", total=1)})
    proc = run("import", tmp_path / "auto.docx", cwd=root)
    assert proc.returncode == 0, proc.stderr
    md = (root / proc.stdout.strip()).read_text(encoding="utf-8")
    assert headings(md) == ["## 自动编号的来稿", "### 一、基本情况", "#### （一）组织体系", "#### （二）工作机制",
                            "### 二、存在问题"]
    assert "\n正文在此。\n\n文本框中的说明文字。\n" in md and "隐藏的备注" not in md
    assert "paragraph 2: warning: “一、基本情况” Word's automatic numbers were written out as text (4 paragraphs)" \
        in proc.stderr
    assert "paragraph 6: warning: “正文在此。” holds a text box; its text follows the paragraph" in proc.stderr
    assert "paragraph 6: warning: “正文在此。” has hidden text, left out: 隐藏的备注" in proc.stderr


def test_hostile_files(make_ws, tmp_path):
    """A zip that is no document, broken XML, and an XML entity reaching for a file: errors, nothing leaked."""
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", total=1)})
    with zipfile.ZipFile(tmp_path / "zip.docx", "w") as z:
        z.writestr("hello.txt", "not a document")
    styled(tmp_path / "good.docx")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    for name, replace in (("broken.docx", lambda xml: xml[: len(xml) // 2]),
                          ("entity.docx", lambda xml: xml.replace(
                              b"<w:document ", f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
                                               '<w:document '.encode(), 1).replace(b"2\xe6\x9c\x88", b"&x;2\xe6\x9c\x88"))):
        with zipfile.ZipFile(tmp_path / "good.docx") as zin, zipfile.ZipFile(tmp_path / name, "w") as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                zout.writestr(item, replace(data) if item.filename == "word/document.xml" else data)
    for name in ("zip.docx", "broken.docx"):
        proc = run("import", tmp_path / name, cwd=root)
        assert proc.returncode == 1 and f"{name}: error: " in proc.stderr, proc.stderr
    proc = run("import", tmp_path / "entity.docx", cwd=root)
    written = list((root / "issues").glob("*.md"))
    assert all("TOPSECRET" not in p.read_text(encoding="utf-8") for p in written)
    assert "TOPSECRET" not in proc.stdout + proc.stderr
    assert proc.returncode == 0 and "2月7日，市环保局组织召开" in (root / proc.stdout.strip()).read_text(encoding="utf-8")


def test_markdown_in_the_text_stays_text(make_ws, tmp_path):
    """Characters that mean something in Markdown are escaped; a web link is kept as a link."""
    from bulletin.markdown import make_parser

    d = docx.Document()
    d.add_paragraph("链接与符号", style="Title")
    p = d.add_paragraph("详见")
    rid = d.part.relate_to("https://www.example.gov.cn/a?b=1&c=(2)", RT.HYPERLINK, is_external=True)
    p._p.append(_xml(f'<w:hyperlink xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
                     f'r:id="{rid}"><w:r><w:t>市政府网站</w:t></w:r></w:hyperlink>'))
    p.add_run("。")
    lines = ["# 不是标题 & &amp; <b>x</b> [a](b) `c` ~~d~~ | e", "- 不是列表", ": 不是表题", '{toc="x"}', "1. 这不是编号，是一句话。",
             "::: 编者按"]
    for line in lines:
        d.add_paragraph(line)
    d.save(tmp_path / "符号.docx")
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", total=1)})
    proc = run("import", tmp_path / "符号.docx", cwd=root)
    assert proc.returncode == 0, proc.stderr
    rendered = make_parser().render(body((root / proc.stdout.strip()).read_text(encoding="utf-8")))
    assert '<a href="https://www.example.gov.cn/a?b=1&amp;c=(2)">市政府网站</a>' in rendered
    for line in lines:
        assert f"<p>{html.escape(line, quote=False)}</p>" in rendered.replace("&quot;", '"'), (line, rendered)


@pytest.mark.parametrize("garbage", ["x", "-1", "99999999", "²", "", "%9%0"])
def test_garbage_attributes_are_no_internal_error(make_ws, tmp_path, garbage):
    """Every w: attribute of the body, the styles and the numbering set to nonsense: read, or refused, never a crash."""
    from bulletin.errors import Report
    from bulletin.importer import import_files

    numbered(tmp_path / "n.docx")
    table(tmp_path / "t.docx")
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", total=1)})
    for name in ("n.docx", "t.docx"):
        with zipfile.ZipFile(tmp_path / name) as zin, zipfile.ZipFile(tmp_path / f"bad-{name}", "w") as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                if item.filename in ("word/document.xml", "word/styles.xml", "word/numbering.xml"):
                    data, count = re.subn(rb'(w:[A-Za-z]+)="[^"]*"', lambda m: m.group(1) + b'="' +
                                          garbage.encode() + b'"', data)
                    assert count > 10
                zout.writestr(item, data)
        report = Report()
        import_files(root, [tmp_path / f"bad-{name}"], report=report)  # raises nothing
        assert all(d.location is None or d.location.path for d in report.items)
