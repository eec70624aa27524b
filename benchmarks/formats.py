#!/usr/bin/env python3
"""What each edition format adds to a cold build: the same synthetic archive built cold with
[pdf, html] and with a format more, timed as neighbours in pairs (see run.py's in_turns).

    .venv/bin/python benchmarks/formats.py [--editions 24] [--pairs 5]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import synth  # noqa: E402
from run import CORES, bulletin, in_turns, spread, timed  # noqa: E402

SETS = {"docx": "[pdf, html, docx]", "ofd": "[pdf, html, ofd]", "docx + ofd": "[pdf, html, docx, ofd]"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--editions", type=int, default=24)
    ap.add_argument("--pairs", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bulletin-formats-"))
    try:
        base = work / "base"
        synth.write(base, args.editions)

        def cold(ws: Path) -> float:
            shutil.rmtree(ws / "output", ignore_errors=True)
            shutil.rmtree(ws / ".bulletin", ignore_errors=True)
            return timed(bulletin("build"), ws)[0]

        print(f"cold builds of {args.editions} editions on {CORES} cores; median of {args.pairs} pairs")
        print("| formats | cold build | against [pdf, html] |")
        print("| --- | --- | --- |")
        for name, formats in SETS.items():
            more = work / name.replace(" ", "")
            synth.write(more, args.editions, formats=formats)
            pairs = in_turns(args.pairs, lambda: cold(base), lambda: cold(more))
            ratio = statistics.median(b / a for a, b in pairs)
            print(f"| + {name} | {statistics.median(b for _, b in pairs):.1f} s vs "
                  f"{statistics.median(a for a, _ in pairs):.1f} s | {ratio:.2f} × ({spread(b / a for a, b in pairs)}) |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
