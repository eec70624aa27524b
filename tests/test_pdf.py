"""The PDF editions of the sample publication, read back with real tools."""
import os
import re
import subprocess
import sys

import pdfplumber
import pypdf
import pytest

from conftest import REPO

SEED_TITLES = [
    "依靠科学手段精准治污",
    "清远市环境监测系统工作座谈会顺利举行",
    "聚焦污染防治攻坚战，奋力改善我市环境质量",
    "全力推进环保工作，同心建设美丽清远",
]
SEED_CONTENTS = [
    "依靠科学手段精准治污，2018年蓝天保卫战吹响冲锋号",
    *SEED_TITLES[1:],
]


@pytest.fixture(scope="module")
def seed_pdf(sample):
    root, _ = sample
    return root / "output" / "2018-02.pdf"


def pdftotext(path, *args):
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_every_issue_has_an_edition_in_each_format(sample):
    root, proc = sample
    names = sorted(p.name for p in (root / "output").glob("20??-*.*"))
    assert names == [f"{e}.{f}" for e in ("2018-01", "2018-02", "2018-03", "2019-01")
                     for f in ("docx", "html", "ofd", "pdf")]
    assert "wrote output/2018-02.pdf (" in proc.stdout


def test_seed_text_as_the_done_when_lists_it(seed_pdf):
    text = pdftotext(seed_pdf)
    flat = re.sub(r"\s+", "", text)
    for needle in ["2018年第2期（总第42期）", "清远市创建国家环境保护模范城市工作领导小组办公室",
                   "2018年3月5日", "目录", *SEED_TITLES, "主送：", "抄送：",
                   "市创建国家环境保护模范城市工作小组成员单位",
                   "国家环保部，省环保厅，市委办，市人大办，市府办，市政协办，市应急办，"
                   "各县（市、区）人民政府，各县（市、区）环保局"]:
        assert needle in flat, needle
    pages = text.split("\f")[:-1]
    for n, page in enumerate(pages, 1):
        # pdftotext drops the thin spaces around the number
        assert re.search(rf"— ?{n} ?—", page), f"page {n} has no page number"


def test_contents_lists_every_article_in_order(seed_pdf):
    first = re.sub(r"\s+", "", pdftotext(seed_pdf, "-l", "1"))
    at = [first.index(entry) for entry in SEED_CONTENTS]
    assert at == sorted(at)


def test_every_source_character_is_in_the_pdf(seed_pdf):
    """No missing glyphs: each Han character of the source comes back from the PDF."""
    source = (REPO / "issues" / "2018-02.md").read_text(encoding="utf-8").split("---", 2)[2]
    wanted = set(re.findall(r"[\u4e00-\u9fff]", source))
    got = set(re.findall(r"[\u4e00-\u9fff]", pdftotext(seed_pdf)))
    assert wanted - got == set()


def test_a4_and_metadata(seed_pdf):
    reader = pypdf.PdfReader(seed_pdf)
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    meta = reader.metadata
    assert meta.title == "清远市创建国家环保模范城市 工作简报 2018年第2期（总第42期）"
    assert meta.author == "清远市创建国家环境保护模范城市工作领导小组办公室"
    assert meta.subject == "2018年第2期（总第42期）"
    assert meta["/CreationDate"].startswith("D:20180305")
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_outline_has_one_entry_per_article(seed_pdf):
    reader = pypdf.PdfReader(seed_pdf)
    outline = reader.outline
    assert [o.title for o in outline] == SEED_CONTENTS
    assert all(not isinstance(o, list) for o in outline)  # no nested section entries


def test_contents_links_go_to_the_pages_where_articles_start(seed_pdf):
    reader = pypdf.PdfReader(seed_pdf)
    links = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    internal = [a for a in links if a.get("/Subtype") == "/Link" and "/Dest" in a or "/A" in a]
    assert len(internal) == 4
    with pdfplumber.open(seed_pdf) as pdf:
        texts = [re.sub(r"\s+", "", p.extract_text()) for p in pdf.pages]
    for annot, title in zip(internal, SEED_TITLES):
        dest = annot["/Dest"] if "/Dest" in annot else annot["/A"]["/D"]
        if isinstance(dest, (str, pypdf.generic.TextStringObject, pypdf.generic.ByteStringObject)):
            dest = reader.named_destinations[str(dest)]
            page = reader.get_destination_page_number(dest)
        else:
            page = reader.get_page_number(dest[0].get_object() if hasattr(dest[0], "get_object") else dest[0])
        heading_page = next(i for i, t in enumerate(texts) if title in t and i > 0 or
                            (i == 0 and t.count(title) > 1))
        assert page == heading_page, title


def test_fonts_are_embedded_noto_cjk_sc(seed_pdf):
    out = subprocess.run(["pdffonts", str(seed_pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows and all(" yes yes yes " in row for row in rows), out
    assert any("Noto-Serif-CJK-SC" in row for row in rows)


def test_title_is_red_and_body_is_black(seed_pdf):
    with pdfplumber.open(seed_pdf) as pdf:
        chars = pdf.pages[0].chars
    title = [c for c in chars if c["text"] in "工作简报" and c["size"] > 30]
    assert title and all(tuple(round(v, 2) for v in c["non_stroking_color"]) == (0, 0.8, 0.8, 0) for c in title)
    body = [c for c in chars if c["text"] == "环" and c["size"] < 17]
    assert body and all(c["non_stroking_color"] in ((0,), (0, 0, 0), [0], [0, 0, 0]) for c in body)


def test_red_rule_under_the_masthead_spans_the_type_area(seed_pdf):
    with pdfplumber.open(seed_pdf) as pdf:
        page = pdf.pages[0]
        reds = [r for r in page.rects + page.lines
                if tuple(round(v, 2) for v in (r.get("non_stroking_color") or r.get("stroking_color") or ())) == (0, 0.8, 0.8, 0)]
    assert reds
    rule = max(reds, key=lambda r: r["x1"] - r["x0"])
    mm = 25.4 / 72
    assert abs(rule["x0"] * mm - 28) < 1 and abs((rule["x1"] - rule["x0"]) * mm - 156) < 1


def test_qpdf_finds_no_damage(seed_pdf):
    subprocess.run(["qpdf", "--check", str(seed_pdf)], capture_output=True, check=True)


SPEEDUP_CHECK = r"""
import hashlib, sys
from pathlib import Path
from bulletin import series as stage, workspace
from bulletin.errors import Report
from bulletin.render import html, pdf, speedups, theme
root = Path(sys.argv[1])
series = stage.load(root, Report())
env = theme.environment(workspace.templates_dir(root), series.publication.theme)
if sys.argv[2] == "off":
    speedups.after_import = lambda: False  # pdf.render calls it: make it do nothing
for edition in series.editions:
    issue = edition.issue
    page = html.render(edition, series.publication, env, "print")
    data = pdf.render(page, base=root / "output", root=root, source=issue.source).data
    print(edition.name, hashlib.sha256(data).hexdigest())
import weasyprint.pdf.fonts
print("patched", isinstance(weasyprint.pdf.fonts.Font.__dict__.get("file_content"), property))
"""


def test_the_font_speedup_changes_no_byte_of_any_pdf(sample):
    """render/speedups.py defers WeasyPrint's copy of each font file; the PDFs must not change."""
    root, _ = sample
    runs = {}
    for mode in ("on", "off"):
        proc = subprocess.run([sys.executable, "-c", SPEEDUP_CHECK, str(root), mode], capture_output=True,
                              text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
        assert proc.returncode == 0, proc.stderr
        runs[mode] = proc.stdout.splitlines()
    assert runs["on"][-1] == "patched True" and runs["off"][-1] == "patched False"
    assert runs["on"][:-1] == runs["off"][:-1] and len(runs["on"]) == 5


CDEFS_CHECK = r"""
import hashlib, sys
from pathlib import Path
from bulletin import series as stage, workspace
from bulletin.errors import Report
from bulletin.render import cdefs, html, pdf, theme
root = Path(sys.argv[1])
if sys.argv[2] == "off":
    cdefs.install = lambda: None  # WeasyPrint gets cffi's own FFI, parsed by pycparser
series = stage.load(root, Report())
env = theme.environment(workspace.templates_dir(root), series.publication.theme)
for edition in series.editions[:2]:
    issue = edition.issue
    page = html.render(edition, series.publication, env, "print")
    data = pdf.render(page, base=root / "output", root=root, source=issue.source).data
    print(edition.name, hashlib.sha256(data).hexdigest())
import weasyprint.text.ffi, weasyprint.text.line_break
print(type(weasyprint.text.ffi.ffi).__module__, type(weasyprint.text.line_break.ffi).__module__,
      "pycparser" if "pycparser.c_parser" in sys.modules else "no-pycparser")
"""


def test_prebuilt_c_declarations_change_no_byte_of_any_pdf(sample, tmp_path):
    """render/cdefs.py hands WeasyPrint an out-of-line FFI made once and cached; the PDFs must
    not change, the cache must spare the next process pycparser, and a damaged or hostile cache
    file must be made again, never run."""
    root, _ = sample
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def check(mode):
        proc = subprocess.run([sys.executable, "-c", CDEFS_CHECK, str(root), mode], capture_output=True,
                              text=True, timeout=300, env=env)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.splitlines()

    plain = check("off")
    assert plain[-1] == "cffi.api cffi.api pycparser"
    made = check("on")  # no cache yet: parsed once, written
    assert made[:-1] == plain[:-1] and len(made) == 3
    assert made[-1] == "_cffi_backend _cffi_backend pycparser"
    cached = list((tmp_path / "cache" / "bulletin").glob("weasyprint-ffi-*.py"))
    assert len(cached) == 1
    assert check("on") == made[:-1] + ["_cffi_backend _cffi_backend no-pycparser"]

    witness = tmp_path / "ran"
    cached[0].write_text(f"import _cffi_backend\nffi = _cffi_backend.FFI(__import__('os').mkdir({str(witness)!r}))\n")
    assert check("on")[:-1] == plain[:-1]
    assert not witness.exists()
    assert "__import__" not in cached[0].read_text()  # made again


# ---- the seed issue on the 28 × 22 grid (issue 17, "Done when") ------------------------

MM = 72 / 25.4
LEFT, RIGHT = 28 * MM, (28 + 156) * MM
PITCH = 156 * MM / 28          # one grid cell, 15.793 pt
CLOSING = "，。、；：！？）》」』】〕”’"
PUNCT = CLOSING + "（《「『【〔“‘"


def body_lines(pdf_path):
    """Every line of 16 pt body text, in reading order, as lists of chars."""
    out = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            lines = {}
            for c in page.chars:
                if abs(c["size"] - 16) < 0.1 and c["text"].strip():
                    lines.setdefault(round(c["matrix"][5], 1), []).append(c)
            out += [sorted(cs, key=lambda c: c["x0"]) for _, cs in sorted(lines.items(), reverse=True)]
    return out


def test_body_face_is_a_fangsong(seed_pdf):
    lines = body_lines(seed_pdf)
    body = [c for line in lines for c in line if abs(line[0]["x0"] - LEFT) < 0.5]
    faces = {c["fontname"].split("+")[-1] for c in body}
    assert len(body) > 500 and all("Fang" in face for face in faces), faces  # FandolFang (or FangSong)


def test_every_character_on_the_grid(seed_pdf):
    lines = body_lines(seed_pdf)
    counted = {28: 0, 26: 0}
    for line, nxt in zip(lines, lines[1:]):
        full_width = all(c["width"] > 15.9 for c in line)
        start = round((line[0]["x0"] - LEFT) / PITCH, 3)
        if not full_width or start not in (0, 2) or abs(line[-1]["x1"] - RIGHT) > 0.5:
            continue  # not a full line of full-width characters (a last line, digits, a heading)
        assert nxt[0]["x0"] - LEFT < 0.5 or nxt[0]["x0"] - LEFT == pytest.approx(2 * PITCH, abs=0.5)
        text = "".join(c["text"] for c in line)
        want = 28 - start
        if len(line) == want - 1:
            # 行首禁则: the last character went down with the closing mark after it
            assert "".join(c["text"] for c in nxt)[1] in CLOSING, text
            continue
        assert len(line) == want, text
        assert abs(line[-1]["x1"] - RIGHT) < 0.5, text                  # flush right
        if any(a in PUNCT and b in PUNCT for a, b in zip(text, text[1:])):
            continue  # a squeezed pair (标点挤压) moves what follows it off the columns
        for c in line:                                                  # each in its column
            column = (c["x0"] - LEFT) / PITCH
            assert abs(column - round(column)) * PITCH < 0.5, (text, c["text"])
        counted[want] += 1
    assert counted[28] >= 25 and counted[26] >= 5, counted  # the seed: 31 and 6


@pytest.fixture(scope="module")
def secret_copy(sample, tmp_path_factory):
    """The seed issue classified 机密 (so numbered), and copy 000007 of it."""
    import shutil

    from bulletin import copies
    from bulletin.commands.published import read_series as load_series
    from bulletin.errors import Report

    root = tmp_path_factory.mktemp("secret")
    shutil.copy(sample[0] / "bulletin.yaml", root)
    (root / "issues").mkdir()
    text = (sample[0] / "issues" / "2018-02.md").read_text(encoding="utf-8")
    (root / "issues" / "2018-02.md").write_text(text.replace("total: 42\n", "total: 42\nclassification: 机密★1年\n"),
                                                encoding="utf-8")
    series = load_series(root, Report())
    edition = series.editions[0]
    path = root / "copy.pdf"
    path.write_bytes(copies.render_copy(edition, series.publication, root, 7))
    return path


def test_classification_and_copy_number_top_left(secret_copy):
    with pdfplumber.open(secret_copy) as pdf:
        page = pdf.pages[0]
        lines = {}
        for c in page.chars:
            lines.setdefault(round(c["top"], 1), []).append(c)
        first, second = [sorted(cs, key=lambda c: c["x0"]) for _, cs in sorted(lines.items())[:2]]
    assert "".join(c["text"] for c in first) == "000007"
    assert "".join(c["text"] for c in second) == "机密★1年"                  # one line
    for line in (first, second):
        assert line[0]["x0"] / MM == pytest.approx(28, abs=0.1)              # flush left in the type area
    assert (page.height - first[0]["matrix"][5]) / MM - 0.88 * 16 / MM == pytest.approx(37, abs=1)  # first line
    assert all("Sans" in c["fontname"] for c in second)                      # 黑体
