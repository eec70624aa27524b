"""Property tests: no front matter and no Markdown body gives a traceback.

Each example goes through the real stages (strict YAML, schema, Markdown,
series checks, the Jinja2 template); a sample of them through WeasyPrint.
"""
import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulletin import numbering
from bulletin.errors import BulletinError, Report
from bulletin.issuefile import parse_issue
from bulletin.model import Publication
from bulletin.render import html as html_render
from bulletin.render import pdf as pdf_render
from bulletin.render import theme

KEYS = ["issue", "total", "date", "recipients", "kind", "title", "publisher", "language", "copies",
        "recipents", "main", "cc", "x"]
SCALARS = st.one_of(
    st.integers(-5, 100).map(str), st.sampled_from(["042", "1:20", "no", "yes", "~", "2018-03-05", "2018-3-5",
                                                    "2018-02-30", "null", "true", "[]", "{}", "增刊", "en", "'x'",
                                                    "&a x", "*a", "!!binary aGk=", "\"\\u0000\"", "[1, [2]]"]),
    st.text(alphabet=string.printable + "中文，。：“”", max_size=12))
MD_PIECES = ["## 标题", "## 甲 | 乙", "### 小节", "# 大", '{toc="目录"}', "{toc=}", "::: 编者按", ":::", "::: x",
             "> 引文", "- 项", "1. 项", "| a | b |", "| --- | --- |", ": 表题", "![图](x.png)", "![](data:image/png;base64,iVBOR)",
             "[链](javascript:x)", "[^1]", "[^1]: 注", "**粗", "*斜*", "`码`", "```", "<script>", "&amp;", "正文，内容。",
             "2月7日,市", "\t缩进", "---", "***", "\\", "[x](<a b>)", "<http://a.cn>", "~~删~~", "\u200b", "\ufeff"]

FRONT = st.lists(st.tuples(st.sampled_from(KEYS), SCALARS, st.sampled_from(["", "  "])), max_size=8).map(
    lambda items: "".join(f"{indent}{k}: {v}\n" for k, v, indent in items))
BODY = st.lists(st.one_of(st.sampled_from(MD_PIECES), st.text(max_size=20)), max_size=25).map("\n".join)


def publication(root):
    return Publication(root=root, title=("测试", "简报"), publisher="办公室")


def parse(root: Path, text: str):
    path = root / "issues" / "x.md"
    path.write_text(text, encoding="utf-8", newline="")
    report = Report()
    issue = parse_issue(path, publication(root), report)
    for d in report.items:
        assert d.message and (d.location is None or d.location.path == path)
    return issue, report


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=FRONT, body=BODY, closed=st.booleans())
def test_any_front_matter_and_body_is_reported_not_raised(tmp_path, front, body, closed):
    (tmp_path / "issues").mkdir(exist_ok=True)
    text = "---\n" + front + ("---\n" if closed else "") + body
    issue, report = parse(tmp_path, text)
    assert (issue is None) == bool(report.errors)
    if issue is not None:
        report2 = Report()
        numbering.check_series([issue], report2)
        edition = numbering.edition(issue)
        env = theme.environment(None, "redhead")
        for medium in ("screen", "print"):
            html = html_render.render(edition, publication(tmp_path), env, medium)
            assert "<script>" not in html


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_any_bytes_are_reported_not_raised(tmp_path, raw):
    (tmp_path / "issues").mkdir(exist_ok=True)
    path = tmp_path / "issues" / "x.md"
    path.write_bytes(raw)
    report = Report()
    issue = parse_issue(path, publication(tmp_path), report)
    # an issue, or the errors that say why not, each at a place in this file
    assert (issue is None) == bool(report.errors)
    assert all(d.location is not None and d.location.path == path for d in report.errors)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODY)
def test_valid_issues_typeset_or_fail_cleanly(tmp_path, body):
    (tmp_path / "issues").mkdir(exist_ok=True)
    issue, _ = parse(tmp_path, "---\nissue: 1\ndate: 2018-01-05\n---\n\n## 标题\n\n" + body)
    if issue is None:
        return
    edition = numbering.edition(issue)
    printed = html_render.render(edition, publication(tmp_path), theme.environment(None, "redhead"), "print")
    out = tmp_path / "output"
    out.mkdir(exist_ok=True)
    try:
        pdf = pdf_render.render(printed, base=out, root=tmp_path, source=issue.source)
        assert pdf.data.startswith(b"%PDF") and pdf.pages >= 1
    except BulletinError as exc:
        assert exc.diagnostic.location is not None
