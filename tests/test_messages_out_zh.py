"""The output and workflow commands speak Chinese: real runs with BULLETIN_LANG=zh.

Each slip below is one an office makes (publishing twice, a published file edited by
hand, no smtp: yet, a wrong --as, --month alone, the wrong folder, a file that is
not Word): the error and its hint are Chinese, and no English sentence is left in
what the command prints.
"""
import re
import shutil

import pytest

from conftest import copy_sample, issue, run

ZH = {"BULLETIN_LANG": "zh"}
HAN = re.compile(r"[\u4e00-\u9fff]")
# What may stay Latin in a Chinese message: the command, its options, paths and file names.
_ALLOWED = re.compile(r"bulletin(?: [a-z]+)?|--?[\w-]+|[\w.-]*[/.][\w./…-]*|SHA-256|SMTP|PDF/A")
_SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,;'’-]+[A-Za-z]{2,}){2,}")
# The labels of errors.py, in either language (they may be translated too).
ERROR = re.compile(r"(?:^|: )(?:error|错误)[:：] ?")
LABEL = re.compile(r"^(?:\S+: )?(?:error|warning|错误|警告)[:：] ?|^\s*(?:hint|提示)[:：] ?")
HINT = re.compile(r"^\s*(?:hint|提示)[:：] ?")


def english_left(text: str) -> list[str]:
    """Runs of three or more English words in `text`, once labels, commands and paths are set aside."""
    out = []
    for line in text.splitlines():
        line = LABEL.sub("", line)
        out += _SENTENCE.findall(_ALLOWED.sub(" ", line))
    return out


def assert_chinese(proc, *expected: str) -> None:
    """A failure (exit 1) whose error and hint are Chinese, with `expected` in what it printed."""
    said = proc.stdout + proc.stderr
    assert proc.returncode == 1, said
    for text in expected:
        assert text in said, said
    errors = [ERROR.split(line, 1)[1] for line in proc.stderr.splitlines() if ERROR.search(line)]
    hints = [line for line in proc.stderr.splitlines() if HINT.match(line)]
    assert errors and all(HAN.search(message) for message in errors), said
    assert hints and all(HAN.search(line) for line in hints), said
    assert english_left(said) == [], said


def test_english_left_finds_an_english_sentence():
    """The check itself: English is found, the Chinese form of the same message passes."""
    assert english_left("issues/2018-01.md: error: 2018-01 was published on 2026-12-05") == ["was published on"]
    assert english_left("issues/2018-01.md: error: 2018-01 已于 2026-12-05 印发\n"
                        "  hint: 如需重新印发：bulletin publish 2018-01 --reissue") == []


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The sample publication with 2018-01 published (it has no smtp: settings)."""
    root = copy_sample(tmp_path_factory.mktemp("zh") / "ws")
    run("publish", "2018-01", cwd=root, check=True)
    return root


def test_publish_of_an_edition_already_published(published):
    proc = run("publish", "2018-01", cwd=published, env=ZH)
    assert_chinese(proc, "2018-01 已于", "印发", "如需重新印发：bulletin publish 2018-01 --reissue")


def test_reissue_of_an_edition_never_published(published):
    proc = run("publish", "2018-02", "--reissue", cwd=published, env=ZH)
    assert_chinese(proc, "2018-02 尚未印发", "bulletin publish 2018-02")


def test_verify_after_a_published_file_was_altered(published, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(published, root)
    page = root / "published" / "2018-01.html"
    page.write_bytes(page.read_bytes() + b"<!-- edited by hand -->")
    proc = run("verify", cwd=root, env=ZH)
    assert_chinese(proc, "published/2018-01.html 与印发时的文件不一致", "请恢复该文件",
                   "已印发的1期中有1处不一致")


def test_send_without_smtp_settings(published):
    proc = run("send", "2018-01", cwd=published, env=ZH)
    assert_chinese(proc, "没有“smtp:”设置", "未发送任何邮件", "请添加 smtp:")


def test_approve_with_an_unknown_step(published):
    proc = run("approve", "2018-01", "--as", "盖章", "--by", "张三", cwd=published, env=ZH)
    assert_chinese(proc, "“盖章”不是审批环节", "请用 --as 审核 或 --as 签发")
    assert not (published / "published" / "approvals.jsonl").exists()


def test_stats_month_without_year(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-01-10")})
    proc = run("stats", "--month", "3", cwd=root, env=ZH)
    assert_chinese(proc, "--month 需要同时指定 --year", "例如：bulletin stats --year 2018 --month 3")


def test_archive_check_of_a_folder_that_is_not_a_package(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-01-10")})
    proc = run("archive", "--check", "issues", cwd=root, env=ZH)
    assert_chinese(proc, "issues 不是归档包：其中没有 manifest.xml", "bulletin archive 年份")


def test_import_of_a_file_that_is_not_word(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-01-10")})
    (root / "来稿.docx").write_text("这是一段纯文本，不是 Word 文件。\n", encoding="utf-8")
    proc = run("import", "来稿.docx", cwd=root, env=ZH)
    assert_chinese(proc, "这不是 Word、WPS、RTF 或 OpenDocument 文件",
                   "请在 Word 或 WPS 中另存为 .docx 后导入", "未导入任何内容")
    assert sorted(p.name for p in (root / "issues").iterdir()) == ["2018-01.md"]


BOOK = """\
addresses:
  市创建国家环境保护模范城市工作小组成员单位: jia@members.example.cn
  国家环保部: office@mep.example.cn
  省环保厅: gdep@gd.example.cn
  市委办: swb@qy.example.cn
  市人大办: rd@qy.example.cn
  市府办: sfb@qy.example.cn
  市政协办: zx@qy.example.cn
  市应急办: yj@qy.example.cn
  各县（市、区）人民政府: gx@qy.example.cn
  各县（市、区）环保局: hb@qy.example.cn
"""


def test_send_status_names_roles_and_headers_in_chinese(published, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(published, root)
    (root / "recipients.yaml").write_text(BOOK, encoding="utf-8")
    proc = run("send", "2018-01", "--status", cwd=root, env=ZH)
    assert proc.returncode == 0, proc.stderr
    assert "jia@members.example.cn（市创建国家环境保护模范城市工作小组成员单位，主送 → 收件人）" in proc.stdout
    assert "office@mep.example.cn（国家环保部，抄送 → 抄送人）" in proc.stdout
    assert proc.stdout.count("未发送") == 10 and english_left(proc.stdout) == []


def test_publish_sign_without_signing_settings(published, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(published, root)
    proc = run("publish", "2018-02", "--sign", cwd=root, env=ZH)
    assert_chinese(proc, "bulletin.yaml 没有 'signing' 设置", "例如加入：")
    assert not (root / "published" / "2018-02.pdf").exists()


def test_import_of_a_file_that_is_not_there(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-01-10")})
    proc = run("import", "来稿.docx", cwd=root, env=ZH)
    assert_chinese(proc, "没有这个文件", "请核对文件名和所在文件夹")


def test_import_notes_quote_the_paragraph_then_say_what_was_done(make_ws):
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    root = make_ws({"2018-01.md": issue(1, "2018-01-10")})
    document = docx.Document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("全市河长制工作推进情况").bold = True
    document.add_paragraph("一、总体情况")
    document.add_paragraph("今年以来，各地认真落实河长制各项任务。")
    document.save(root / "来稿.docx")
    proc = run("import", "来稿.docx", cwd=root, env=ZH)
    assert proc.returncode == 0, proc.stderr
    assert "“全市河长制工作推进情况”：认作文章标题（居中）" in proc.stderr
    assert "“一、总体情况”：按序号认作 ### 标题" in proc.stderr
    assert english_left(proc.stdout + proc.stderr) == []
