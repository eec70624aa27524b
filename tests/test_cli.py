"""The commands as a user runs them, from a new workspace to built editions."""
import os
import re
import subprocess
import sys
import time

import pypdf

from conftest import REPO, issue, run


def test_help_on_every_command(tmp_path):
    top = run("--help", cwd=tmp_path, check=True).stdout
    for command in ("init", "new", "check", "build", "list", "doctor"):
        assert command in top
        assert "Usage:" in run(command, "--help", cwd=tmp_path, check=True).stdout


def test_init_new_check_build(tmp_path):
    out = run("init", "ws", "--title", "某市环保局", cwd=tmp_path, check=True).stdout
    ws = tmp_path / "ws"
    ignored = (ws / ".gitignore").read_text().splitlines()
    assert (ws / "bulletin.yaml").is_file() and "output/" in ignored and ".bulletin/" in ignored
    assert "wrote ws/bulletin.yaml" in out
    first = next((ws / "issues").glob("*.md"))
    # Make the first issue an old one so that the next ones have a year to roll over.
    first.write_text(first.read_text(encoding="utf-8").replace(
        re.search(r"date: .*", first.read_text(encoding="utf-8")).group(0), "date: 2018-11-20"), encoding="utf-8")
    first.rename(ws / "issues" / "2018-01.md")

    path = run("-C", "ws", "new", "--date", "2018-12-20", cwd=tmp_path, check=True).stdout.strip()
    assert path == "ws/issues/2018-02.md"
    text = (tmp_path / path).read_text(encoding="utf-8")
    assert "issue: 2\ntotal: 2\ndate: 2018-12-20\n" in text
    assert "recipients:\n  main:\n  - 各成员单位\n" in text  # the defaults of bulletin.yaml

    path = run("new", "--date", "2019-01-08", cwd=ws, check=True).stdout.strip()
    assert path == "issues/2019-01.md"
    assert "issue: 1\ntotal: 3\ndate: 2019-01-08\n" in (ws / path).read_text(encoding="utf-8")
    path = run("new", "--date", "2019-02-01", "--kind", "增刊", cwd=ws, check=True).stdout.strip()
    assert path == "issues/2019-zk01.md"

    assert run("check", cwd=ws).returncode == 0
    listing = run("list", cwd=ws, check=True).stdout.splitlines()
    assert [line.split()[0] for line in listing] == ["2018-01", "2018-02", "2019-01", "2019-zk01"]
    assert "2019年第1期（总第3期）" in listing[2] and "2019-01-08" in listing[2] and "文章标题" in listing[2]

    proc = run("build", "2019-01", cwd=ws, check=True)
    editions = sorted(p.name for p in (ws / "output").glob("20??-*.*"))
    assert editions == ["2019-01.html", "2019-01.pdf"]
    assert "2019年第1期（总第3期）" in pypdf.PdfReader(ws / "output" / "2019-01.pdf").metadata.title
    assert run("build", "issues/2018-01.md", cwd=ws, check=True).returncode == 0
    assert (ws / "output" / "2018-01.pdf").is_file()
    proc = run("build", "2030-09", cwd=ws)
    assert proc.returncode == 1 and "no issue '2030-09'" in proc.stderr


def test_new_refuses_an_existing_file(make_ws):
    root = make_ws({"2018-02.md": issue(1, "2018-01-05")})
    proc = run("new", "--date", "2018-02-01", cwd=root)
    assert proc.returncode == 1 and "2018-02.md exists already" in proc.stderr


def test_a_bad_issue_does_not_stop_the_others(make_ws):
    root = make_ws({
        "2018-01.md": issue(1, "2018-01-05"),
        "2018-02.md": "---\nissue: 2\ndate: 2018-02-30\n---\n\n## 甲\n",
        "2018-03.md": issue(3, "2018-03-05"),
    })
    proc = run("build", cwd=root)
    assert proc.returncode == 1
    assert sorted(p.name for p in (root / "output").glob("*.pdf")) == ["2018-01.pdf", "2018-03.pdf"]
    assert "issues/2018-02.md:3:7: error: 'date' is not a real date" in proc.stderr
    assert "built 2 edition(s); 1 error(s): issues/2018-02.md\n" in proc.stderr
    # the gap left by the broken file is not blamed on the next one
    assert "warning: Issue 3, 2018 follows Issue 1, 2018: Issue 2, 2018 is missing (perhaps in a file with errors)" in proc.stderr


def test_duplicate_numbers_do_not_overwrite_each_other(make_ws):
    root = make_ws({"a.md": issue(1, "2018-01-05", body="## 甲文\n\n甲。\n"),
                    "b.md": issue(1, "2018-01-09", body="## 乙文\n\n乙。\n")})
    proc = run("build", cwd=root)
    assert proc.returncode == 1 and "appears twice" in proc.stderr and "was not built" in proc.stderr
    assert "甲文" in (root / "output" / "2018-01.html").read_text(encoding="utf-8")


def test_of_two_files_with_one_number_the_earlier_date_is_built_whichever_is_read_first(make_ws):
    """Typesetting starts as each file is parsed (a.md first); the series' order decides which is kept."""
    root = make_ws({"a.md": issue(1, "2018-01-09", body="## 甲文\n\n甲。\n"),
                    "b.md": issue(1, "2018-01-05", body="## 乙文\n\n乙。\n")})
    proc = run("build", cwd=root)
    assert proc.returncode == 1 and "was not built" in proc.stderr
    text = pypdf.PdfReader(root / "output" / "2018-01.pdf").pages[0].extract_text()
    assert "乙文" in text and "甲文" not in text
    assert "乙文" in (root / "output" / "2018-01.html").read_text(encoding="utf-8")


def test_images_beside_the_issue_are_used(make_ws):
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360f8cf000002030100a5f6c5a60000000049454e44ae426082")
    root = make_ws({"2018-01.md": issue(1, "2018-01-05", body="## 甲\n\n![现场照片](photo.png)\n")})
    (root / "issues" / "photo.png").write_bytes(png)
    run("build", cwd=root, check=True)
    html = (root / "output" / "2018-01.html").read_text(encoding="utf-8")
    assert 'src="2018-01.files/01.png"' in html and 'alt="现场照片"' in html
    assert (root / "output" / "2018-01.files" / "01.png").read_bytes() == png
    reader = pypdf.PdfReader(root / "output" / "2018-01.pdf")
    assert any("/XObject" in p["/Resources"] for p in reader.pages)


def test_english_publication(make_ws):
    config = "title: Clean City Bulletin\npublisher: City Environment Office\nlanguage: en\n" \
             "recipients:\n  main: [All member units]\n  cc: [Mayor's office]\n"
    root = make_ws({"2019-01.md": issue(1, "2019-01-08", total=44,
                                        body="## Clean air | A plan for 2019!\n\nThe plan was adopted.\n")},
                   config=config)
    run("build", cwd=root, check=True)
    html = (root / "output" / "2019-01.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    text = subprocess.run(["pdftotext", str(root / "output" / "2019-01.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    for needle in ("Issue 1, 2019 (No. 44)", "8 January 2019", "Contents", "Clean air, A plan for 2019",
                   "To:", "Cc:", "Mayor's office"):
        assert needle in text, needle
    assert pypdf.PdfReader(root / "output" / "2019-01.pdf").trailer["/Root"]["/Lang"] == "en"


def test_workspace_templates_override_the_theme(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-01-05")})
    (root / "templates").mkdir()
    (root / "templates" / "extra.css").write_text(".title { color: rgb(0, 0, 255) !important; }")
    (root / "templates" / "_footer.html").write_text('<footer class="distribution">本单位自定义版记</footer>\n')
    run("build", cwd=root, check=True)
    html = (root / "output" / "2018-01.html").read_text(encoding="utf-8")
    assert "本单位自定义版记" in html and "抄送" not in html and "rgb(0, 0, 255)" in html


def test_template_mistakes_are_reported_not_raised(make_ws):
    root = make_ws({"2018-01.md": issue(1, "2018-01-05")})
    (root / "templates").mkdir()
    (root / "templates" / "_footer.html").write_text("{{ no_such_variable }}\n")
    proc = run("build", cwd=root)
    assert proc.returncode == 1 and "template error" in proc.stderr and "no_such_variable" in proc.stderr


def test_doctor_reports_this_machine(tmp_path):
    proc = run("doctor", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert "HarfBuzz subsetting" in proc.stdout and "Noto Serif CJK SC" in proc.stdout


def test_pip_install_gives_a_working_command_anywhere(tmp_path, make_ws):
    """The wheel alone (no repository beside it) carries the theme and builds an edition."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("bulletin-*.whl"))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    root = make_ws({"2018-01.md": issue(1, "2018-01-05")})
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    where = subprocess.run([sys.executable, "-c", "import bulletin; print(bulletin.__file__)"],
                           cwd=root, env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(site))
    proc = subprocess.run([sys.executable, "-m", "bulletin", "build"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (root / "output" / "2018-01.pdf").stat().st_size > 10_000


def test_doctor_says_when_search_is_missing(tmp_path):
    proc = run("doctor", cwd=tmp_path, env={"PAGEFIND_BINARY_PATH": str(tmp_path / "no-pagefind")})
    assert proc.returncode == 1
    assert "MISSING search (Pagefind)" in proc.stdout
    assert "to install everything: pip install 'pagefind[extended]'" in proc.stderr


def test_the_head_start_reads_the_command_line_as_click_does():
    from bulletin.__main__ import _command
    assert _command(["build"]) == "build"
    assert _command(["-C", "ws", "build", "2018-02", "--jobs", "1"]) == "build"
    assert _command(["-Cws", "build"]) == "build"
    assert _command(["check", "build"]) == "check"
    assert _command(["build", "--help"]) is None and _command(["build", "-h"]) is None
    assert _command(["--version"]) is None and _command([]) is None


def _in(folder):
    """Processes whose working directory is `folder` (a typesetter inherits its build's)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink(f"/proc/{pid}/cwd") == str(folder):
                found.append(int(pid))
        except OSError:
            pass
    return found


def test_a_build_that_never_starts_leaves_no_typesetting_process(make_ws):
    """`bulletin build` forks a typesetter before Click reads the command line
    (bulletin/__main__.py); a usage error or a missing workspace must not leave it behind."""
    root = make_ws({"2018-01.md": issue(1, "2018-01-05")})
    proc = run("build", "--no-such-option", cwd=root)
    assert proc.returncode == 2 and "No such option" in proc.stderr
    empty = root.parent / "empty"
    empty.mkdir()
    proc = run("build", cwd=empty)
    assert proc.returncode != 0 and "bulletin.yaml" in proc.stderr
    time.sleep(0.2)
    assert _in(root) == [] and _in(empty) == []


def test_workspace_options_after_the_command_are_taken_as_before_it(make_ws, tmp_path):
    from bulletin.argv import hoisted

    assert hoisted(["check", "--lang", "zh"]) == ["--lang", "zh", "check"]
    assert hoisted(["-C", "a", "build", "2018-01", "-Cb", "--lang=en", "--", "--lang", "x"]) == \
        ["-C", "a", "-Cb", "--lang=en", "build", "2018-01", "--", "--lang", "x"]
    assert hoisted(["--help"]) == ["--help"]
    root = make_ws({"2018-01.md": issue(1, "2018-01-05")})
    proc = run("check", "--lang", "zh", cwd=root)
    assert proc.returncode == 0 and "1个期刊文件：0个错误，0个警告" in proc.stderr, proc.stderr
    proc = run("--lang", "zh", "check", "--lang", "en", cwd=root)  # the last one counts
    assert "1 issue file(s): 0 error(s), 0 warning(s)" in proc.stderr, proc.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = run("list", "-C", str(root), cwd=elsewhere)
    assert proc.returncode == 0 and "2018-01" in proc.stdout, proc.stderr
    # a value left off: Click names the option, and does not take the command's name for its value
    assert hoisted(["build", "-j", "1", "--lang"]) == ["--lang"]
    for option in ("--lang", "-C"):
        proc = run("check", option, cwd=root)
        assert proc.returncode == 2 and f"'{option}'" in proc.stderr and "'check'" not in proc.stderr, proc.stderr
