"""The archive's search index, made by Pagefind (its extended build segments Chinese).

One Pagefind bundle a year (`pagefind/2018/`, ...), because Pagefind has no
incremental mode: every run reads every page it is given.  Over 200 editions
a run took 1.0-1.6 s, over one year's 24 editions 0.4 s (most of it loading
the Chinese word list), so an edit costs what its year costs, not the
archive.  The archive page (`_search.html`) loads the newest year's bundle
and merges the others into it with Pagefind's `mergeIndex`: one library, one
WebAssembly module, results merged by score.  Pagefind leaves out a query
word its index has never seen; in one index over everything that is a word
no edition has, but across years it would let 2015 match a query on its
other words alone.  So each page carries a year filter, the search box
counts each word's pages by year, and searches only the years that have
every word.

The build starts Pagefind's binary (not `python -m pagefind`, 0.12 s of
Python to start it) as soon as the edition pages are written, in a thread,
so that indexing overlaps typesetting; the years that changed are indexed
one after another.  Each year's index goes into a staging folder and is
swapped in whole, so a reader never meets half an index.

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

from .. import trace
from ..errors import BulletinError
from ..i18n import N_, _
from ..system import installed_version, killed_with_parent

SEARCH = "pagefind"
TIMEOUT = 600  # seconds: indexing 10,000 pages takes about a minute
HINT = N_("is the pagefind package installed? pip install 'pagefind[extended]'; 'bulletin doctor' checks")
# What Pagefind writes that the archive does not load: its own search interfaces.
UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")


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
    """What one year's index is made from: its edition pages (name -> the key each page was
    made from, as the build plan records it) and Pagefind's version."""
    return hashlib.sha256(json.dumps([version(), sorted(pages.items())]).encode()).hexdigest()


def shards(editions) -> dict[str, list]:
    """The editions each year's index holds: year (as text, the folder's name, as in the
    archive's 2018.html) -> editions."""
    years: dict[str, list] = {}
    for edition in editions:
        years.setdefault(str(edition.issue.year), []).append(edition)
    return years


def bundle(out: Path, year: str) -> Path:
    return out / SEARCH / year


class SearchIndexer:
    """Pagefind over the edition pages, year by year, in a background thread.

    `start(years, keep)` once the edition pages are written, with the years to
    index (year -> (edition names, key)) and every year the archive has: what
    else is in `pagefind/` goes once all is indexed.  `wait()` for the indexes
    to be in place; `close()` always, at the end (it stops a Pagefind still
    running, when the build stops early).
    """

    def __init__(self, out: Path):
        self.out = out
        self.made: dict[str, str] = {}        # year -> the key of the index put in place
        self.problem: BulletinError | None = None
        self._reported = False
        self._thread: threading.Thread | None = None
        self._process: subprocess.Popen | None = None
        self._stop = False

    def update(self, editions, plan) -> None:
        """Start indexing the years whose edition pages changed since their index was made
        (the pages' keys are in `plan`); a year's index made from these very pages is kept.
        A Pagefind that failed once in a build is not run again in it."""
        self.wait()
        self.record(plan, None)
        if self.problem is not None:
            return
        years = shards(editions)
        todo = {}
        for year, listed in years.items():
            key = search_key({e.name: plan.outputs.get(e.name, {}).get("html", "") for e in listed})
            if plan.search.get(year) != key or not (bundle(self.out, year) / "pagefind.js").exists():
                todo[year] = ([e.name for e in listed], key)
        for gone in [y for y in plan.search if y not in years]:
            del plan.search[gone]
        if todo:
            self.start(todo, keep=set(years))
        else:
            prune(self.out, set(years))

    def record(self, plan, report) -> None:
        """Note in `plan` the indexes put in place; report a failure (once) to `report`."""
        for year, key in list(self.made.items()):  # (a copy: the thread may still be adding)
            plan.search[year] = key
        if self.problem is not None and report is not None and not self._reported:
            report.add(self.problem.diagnostic)
            self._reported = True

    def start(self, years: dict[str, tuple[list[str], str]], keep: set[str]) -> None:
        self.wait()
        self._thread = threading.Thread(target=self._run, args=(years, keep), name="search-index", daemon=True)
        self._thread.start()

    def _run(self, years: dict[str, tuple[list[str], str]], keep: set[str]) -> None:
        try:
            for year, (names, key) in sorted(years.items(), reverse=True):  # this year first: most searched
                if self._stop:
                    return
                index_search(self.out, names, year, started=lambda process: setattr(self, "_process", process))
                self.made[year] = key
                trace.event("indexed", year)
            self.problem = None
            prune(self.out, keep)
        except BulletinError as exc:
            self.problem = exc
        except OSError as exc:  # the disk is full, a folder is read-only: reported, never lost in the thread
            from ..errors import os_error
            self.problem = os_error(exc)

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def close(self) -> None:
        self._stop = True
        if self._thread is not None and self._process is not None:
            self._process.kill()
        self.wait()


def index_search(out: Path, names: list[str], year: str, started=lambda process: None) -> None:
    """Run Pagefind over the named edition pages (one year's) into a staging folder, then
    swap it in at pagefind/<year>/.

    Pagefind has no incremental mode: every run reads every page (about 4 ms
    a page, after 0.3 s loading its Chinese word list).  `started(process)`
    is told the Pagefind process, so that it can be stopped.
    """
    exe = executable()
    if exe is None:
        raise BulletinError(_("the search index could not be built: Pagefind is not installed"), hint=_(HINT))
    staging = out / f".{SEARCH}-{year}-staging"
    shutil.rmtree(staging, ignore_errors=True)
    cmd = [str(exe), "--site", str(out), "--glob", "{" + ",".join(names) + "}.html",
           "--output-path", str(staging), "--quiet"]
    try:
        # killed with the build: else a build killed with SIGKILL leaves it writing into output/,
        # into the very staging folder the next build's Pagefind writes to
        process = subprocess.Popen(cmd, cwd=out, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, errors="replace",
                                   preexec_fn=killed_with_parent())
        started(process)
        said, _unused = process.communicate(timeout=TIMEOUT)
    except OSError as exc:
        raise BulletinError(_("the search index could not be built: {exe}: {why}").format(exe=exe, why=exc.strerror),
                            hint=_(HINT)) from None
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        said = _("Pagefind gave no answer in {n} s").format(n=TIMEOUT)
    broken = _broken(staging) if process.returncode == 0 else None
    if process.returncode != 0 or broken:
        shutil.rmtree(staging, ignore_errors=True)
        detail = said.strip().splitlines()[-1:] or [_("Pagefind stopped (exit status {n})").format(n=process.returncode)]
        raise BulletinError(_("the search index could not be built: {why}").format(why=broken or detail[0]),
                            hint=_("is the disk full? The previous index is kept; the next build makes it again")
                            if broken else _(HINT))
    for unused in staging.iterdir():
        if unused.name.startswith(UNUSED):
            unused.unlink()
    bundle(out, year).parent.mkdir(exist_ok=True)
    _swap(staging, bundle(out, year))


def _broken(staging: Path) -> str | None:
    """Why the index Pagefind wrote is not whole, or None.  Pagefind exits 0 on a full disk,
    leaving empty files: an index is swapped in only if every file has bytes and its
    entry file parses."""
    if not (staging / "pagefind.js").is_file():
        return _("Pagefind wrote no pagefind.js")
    for path in staging.rglob("*"):
        if path.is_file() and path.stat().st_size == 0:
            return _("Pagefind left an empty file: {name}").format(name=path.relative_to(staging).as_posix())
    try:
        json.loads((staging / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return _("Pagefind's pagefind-entry.json does not parse: {why}").format(why=exc)
    return None


def prune(out: Path, keep: set[str]) -> None:
    """Remove from pagefind/ what is not a year the archive has: a year whose editions are
    gone, or an index over all years made by an earlier version of bulletin."""
    folder = out / SEARCH
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name in keep and entry.is_dir():
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


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
