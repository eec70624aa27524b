"""How much a DOCX edition adds to a cold build: the DOCX time of the sample's editions
against a cold `bulletin build` of the same workspace (PDF, web pages, search), timed as
neighbours in pairs; prints the median ratio.  Target: at most 0.30.

    .venv/bin/python benchmarks/docx_edition.py [--pairs 5]
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# This file is called docx.py: with its folder first on sys.path, `import docx` inside
# python-docx would find this script.  Take the folder off before anything imports it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
REPO = HERE.parent
sys.path.insert(0, str(REPO))

import argparse  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402


def cold_build(root: Path) -> float:
    shutil.rmtree(root / "output", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bulletin", "build"], cwd=root, check=True, capture_output=True)
    return time.perf_counter() - start


def docx_time(root: Path) -> float:
    """Seconds to load python-docx and write every edition's DOCX, in a fresh process."""
    # The build has read and parsed the issues already: what it adds is loading python-docx
    # and rendering each edition, which is what is timed (the process's start is not).
    code = ("import sys, time\n"
            "from pathlib import Path\n"
            "from bulletin.commands.published import read_series as load_series\n"
            "from bulletin.errors import Report\n"
            "root = Path(sys.argv[1]); s = load_series(root, Report())\n"
            "t = time.perf_counter()\n"
            "from bulletin.docx import render_docx\n"
            "for e in s.editions: (root / 'output' / (e.name + '.docx')).write_bytes(render_docx(e, s.publication))\n"
            "print(time.perf_counter() - t)\n")
    out = subprocess.run([sys.executable, "-c", code, str(root)], cwd=REPO, check=True, capture_output=True,
                         text=True, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        root.mkdir()
        shutil.copy(REPO / "bulletin.yaml", root)
        shutil.copytree(REPO / "issues", root / "issues")
        cold_build(root)  # warm the disk and the font caches once
        ratios = []
        for _ in range(args.pairs):
            build = cold_build(root)
            docx = docx_time(root)
            ratios.append(docx / build)
            print(f"cold build {build:.2f} s, DOCX of every edition {docx:.2f} s, ratio {docx / build:.2f}")
    print(f"median ratio {statistics.median(ratios):.2f} (target: at most 0.30)")


if __name__ == "__main__":
    main()
