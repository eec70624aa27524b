"""Faces, notes, captions and the text checks of the default theme."""
import pdfplumber
import pytest

from conftest import issue, run

MM = 72 / 25.4


def chars_of(pdf_path, text):
    with pdfplumber.open(pdf_path) as pdf:
        chars = [c for p in pdf.pages for c in p.chars]
    joined = "".join(c["text"] for c in chars)
    at = joined.rindex(text)  # the last: headings come after their contents entry
    return chars[at: at + len(text)]


@pytest.fixture(scope="module")
def styled(tmp_path_factory):
    root = tmp_path_factory.mktemp("styled")
    (root / "issues").mkdir()
    (root / "bulletin.yaml").write_text("title: [测试单位, 工作简报]\npublisher: 测试单位办公室\n", encoding="utf-8")
    body = """::: 编者按
本期刊发专项检查情况。
:::

## 检查工作全面展开

### 一、主要做法

#### （一）强化统筹

##### 1.明确分工

正文段落文字。

: 表1 检查情况

| 项目 | 数量 |
| --- | --- |
| 检查企业 | 148家 |
"""
    (root / "issues" / "2018-01.md").write_text(issue(1, "2018-01-05", body=body), encoding="utf-8")
    run("build", cwd=root, check=True)
    return root / "output"


def test_editors_note_is_kaiti_after_its_label(styled):
    label = chars_of(styled / "2018-01.pdf", "编者按：")
    assert all("Sans" in c["fontname"] for c in label)            # the label in 黑体
    note = chars_of(styled / "2018-01.pdf", "本期刊发专项检查情况")
    assert all("UKai" in c["fontname"] or "Kai" in c["fontname"] for c in note)
    html = (styled / "2018-01.html").read_text(encoding="utf-8")
    assert '<aside class="editors-note" data-label="编者按" aria-label="编者按">\n<p><span class="note-label">编者按：</span>本期' in html


def test_heading_levels_use_hei_kai_and_fang(styled):
    pdf = styled / "2018-01.pdf"
    assert all("Serif" in c["fontname"] and "Bold" in c["fontname"] for c in chars_of(pdf, "检查工作全面展开"))
    assert all("Sans" in c["fontname"] for c in chars_of(pdf, "一、主要做法"))          # 黑体
    assert all("UKai" in c["fontname"] for c in chars_of(pdf, "（一）强化统筹"))        # 楷体
    assert all("Fang" in c["fontname"] for c in chars_of(pdf, "明确分工"))              # 仿宋 (FandolFang)
    para = chars_of(pdf, "正文段落文字")
    assert para[0]["x0"] / MM == pytest.approx(28 + 2 * 156 / 28, abs=0.02)           # indented two grid cells


def test_table_has_its_caption(styled):
    html = (styled / "2018-01.html").read_text(encoding="utf-8")
    assert "<caption>表1 检查情况</caption>" in html and "<th>项目</th>" in html
    assert all("Sans" in c["fontname"] for c in chars_of(styled / "2018-01.pdf", "表1"))


def test_missing_glyph_is_located(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", body="## 题\n\n正文\U00010000在此。\n")})
    proc = run("check", cwd=root)
    assert proc.returncode == 1
    assert "issues/2018-01.md:8:3: error: no installed font has '\U00010000' (U+10000" in proc.stderr
    assert run("build", cwd=root).returncode == 1
    assert not (root / "output" / "2018-01.pdf").exists()


def test_half_width_punctuation_warned_and_fixed(make_ws):
    body = "## 题\n\n2月7日,市环保局召开会议;研究部署(草案)工作。见[链接](http://a.cn/x,y)和`a,b`。\n"
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", body=body).replace("\n", "\r\n")})
    proc = run("check", cwd=root)
    assert proc.returncode == 0
    assert "issues/2018-01.md:8:5: warning: half-width ',' in Chinese text; write '，'" in proc.stderr
    assert proc.stderr.count("warning: half-width") == 4
    assert "fonts: 仿宋 → FandolFang" in proc.stderr  # the free 仿宋 stands in for FangSong
    proc = run("check", "--fix", cwd=root, check=True)
    assert "fixed 4 punctuation mark(s) in issues/2018-01.md" in proc.stderr
    data = (root / "issues" / "2018-01.md").read_bytes().decode("utf-8")
    assert "2月7日，市环保局召开会议；研究部署（草案）工作。见[链接](http://a.cn/x,y)和`a,b`。\r\n" in data
    assert "warning:" not in run("check", cwd=root, check=True).stderr


def test_english_has_latin_fonts_and_a_neutral_colour(make_ws):
    root = make_ws({"2019-01.md": issue(1, "2019-01-08", body="## Clean air\n\nThe plan was adopted.\n")},
                   config="title: City Bulletin\npublisher: City Office\nlanguage: en\n")
    run("build", cwd=root, check=True)
    with pdfplumber.open(root / "output" / "2019-01.pdf") as pdf:
        chars = pdf.pages[0].chars
    title = [c for c in chars if c["size"] > 30]
    assert title and all(tuple(round(v, 2) for v in c["non_stroking_color"]) != (0, 0.8, 0.8, 0) for c in title)
    body = chars_of(root / "output" / "2019-01.pdf", "The plan was adopted")
    assert all("CJK" not in c["fontname"] for c in body)


def test_english_notes_and_captions_in_a_proportional_latin_face(make_ws):
    body = ("::: note\nThis issue reports the spring inspection.\n:::\n\n## Clean air\n\nThe plan was adopted.\n\n"
            ": Table 1 Inspections in spring, by district\n\n| District | Firms |\n| --- | --- |\n"
            "| North | 12 |\n")
    root = make_ws({"2019-01.md": issue(1, "2019-01-08", body=body)},
                   config="title: City Bulletin\npublisher: City Office\nlanguage: en\n")
    run("build", cwd=root, check=True)
    pdf = root / "output" / "2019-01.pdf"
    for text in ("This issue reports the spring inspection", "Inspections in spring"):
        chars = [c for c in chars_of(pdf, text) if c["text"].strip()]
        assert all("UKai" not in c["fontname"] and "Mono" not in c["fontname"] for c in chars), text
        widths = {c["text"]: round(c["width"], 1) for c in chars}
        assert widths["i"] < widths["s"] < widths["o"], widths  # proportional, not fixed-width letters
    # the caption is as wide as the type area: its long line does not wrap at the table's width
    with pdfplumber.open(pdf) as doc:
        words = doc.pages[0].extract_words()
        top = {w["text"]: round(w["top"]) for w in words}
        assert top["Table"] == top["district"] < top["District"]  # one line, above the table
        rules = [r for r in doc.pages[0].rects + doc.pages[0].lines if r["width"] > 100]
    assert max(r["width"] for r in rules) / MM == pytest.approx(156, abs=0.5)


def test_adjacent_punctuation_is_squeezed_and_the_edge_stays_flush(make_ws):
    # “…”，and 。“ at every position of a line, so that pairs fall inside justified lines
    sentence = "专家汇报了“分析报告”，会议。“方案”、“项目”等成果"
    body = "## 挤压\n\n" + "\n\n".join("国" * k + sentence * 4 for k in range(0, 28, 3)) + "\n"
    root = make_ws({"2018-01.md": f"---\nissue: 1\ndate: 2018-01-05\n---\n\n{body}"})
    run("build", cwd=root, check=True)
    pairs, right = 0, (28 + 156) * MM
    with pdfplumber.open(root / "output" / "2018-01.pdf") as pdf:
        for page in pdf.pages:
            lines = {}
            for c in page.chars:
                if abs(c["size"] - 16) < 0.1 and "Fang" in c["fontname"]:
                    lines.setdefault(round(c["matrix"][5], 1), []).append(c)
            ordered = [sorted(cs, key=lambda c: c["x0"]) for _, cs in sorted(lines.items(), reverse=True)]
            for line, nxt in zip(ordered, ordered[1:]):
                if nxt[0]["x0"] / MM > 28.5:
                    continue  # the last line of a paragraph is not justified
                assert abs(line[-1]["x1"] - right) < 0.5, "".join(c["text"] for c in line)
                for a, b, after in zip(line, line[1:], line[2:]):
                    if a["text"] in "”。" and b["text"] in "，“、" and after["text"] not in "，。、“”":
                        pairs += 1
                        squeezed = b["x0"] - a["x0"]
                        normal = after["x0"] - b["x0"]
                        assert normal - squeezed == pytest.approx(8, abs=1.5), "".join(c["text"] for c in line)
    assert pairs > 20


def test_a_title_never_ends_with_one_character_alone(make_ws):
    title = "全市生态环境保护督察反馈问题整改工作推进会顺利召开"  # 25 characters at 18 pt, 24 to a line
    assert len(title) == 25
    root = make_ws({"2018-01.md": f"---\nissue: 1\ndate: 2018-01-05\n---\n\n## {title}\n\n正文。\n"})
    run("build", cwd=root, check=True)
    with pdfplumber.open(root / "output" / "2018-01.pdf") as pdf:
        chars = [c for c in pdf.pages[0].chars if abs(c["size"] - 18) < 0.1 and c["text"] != "\u2060"]
    lines = {}
    for c in chars:
        lines.setdefault(round(c["top"]), []).append(c["text"])
    assert "".join(t for _, ts in sorted(lines.items()) for t in ts) == title
    assert len(lines) == 2 and min(len(ts) for ts in lines.values()) >= 2, lines


def test_doctor_names_the_body_face_and_how_to_get_fandolfang(monkeypatch):
    from bulletin import doctor, fonts

    here = doctor.checks()
    body = next(c for c in here if c.name == "font for body 仿宋")
    assert body.ok and "FandolFang" in body.detail  # installed by 'make system' on this machine
    # a machine with Noto CJK only: the body in Noto Serif, and doctor says how to get the 仿宋
    monkeypatch.setattr(fonts, "families", lambda: frozenset({"Noto Serif CJK SC", "Noto Sans CJK SC",
                                                              "AR PL UKai CN"}))
    checks = doctor.checks()
    body = next(c for c in checks if c.name == "font for body 仿宋")
    assert body.ok and body.detail == "Noto Serif CJK SC (in place of FangSong)"
    advice = next(c for c in checks if c.name == "free face for body 仿宋")
    assert not advice.ok and not advice.required and "FandolFang" in advice.detail
    assert "scripts/fandol-fonts.sh" in advice.fix
    # with the commercial face, nothing to advise
    monkeypatch.setattr(fonts, "families", lambda: frozenset({"FangSong", "Noto Serif CJK SC", "Noto Sans CJK SC",
                                                              "AR PL UKai CN"}))
    checks = doctor.checks()
    assert next(c for c in checks if c.name == "font for body 仿宋").detail == "FangSong"
    assert not any(c.name.startswith("free face") for c in checks)
