#!/usr/bin/env python3
"""How long `bulletin import` takes on a 10-page contribution (target: under 2 s).

    .venv/bin/python benchmarks/import.py [--repeat 5] [--pages 10]

The contribution is made here with python-docx from the sample publication's
paragraphs: a title, hand-numbered sections, a table with merged cells, two
pictures with captions, footnotes, tracked changes and a comment; its page
count is measured by LibreOffice when it is installed.  Each timing is the
whole command in a fresh process, into a fresh copy of the sample workspace,
as a user runs it (the check of the result included).  pandoc's docx reader,
when installed, is timed on the same file as the peer.
"""
from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.shared import Pt
from PIL import Image

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NUMBERS = "一二三四五六七八九十"


def paragraphs() -> list[str]:
    """The sample publication's body paragraphs, as the material of the contribution."""
    found = []
    for path in sorted((REPO / "issues").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        found += [p.strip() for p in body.split("\n\n") if len(p.strip()) > 60 and not p.startswith(("#", "{", ":", "|"))]
    return found


def contribution(path: Path, pages: int) -> None:
    texts = paragraphs()
    d = docx.Document()
    for line in ("关于全市大气污染防治工作", "进展情况的报告"):
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(line)
        run.bold, run.font.size = True, Pt(22)
    chars, i, section = 0, 0, 0
    while chars < pages * 720:  # about a page of Word's default layout each
        if i % 6 == 0:
            d.add_paragraph(f"{NUMBERS[section % 10]}、第{section + 1}部分工作情况")
            section += 1
        if i % 6 == 3:
            d.add_paragraph(f"（{NUMBERS[i % 10]}）具体措施")
        p = d.add_paragraph("\u3000\u3000" + texts[i % len(texts)])
        p.paragraph_format.first_line_indent = Pt(32)
        if i % 9 == 4:
            p._p.append(parse_xml(f'<w:ins xmlns:w="{W}" w:id="{i}" w:author="审稿人"><w:r><w:t>（已核实）</w:t></w:r></w:ins>'))
        chars += len(texts[i % len(texts)])
        i += 1
        if i == 8:
            _table(d)
        if i in (12, 20):
            picture = io.BytesIO()
            Image.new("RGB", (800, 500), (i * 10, 120, 200)).save(picture, "PNG")
            picture.seek(0)
            d.add_picture(picture)
            d.add_paragraph(f"图{1 if i == 12 else 2} 现场照片")
    d.add_comment(d.paragraphs[3].runs, text="请核实数据", author="审稿人")
    d.save(path)


def _table(d) -> None:
    d.add_paragraph("表1 各县（市、区）空气质量")
    t = d.add_table(rows=9, cols=5)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "地区"
    for c, head in enumerate(("优良天数", "PM2.5", "PM10"), 2):
        t.cell(0, c).text = head
    for r in range(1, 9):
        for c in range(5):
            t.cell(r, c).text = f"{r * 7 + c}"


def page_count(path: Path, tmp: Path) -> str:
    if not shutil.which("soffice"):
        return "not measured (no LibreOffice)"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--convert-to",
                    "pdf", "--outdir", str(tmp / "pdf"), str(path)], capture_output=True, check=True, timeout=300)
    info = subprocess.run(["pdfinfo", str(tmp / "pdf" / (path.stem + ".pdf"))], capture_output=True, text=True)
    return re.search(r"Pages:\s*(\d+)", info.stdout).group(1) if info.returncode == 0 else "?"


def timed(cmd, cwd) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{proc.stderr}")
    return elapsed


def workspace(tmp: Path, n: int) -> Path:
    root = tmp / f"ws{n}"
    root.mkdir()
    shutil.copy(REPO / "bulletin.yaml", root)
    shutil.copytree(REPO / "issues", root / "issues")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        source = tmp / "来稿.docx"
        contribution(source, args.pages)
        print(f"contribution: {source.stat().st_size // 1024} KiB, {page_count(source, tmp)} pages in LibreOffice")
        # The first run fills the caches a user's first import fills too (font coverage, parse cache).
        timed([sys.executable, "-m", "bulletin", "check"], workspace(tmp, 0))
        times = [timed([sys.executable, "-m", "bulletin", "import", str(source), "--source", "市环保局"],
                       workspace(tmp, n)) for n in range(1, args.repeat + 1)]
        line = f"bulletin import: median {statistics.median(times):.2f} s of {args.repeat} " \
               f"(from {min(times):.2f} to {max(times):.2f} s); target < 2 s"
        if shutil.which("pandoc"):
            peer = [timed(["pandoc", "-f", "docx", "-t", "gfm", "--track-changes=accept", str(source), "-o",
                           str(tmp / "out.md")], tmp) for _n in range(args.repeat)]
            line += f"; pandoc -f docx: {statistics.median(peer):.2f} s " \
                    f"({statistics.median(times) / statistics.median(peer):.2f} ×)"
        print(line)


if __name__ == "__main__":
    main()
