"""`bulletin check` on broken issue files: every problem located, no traceback, exit 1."""
import io
import os
import re

import pypdf
import pytest

from conftest import CONFIG, issue, run

DOT_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000002030100a5f6c5a60000000049454e44ae426082")

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
    assert "issues/2018-02.md:2:1: error: Issue 3, 2018 follows Issue 1, 2018: Issue 2, 2018 is missing" in proc.stderr
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


# Slips of an office that pastes from Word and types with a Chinese input method (issue 16).

@pytest.mark.parametrize("text, expect", [
    ("---\nissue：2\ndate: 2018-03-05\n---\n" + BODY,
     "issues/bad.md:2:6: error: 'issue' is followed by a full-width colon '：'; YAML needs an ASCII colon ':' "
     "and a space\n  hint: switch the input method to English punctuation and write: issue: 2"),
    ("---\nissue:2\ndate: 2018-03-05\n---\n" + BODY,
     "issues/bad.md:2:6: error: no space after the colon of 'issue'; YAML needs ': ' between a name and its value\n"
     "  hint: write: issue: 2"),
    ("---\nissue: 2\n\tdate: 2018-03-05\n---\n" + BODY,
     "issues/bad.md:3:1: error: a tab character; YAML is indented with spaces only\n"
     "  hint: replace the tab with spaces: two spaces for each level"),
])
def test_input_method_slips_in_front_matter(make_ws, text, expect):
    proc = run("check", cwd=make_ws({"bad.md": text}))
    assert proc.returncode == 1 and expect in proc.stderr, proc.stderr


def test_files_that_look_like_issues_but_are_not_md_are_named(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-01-05"), "2018-02.txt": issue(2, "2018-02-05"),
                    "2018-03.md.txt": "随便写的", "2018-04.MD": issue(4, "2018-04-05"),
                    "notes.txt": "不是一期简报"})
    for command in ("check", "build"):
        proc = run(command, cwd=root)
        assert proc.returncode == 0, proc.stderr
        err = proc.stderr
        assert "issues/2018-02.txt: warning: '2018-02.txt' is not read: issue files end in '.md'\n" \
               "  hint: rename it to '2018-02.md'" in err
        assert "issues/2018-03.md.txt: warning: '2018-03.md.txt' is not read" in err and "'2018-03.md'" in err
        assert "issues/2018-04.MD: warning: '2018-04.MD' is not read" in err and "rename it to '2018-04.md'" in err
        assert "notes.txt" not in err


def test_the_sample_text_of_init_is_a_warning(tmp_path):
    for language in ("zh-CN", "en"):
        ws = tmp_path / language
        run("init", ws, "--language", language, cwd=tmp_path, check=True)
        proc = run("check", cwd=ws, check=True)
        first = next((ws / "issues").glob("*.md"))
        assert f"issues/{first.name}:7:1: warning: the sample text that 'bulletin init' wrote is still here, " \
               "on lines 7, 9, 11, 13\n  hint: replace it with the issue's own articles" in proc.stderr
        text = first.read_text(encoding="utf-8")
        first.write_text(text[: text.index("##")] + "## 春耕生产\n\n各地抓紧春耕。\n", encoding="utf-8")
        assert "warning:" not in run("check", cwd=ws, check=True).stderr


PUNCTUATION = ('## 题\n\n他说"春耕"很重要,要抓紧(今年)完成.然后...结束。。。\n'
               "一.总体情况\n‘好’与'坏'，it's fine. Version 1.2 \"quoted\".\n"
               "甲\u00a0乙 a\u00a0b 零\u200b宽\ufeff字\n"
               "见[链接](http://a.cn/x,y.html)和`a,b.c`和![图](a.png)。\n")


def test_punctuation_slips_are_warned_at_line_and_column_and_fixed(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", body=PUNCTUATION)})
    (root / "issues" / "a.png").write_bytes(DOT_PNG)
    proc = run("check", cwd=root, check=True)
    for where, words in [("8:3", "half-width '\"' in Chinese text; write '“'"),
                         ("8:6", "half-width '\"' in Chinese text; write '”'"),
                         ("8:10", "half-width ',' in Chinese text; write '，'"),
                         ("8:14", "half-width '(' in Chinese text; write '（'"),
                         ("8:17", "half-width ')' in Chinese text; write '）'"),
                         ("8:20", "half-width '.' in Chinese text; write '。'"),
                         ("8:23", "half-width '...' in Chinese text; write '……'"),
                         ("8:28", "half-width '。。。' in Chinese text; write '……'"),
                         ("9:2", "half-width '.' in Chinese text; write '、'"),
                         ("10:5", "half-width ''' in Chinese text; write '‘'"),
                         ("10:7", "half-width ''' in Chinese text; write '’'"),
                         ("11:2", "a no-break space (U+00A0), as pasted from Word; it prints as a gap"),
                         ("11:6", "a no-break space (U+00A0)"),
                         ("11:10", "an invisible zero-width character (U+200B)"),
                         ("11:12", "an invisible zero-width character (U+FEFF)")]:
        assert f"issues/2018-01.md:{where}: warning: {words}" in proc.stderr, (where, proc.stderr)
    assert proc.stderr.count("warning:") == 15, proc.stderr
    assert "'bulletin check --fix' mends them all" in proc.stderr
    proc = run("check", "--fix", cwd=root, check=True)
    assert "fixed 15 punctuation mark(s) in issues/2018-01.md" in proc.stderr
    text = (root / "issues" / "2018-01.md").read_text(encoding="utf-8")
    assert ("他说“春耕”很重要，要抓紧（今年）完成。然后……结束……\n一、总体情况\n"
            "‘好’与‘坏’，it's fine. Version 1.2 \"quoted\".\n甲乙 a b 零宽字\n"
            "见[链接](http://a.cn/x,y.html)和`a,b.c`和![图](a.png)。\n") in text
    assert "warning:" not in run("check", cwd=root, check=True).stderr


def test_control_characters_from_word_are_located_understood_and_fixed(make_ws):
    body = "## 题\n\n甲\x0b乙\u2028丙\x85丁\n\n戊\x0c己\x07庚\n"
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", body=body)})
    proc = run("check", cwd=root, check=True)
    assert "issues/2018-01.md:10:2: warning: a page break (U+000C) from Word; it is left out" in proc.stderr
    assert "issues/2018-01.md:10:4: warning: a control character (U+0007) with nothing to print" in proc.stderr
    assert proc.stderr.count("warning:") == 2  # the line breaks are understood as line breaks
    run("build", cwd=root, check=True)
    page = (root / "output" / "2018-01.html").read_text(encoding="utf-8")
    assert "甲<br />\n乙<br />\n丙<br />\n丁" in page and "戊己庚" in page
    run("check", "--fix", cwd=root, check=True)
    assert "戊己庚" in (root / "issues" / "2018-01.md").read_text(encoding="utf-8")
    assert "warning:" not in run("check", cwd=root, check=True).stderr


def test_recurring_fields_default_from_bulletin_yaml(make_ws):
    config = CONFIG + "classification: 内部资料 注意保存\ncopies: 120\neditor: 张三\nreviewer: 李四\nissuer: 王五\n"
    root = make_ws({"2018-01.md": issue(1, "2018-01-05"),
                    "2018-02.md": issue(2, "2018-02-05", extra="copies: 80\nissuer: 赵六\n")}, config=config)
    proc = run("build", cwd=root, check=True)
    assert "unknown field" not in proc.stderr
    first = (root / "output" / "2018-01.html").read_text(encoding="utf-8")
    second = (root / "output" / "2018-02.html").read_text(encoding="utf-8")
    assert "内部资料 注意保存" in first and "共印120份" in first and "王五" in first and "张三" in first
    assert "内部资料 注意保存" in second and "共印80份" in second and "赵六" in second and "王五" not in second
    text = "".join(p.extract_text() for p in pypdf.PdfReader(root / "output" / "2018-02.pdf").pages)
    assert "共印80份" in text and "赵六" in text and "李四" in text
    (root / "bulletin.yaml").write_text(CONFIG + "copies: many\n", encoding="utf-8")
    assert "bulletin.yaml:6:9: error: 'copies' must be a whole number" in run("check", cwd=root).stderr


def test_init_writes_a_workspace_in_its_language(tmp_path):
    run("init", "en", "--language", "en", "--title", "County Office", "--publisher", "County Secretariat: Press",
        cwd=tmp_path, check=True)
    config = (tmp_path / "en" / "bulletin.yaml").read_text(encoding="utf-8")
    assert "language: en\n" in config and "  - County Office\n  - Work Bulletin\n" in config
    assert "publisher: \"County Secretariat: Press\"\n" in config
    comments = [line for line in config.splitlines() if line.startswith("#")]
    assert comments and not any(re.search("[\u4e00-\u9fff]", line) for line in comments)
    assert "README" not in config and "# editor: A. Editor" in config
    first = next((tmp_path / "en" / "issues").glob("*.md")).read_text(encoding="utf-8")
    assert "## Article title" in first and not re.search("[\u4e00-\u9fff]", first)
    run("init", "zh", cwd=tmp_path, check=True)
    config = (tmp_path / "zh" / "bulletin.yaml").read_text(encoding="utf-8")
    assert "language: zh-CN\n" in config and "# 本简报的设置。以 # 开头的行是注释。\n" in config
    assert "  - 某某单位\n  - 工作简报\n" in config and "README" not in config
    # the commented defaults work once uncommented
    (tmp_path / "zh" / "bulletin.yaml").write_text(config.replace("# copies: 100", "copies: 100"), encoding="utf-8")
    assert "0 error(s)" in run("check", cwd=tmp_path / "zh", check=True).stderr
    assert run("build", cwd=tmp_path / "en", check=True).returncode == 0


def test_new_kind_explains_each_kind_in_both_languages(tmp_path):
    from bulletin import scaffold

    shown = " ".join(run("new", "--help", cwd=tmp_path, check=True).stdout.split())
    meaning = ("regular (正刊): the numbered series; supplement (增刊): an extra issue between two regular ones; "
               "special (专刊): an issue on one subject; extra (特刊): an issue for an occasion. "
               "Each kind has its own numbering.")
    assert meaning in shown
    assert "特刊）：为特定事件或场合出的一期" in scaffold.translator("zh-CN")(meaning)


def _picture(mode, size=(60, 40), kind="PNG", **options):
    from PIL import Image

    buf = io.BytesIO()
    colour = {"1": 1, "L": 128, "LA": (128, 200), "I;16": 40000, "P": 3}.get(mode, "red")
    Image.new(mode, size, colour).save(buf, kind, **options)
    return buf.getvalue()


def _noise_jpeg(size):
    from PIL import Image

    buf = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def _rotated_jpeg():
    from PIL import Image

    buf, exif = io.BytesIO(), Image.Exif()
    exif[0x0112] = 6  # a phone held upright: rotate 90° to show
    Image.new("RGB", (80, 40), "blue").save(buf, "JPEG", exif=exif)
    return buf.getvalue()


SVG_OUTSIDE = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" '
               'height="10"><image xlink:href="file:///etc/hostname" width="10" height="10"/></svg>')
# name: (body, {picture file: bytes}, whether check must report an error)
BROKEN = {
    "heading-no-space": ("##标题\n\n正文。\n", {}, False),
    "heading-full-width-space": ("##　标题\n\n正文。\n", {}, False),
    "image-name-with-spaces": ("## 题\n\n![图1 会议现场](会议 现场.JPG)\n", {"会议 现场.JPG": DOT_PNG}, False),
    "indented-paragraph": ("## 题\n\n    缩进的段落。\n\n\t制表符缩进。\n", {}, False),
    "tab-table": ("## 题\n\n单位\t数量\n甲\t1\n乙\t2\n", {}, False),
    "ragged-tab-lines": ("## 题\n\n单位\t数量\n甲\t1\t多\n", {}, False),
    "word-controls": ("## 题\x0b续\n\n甲\x0b乙\u2028丙\x85丁\x0c戊\x07己\x1b庚\x7f辛\x9f壬\u2029癸\n", {}, False),
    "controls-in-code": ("## 题\n\n```\n代码\x0b续\u2028行\x07完\n```\n", {}, False),
    "placeholder": ("## 文章标题\n\n正文从这里开始。\n", {}, False),
    "punctuation": ('## 题\n\n他说"春耕"很重要,要抓紧(今年)完成.然后...结束。。。\n', {}, False),
    "invisible": ("## 题\n\n甲\u00a0乙\u200b丙\ufeff丁\u2060戊\n", {}, False),
    "glyph-no-font-has": ("## 题\n\n正文\U00010000在此。\n", {}, True),
    "truncated-png": ("## 题\n\n![图](t.png)\n", {"t.png": _picture("RGB", (400, 300))[:200]}, False),
    "truncated-jpeg": ("## 题\n\n![图](t.jpg)\n", {"t.jpg": _picture("RGB", (400, 300), "JPEG")[:300]}, True),
    "text-named-png": ("## 题\n\n![图](text.png)\n", {"text.png": b"not a picture"}, True),
    "empty-jpeg": ("## 题\n\n![图](empty.jpg)\n", {"empty.jpg": b""}, True),
    "tiff": ("## 题\n\n![图](scan.tif)\n", {"scan.tif": _picture("RGB", kind="TIFF")}, True),
    "cmyk-jpeg": ("## 题\n\n![图](cmyk.jpg)\n", {"cmyk.jpg": _picture("CMYK", kind="JPEG")}, False),
    "grey-16-bit-png": ("## 题\n\n![图](grey16.png)\n", {"grey16.png": _picture("I;16")}, False),
    "one-bit-png": ("## 题\n\n![图](bw.png)\n", {"bw.png": _picture("1")}, False),
    "grey-alpha-png": ("## 题\n\n![图](la.png)\n", {"la.png": _picture("LA")}, False),
    "palette-transparency": ("## 题\n\n![图](p.png)\n", {"p.png": _picture("P", transparency=0)}, False),
    "png-named-jpg": ("## 题\n\n![图](png.jpg)\n", {"png.jpg": DOT_PNG}, False),
    "gif": ("## 题\n\n![图](a.gif)\n", {"a.gif": _picture("P", kind="GIF")}, False),
    "webp-alpha": ("## 题\n\n![图](a.webp)\n", {"a.webp": _picture("RGBA", kind="WEBP")}, False),
    "rotated-jpeg": ("## 题\n\n![图](rotated.jpg)\n", {"rotated.jpg": _rotated_jpeg()}, False),
    "large-photo": ("## 题\n\n![图](big.jpg)\n", {"big.jpg": _noise_jpeg((2400, 1800))}, False),
    "svg-not-well-formed": ("## 题\n\n![图](bad.svg)\n", {"bad.svg": b"<svg xmlns='http://www.w3.org/2000/svg'><rect"}, True),
    "svg-refers-outside": ("## 题\n\n![图](out.svg)\n", {"out.svg": SVG_OUTSIDE.encode()}, True),
    "yaml-full-width-colon": (None, {}, True),
    "yaml-no-space": (None, {}, True),
    "yaml-tab": (None, {}, True),
}
FRONT_SLIPS = {"yaml-full-width-colon": "issue：1\ndate: {date}\n", "yaml-no-space": "issue:1\ndate: {date}\n",
               "yaml-tab": "issue: 1\n\tdate: {date}\n"}


def _failed(stderr: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"^issues/([^:\s]+?)\.md(?::\d+:\d+)?: error:", stderr, re.M)}


def test_check_reports_everything_build_would_reject(make_ws):
    """Each broken input in its own issue (one a year, so that their numbers do not clash):
    an issue the build rejects must have been rejected by check."""
    files, pictures = {}, {}
    for n, (name, (body, own, _)) in enumerate(BROKEN.items()):
        front = FRONT_SLIPS.get(name, "issue: 1\ndate: {date}\n").format(date=f"{2001 + n}-03-05")
        files[f"{name}.md"] = f"---\n{front}---\n\n" + (body or BODY)
        pictures.update(own)
    root = make_ws(files)
    for picture, data in pictures.items():
        (root / "issues" / picture).write_bytes(data)
    checked = run("check", cwd=root)
    built = run("build", "--jobs", "2", cwd=root)
    rejected_by_check, rejected_by_build = _failed(checked.stderr), _failed(built.stderr)
    assert rejected_by_build <= rejected_by_check, (rejected_by_build - rejected_by_check, built.stderr)
    assert rejected_by_check == {name for name, (_, _, bad) in BROKEN.items() if bad}, checked.stderr
    for n, name in enumerate(BROKEN):
        assert (root / "output" / f"{2001 + n}-01.pdf").exists() == (name not in rejected_by_check), name
