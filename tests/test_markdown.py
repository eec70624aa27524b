from pathlib import Path

from bulletin import markdown
from bulletin.errors import Report

ROOT = Path("/nonexistent-root")
DOT_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000002030100a5f6c5a60000000049454e44ae426082")


def parse(body, language="zh-CN"):
    report = Report()
    lead, articles, _ = markdown.parse_body(body, ROOT / "issues/x.md", 10, language, ROOT, report)
    return lead, articles, report


def test_each_h2_starts_an_article_and_h3_is_a_section():
    lead, articles, report = parse("## 甲\n\n一。\n\n### 小节\n\n二。\n\n## 乙\n\n三。\n")
    assert [a.title_lines for a in articles] == [("甲",), ("乙",)]
    assert [a.anchor for a in articles] == ["a1", "a2"]
    assert articles[0].sections[0].title == "小节"
    assert 'id="a1-s1"' in articles[0].body_html
    assert articles[1].line == 19  # body line 9, after 10 lines of front matter
    assert lead == "" and not report.items


def test_two_line_title_and_derived_contents_entry():
    _, (a,), _ = parse("## 依靠科学手段精准治污 | 2018年蓝天保卫战吹响冲锋号！\n\n正文\n")
    assert a.title_lines == ("依靠科学手段精准治污", "2018年蓝天保卫战吹响冲锋号！")
    assert a.toc == "依靠科学手段精准治污，2018年蓝天保卫战吹响冲锋号"


def test_explicit_contents_entry():
    _, (a,), _ = parse('{toc="短的目录条目"}\n## 很长的 | 标题\n\n正文\n')
    assert a.toc == "短的目录条目"
    assert "toc=" not in a.body_html


def test_english_join():
    _, (a,), _ = parse("## Clean air | A plan for 2018!\n\nText\n", "en")
    assert a.toc == "Clean air, A plan for 2018"


def test_body_without_heading_is_one_untitled_article():
    _, (a,), _ = parse("只有正文。\n")
    assert a.title_lines == () and a.toc == "" and "只有正文" in a.body_html


def test_text_before_the_first_article_is_a_lead():
    lead, articles, _ = parse("开篇的话。\n\n## 甲\n\n正文\n")
    assert "开篇的话" in lead and len(articles) == 1


def test_raw_html_is_text():
    _, (a,), _ = parse("## 甲\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n")
    assert "<script>" not in a.body_html and "&lt;script&gt;" in a.body_html
    assert "href" not in a.body_html  # the javascript: link stays plain text


def test_footnotes_stay_with_the_last_article():
    _, articles, _ = parse("## 甲\n\n一[^1]。\n\n## 乙\n\n二。\n\n[^1]: 注释。\n")
    assert "注释" in articles[-1].body_html


# Slips of people who paste from Word and type with a Chinese input method (issue 16).

def test_heading_without_a_space_is_a_heading_with_a_warning():
    _, articles, report = parse("##标题一\n\n正文。\n\n##　标题二\n\n正文。\n\n### 小节\n")
    assert [a.title_lines for a in articles] == [("标题一",), ("标题二",)]
    assert [a.toc for a in articles] == ["标题一", "标题二"]  # both in the contents
    shown = [d.format(ROOT) for d in report.warnings]
    assert shown[0].startswith("issues/x.md:11:3: warning: '##' is followed by no space; read as a heading")
    assert shown[1].startswith("issues/x.md:15:3: warning: '##' is followed by a full-width space")
    assert "write an ASCII space after '##'" in shown[0] and len(shown) == 2


def test_hashes_in_fenced_code_and_mid_line_are_left_alone():
    _, (a,), report = parse("## 甲\n\n```\n##不是标题\n```\n\n话题#标签#。\n")
    assert "##不是标题" in a.body_html and "#标签#" in a.body_html and not report.items


def test_image_name_with_spaces_is_that_file(tmp_path):
    (tmp_path / "issues").mkdir()
    (tmp_path / "issues" / "会议 现场.JPG").write_bytes(DOT_PNG)
    (tmp_path / "issues" / "照片 (1).png").write_bytes(DOT_PNG)
    report = Report()
    _, (a,), assets = markdown.parse_body("## 甲\n\n![图1 会议现场](会议 现场.JPG)\n\n![图2](照片 (1).png)\n",
                                          tmp_path / "issues/x.md", 4, "zh-CN", tmp_path, report)
    assert not report.items, report.items
    assert [p.source.name for p in assets] == ["会议 现场.JPG", "照片 (1).png"]
    assert a.body_html.count("<figure") == 2 and "<figcaption>图1 会议现场</figcaption>" in a.body_html
    assert "](" not in a.body_html  # no raw Markdown printed


def test_indented_paragraphs_are_paragraphs_and_code_needs_fences():
    _, (a,), report = parse("## 甲\n\n    四个空格缩进的段落。\n    第二行。\n\n\t制表符缩进的段落。\n\n```\ncode\n```\n")
    assert "<pre>" in a.body_html and a.body_html.count("<pre>") == 1  # only the fenced one
    assert "<p>四个空格缩进的段落。\n第二行。</p>" in a.body_html and "<p>制表符缩进的段落。</p>" in a.body_html
    assert not report.items


def test_tab_separated_lines_are_a_table():
    _, (a,), report = parse("## 甲\n\n统计如下：\n单位\t数量\t备注\n清城区\t12\t\n清新区\t8\t完成\n\n: 表1 统计\n")
    assert not report.items
    html = a.body_html
    assert "<p>统计如下：</p>" in html and "<caption>表1 统计</caption>" in html
    assert "<th>单位</th>\n<th>数量</th>\n<th>备注</th>" in html
    assert "<td>清新区</td>\n<td>8</td>\n<td>完成</td>" in html and "<td></td>" in html


def test_ragged_tab_separated_lines_get_a_warning_saying_how_to_write_a_table():
    _, (a,), report = parse("## 甲\n\n单位\t数量\n清城区\t12\t多余\n")
    (warning,) = report.warnings
    assert warning.format(ROOT).startswith("issues/x.md:13:1: warning: lines separated by tabs")
    assert "| --- | --- |" in warning.hint and "<table>" not in a.body_html


def test_word_line_breaks_are_line_breaks_and_controls_are_dropped():
    _, (a,), _ = parse("## 标题\x0b续\n\n甲\x0b乙\u2028丙\x85丁\x0c戊\x07己\x1b庚\n")
    assert "<p>甲<br />\n乙<br />\n丙<br />\n丁戊己庚</p>" in a.body_html
    assert a.title_lines == ("标题 续",)
    assert not any(ch in a.body_html + "".join(a.title_html) for ch in "\x0b\x0c\x07\x1b\x85\u2028")


def test_control_characters_in_fenced_code_are_dropped_too():
    _, (a,), _ = parse("## 甲\n\n```\n代码\x0b续\x07完\n```\n\n正文\n")
    assert "代码 续完" in a.body_html and "正文" in a.body_html
