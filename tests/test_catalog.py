"""The Chinese catalog is complete, and every user-facing string goes through it.

(a) every message marked in bulletin/ (and every message of Click's) has a Chinese
    translation with the same {placeholders};
(b) a static scan finds user-facing strings that are not marked for translation;
(c) the issue's "Done when": the real command speaks Chinese where the locale, or the
    workspace in a locale that says nothing, is Chinese, and English otherwise.
"""
from __future__ import annotations

import ast
import importlib.util
import os
import re
import unicodedata
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from conftest import CONFIG, REPO, issue, run

PO = REPO / "bulletin" / "locale" / "zh_CN" / "LC_MESSAGES" / "bulletin.po"
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)[sdr]")


def _catalogs_script():
    spec = importlib.util.spec_from_file_location("catalogs", REPO / "scripts" / "catalogs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _po():
    with PO.open("rb") as f:
        return read_po(f)


def _placeholders(*texts: str) -> set[str]:
    return {p for text in texts for p in PLACEHOLDER.findall(text)}


def _forms(message) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return ids, strings


# (a) --------------------------------------------------------------------------------------

def test_every_marked_message_has_a_chinese_translation():
    catalogs = _catalogs_script()
    missing = catalogs.missing(PO)
    assert not missing, "no Chinese translation in bulletin.po:\n" + "\n".join(
        f"bulletin/{file}:{line}: {msgid!r}" for msgid, file, line in missing)


def test_translations_keep_every_placeholder():
    """`_("{n} files").format(n=...)` must find {n} in the Chinese text, and the Chinese text
    must ask for nothing the code does not pass."""
    ours = _catalogs_script().extracted()  # Click's own messages: see the test below
    wrong = []
    for message in _po():
        if not message.id or not message.string or _forms(message)[0][0] not in ours:
            continue
        ids, strings = _forms(message)
        wanted = _placeholders(*ids)
        for string in strings:
            if string and _placeholders(string) != wanted:
                wrong.append(f"{ids[0]!r}: {sorted(wanted)} != {sorted(_placeholders(string))}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_no_message_is_defined_twice():
    """Babel takes the last of two entries without a word; GNU msgfmt refuses the catalog."""
    seen, twice = set(), []
    for entry in PO.read_text(encoding="utf-8").split("\n\n"):
        found = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        if found and found.group(1) != '""\n':
            if found.group(1) in seen:
                twice.append(found.group(1).strip())
            seen.add(found.group(1))
    assert not twice, twice


def _click_messages() -> dict[str, tuple[str, ...]]:
    """Click's own messages, as Babel extracts them from the installed package."""
    found = {}
    for _file, _line, message, _c, _ctx in extract_from_dir(
            os.path.dirname(click.__file__), method_map=[("**.py", "python")],
            keywords={"_": None, "ngettext": (1, 2)}):
        ids = message if isinstance(message, tuple) else (message,)
        found.setdefault(ids[0], ids)
    return found


def test_clicks_own_messages_are_translated():
    """Usage:, Options:, Error: ..., No such option: Click asks the process's gettext domain,
    which __main__.py points at our catalog when the language is Chinese."""
    catalog = _po()
    untranslated, extra = [], []
    for msgid, ids in _click_messages().items():
        entry = catalog.get(msgid)
        strings = _forms(entry)[1] if entry is not None else ("",)
        if not all(strings):
            untranslated.append(msgid)
            continue
        # Chinese may leave a placeholder out (one plural form says both); never add one
        extra += [f"{msgid!r}: {s!r}" for s in strings if not _placeholders(s) <= _placeholders(*ids)]
    assert not untranslated, "Click messages with no Chinese translation:\n" + "\n".join(untranslated)
    assert not extra, "\n".join(extra)


# (b) --------------------------------------------------------------------------------------

# Calls whose arguments a user reads: callee name -> positions of message arguments.
# (keyword arguments `help=` and `hint=` are messages in any call.)
MESSAGE_ARGS = {
    "error": (0, 2), "warning": (0, 2),  # report.error(message, location, hint)
    "BulletinError": (0, 2), "Invalid": (0, 1), "Diagnostic": (1, 3),
    "Check": (0, 2),  # doctor.Check(name, ok, detail, fix): fix is a command line
    "echo": (0,), "secho": (0,), "BadParameter": (0,), "UsageError": (0,), "ClickException": (0,),
    "_say": (0,), "say": (0,), "on_wait": (0,),
}
MESSAGE_KEYWORDS = ("help", "hint", "message")
MARKERS = {"_", "N_", "ngettext"}

# Strings with letters that are right as they are, each with the reason.
ALLOWED = {
    # names of programs: the same in every language
    ("bulletin/doctor.py", "'Pango'"),
    ("bulletin/doctor.py", "f'Pango {pdf.pango_version()}, WeasyPrint {VERSION}'"),
    ("bulletin/doctor.py", "'SM3'"),
    ("bulletin/doctor.py", "'LibreOffice'"),
    # a command line to type, as the hint of a message that is itself translated
    ("bulletin/send.py", "f'bulletin publish {edition.name}'"),
}


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _is_marked(node: ast.AST) -> bool:
    """_("...") or _("...").format(...)."""
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id in MARKERS:
            return True
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return _is_marked(node.func.value)
    return False


def _unmarked(node: ast.AST):
    """The parts of an expression that are literal text with letters, not marked."""
    if _is_marked(node):
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if any(ch.isalpha() for ch in node.value):
            yield node
    elif isinstance(node, ast.JoinedStr):
        if any(isinstance(v, ast.Constant) and any(ch.isalpha() for ch in str(v.value)) for v in node.values):
            yield node
    elif isinstance(node, ast.BinOp):
        yield from _unmarked(node.left)
        yield from _unmarked(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _unmarked(node.body)
        yield from _unmarked(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _unmarked(value)
    # names, calls, subscripts: what they hold is checked where it is made


def _message_nodes(call: ast.Call):
    positions = MESSAGE_ARGS.get(_callee(call) or "", ())
    for i in positions:
        if i < len(call.args):
            yield call.args[i]
    for keyword in call.keywords:
        if keyword.arg in MESSAGE_KEYWORDS:
            yield keyword.value


def unmarked_strings(root: Path = REPO) -> list[str]:
    found = []
    for path in sorted((root / "bulletin").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), rel)
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            for message in _message_nodes(call):
                for node in _unmarked(message):
                    source = ast.unparse(node)
                    if (rel, source) not in ALLOWED:
                        found.append(f"{rel}:{node.lineno}: {source}")
    return found


def test_user_facing_strings_are_marked_for_translation():
    found = unmarked_strings()
    assert not found, "user-facing strings not in _(): wrap them and translate them in bulletin.po:\n" + \
        "\n".join(found)


def test_the_scan_finds_an_unmarked_message(tmp_path):
    """The scan itself: a plain string, an f-string and a help= are found; _() and N_() pass."""
    (tmp_path / "bulletin").mkdir()
    (tmp_path / "bulletin" / "m.py").write_text(
        "report.error('the date is wrong', where, hint=_('write it as 2018-02-03'))\n"
        "raise BulletinError(f'{name} is missing', where, 'add it')\n"
        "@click.option('--x', help='An option.')\n"
        "def f(): click.echo(_('{n} done').format(n=1) + ', ' + 'done')\n"
        "click.echo(f'{a}: {b}')\n"
        "say(N_('fine'))\n", encoding="utf-8")
    found = [line.split(": ", 1)[1] for line in unmarked_strings(tmp_path)]
    assert found == ["'the date is wrong'", "f'{name} is missing'", "'add it'", "'An option.'", "'done'"]


# (c) --------------------------------------------------------------------------------------

BROKEN_DATE = {"2018-01.md": issue(1, "2018-02-30")}


def _locale(lang: str) -> dict[str, str]:
    """Only LANG says the language: BULLETIN_LANG and the other locale variables are emptied
    (i18n.choose treats an empty variable as unset)."""
    return {"BULLETIN_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": "", "LANG": lang}


def _english_sentences() -> list[str]:
    """Pieces of English text of the catalog (three words or more between placeholders)
    that its Chinese translation does not keep: none may reach a Chinese user."""
    pieces = set()
    for message in _po():
        if not message.id or not message.string:
            continue
        ids, strings = _forms(message)
        for text in ids:
            for piece in PLACEHOLDER.split(text):
                for sentence in re.split(r"[\n:;(]", piece):
                    sentence = sentence.strip(" .,)'\"")
                    if len(re.findall(r"[A-Za-z]+", sentence)) >= 3 and not any(sentence in s for s in strings):
                        pieces.add(sentence)
    return sorted(pieces)


def test_the_english_of_the_catalog_is_known():
    """The Chinese tests below look for these pieces: they must not be an empty list."""
    pieces = _english_sentences()
    assert "Typeset every edition again, changed or not" in pieces
    assert "Show this message and exit" in pieces


def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _speaks_chinese(out: str) -> None:
    english = [s for s in _english_sentences() if s in out]
    assert not english, f"English of the catalog in Chinese output: {english}\n{out}"


def _three_commands(root: Path, env: dict) -> tuple[str, str, str]:
    check = run("check", cwd=root, env=env)
    assert check.returncode == 1, check.stderr
    help_ = run("build", "--help", cwd=root, env=env)
    assert help_.returncode == 0, help_.stderr
    doctor = run("doctor", cwd=root, env=env)
    return check.stdout + check.stderr, help_.stdout, doctor.stdout + doctor.stderr


@pytest.mark.parametrize("lang, config", [
    ("zh_CN.UTF-8", CONFIG),                          # the locale says Chinese
    ("C.UTF-8", CONFIG + "language: zh-CN\n"),         # the locale says nothing: the workspace does
], ids=["zh-locale", "C-locale-zh-workspace"])
def test_chinese_where_the_user_is_chinese(make_ws, lang, config):
    root = make_ws(BROKEN_DATE, config)
    check, help_, doctor = _three_commands(root, _locale(lang))
    assert "issues/2018-01.md:3:7: 错误：" in check, check
    assert "1个期刊文件：1个错误" in check, check
    # the date message itself, not only its frame: no run of English words on the line
    line = next(ln for ln in check.splitlines() if ln.startswith("issues/2018-01.md:3:7:"))
    assert not re.search(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+ [A-Za-z]+", line), line
    for words in ("用法：", "选项：", "[选项]", "排版到 output/", "无论有无改动，全部重新排版", "显示本帮助信息并退出"):
        assert words in help_, help_
    # laid out in display columns: a Han character takes two, and no line runs past 80
    assert max(_columns(line) for line in help_.splitlines()) <= 80, help_
    assert "字体" in doctor and ("所需组件均已安装" in doctor or "一次安装全部所缺组件" in doctor), doctor
    for out in (check, help_, doctor):
        _speaks_chinese(out)


@pytest.mark.parametrize("lang, config", [
    ("en_US.UTF-8", CONFIG + "language: zh-CN\n"),     # an English user in a Chinese workspace
    ("C.UTF-8", CONFIG + "language: en\n"),            # the locale says nothing: an English workspace
], ids=["en-locale", "C-locale-en-workspace"])
def test_english_where_the_user_is_english(make_ws, lang, config):
    root = make_ws(BROKEN_DATE, config)
    check, help_, doctor = _three_commands(root, _locale(lang))
    assert "issues/2018-01.md:3:7: error: " in check and "date" in check, check
    assert "1 issue file(s): 1 error(s), 0 warning(s)" in check, check
    for words in ("Usage: bulletin build", "Options:", "Typeset every edition again", "Show this message and exit."):
        assert words in help_, help_
    assert "everything bulletin needs is installed" in doctor or "to install everything" in doctor, doctor
    for out in (check, help_, doctor):
        assert not re.search(r"错误|提示|用法|选项|字体|期刊文件", out), out


def test_clicks_usage_errors_in_chinese(make_ws):
    root = make_ws(BROKEN_DATE)
    proc = run("--lang", "zh", "check", "--nosuch", cwd=root)
    assert proc.returncode == 2
    assert "用法： bulletin check" in proc.stderr and "请运行“bulletin check --help”查看帮助" in proc.stderr, proc.stderr
    assert "错误：没有选项 '--nosuch'" in proc.stderr, proc.stderr
    proc = run("build", "-j", "0", cwd=root, env={"BULLETIN_LANG": "zh"})
    assert proc.returncode == 2 and "的值无效：0 不在 1<=x<=256 范围内" in proc.stderr, proc.stderr
    proc = run("publish", cwd=root, env={"BULLETIN_LANG": "zh"})  # a Chinese sentence ends in 。
    assert proc.returncode == 2 and "错误：缺少参数 'ISSUE'。" in proc.stderr, proc.stderr
    proc = run("publish", cwd=root)
    assert "Error: Missing argument 'ISSUE'." in proc.stderr, proc.stderr
    proc = run("status", cwd=root, env={"BULLETIN_LANG": "zh"})
    assert "错误：没有命令 'status'。是否要输入：'stats'？" in proc.stderr, proc.stderr
