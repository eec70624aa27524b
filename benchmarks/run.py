#!/usr/bin/env python3
"""Speed and memory of bulletin, measured against pandoc + WeasyPrint in the same run.

    .venv/bin/python benchmarks/run.py [--editions 200] [--small 50] [--repeat 7] [--pairs 5] [--edits 7]

Needs pandoc (apt-get install pandoc).  Writes the figures to benchmarks/README.md.
Every timing is a whole command in a fresh process, as a user runs it.
"""
from __future__ import annotations

import argparse
import compileall
import os
import platform
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import synth  # noqa: E402

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '')}", "PYTHONPATH": str(REPO)}
CORES = len(os.sched_getaffinity(0))
KEPT = "<!-- The sections below are written by hand (or by their own scripts): run.py keeps them. -->"
PANDOC_CSS = """@page { size: A4; margin: 34.3mm 26mm 32.9mm 28mm; }
html { font-family: "Noto Serif CJK SC", serif; font-size: 16pt; line-height: 29.6pt; }
body { margin: 0; } p { text-indent: 2em; margin: 0; text-align: justify; }"""


def timed(cmd, cwd, cores=None) -> tuple[float, str]:
    """Wall time of a command; with `cores`, the command and its children may use only that many."""
    pin = (lambda: os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:cores])) if cores else None
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          preexec_fn=pin)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{proc.stderr}")
    return elapsed, proc.stderr


def bulletin(*args) -> list[str]:
    return [sys.executable, "-m", "bulletin", *args]


def in_turns(n: int, first, second) -> list[tuple[float, float]]:
    """n pairs (first(), second()), the two timed one after the other, each going first in
    turn: a machine that slows or speeds up through the run then favours neither."""
    pairs = []
    for i in range(n):
        if i % 2 == 0:
            a = first()
            pairs.append((a, second()))
        else:
            b = second()
            pairs.append((first(), b))
    return pairs


def spread(ratios) -> str:
    ratios = sorted(ratios)
    return f"pairs from {ratios[0]:.2f} to {ratios[-1]:.2f}"


def median_of(n, fn) -> float:
    return statistics.median(fn() for _ in range(n))


EDIT = "\n会议还对下一阶段工作作了具体安排。\n"


class Served:
    """`bulletin serve` running in a workspace, its messages read as they come."""

    def __init__(self, ws: Path):
        self.proc = subprocess.Popen(bulletin("serve", "--port", "0"), cwd=ws, env={**ENV, "BULLETIN_LANG": "en"},
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.proc.stderr], daemon=True).start()

    def until(self, pattern: str, timeout: float = 900) -> str:
        end = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"bulletin serve did not say /{pattern}/ in {timeout:.0f} s") from None
            if re.search(pattern, line):
                return line

    def settle(self) -> None:
        """The rebuild is over: skip any message of a second look at the same change."""
        time.sleep(0.5)
        while not self.lines.empty():
            self.lines.get_nowait()

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def serve_edits(ws: Path, issue: Path, pdf: Path, edits: int) -> list[float]:
    """(f): seconds from an edit of `issue` saved to its new PDF on disk, while `bulletin serve`
    runs with its warm typesetter; a first edit, not counted, makes sure it watches."""
    served = Served(ws)
    try:
        served.until(r"^serving http")  # after the first build
        # serve says so before its watcher starts: an edit saved in that instant is missed,
        # so the first edit, not counted, is saved again until serve sees it
        while True:
            with issue.open("a", encoding="utf-8") as f:
                f.write(EDIT)
            try:
                served.until(r"^changed: ", timeout=5)
                break
            except TimeoutError:
                continue
        served.until(r"^built \d+ edition|error")
        served.settle()
        times = []
        for _ in range(edits):
            before = pdf.stat().st_mtime_ns
            with issue.open("a", encoding="utf-8") as f:
                f.write(EDIT)
            saved = time.perf_counter()
            while pdf.stat().st_mtime_ns == before:  # a new file is renamed over the old one
                time.sleep(0.002)
            times.append(time.perf_counter() - saved)
            served.until(r"^built \d+ edition|error")
            served.settle()
        return times
    finally:
        served.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--editions", type=int, default=200)
    ap.add_argument("--small", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=7, help="pairs timed for (a) and (d), runs for (c)")
    ap.add_argument("--pairs", type=int, default=5, help="pairs of cold builds timed for (b)")
    ap.add_argument("--edits", type=int, default=7, help="edits timed for (f)")
    ap.add_argument("--note", action="append", default=[], help="a line added to the notes (the machine's load)")
    ap.add_argument("--readme", type=Path, default=HERE / "README.md")
    args = ap.parse_args()
    if not shutil.which("pandoc"):
        raise SystemExit("pandoc is missing: apt-get install pandoc")
    # bytecode, as an installed package has it (this runs the repository's bulletin/)
    compileall.compile_dir(REPO / "bulletin", quiet=1)
    work = Path(tempfile.mkdtemp(prefix="bulletin-bench-"))
    rows: list[tuple[str, str, str, str]] = []
    try:
        # (a) one edition, end to end, against pandoc + WeasyPrint on the same Markdown
        one = work / "one"
        source = synth.write(one, 1)[0]
        md = work / "pandoc.md"
        md.write_text(source.read_text(encoding="utf-8").split("---", 2)[2], encoding="utf-8")
        (work / "style.css").write_text(PANDOC_CSS, encoding="utf-8")
        pandoc = ["pandoc", str(md), "-s", "--metadata", "lang=zh-CN", "--metadata", "title=工作简报",
                  "--css", str(work / "style.css"), "--pdf-engine=weasyprint", "-o", str(work / "pandoc.pdf")]
        pages = re.search(r"\((\d+) pages\)", subprocess.run(bulletin("build"), cwd=one, env=ENV,
                          capture_output=True, text=True).stdout).group(1)
        # Interleaved, one pair at a time: this machine's speed drifts over minutes, and
        # a ratio of neighbours is steadier than a ratio of two medians taken apart.
        ours = bulletin("build", "--force", "--jobs", "1")
        pairs = in_turns(args.repeat, lambda: timed(pandoc, work)[0], lambda: timed(ours, one)[0])
        t_pandoc = statistics.median(p for p, _ in pairs)
        t_one = statistics.median(b for _, b in pairs)
        r_one = statistics.median(b / p for p, b in pairs)
        rows.append(("(a) one edition, end to end", f"{t_one:.2f} s (bulletin) vs {t_pandoc:.2f} s (pandoc + WeasyPrint), "
                     f"{pages} pages; median of {args.repeat} interleaved pairs ({spread(b / p for p, b in pairs)})", f"{r_one:.2f} ×", "≤ 1.0 ×"))

        # (b) cold full builds, one process against every core, at two sizes; pairs of
        # neighbours in time again, and the median of their ratios
        for n in sorted({args.small, args.editions}):
            ws = work / f"n{n}"
            synth.write(ws, n)
            said = {}  # --stats of the last build with each number of jobs

            def cold(jobs):  # one core against all: --jobs 1 held to one core
                shutil.rmtree(ws / "output", ignore_errors=True)
                shutil.rmtree(ws / ".bulletin", ignore_errors=True)  # the plan and the parse cache too
                elapsed, said[jobs] = timed(bulletin("build", "--jobs", str(jobs), "--stats"), ws,
                                            cores=1 if jobs == 1 else None)
                return elapsed
            bpairs = in_turns(args.pairs, lambda: cold(1), lambda: cold(CORES))
            # the peak memory of a parallel build's worker
            peak = re.search(r"peak memory of a typesetting process (\d+) MiB", said[CORES]).group(1)
            t1, tn = statistics.median(a for a, _ in bpairs), statistics.median(b for _, b in bpairs)
            ratio = statistics.median(a / b for a, b in bpairs)
            rows.append((f"(b) cold build of {n} editions", f"{t1:.1f} s on one core, {tn:.1f} s on {CORES} "
                         f"({t1 / n:.2f} s an edition); median of {args.pairs} pairs ({spread(a / b for a, b in bpairs)})",
                         f"{ratio:.2f} × faster", "≥ 1.8 ×"))
        big = work / f"n{args.editions}"

        # (c) nothing changed
        t_none = median_of(args.repeat, lambda: timed(bulletin("build"), big)[0])
        rows.append((f"(c) nothing changed, {args.editions} editions", f"{t_none:.2f} s", f"{t_none:.2f} s", "< 1 s"))

        # (d) one edition edited out of all, against the same edit in a workspace of it alone
        victim = sorted((big / "issues").glob("*.md"))[args.editions // 2]
        alone = work / "alone"
        (alone / "issues").mkdir(parents=True)
        shutil.copy(big / "bulletin.yaml", alone)
        shutil.copy(victim, alone / "issues" / victim.name)
        timed(bulletin("build"), alone)

        def edit_and_build(ws):
            with (ws / "issues" / victim.name).open("a", encoding="utf-8") as f:
                f.write(EDIT)
            return timed(bulletin("build"), ws)[0]
        dpairs = in_turns(args.repeat, lambda: edit_and_build(big), lambda: edit_and_build(alone))
        t_edit = statistics.median(e for e, _ in dpairs)
        t_alone = statistics.median(a for _, a in dpairs)
        r_edit = statistics.median(e / a for e, a in dpairs)
        rows.append((f"(d) one of {args.editions} edited", f"{t_edit:.2f} s vs {t_alone:.2f} s for the same edit "
                     f"with that edition alone; median of {args.repeat} pairs ({spread(e / a for e, a in dpairs)})", f"{r_edit:.2f} ×", "≤ 1.5 ×"))

        # (e) peak memory of a worker, from the parallel build of all editions
        rows.append(("(e) peak memory of a typesetting process", f"{peak} MiB (from --stats of (b), "
                     f"{args.editions} editions)", f"{peak} MiB", "< 400 MiB"))

        # (f) with `bulletin serve` running: an edit saved, to the new PDF on disk
        pdf = next((alone / "output").glob("*.pdf")).name  # the victim's edition
        fs = serve_edits(big, big / "issues" / victim.name, big / "output" / pdf, args.edits)
        rows.append((f"(f) serve: one of {args.editions} edited, to its new PDF", f"median of {args.edits} edits "
                     f"saved while `bulletin serve` runs (from {min(fs):.2f} to {max(fs):.2f} s)",
                     f"{statistics.median(fs):.2f} s", "< 0.5 s"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    report(rows, args)


def report(rows, args) -> None:
    width = max(len(r[0]) for r in rows)
    for name, detail, ratio, target in rows:
        print(f"{name:{width}}  {ratio:>14}  (target {target})  {detail}")
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    versions = subprocess.run(bulletin("doctor"), env=ENV, capture_output=True, text=True).stdout.splitlines()[0]
    pandoc = subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    table = "\n".join(f"| {n} | {r} | {t} | {d} |" for n, d, r, t in rows)
    notes = "".join(f"- {note}\n" for note in args.note)
    text = f"""# Benchmarks

Measured by `benchmarks/run.py`, which generates a synthetic archive (`benchmarks/synth.py`: the
sample publication's paragraphs recombined into editions of 5 to 12 pages, 4 to 8 articles, sections
and tables, 24 issues a year) and times whole commands in fresh processes. This machine's speed drifts
by a third over minutes, so the two sides of each ratio are timed as neighbours, in pairs, and the
table gives the median ratio of {args.repeat} pairs ({args.pairs} for the cold builds). The peer is
pandoc with WeasyPrint as its PDF engine, on the same Markdown, in the same run.

Run it with (pandoc from `apt-get install pandoc`):

```sh
make venv && .venv/bin/python benchmarks/run.py    # --editions 200 --small 50 --repeat 7 --pairs 5 --edits 7
```

## Latest figures

Machine: {CORES} cores ({cpu}), Python {platform.python_version()}, {versions.split(':', 1)[1].strip()}, {pandoc}.
This run: `--editions {args.editions} --small {args.small} --repeat {args.repeat} --pairs {args.pairs} --edits {args.edits}`.

| measure | ratio or figure | target | detail |
| --- | --- | --- | --- |
{table}

Notes:
- (a) times `bulletin build --force --jobs 1` in a workspace of that one edition: the whole command,
  typesetting the PDF again; the web page, archive pages, thumbnail and search index are checked and,
  being unchanged, not rewritten. pandoc makes the PDF only, from a plainer page with two faces
  (bulletin's letterhead uses three: 宋体 title, 仿宋 body, 黑体 headings, each subset into the PDF).
- (d) appends a sentence to one issue of the big archive and builds; then does the same in a
  workspace holding only that issue, and builds. Both typeset the one PDF and index the search again.
  Pagefind has no incremental mode, so the archive keeps one index a year and makes again only the
  year whose pages changed: 24 pages, 0.4 s of Pagefind (most of it loading its Chinese word list),
  against 0.35 s for the one-edition workspace's single page. With one index over all 200 pages
  (before 2026-12-01) Pagefind took 1.0-1.6 s alone and 2.0-2.6 s of CPU beside the typesetting,
  and (d) was 1.57-1.68.
- (b) starts from an empty `output/` each time; the two sizes show the cost per edition staying flat.
  "One core" is `bulletin build --jobs 1` held to one CPU (sched_setaffinity, like `taskset -c 0`);
  "all" is the default `--jobs`. Unpinned, a `--jobs 1` build puts its parsing, pages and search index
  on the second core beside its one typesetting process: 3 % faster at 50 editions (28.2 s against
  29.1 s, measured once by hand). Held to one core, that work (a few seconds: parsing every issue,
  the web pages, Pagefind) takes turns with the typesetting; on two it runs beside it, which is why a
  ratio can come out above 2.
- (c) and (d) run on the largest archive after (b); (d) appends a sentence to one issue before each run.
- (f) starts `bulletin serve` on that archive, waits for its first build, then appends a sentence
  to the issue of (d) and times from the file's close to the moment its PDF's modification time
  changes (polled every 2 ms; the PDF is written whole and renamed over the old one), then waits for
  the rebuild to end before the next edit. A first edit is not counted: serve says it is serving
  just before its watcher starts, so that edit is saved again until serve reports it. Serve keeps its
  typesetting process between rebuilds, WeasyPrint and the fonts loaded, and rebuilds only the edited
  edition; the time includes watchfiles noticing the change, reading the series (from the parse
  cache but for the edited file), the print HTML, the typesetting and the write. The web page,
  archive pages and search index of the rebuild come after the PDF and are not in the figure.

{notes}"""
    old = args.readme.read_text(encoding="utf-8") if args.readme.exists() else ""
    if KEPT in old:  # the hand-written sections after the marker stay as they are
        text = text.rstrip("\n") + "\n\n" + old[old.index(KEPT):]
    args.readme.write_text(text, encoding="utf-8")
    print(f"wrote {args.readme}")


if __name__ == "__main__":
    main()
