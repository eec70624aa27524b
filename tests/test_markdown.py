from pathlib import Path

from bulletin import markdown
from bulletin.errors import Report

ROOT = Path("/nonexistent-root")


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
