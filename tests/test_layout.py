"""The default theme measured against GB/T 9704 (research note §1, §4.2).

Geometry is read back from the PDF with pdfplumber.  Glyph positions are
baselines: the em-box of Noto CJK runs from 0.88 em above the baseline to
0.12 em below it (the fonts' ideographic metrics).
"""
import collections
import io
import re
import subprocess

import pdfplumber
import pypdf
import pytest

import longissue
from conftest import REPO, run

MM = 72 / 25.4
RED = (0, 0.8, 0.8, 0)
TYPE_LEFT, TYPE_RIGHT, TYPE_TOP, TYPE_BOTTOM = 28, 28 + 156, 37, 37 + 225
CELL = 156 / 28  # mm: one cell of the 28-character grid
CLOSING = "，。、；：！？）》」』】”’…"
OPENING = "（《「『【“‘"


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory):
    root = tmp_path_factory.mktemp("long")
    longissue.write(root)
    proc = run("build", cwd=root, check=True)
    assert "WeasyPrint" not in proc.stderr, proc.stderr  # zero WeasyPrint warnings
    return root / "output" / "2018-05.pdf", root


def baseline(page, c):
    return (page.height - c["matrix"][5]) / MM  # mm from the top of the page


def body_lines(page, size=16):
    lines = collections.defaultdict(list)
    for c in page.chars:
        if abs(c["size"] - size) < 0.1:
            lines[round(page.height - c["matrix"][5], 1)].append(c)  # by baseline, top first
    return [sorted(cs, key=lambda c: c["x0"]) for _, cs in sorted(lines.items())]


def full_pages(pdf):
    """Pages of body text only (16 pt, and the page number) whose last paragraph
    goes on over the page: these must fill the whole grid."""
    pages = []
    for page, following in zip(pdf.pages, pdf.pages[1:]):
        only_body = not page.images and all(
            abs(c["size"] - 16) < 0.1 or (abs(c["size"] - 14) < 0.1 and c["top"] > 740) for c in page.chars)
        nxt = body_lines(following)
        if only_body and nxt and abs(nxt[0][0]["x0"] / MM - TYPE_LEFT) < 0.2:
            pages.append(page)
    return pages


def test_it_is_long_enough(long_pdf):
    with pdfplumber.open(long_pdf[0]) as pdf:
        assert len(pdf.pages) >= 10


def test_type_area_lines_and_characters(long_pdf):
    with pdfplumber.open(long_pdf[0]) as pdf:
        pages = full_pages(pdf)
        assert len(pages) >= 3
        for page in pages:
            lines = body_lines(page)
            assert len(lines) == 22                                     # 22 lines a page
            first, last = lines[0][0], lines[-1][0]
            assert abs(baseline(page, first) - 0.88 * 16 / MM - TYPE_TOP) < 1   # em-box top at 37 mm
            assert baseline(page, last) + 0.12 * 16 / MM <= TYPE_BOTTOM + 0.1  # inside the 225 mm
            starts = {round(line[0]["x0"] / MM, 1) for line in lines}
            assert min(starts) == pytest.approx(TYPE_LEFT, abs=0.2)     # 28 mm from the left edge
            han_full = [line for line in lines
                        if abs(line[0]["x0"] / MM - TYPE_LEFT) < 0.2 and all(c["width"] > 15.9 for c in line)
                        and abs(line[-1]["x1"] / MM - TYPE_RIGHT) < 0.2]
            # 28 characters a line; a line broken one early so that no closing mark
            # starts the next (行首禁则) holds 27, spread to the same width.
            counts = collections.Counter(len(line) for line in han_full)
            assert set(counts) <= {27, 28} and counts[28] >= 0.7 * len(han_full), counts


def paragraph_lines(pdf_path):
    """Every line of body text, with whether it is followed by a line of the same paragraph."""
    out = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            lines = [ln for ln in body_lines(page) if ln[0]["x0"] / MM < TYPE_LEFT + 2 * 16 / MM + 1]
            out += lines
    flagged = []
    for line, nxt in zip(out, out[1:]):
        continues = abs(nxt[0]["x0"] / MM - TYPE_LEFT) < 0.2 and \
            abs(line[0]["x0"] / MM - TYPE_LEFT) < 2 * 16 / MM + 0.5
        flagged.append((line, continues))
    return flagged


@pytest.mark.parametrize("which", ["seed", "long"])
def test_full_lines_are_flush_right(which, sample, long_pdf):
    path = sample[0] / "output" / "2018-02.pdf" if which == "seed" else long_pdf[0]
    checked = 0
    for line, continues in paragraph_lines(path):
        if continues:
            checked += 1
            assert abs(line[-1]["x1"] - TYPE_RIGHT * MM) < 0.5, "".join(c["text"] for c in line)
    assert checked > 40


def test_title_red_rule_and_period_line(long_pdf):
    with pdfplumber.open(long_pdf[0]) as pdf:
        page = pdf.pages[0]
        title = [c for c in page.chars if c["size"] > 20]
        assert title and all(tuple(round(v, 2) for v in c["non_stroking_color"]) == RED for c in title)
        assert any("Bold" in c["fontname"] or "Black" in c["fontname"] for c in title)
        period = [c for c in page.chars if c["text"] in "第期" and abs(c["size"] - 16) < 0.1]
        mid = (min(c["x0"] for c in period) + max(c["x1"] for c in period)) / 2 / MM
        reds = [r for r in page.rects if tuple(round(v, 2) for v in r["non_stroking_color"]) == RED]
        rule = max(reds, key=lambda r: r["width"])
    assert abs(mid - 105) < 25
    assert rule["x0"] / MM == pytest.approx(TYPE_LEFT, abs=0.5) and rule["width"] / MM == pytest.approx(156, abs=0.5)


def test_publisher_left_and_date_right_one_grid_cell_in(long_pdf):
    with pdfplumber.open(long_pdf[0]) as pdf:
        chars = [c for c in pdf.pages[0].chars if abs(c["size"] - 14) < 0.1 and c["top"] / MM < 150]
        text = "".join(c["text"] for c in chars)
        publisher = [c for c in chars if c["text"] == "清"][0]
        date = [c for c in chars if c["text"] in "0123456789年月日"]
    assert "清远市创建国家环境保护模范城市工作领导小组办公室" in text
    assert publisher["x0"] / MM == pytest.approx(TYPE_LEFT + CELL, abs=0.2)
    assert date[-1]["x1"] / MM == pytest.approx(TYPE_RIGHT - CELL, abs=0.2)
    # too long for one line with the date: the publisher wraps, and the date stands on its last line
    last_line = min(round(c["matrix"][5], 1) for c in chars if c["text"] in "清远市创建国家环境保护模范城市工作领导小组办公室")
    assert {round(c["matrix"][5], 1) for c in date} == {last_line}


def test_page_numbers_alternate_sides_seven_mm_below(long_pdf):
    with pdfplumber.open(long_pdf[0]) as pdf:
        for n, page in enumerate(pdf.pages, 1):
            number = [c for c in page.chars if abs(c["size"] - 14) < 0.1 and c["top"] / MM > 264]
            text = "".join(c["text"] for c in number)
            assert re.fullmatch(rf"— ?{n} ?—", text), text
            top = baseline(page, number[0]) - 0.88 * 14 / MM
            assert top == pytest.approx(TYPE_BOTTOM + 7, abs=0.5)
            if n % 2:   # odd: on the right, one character in
                assert number[-1]["x1"] / MM == pytest.approx(TYPE_RIGHT - 14 / MM, abs=0.3)
            else:       # even: on the left, one character in
                assert number[0]["x0"] / MM == pytest.approx(TYPE_LEFT + 14 / MM, abs=0.3)
            assert all("Serif" in c["fontname"] for c in number)  # 宋体 (or its Noto Serif stand-in)


def test_contents_page_numbers_are_the_real_pages(long_pdf):
    with pdfplumber.open(long_pdf[0]) as pdf:
        starts = {}
        for n, page in enumerate(pdf.pages, 1):
            for line in body_lines(page, size=18):
                starts.setdefault("".join(c["text"] for c in line), n)
        entries = re.findall(r"^\s*(\S+?)\s*\.{3,}\s*(\d+)\s*$", subprocess.run(
            ["pdftotext", "-layout", "-l", "1", str(long_pdf[0]), "-"], capture_output=True, text=True).stdout, re.M)
    assert len(entries) == 12
    for title, page in entries:
        assert starts[title] == int(page), title


def footer_boxes(rects):
    """The black rule boxes of the footer: the one ending on the type area's bottom edge, and those inside it."""
    black = sorted((r for r in rects if r["width"] / MM == pytest.approx(156, abs=0.1) and r["height"] > 5
                    and tuple(r["non_stroking_color"]) in ((0,), (0, 0, 0), (0.0, 0.0, 0.0))),
                   key=lambda r: (r["top"], -r["height"]))
    unique = list({(round(r["top"], 2), round(r["bottom"], 2)): r for r in black}.values())  # drawn twice
    outer = max(unique, key=lambda r: r["bottom"])
    return [r for r in unique if r["top"] >= outer["top"] - 0.01]


def test_footer_rules_at_the_bottom_of_the_last_page(long_pdf):
    with pdfplumber.open(long_pdf[0]) as pdf:
        page = pdf.pages[-1]
        text = page.extract_text()
        rects = sorted(page.rects, key=lambda r: (r["top"], -r["height"]))
    assert "主送：" in text and "抄送：" in text and "共印120份" in text
    # WeasyPrint draws each bordered box as an outer rectangle and an inner one;
    # the difference is the rule's thickness.
    boxes = footer_boxes(rects)
    outer, inner = boxes[0], boxes[1]
    assert (inner["top"] - outer["top"]) / MM == pytest.approx(0.35, abs=0.02)        # first rule
    assert (outer["bottom"] - inner["bottom"]) / MM == pytest.approx(0.35, abs=0.02)  # last rule
    assert outer["bottom"] / MM == pytest.approx(TYPE_BOTTOM, abs=0.5)                # on the type area's edge
    middles = boxes[2:]
    assert len(middles) == 4  # 抄送 and the imprint line each have a rule above
    assert all((inner["top"] - outer["top"]) / MM == pytest.approx(0.25, abs=0.02)
               for outer, inner in zip(middles[0::2], middles[1::2]))


def test_no_forbidden_line_starts_or_ends(make_ws):
    # Every shift of a sentence full of punctuation, so that each mark lands at a line end somewhere.
    sentence = "他说：“这是——一个测试……”（括号）《书名》，逗号。顿号、分号；问号？叹号！"
    body = "## 标点\n\n" + "\n\n".join("国" * k + sentence * 3 for k in range(28)) + "\n"
    root = make_ws({"2018-01.md": f"---\nissue: 1\ndate: 2018-01-05\n---\n\n{body}"})
    run("build", cwd=root, check=True)
    text = subprocess.run(["pdftotext", str(root / "output" / "2018-01.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = [ln for ln in text.splitlines() if ln.strip() and "—" not in ln[:1] or ln.startswith("——")]
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not re.fullmatch(r"— ?\d+ ?—", ln.strip())]
    assert len(lines) > 100
    for a, b in zip(lines, lines[1:]):
        assert b[0] not in CLOSING, b
        assert a[-1] not in OPENING, a
        assert not (a.endswith("—") and b.startswith("—")), (a, b)  # —— never split
        assert not (a.endswith("…") and b.startswith("…")), (a, b)  # …… never split


def test_strict_gb_footer(make_ws):
    config = ("title: 简报\npublisher: 办公室\nfooter: gb\n"
              "recipients:\n  main: [甲单位]\n  cc: [乙单位, 丙单位]\n")
    root = make_ws({"2018-01.md": "---\nissue: 1\ndate: 2018-01-05\n---\n\n## 题\n\n正文。\n"}, config=config)
    run("build", cwd=root, check=True)
    html = (root / "output" / "2018-01.html").read_text(encoding="utf-8")
    assert "乙单位，丙单位。" in re.sub(r"<[^>]+>", "", html) and 'class="distribution gb"' in html
    with pdfplumber.open(root / "output" / "2018-01.pdf") as pdf:
        page = pdf.pages[-1]
        boxes = footer_boxes(page.rects)
    assert len(boxes) == 2  # the footer's outer rules only: nothing between 主送 and 抄送


def test_page_one_picture_in_docs():
    assert (REPO / "docs" / "page1.png").stat().st_size > 20_000
    assert "docs/page1.png" in (REPO / "README.md").read_text(encoding="utf-8")


# ---- 报/送/发, 附件, numbered copies, duplex ------------------------------------------

TIERED = """\
---
issue: 3
date: 2024-05-06
numbered: true
classification: 内部资料
recipients:
  report: [省生态环境厅, 市委办公室, 市政府办公室]
  send: [市人大常委会办公室, 市政协办公室, 各县（市、区）人民政府, 市直各有关单位]
  distribute: [各县（市、区）生态环境局, 局属各单位]
  added: [市纪委监委驻局纪检监察组]
attachments:
  - title: 2024年第二季度重点任务分解表
    file: 2024-03/任务表.md
  - title: 会议签到表
    file: 2024-03/签到表.pdf
---

## 我局召开第二季度工作会议

5月6日，市生态环境局召开第二季度工作会议，总结一季度工作，部署二季度重点任务。
"""
TIERS = {"报：": ["省生态环境厅", "市委办公室", "市政府办公室"],
         "送：": ["市人大常委会办公室", "市政协办公室", "各县（市、区）人民政府", "市直各有关单位"],
         "发：": ["各县（市、区）生态环境局", "局属各单位"],
         "本期增发：": ["市纪委监委驻局纪检监察组"]}


def signed_pdf(path, pages):
    """A PDF of `pages` pages, each saying which it is (set with WeasyPrint, as any PDF would be)."""
    from weasyprint import HTML

    paras = "".join(f'<p style="break-before:page">签到表原件第{n}页</p>' for n in range(1, pages + 1))
    HTML(string='<html lang="zh-CN"><style>@page{size:A4;margin:20mm}body{font-family:"Noto Sans CJK SC";'
         f'font-size:20pt}}</style>{paras}').write_pdf(path)


@pytest.fixture(scope="module")
def tiered(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiered")
    (root / "issues" / "2024-03").mkdir(parents=True)
    (root / "bulletin.yaml").write_text("title: [测试单位, 工作简报]\npublisher: 测试单位办公室\n"
                                        "recipients:\n  main: [甲单位]\n  cc: [乙单位]\n", encoding="utf-8")
    (root / "issues" / "2024-03.md").write_text(TIERED, encoding="utf-8")
    (root / "issues" / "2024-03" / "任务表.md").write_text(
        "一、大气污染防治。推进挥发性有机物综合治理，完成重点企业深度治理任务。\n\n"
        "二、水污染防治。开展入河排污口排查整治，确保国考断面水质稳定达标。\n", encoding="utf-8")
    signed_pdf(root / "issues" / "2024-03" / "签到表.pdf", 2)
    proc = run("build", cwd=root, check=True)
    assert "built 1 edition(s)" in proc.stderr  # the attachment .md is not read as an issue
    return root


def page_texts(path):
    return [t for t in subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                      check=True).stdout.split("\f")[:-1]]


def test_attachments_pages_and_numbers(tiered):
    texts = page_texts(tiered / "output" / "2024-03.pdf")
    flat = [re.sub(r"\s+", "", t) for t in texts]
    assert len(texts) == 5
    assert "附件：1.2024年第二季度重点任务分解表2.会议签到表" in flat[0]           # 附件说明 under the text
    assert flat[1].startswith("附件12024年第二季度重点任务分解表一、大气污染防治")     # 附件1, its title, its text
    assert flat[2].startswith("附件2签到表原件第1页") and "签到表原件第2页" in flat[3]  # the PDF's own pages,
    # moved below the label: the attachment's text was 20 mm from the top, above the type area
    for n in range(1, 5):                                                            # numbers run on
        assert re.search(rf"—{n}—$", flat[n - 1]), flat[n - 1]
    assert not re.search(r"—\d+—", flat[4])                                         # the 版记 page: none
    assert flat[4] == "".join(label + "，".join(names) for label, names in TIERS.items())


def test_an_attachment_keeps_to_the_type_area_so_its_own_page_numbers_are_not_overprinted(make_ws):
    from weasyprint import HTML

    body = ("---\nissue: 1\ndate: 2018-01-05\nattachments:\n  - title: 报表\n    file: 报表.pdf\n"
            "  - title: 名单\n    file: 名单.pdf\n---\n\n## 题\n\n正文。\n")
    root = make_ws({"2018-01.md": body})
    style = '<style>@page{{size:A4;margin:{m};{extra}}}body{{font-family:"Noto Sans CJK SC";font-size:20pt}}</style>'
    HTML(string='<html lang="zh-CN">' + style.format(m="15mm", extra='@bottom-center{content:"第" counter(page) '
                                                                     '"页";font-size:12pt}')
         + "<p>单位报表正文</p>" * 3).write_pdf(root / "issues" / "报表.pdf")
    HTML(string='<html lang="zh-CN">' + style.format(m="60mm 40mm", extra="") + "<p>名单正文</p>").write_pdf(
        root / "issues" / "名单.pdf")
    run("build", cwd=root, check=True)
    with pdfplumber.open(root / "output" / "2018-01.pdf") as pdf:
        own, edition = pdf.pages[1], pdf.pages[2]
        words = own.extract_words()
        own_number = next(w for w in words if w["text"] == "第1页")
        edition_number = next(w for w in words if w["text"] == "2" and w["top"] / MM > 262)  # — 2 —
        assert own_number["bottom"] < edition_number["top"] - 2  # both to be read, one above the other
        label = next(w for w in own.extract_words() if w["text"].startswith("附件1"))
        placed = [w for w in words if w["text"] in ("单位报表正文", "第1页")]
        assert len(placed) == 4 and all(TYPE_LEFT - 0.5 <= w["x0"] / MM and w["x1"] / MM <= TYPE_RIGHT + 0.5
                                        and w["top"] >= label["bottom"] and w["bottom"] / MM <= 297 - 32.9 + 0.5
                                        for w in placed), placed
        # a page whose ink is inside the type area already is placed as it is: not scaled, not moved
        text = [c for c in edition.chars if c["text"] in "名单正文"]
        assert all(abs(c["size"] - 20) < 0.01 for c in text), [c["size"] for c in text]
    with pdfplumber.open(root / "issues" / "名单.pdf") as original:
        first = original.pages[0].chars[0]
    assert (text[0]["x0"], text[0]["top"]) == pytest.approx((first["x0"], first["top"]), abs=0.3)


def test_attachment_label_top_left_in_hei_and_title_centred(tiered):
    with pdfplumber.open(tiered / "output" / "2024-03.pdf") as pdf:
        for index, label in ((1, "附件1"), (2, "附件2")):
            page = pdf.pages[index]
            line = [c for c in body_lines(page) if "".join(x["text"] for x in c) == label][0]
            assert line[0]["x0"] / MM == pytest.approx(TYPE_LEFT, abs=0.1)
            assert abs(baseline(page, line[0]) - 0.88 * 16 / MM - TYPE_TOP) < 1            # on the first line
            assert all("Sans" in c["fontname"] for c in line)                               # 黑体
        title = body_lines(pdf.pages[1], size=18)[0]
        assert (title[0]["x0"] + title[-1]["x1"]) / 2 / MM == pytest.approx(TYPE_LEFT + 78, abs=0.3)  # centred
        assert baseline(pdf.pages[1], title[0]) - baseline(pdf.pages[1], line[0]) > 15      # on the third line
        outline = [o.title for o in pypdf.PdfReader(tiered / "output" / "2024-03.pdf").outline]
    assert outline == ["我局召开第二季度工作会议", "附件1　2024年第二季度重点任务分解表", "附件2　会议签到表"]


def test_footer_tiers_rules_and_names_that_never_break(tiered):
    with pdfplumber.open(tiered / "output" / "2024-03.pdf") as pdf:
        page = pdf.pages[-1]
        lines = body_lines(page, size=14)
        boxes = footer_boxes(page.rects)
    texts = ["".join(c["text"] for c in line) for line in lines]
    wrapped = 0
    for label, names in TIERS.items():
        at = next(i for i, t in enumerate(texts) if t.startswith(label))
        start, tier = at, texts[at]
        assert lines[at][0]["x0"] / MM == pytest.approx(TYPE_LEFT + 14 / MM, abs=0.1)  # one character in
        while at + 1 < len(texts) and not any(texts[at + 1].startswith(k) for k in TIERS):
            at += 1
            tier += texts[at]
            wrapped += 1  # hanging: under the first name, after the label
            assert lines[at][0]["x0"] == pytest.approx(lines[start][len(label)]["x0"], abs=0.1)
        assert tier == label + "，".join(names)
        for name in names:  # never broken across lines
            assert any(name in t for t in texts), name
    assert wrapped >= 1
    # rules: thick first and last, a thin one between every two tiers (the "seed" style)
    assert len(boxes) == 2 + 2 * (len(TIERS) - 1)
    # as much room above each tier's text as below it, up to its rules
    tops = sorted({round(b["top"], 1) for b in boxes} | {round(b["bottom"], 1) for b in boxes})
    single = 0
    for line in lines:
        em_top = page.height - line[0]["matrix"][5] - 0.88 * 14
        em_bottom = em_top + 14
        above = em_top - max(t for t in tops if t < em_top)
        below = min(t for t in tops if t > em_bottom) - em_bottom
        first = not any(abs(other[0]["matrix"][5] - line[0]["matrix"][5] - 22.4) < 1 for other in lines)
        last = not any(abs(line[0]["matrix"][5] - other[0]["matrix"][5] - 22.4) < 1 for other in lines)
        if first and last:
            single += 1
            assert above == pytest.approx(below, abs=1.0), "".join(c["text"] for c in line)
    assert single == 3  # 报, 发 and 本期增发 take one line each


def test_copies_differ_only_in_the_copy_number(tiered):
    from bulletin import copies
    from bulletin.commands.published import read_series as load_series
    from bulletin.errors import Report

    series = load_series(tiered, Report())
    edition = series.editions[0]
    made = [copies.render_copy(edition, series.publication, tiered, n) for n in (1, 2)]
    published = (tiered / "output" / "2024-03.pdf").read_bytes()

    def chars(data):
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [[(c["text"], round(c["x0"], 2), round(c["top"], 2)) for c in p.chars] for p in pdf.pages]

    one, two, edition_chars = chars(made[0]), chars(made[1]), chars(published)
    assert len(one) == len(two) == len(edition_chars) == 5
    number = [c for c in one[0] if c[2] < one[0][6][2] + 1][:6]
    assert "".join(c[0] for c in number) == "000001"
    assert number[0][1] / MM == pytest.approx(TYPE_LEFT, abs=0.1)                     # top left
    assert [c for c in one[0] if c not in number] == edition_chars[0]                  # the rest: the edition's
    assert [c for c in two[0] if c[0:3] not in number] != one[0]
    assert "".join(c[0] for c in two[0][:6]) == "000002"
    assert one[1:] == two[1:] == edition_chars[1:]
    classification = [c for c in one[0] if c[0] in "内部资料"][:4]
    assert classification[0][1] / MM == pytest.approx(TYPE_LEFT, abs=0.1) and classification[0][2] > number[0][2]


def test_copies_command_writes_every_copy_and_a_register(tiered):
    proc = run("copies", "2024-03", "--count", "3", cwd=tiered, check=True)
    pdf, register = tiered / ".bulletin" / "copies" / "2024-03-000001-000003.pdf", \
        tiered / ".bulletin" / "copies" / "2024-03-000001-000003.csv"
    assert f"wrote {pdf.relative_to(tiered)}" in proc.stdout or str(pdf) in proc.stdout
    texts = page_texts(pdf)
    assert len(texts) == 15
    assert [t.split()[0] for t in texts[0::5]] == ["000001", "000002", "000003"]
    rows = register.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "份号,收文单位,签收人,签收日期,清退日期"
    assert rows[1:] == ["000001,省生态环境厅,,,", "000002,市委办公室,,,", "000003,市政府办公室,,,"]
    assert not list((tiered / "output").glob("*000001*"))  # never among the published files


def test_html_edition_has_the_same_tiers_attachments_and_classification(tiered):
    html = (tiered / "output" / "2024-03.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>|\s+", "", html)
    assert "内部资料" in text
    for label, names in TIERS.items():
        assert label + "，".join(names) in text
    assert "附件：1.2024年第二季度重点任务分解表2.会议签到表" in text
    assert "附件1" in text and "一、大气污染防治" in text
    assert 'href="2024-03.files/attachment-2.pdf"' in html
    assert (tiered / "output" / "2024-03.files" / "attachment-2.pdf").read_bytes() == \
        (tiered / "issues" / "2024-03" / "签到表.pdf").read_bytes()
    assert "000000" not in html  # no copy number on the web


def test_recipients_schemes_do_not_mix(make_ws):
    mixed = "---\nissue: 1\ndate: 2018-01-05\nrecipients:\n  main: [甲]\n  report: [乙]\n---\n\n## 题\n\n正文。\n"
    root = make_ws({"2018-01.md": mixed})
    proc = run("check", cwd=root)
    assert proc.returncode == 1
    assert "issues/2018-01.md:6:11: error: 'recipients' mixes main with report" in proc.stderr
    assert "hint: use either main (主送) and cc (抄送), or report (报), send (送) and distribute (发)" in proc.stderr


def test_an_issues_recipients_replace_the_defaults_as_a_whole(make_ws):
    only = "---\nissue: 1\ndate: 2018-01-05\nrecipients:\n  report: [乙单位]\n---\n\n## 题\n\n正文。\n"
    root = make_ws({"2018-01.md": only})  # (bulletin.yaml gives main and cc)
    run("build", cwd=root, check=True)
    text = re.sub(r"<[^>]+>|\s+", "", (root / "output" / "2018-01.html").read_text(encoding="utf-8"))
    assert "报：乙单位" in text and "主送" not in text and "抄送" not in text


def page_numbers(path):
    return [re.findall(r"— ?(\d+) ?—", t) for t in page_texts(path)]


def test_duplex_puts_the_footer_on_an_even_page(make_ws):
    config = "title: 简报\npublisher: 办公室\nduplex: true\nrecipients:\n  main: [甲单位]\n  cc: [乙单位]\n"
    root = make_ws({"2018-01.md": "---\nissue: 1\ndate: 2018-01-05\n---\n\n## 题\n\n正文。\n"}, config=config)
    run("build", cwd=root, check=True)
    texts = page_texts(root / "output" / "2018-01.pdf")
    assert len(texts) == 2                                      # the 版记 was on page 1: now on page 2
    assert "主送" not in texts[0] and "主送：甲单位" in texts[1]
    assert page_numbers(root / "output" / "2018-01.pdf") == [["1"], []]  # none on the 版记-only page


def test_duplex_adds_a_blank_page_before_an_odd_footer_page(make_ws, tmp_path):
    config = "title: 简报\npublisher: 办公室\nduplex: true\nrecipients:\n  main: [甲单位]\n"
    body = ("---\nissue: 1\ndate: 2018-01-05\nattachments:\n  - title: 签到表\n    file: 签到表.pdf\n---\n\n"
            "## 题\n\n正文。\n")
    root = make_ws({"2018-01.md": body}, config=config)
    signed_pdf(root / "issues" / "签到表.pdf", 1)
    run("build", cwd=root, check=True)
    path = root / "output" / "2018-01.pdf"
    texts = page_texts(path)
    # text, the attachment (page 2), then the 版记 alone after a PDF: page 3 would be odd
    assert len(texts) == 4 and not texts[2].strip() and "主送：甲单位" in texts[3]
    assert page_numbers(path) == [["1"], ["2"], [], []]


def test_one_sided_a_footer_alone_is_tightened_or_reported(make_ws):
    """Lengthen an issue line by line until its first layout leaves the 版记 alone on the
    last page: one line more than fits is made up by setting the 版记 tighter; three
    lines more are not, so the 版记 keeps a page of its own, without a page number, and
    the user is told."""
    from weasyprint import HTML

    from bulletin.commands.published import read_series as load_series
    from bulletin.errors import Report
    from bulletin.render import html as html_render, pages, pdf as pdf_render, theme

    config = "title: 简报\npublisher: 办公室\nrecipients:\n  main: [甲单位]\n  cc: [乙单位, 丙单位, 丁单位]\n"
    root = make_ws({}, config=config)
    pdf_render.load()

    def edition(lines):
        body = "## 题\n\n" + "\n\n".join("国" * 25 + "。" for _ in range(lines)) + "\n"  # one line each
        (root / "issues" / "2018-01.md").write_text(f"---\nissue: 1\ndate: 2018-01-05\n---\n\n{body}",
                                                  encoding="utf-8")
        series = load_series(root, Report())
        pub = series.publication
        printed = html_render.render(series.editions[0], pub,
                                     theme.environment(None, pub.theme), "print")
        first = pages.colophon(HTML(string=printed).render(font_config=pdf_render.font_config()))
        made = pdf_render.render(printed, base=root / "output", root=root, source=series.issues[0].source)
        with pdfplumber.open(io.BytesIO(made.data)) as pdf:
            last = "".join(c["text"] for c in pdf.pages[-1].chars)
        assert "主送：甲单位" in last
        return first, made, last

    n = next(n for n in range(20, 50) if edition(n)[0].alone)
    first, made, last = edition(n)
    assert "国" in last and not made.notes and made.pages == first.page  # tightened onto the text's page
    first, made, last = edition(n + 3)
    assert first.alone and "国" not in last and made.notes and "版记" in made.notes[0]
    assert not re.search(r"— ?\d+ ?—", last)                            # no page number on it
    built = run("build", cwd=root, check=True)                           # and the build says so
    assert re.search(r"issues/2018-01\.md: warning: the footer \(版记\) is alone on the last page", built.stderr)
    again = run("build", cwd=root, check=True, env={"BULLETIN_LANG": "zh"})  # nothing typeset: said again
    assert "没有改动" in again.stderr, again.stderr
    assert re.search(r"issues/2018-01\.md: 警告：版记单独占了最后一页", again.stderr), again.stderr


def test_attachment_files_missing_or_outside_are_located_with_a_hint(make_ws):
    body = ("---\nissue: 1\ndate: 2018-01-05\nattachments:\n  - title: 表\n    file: 没有这个文件.pdf\n"
            "  - title: 外面\n    file: ../../outside.md\n---\n\n## 题\n\n正文。\n")
    root = make_ws({"2018-01.md": body})
    (root.parent / "outside.md").write_text("外面的文字。\n", encoding="utf-8")
    proc = run("check", cwd=root)
    assert proc.returncode == 1
    assert "issues/2018-01.md:6:11: error: attachment 1: 没有这个文件.pdf does not exist" in proc.stderr
    assert "hint: put the file beside the issue, or correct its name" in proc.stderr
    assert "issues/2018-01.md:8:11: error:" in proc.stderr                      # outside the workspace
    assert run("build", cwd=root).returncode == 1 and not (root / "output" / "2018-01.pdf").exists()


def test_an_attachment_without_a_title_is_located_with_an_example(make_ws):
    body = "---\nissue: 1\ndate: 2018-01-05\nattachments:\n  - file: 只有文件.md\n---\n\n## 题\n\n正文。\n"
    proc = run("check", cwd=make_ws({"2018-01.md": body}))
    assert proc.returncode == 1
    assert "issues/2018-01.md:5:5: error: each of 'attachments' must have a 'title' and a 'file'" in proc.stderr
    assert "file: 任务分解表.pdf" in proc.stderr  # the example in the hint
