"""`bulletin check` on broken issue files: every problem located, no traceback, exit 1."""
import pytest

from conftest import issue, run

BODY = "## 标题\n\n正文。\n"


@pytest.mark.parametrize("text, expect", [
    ("---\nissue: 2\ndate: 2018-3-5\n---\n" + BODY,
     "issues/bad.md:3:7: error: 'date' must be YYYY-MM-DD, got '2018-3-5'\n  hint: write it as 2018-03-05"),
    ("---\nissue: 042\ndate: 2018-03-05\n---\n" + BODY,
     "issues/bad.md:2:8: error: 'issue' must be a whole number of 1 or more, got '042'\n"
     "  hint: write 42 without the leading zero"),
    ("---\nissue: 第2期\ndate: 2018-03-05\n---\n" + BODY, "hint: write only the number: issue: 2"),
    ("---\ndate: 2018-03-05\n---\n" + BODY, "issues/bad.md:2:1: error: the front matter has no 'issue'"),
    ("---\nissue: 2\ndate: 2018-02-30\n---\n" + BODY, "issues/bad.md:3:7: error: 'date' is not a real date"),
    ("---\nissue: 2\nissue: 3\ndate: 2018-03-05\n---\n" + BODY, "issues/bad.md:3:1: error: 'issue' appears twice"),
    ("---\nissue: 2\ndate: 2018-03-05\nrecipients:\n  main: 5\n---\n" + BODY,
     "issues/bad.md:5:9: error: 'recipients.main' must be a list of names, got 5"),
    ("---\nissue: 2\ndate: 2018-03-05\nrecipients:\n  mian: [a]\n---\n" + BODY,
     "issues/bad.md:5:9: error: 'recipients' has an unknown list 'mian'\n  hint: did you mean 'main'?"),
    ("---\nissue: 2\ndate: 2018-03-05\nlanguage: fr\n---\n" + BODY, "issues/bad.md:4:11: error: 'language' must be one of"),
    ("issue: 2\n" + BODY, "issues/bad.md:1:1: error: the file does not start with front matter"),
    ("---\nissue: 2\ndate: 2018-03-05\n" + BODY, "issues/bad.md:1:1: error: the front matter is not closed"),
    ("---\nissue: 2\ndate: 2018-03-05\n---\n\n", "issues/bad.md:5:1: error: the issue has no text"),
    ("---\nissue: 2\ndate: 2018-03-05\n---\n\n# 大标题\n\n正文\n", "issues/bad.md:6:1: error: a '#' heading"),
    ("---\nissue: 2\ndate: 2018-03-05\n---\n\n## 标题\n\n![图](../../etc/passwd)\n",
     "issues/bad.md:8:1: error: image '../../etc/passwd' is outside the workspace"),
    ("---\nissue: 2\ndate: 2018-03-05\n---\n\n## 标题\n\n![图](missing.png)\n",
     "issues/bad.md:8:1: error: image 'missing.png' does not exist"),
    ("---\nissue: 2\ndate: 2018-03-05\n---\n\n## 标题\n\n![图](http://example.com/a.png)\n",
     "is not a file of this workspace"),
    (b"---\nissue: 2\ndate: 2018-03-05\n---\n\n## \xb1\xea\xcc\xe2\n",
     "issues/bad.md:6:4: error: the file is not UTF-8"),
    ("", "issues/bad.md:1:1: error: the file does not start with front matter"),
])
def test_errors_name_file_line_and_field(make_ws, text, expect):
    root = make_ws({"bad.md": text})
    proc = run("check", cwd=root)
    assert proc.returncode == 1
    assert expect in proc.stderr


def test_unknown_fields_are_warned_with_a_suggestion(make_ws):
    root = make_ws({"a.md": issue(1, "2018-01-05", extra="recipents:\n  main: [甲]\n")})
    proc = run("check", cwd=root)
    assert proc.returncode == 0
    assert "issues/a.md:5:3: warning: unknown field 'recipents' in the front matter" in proc.stderr
    assert "hint: did you mean 'recipients'?" in proc.stderr
    assert run("check", "--strict", cwd=root).returncode == 1


def test_bom_and_crlf_are_fine(make_ws):
    text = b"\xef\xbb\xbf" + issue(1, "2018-01-05").replace("\n", "\r\n").encode()
    root = make_ws({"a.md": text})
    proc = run("check", cwd=root)
    assert proc.returncode == 0, proc.stderr


def test_series_problems_point_at_the_field(make_ws):
    root = make_ws({
        "2018-01.md": issue(1, "2018-01-05", 41),
        "2018-02.md": issue(3, "2018-02-05", 43),
        "2019-01.md": issue(4, "2019-01-07", 44),
    })
    proc = run("check", cwd=root)
    assert proc.returncode == 1
    assert "issues/2018-02.md:2:1: error: 2018年 number 3 follows 1: 第2期 is missing" in proc.stderr
    assert "issues/2019-01.md:2:1: error: the first issue of 2019 is numbered 4" in proc.stderr


def test_bad_config_is_located(make_ws):
    root = make_ws({"a.md": issue(1, "2018-01-05")}, config="title: 简报\npublisher: 办\nlanguage: no\n")
    proc = run("check", cwd=root)
    assert proc.returncode == 1
    assert "bulletin.yaml:3:11: error: 'language' must be one of zh-CN, en, got 'no'" in proc.stderr


def test_no_workspace(tmp_path):
    proc = run("check", cwd=tmp_path)
    assert proc.returncode == 1
    assert "no bulletin.yaml" in proc.stderr and "bulletin init" in proc.stderr


def test_strict_build_skips_a_file_with_warnings(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", extra="recipents: [甲]\n"),
                    "2018-02.md": issue(2, "2018-02-05")})
    proc = run("build", "--strict", cwd=root)
    assert proc.returncode == 1
    assert "issues/2018-01.md:4:12: error: unknown field 'recipents' in the front matter (kept for templates) (--strict)" in proc.stderr
    assert not (root / "output" / "2018-01.pdf").exists() and (root / "output" / "2018-02.pdf").exists()
    assert run("build", cwd=root).returncode == 0 and (root / "output" / "2018-01.pdf").exists()
