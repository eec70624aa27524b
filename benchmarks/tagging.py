#!/usr/bin/env python3
"""What tagging the PDF (a structure tree, as PDF/UA and PDF/A-3a need) costs an edition in output/.

    .venv/bin/python benchmarks/tagging.py [--editions 8] [--pairs 7]

Typesets the print HTML of synthetic editions (synth.py) in this one process,
with WeasyPrint's pdf_tags off (what `bulletin build` writes today) and on,
the two as neighbours in each pair so that the machine's drift cancels out;
prints the median ratio of time and the ratio of file size.  The fonts are
loaded before the first pair, as in a build's typesetting processes.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
import synth  # noqa: E402


def editions(root: Path, count: int):
    from bulletin import workspace
    from bulletin.build import load_series
    from bulletin.errors import Report
    from bulletin.render import html as html_render
    from bulletin.render import theme

    (root / "bulletin.yaml").write_text((HERE.parent / "bulletin.yaml").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    synth.write(root, count)
    series = load_series(root, Report())
    env = theme.environment(workspace.templates_dir(root), series.publication.theme)
    return [html_render.render(e, series.publication, env, "print") for e in series.editions()]


def typeset(html: str, root: Path, tags: bool) -> tuple[float, int, int]:
    from weasyprint import HTML

    from bulletin.fetcher import confined_fetcher, virtual_uri
    from bulletin.render import pdf as pdf_render

    start = time.perf_counter()
    document = HTML(string=html, base_url=virtual_uri(root / "output", root) + "/",
                    url_fetcher=confined_fetcher(root)).render(font_config=pdf_render.font_config())
    data = document.write_pdf(pdf_tags=tags)
    return time.perf_counter() - start, len(data), len(document.pages)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--editions", type=int, default=8)
    parser.add_argument("--pairs", type=int, default=7)
    args = parser.parse_args()
    from bulletin.render import pdf as pdf_render

    pdf_render.load()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pages = editions(root, args.editions)
        typeset(pages[0], root, False)  # warm: fonts loaded, caches filled
        ratios, sizes, plain_total, tagged_total, page_count = [], [], 0.0, 0.0, 0
        for pair in range(args.pairs):
            plain = tagged = 0.0
            for html in pages:
                if pair % 2:  # which goes first alternates: the second of two may find caches warmer
                    t1, s1, _ = typeset(html, root, True)
                    t0, s0, n = typeset(html, root, False)
                else:
                    t0, s0, n = typeset(html, root, False)
                    t1, s1, _ = typeset(html, root, True)
                plain, tagged = plain + t0, tagged + t1
                sizes.append(s1 / s0)
                page_count += n
            ratios.append(tagged / plain)
            plain_total, tagged_total = plain_total + plain, tagged_total + tagged
    per_page = (tagged_total - plain_total) / page_count
    print(f"tagged / untagged time: {statistics.median(ratios):.3f} × (median of {args.pairs} pairs over "
          f"{len(pages)} editions; pairs {min(ratios):.3f} to {max(ratios):.3f})")
    print(f"{plain_total / page_count * 1000:.0f} ms a page untagged, {tagged_total / page_count * 1000:.0f} ms "
          f"tagged: {per_page * 1000:+.1f} ms a page")
    print(f"tagged / untagged size: {statistics.median(sizes):.3f} × (median over editions)")


if __name__ == "__main__":
    main()
