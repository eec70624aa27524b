import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
BULLETIN = [sys.executable, "-m", "bulletin"]


def run(*args, cwd, check=False, env=None):
    """The real command in a subprocess, as a user runs it (`env`: variables to add).  Its
    messages are English unless `env` says BULLETIN_LANG=zh: the sample workspace is Chinese."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "BULLETIN_LANG": "en", **(env or {})}
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


def copy_sample(root: Path) -> Path:
    """The repository's own sample publication (bulletin.yaml and issues/), copied to `root`."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "bulletin.yaml", root)
    shutil.copytree(REPO / "issues", root / "issues")
    return root


@pytest.fixture
def sample_ws(tmp_path):
    """A fresh copy of the sample publication, not built."""
    return copy_sample(tmp_path / "ws")


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """The repository's own sample publication, built once by the real command."""
    root = copy_sample(tmp_path_factory.mktemp("sample"))
    proc = run("build", cwd=root, check=True)
    return root, proc


def process_state(pid: int) -> str | None:
    """The state letter of a process (R, S, T stopped, Z zombie...); None if it is gone."""
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def alive(pid: int) -> bool:
    return process_state(pid) not in (None, "Z", "X")


def processes_with(needle: bytes) -> list[int]:
    """The live processes whose command line holds `needle`."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            if needle in open(f"/proc/{entry}/cmdline", "rb").read() and alive(int(entry)):
                found.append(int(entry))
        except OSError:  # a process that has just ended
            pass
    return found


class Traced:
    """The real command with its steps traced (bulletin/trace.py): each process stops
    itself after the events in `stop`; the test continues it, or kills it, at exactly
    that step.  Polling has generous deadlines only: nothing depends on the machine's speed."""

    def __init__(self, args, cwd, trace: Path, stop: str = "*", env=None):
        self.trace = trace
        trace.unlink(missing_ok=True)
        self.stop = set(stop.split(",")) if stop else set()
        full = {**os.environ, "PYTHONPATH": str(REPO), "BULLETIN_LANG": "en", "BULLETIN_TRACE": str(trace),
                "BULLETIN_TRACE_STOP": stop, **(env or {})}
        full.pop("BULLETIN_DEBUG", None)
        self.proc = subprocess.Popen([*BULLETIN, *map(str, args)], cwd=cwd, env=full, text=True,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.seen = 0

    def events(self) -> list[tuple[int, str, list[str]]]:
        try:
            lines = self.trace.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        return [(int(p), name, rest) for p, name, *rest in (line.split() for line in lines if line)]

    def next(self, timeout: float = 300):
        """The next event, once its process has stopped (if it stops at it); None when the
        command has ended without another."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            events = self.events()
            if len(events) > self.seen:
                event = events[self.seen]
                self.seen += 1
                if event[1] in self.stop or "*" in self.stop:
                    while process_state(event[0]) not in ("T", "t", None, "Z") and time.monotonic() < deadline:
                        time.sleep(0.005)
                return event
            if self.proc.poll() is not None and len(self.events()) == self.seen:
                return None
            time.sleep(0.005)
        raise AssertionError(f"no trace event in {timeout} s")

    def resume(self, pid: int) -> None:
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass

    def finish(self, timeout: float = 300):
        """Let it run to its end, continuing every stop; (stdout, stderr)."""
        while (event := self.next(timeout)) is not None:
            self.resume(event[0])
        out, err = self.proc.communicate(timeout=timeout)
        assert "Traceback" not in err, err
        return out, err


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
