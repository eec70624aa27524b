"""The archive's search index, made by Pagefind (its extended build segments Chinese).

The build starts Pagefind's binary (not `python -m pagefind`, 0.12 s of
Python to start it) as soon as the edition pages are written, in a thread,
so that indexing overlaps typesetting.  The index goes into a staging folder
and is swapped in whole, so a reader never meets half an index.

Pagefind's service mode (one process, pages fed as they come, its Chinese
word list loaded early) was tried and is slower: 1.9 s against the command
line's 1.2 s for 200 editions, on the same machine at the same minutes.
"""
from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

from ..errors import BulletinError
from ..plan import installed_version

SEARCH = "pagefind"
TIMEOUT = 600  # seconds: indexing 10,000 pages takes about a minute
HINT = "is the pagefind package installed? pip install 'pagefind[extended]'; 'bulletin doctor' checks"


def executable() -> Path | None:
    """Pagefind's extended binary, as its Python package would find it (PAGEFIND_BINARY_PATH,
    then the pagefind_bin_extended wheel, then PATH); None if there is none."""
    if os.environ.get("PAGEFIND_BINARY_PATH"):
        return Path(os.environ["PAGEFIND_BINARY_PATH"])
    try:
        from pagefind_bin_extended import get_executable
        return Path(get_executable())
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return Path(found) if found else None


def version() -> str:
    for package in ("pagefind_bin_extended", "pagefind"):
        found = installed_version(package)
        if found != "?":
            return found
    return "?"


def search_key(pages: dict[str, str]) -> str:
    """What the search index is made from: the edition pages (name -> the key each page was
    made from, as the build plan records it) and Pagefind's version."""
    return hashlib.sha256(json.dumps([version(), sorted(pages.items())]).encode()).hexdigest()


class SearchIndexer:
    """Pagefind over the edition pages, in a background thread.

    `start(editions, key)` once the edition pages are written; `wait()` for
    the index to be in place; `close()` always, at the end (it stops a
    Pagefind still running, when the build stops early).
    """

    def __init__(self, out: Path):
        self.out = out
        self.made: str | None = None          # the key of the index put in place
        self.problem: BulletinError | None = None
        self._thread: threading.Thread | None = None
        self._process: subprocess.Popen | None = None

    def start(self, editions, key: str) -> None:
        self.wait()
        names = [e.name for e in editions]
        self._thread = threading.Thread(target=self._run, args=(names, key), name="search-index", daemon=True)
        self._thread.start()

    def _run(self, names: list[str], key: str) -> None:
        try:
            index_search(self.out, names, started=lambda process: setattr(self, "_process", process))
            self.made, self.problem = key, None
        except BulletinError as exc:
            self.problem = exc

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def close(self) -> None:
        if self._thread is not None and self._process is not None:
            self._process.kill()
        self.wait()


def index_search(out: Path, names: list[str], started=lambda process: None) -> None:
    """Run Pagefind over the named edition pages into a staging folder, then swap it in.

    Pagefind has no incremental mode: every run reads every page (about 4 ms
    a page, after 0.3 s loading its Chinese word list).  `started(process)`
    is told the Pagefind process, so that it can be stopped.
    """
    exe = executable()
    if exe is None:
        raise BulletinError("the search index could not be built: Pagefind is not installed", hint=HINT)
    staging = out / f".{SEARCH}-staging"
    shutil.rmtree(staging, ignore_errors=True)
    cmd = [str(exe), "--site", str(out), "--glob", "{" + ",".join(names) + "}.html",
           "--output-path", str(staging), "--quiet"]
    try:
        process = subprocess.Popen(cmd, cwd=out, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, errors="replace")
        started(process)
        said, _ = process.communicate(timeout=TIMEOUT)
    except OSError as exc:
        raise BulletinError(f"the search index could not be built: {exe}: {exc.strerror}", hint=HINT) from None
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        said = f"Pagefind gave no answer in {TIMEOUT} s"
    if process.returncode != 0 or not (staging / "pagefind.js").exists():
        shutil.rmtree(staging, ignore_errors=True)
        detail = said.strip().splitlines()[-1:] or [f"Pagefind stopped (exit status {process.returncode})"]
        raise BulletinError(f"the search index could not be built: {detail[0]}", hint=HINT)
    _swap(staging, out / SEARCH)


def _swap(new: Path, current: Path) -> None:
    """Put the folder `new` at `current` in one step where the kernel allows it."""
    if current.exists() and _exchange(new, current):
        shutil.rmtree(new, ignore_errors=True)  # now holds the old index
        return
    old = current.with_name(current.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if current.exists():
        os.rename(current, old)
    os.rename(new, current)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE): swap two paths atomically (Linux 3.15+)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    return renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0
