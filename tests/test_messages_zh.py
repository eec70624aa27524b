"""The messages of `check` in Chinese (issue 16): each common slip, in a real workspace and a
real run with BULLETIN_LANG=zh, is reported at its file:line:col in Chinese, with a Chinese
hint, and no English sentence; the same workspace in English still speaks English."""
import re

import pytest

from conftest import issue, run

ZH = {"BULLETIN_LANG": "zh"}
BODY = "## 标题\n\n正文。\n"
# "path:line:col: severity: message" (the severity word may be English or Chinese: errors.py says it)
_HEAD = re.compile(r"^(?P<where>\S+?): (?P<severity>error|warning|错误|警告)[:：] ?(?P<message>.*)$")
_HINT = re.compile(r"^\s+(?:hint|提示)[:：] ?(?P<hint>.*)$")
# What may stay in ASCII inside a Chinese message: quoted names and values, file names, commands.
_QUOTED = re.compile(r"“[^”]*”|'[^']*'|\S+\.(?:md|txt|png|jpg|yaml)\b|bulletin \w+")
_ENGLISH = re.compile(r"[A-Za-z]+(?:[ ,;']+[A-Za-z]+){2,}")  # three English words in a row
_HAN = re.compile(r"[\u4e00-\u9fff]")


def diagnostics(stderr: str) -> dict[str, tuple[str, str]]:
    """{where: (message, hint)} of every diagnostic printed."""
    found, lines = {}, stderr.splitlines()
    for i, line in enumerate(lines):
        head = _HEAD.match(line)
        if head:
            hint = _HINT.match(lines[i + 1]) if i + 1 < len(lines) else None
            found[head["where"]] = (head["message"], hint["hint"] if hint else "")
    return found


def assert_chinese(text: str) -> None:
    """Chinese words, and no English sentence once names and values in quotes are left out."""
    assert _HAN.search(text), text
    assert not _ENGLISH.search(_QUOTED.sub("", text)), text


# name: (issue files, where, words of the message, words of the hint)
SLIPS = {
    "broken date": ({"2018-01.md": issue(1, "2018-02-30")}, "issues/2018-01.md:3:7",
                    "“date”不是有效日期：2018-02-30，2018年2月只有28天", "2018-02-28"),
    "full-width colon": ({"2018-01.md": "---\nissue：2\ndate: 2018-03-05\n---\n\n" + BODY}, "issues/2018-01.md:2:6",
                         "全角冒号", "issue: 2"),
    "tab in YAML": ({"2018-01.md": "---\nissue: 1\n\tdate: 2018-03-05\n---\n\n" + BODY}, "issues/2018-01.md:3:1",
                    "制表符", "空格"),
    "unknown field": ({"2018-01.md": issue(1, "2018-03-05", extra="clasification: 内部资料\n")},
                      "issues/2018-01.md:4:16", "未知字段“clasification”", "是否应为“classification”"),
    "numbering gap": ({"2018-01.md": issue(1, "2018-01-05"), "2018-03.md": issue(3, "2018-03-05")},
                      "issues/2018-03.md:2:1", "2018年第3期接在2018年第1期之后，缺少2018年第2期", "第2期"),
    "missing image": ({"2018-01.md": issue(1, "2018-03-05", body="## 标题\n\n![图](missing.png)\n")},
                      "issues/2018-01.md:8:1", "图片“missing.png”不存在", "把图片放在本期文件旁边"),
    "half-width punctuation": ({"2018-01.md": issue(1, "2018-03-05", body="## 标题\n\n正文,好的。\n")},
                               "issues/2018-01.md:8:3", "中文里用了半角“,”；应写作“，”", "bulletin check --fix"),
    "saved as .md.txt": ({"2018-01.md": issue(1, "2018-01-05"), "2018-02.md.txt": issue(2, "2018-02-05")},
                         "issues/2018-02.md.txt", "未读取“2018-02.md.txt”", "请改名为“2018-02.md”"),
}


@pytest.mark.parametrize("name", SLIPS)
def test_slip_is_reported_in_chinese_at_its_place(make_ws, name):
    files, where, words, hint_words = SLIPS[name]
    root = make_ws(files)
    proc = run("check", cwd=root, env=ZH)
    found = diagnostics(proc.stderr)
    assert where in found, proc.stderr
    message, hint = found[where]
    assert words in message, proc.stderr
    assert hint_words in hint, proc.stderr
    assert_chinese(message)
    assert_chinese(hint)


def test_every_diagnostic_of_a_broken_workspace_is_chinese(make_ws):
    """All the slips at once: not one message or hint is left in English."""
    root = make_ws({
        "2018-01.md": issue(1, "2018-01-05", extra="clasification: 内部资料\n",
                            body='## 标题\n\n正文,好的..."春耕"\n\n![图](missing.png)\n'),
        "2018-03.md": issue(3, "2018-13-05"),
        "2018-04.md": "---\nissue:4\ndate: 2018-04-05\n---\n\n" + BODY,
        "2018-05.md": issue(5, "2018-05-05", body="##标题\n\n正文。\n"),
        "2018-06.md.txt": issue(6, "2018-06-05"),
    })
    proc = run("check", cwd=root, env=ZH)
    found = diagnostics(proc.stderr)
    assert len(found) >= 7, proc.stderr
    for message, hint in found.values():
        assert_chinese(message)
        if hint:
            assert_chinese(hint)
    assert "一年没有13月" in found["issues/2018-03.md:3:7"][0]
    assert "直引号" in found["issues/2018-01.md:9:9"][0], proc.stderr


def test_the_parse_cache_keeps_no_message_of_another_language(make_ws):
    """A run in English, then one in Chinese, on a file that did not change (its warnings are
    cached with it): Chinese, not the cached English."""
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", body="## 标题\n\n正文,好的。\n")})
    english = run("check", cwd=root)
    assert "issues/2018-01.md:8:3: warning: half-width ',' in Chinese text; write '，'" in english.stderr
    chinese = run("check", cwd=root, env=ZH)
    message, hint = diagnostics(chinese.stderr)["issues/2018-01.md:8:3"]
    assert "中文里用了半角“,”" in message and "bulletin check --fix" in hint
    assert_chinese(message)
