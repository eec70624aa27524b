"""The default theme measured against GB/T 9704 (research note §1, §4.2).

Geometry is read back from the PDF with pdfplumber.  Glyph positions are
baselines: the em-box of Noto CJK runs from 0.88 em above the baseline to
0.12 em below it (the fonts' ideographic metrics).
"""
import collections
import re
import subprocess

import pdfplumber
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
