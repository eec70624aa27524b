import os
import shutil
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
BULLETIN = [sys.executable, "-m", "bulletin"]


def run(*args, cwd, check=False, env=None):
    """The real command in a subprocess, as a user runs it (`env`: variables to add)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    env.pop("BULLETIN_DEBUG", None)
    proc = subprocess.run([*BULLETIN, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          env=env, stdin=subprocess.DEVNULL, timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


CONFIG = """\
title: [测试单位, 工作简报]
publisher: 测试单位办公室
recipients:
  main: [甲单位]
  cc: [乙单位, 丙单位]
"""


def issue(number, date, total=None, body="## 标题\n\n正文。\n", extra=""):
    head = f"---\nissue: {number}\n" + (f"total: {total}\n" if total is not None else "")
    return head + f"date: {date}\n{extra}---\n\n{body}"


@pytest.fixture
def make_ws(tmp_path):
    """A workspace from {file name: text} (written as given, so tests control every byte)."""
    def make(issues: dict, config: str = CONFIG) -> Path:
        root = tmp_path / "ws"
        (root / "issues").mkdir(parents=True)
        (root / "bulletin.yaml").write_text(config, encoding="utf-8")
        for name, text in issues.items():
            data = text if isinstance(text, bytes) else textwrap.dedent(text).encode("utf-8")
            (root / "issues" / name).write_bytes(data)
        return root
    return make


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """The repository's own sample publication, built once by the real command."""
    root = tmp_path_factory.mktemp("sample")
    shutil.copy(REPO / "bulletin.yaml", root)
    shutil.copytree(REPO / "issues", root / "issues")
    proc = run("build", cwd=root, check=True)
    return root, proc


class Page(HTMLParser):
    """An HTML page read back: its tags with attributes, ids, text, and (tag, url) links."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.ids, self.text, self.links = [], set(), [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        self.links += [(tag, attrs[key]) for key in ("href", "src") if attrs.get(key) is not None]

    def handle_data(self, data):
        self.text.append(data)

    def attr(self, tag, name):
        return [a[name] for t, a in self.tags if t == tag and name in a]
