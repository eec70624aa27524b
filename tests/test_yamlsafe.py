from pathlib import Path

import pytest

from bulletin import yamlsafe
from bulletin.errors import BulletinError

P = Path("x.md")


def test_values_keep_their_written_meaning():
    data = yamlsafe.load("a: 042\nb: 1:20\nc: no\nd: true\ne: 2018-03-05\nf: 7\n", P)
    assert data == {"a": "042", "b": "1:20", "c": "no", "d": True, "e": "2018-03-05", "f": 7}


def test_positions_are_file_lines_and_columns():
    data = yamlsafe.load("issue: 2\nrecipients:\n  cc: [甲, 乙]\n", P, line_offset=1)
    assert data.where["issue"] == (2, 8)
    assert data["recipients"]["cc"].where == [(4, 8), (4, 11)]


@pytest.mark.parametrize("text, where, words", [
    ("a: 1\na: 2\n", "x.md:2:1", "'a' appears twice (first on line 1)"),
    ("a: &x [1]\nb: *x\n", "x.md:1:4", "anchors and aliases"),
    ("? [1]\n: x\n", "x.md:1:3", "keys must be plain names"),
    ("a: !!binary aGk=\n", "x.md:1:4", "tags"),
    ("a: b: c\n", "x.md:1:5", "mapping values are not allowed"),
    ("a: [\n", "x.md:2:1", "not valid YAML"),
])
def test_errors_are_located(text, where, words):
    with pytest.raises(BulletinError) as info:
        yamlsafe.load(text, P)
    shown = info.value.diagnostic.format(relative_to=Path.cwd())
    assert shown.startswith(where) and words in shown


def test_alias_bomb_is_refused_before_it_grows():
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\n'
    with pytest.raises(BulletinError, match="anchors and aliases"):
        yamlsafe.load(bomb, P)


def test_size_cap():
    with pytest.raises(BulletinError, match="larger than 64 KiB"):
        yamlsafe.load("a: " + "x" * 70000, P)


def test_control_characters_are_located():
    with pytest.raises(BulletinError) as info:
        yamlsafe.load("issue: 1\ntitle: a\x0cb\n", P, line_offset=1)
    assert info.value.diagnostic.format(relative_to=Path.cwd()).startswith("x.md:3:9: error: the character U+000C")


# Slips of a Chinese input method, each reported at its own line as what it is (issue 16).
@pytest.mark.parametrize("text, where, words, hint", [
    ("issue：2\ndate: 2018-03-05\n", "x.md:2:6", "'issue' is followed by a full-width colon '：'", "write: issue: 2"),
    ("date: 2018-03-05\nissue：2\n", "x.md:3:6", "full-width colon", "issue: 2"),
    ("issue: 2\ndate：2018-03-05\ntitle: 简报\n", "x.md:3:5", "'date' is followed by a full-width colon", "date: 2018-03-05"),
    ("issue:2\ndate: 2018-03-05\n", "x.md:2:6", "no space after the colon of 'issue'", "write: issue: 2"),
    ("date: 2018-03-05\nissue:2\n", "x.md:3:6", "no space after the colon of 'issue'", "write: issue: 2"),
    ("issue:2\n", "x.md:2:6", "no space after the colon of 'issue'", "write: issue: 2"),
    ("issue: 2\n\tdate: 2018-03-05\n", "x.md:3:1", "a tab character; YAML is indented with spaces only",
     "replace the tab with spaces"),
    ("recipients:\n  main:\n\t- 甲\n", "x.md:4:1", "a tab character", "replace the tab with spaces"),
])
def test_input_method_slips_are_named_at_their_line(text, where, words, hint):
    with pytest.raises(BulletinError) as info:
        yamlsafe.load(text, P, line_offset=1)
    shown = info.value.diagnostic.format(relative_to=Path.cwd())
    assert shown.startswith(where + ": error: ") and words in shown, shown
    assert hint in info.value.diagnostic.hint


def test_text_with_colons_is_not_taken_for_a_slip():
    data = yamlsafe.load("title: 会议：纪要\nnote: 'a:b'\nbase_url: https://x.cn/a:b\n", P)
    assert data == {"title": "会议：纪要", "note": "a:b", "base_url": "https://x.cn/a:b"}
