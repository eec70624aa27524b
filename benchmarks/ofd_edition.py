#!/usr/bin/env python3
"""What the OFD edition costs: conversion time against a cold PDF build, and size against the PDF.

    .venv/bin/python benchmarks/ofd_edition.py [--pairs 5]

Builds the sample publication cold (`bulletin build --jobs 1` into an empty output/, a fresh process),
then converts every edition's PDF to OFD in one fresh process, as a typesetting worker would after
each PDF (the ratio counts the conversions; importing the converter, once a worker, is shown apart). The two are timed as neighbours, in pairs; the median ratio is printed.
Target (issue 21): the conversion at most 30 % of the cold build; the seed edition's OFD at most
1.5x its PDF.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
CONVERT = """
import sys, time
from pathlib import Path
from bulletin.commands.published import read_series as load_series
from bulletin.errors import Report
root = Path(sys.argv[1]); series = load_series(root, Report())
t0 = time.perf_counter()
from bulletin.ofd import edition_to_ofd
t1 = time.perf_counter()
for e in series.editions:
    pdf = (root / "output" / e.pdf_name).read_bytes()
    (root / "output" / (e.name + ".ofd")).write_bytes(edition_to_ofd(e, series.publication, pdf))
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def timed(cmd, cwd, env=None) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env={**ENV, **(env or {})}, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{proc.stderr}")
    return time.perf_counter() - start, proc.stdout


def cold_build(root: Path) -> float:
    shutil.rmtree(root / "output", ignore_errors=True)
    return timed([sys.executable, "-m", "bulletin", "build", "--jobs", "1"], root)[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=5)
    pairs = ap.parse_args().pairs
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copy(REPO / "bulletin.yaml", root)
        shutil.copytree(REPO / "issues", root / "issues")
        glyphs = Path(tmp) / "cache"  # the converted glyphs kept between commands
        ratios, builds, converts, colds = [], [], [], []
        for _ in range(pairs):
            build = cold_build(root)
            shutil.rmtree(glyphs, ignore_errors=True)
            cold = float(timed([sys.executable, "-c", CONVERT, str(root)], root,
                               {"XDG_CACHE_HOME": str(glyphs)})[1].split()[1])
            _wall, out = timed([sys.executable, "-c", CONVERT, str(root)], root, {"XDG_CACHE_HOME": str(glyphs)})
            imports, work = map(float, out.split())
            builds.append(build)
            converts.append((imports + work, work))
            colds.append(cold / build)
            ratios.append(work / build)
        print(f"cold build of the sample ({len(list((root / 'output').glob('*.pdf')))} editions, --jobs 1): "
              f"median {statistics.median(builds):.2f} s")
        print(f"OFD of every edition in one process: median {statistics.median(c for _, c in converts):.2f} s "
              f"({statistics.median(w for w, _ in converts):.2f} s with importing the converter)")
        print(f"ratio OFD / cold build: median {statistics.median(ratios):.1%} "
              f"(pairs from {min(ratios):.1%} to {max(ratios):.1%}); target <= 30 %; with the imports "
              f"{statistics.median(w / b for (w, _), b in zip(converts, builds)):.1%}")
        print(f"ratio with no glyph converted before on this machine (empty ~/.cache/bulletin/ofd-glyphs): "
              f"median {statistics.median(colds):.1%} (pairs from {min(colds):.1%} to {max(colds):.1%})")
        for pdf in sorted((root / "output").glob("*.pdf")):
            ofd = pdf.with_suffix(".ofd")
            print(f"{pdf.stem}: PDF {pdf.stat().st_size / 1024:.0f} KiB, OFD {ofd.stat().st_size / 1024:.0f} KiB, "
                  f"{ofd.stat().st_size / pdf.stat().st_size:.2f}x")


if __name__ == "__main__":
    main()
