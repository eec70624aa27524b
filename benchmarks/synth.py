"""A synthetic archive: N editions of realistic Chinese text with the sample's structure.

The text is the sample publication's own paragraphs, recombined; each
edition has 4 to 8 articles with sections, sometimes a table, and comes to
5 to 12 pages.  Numbering follows the rules: 24 issues a year, the yearly
number restarting, the total continuing.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PER_YEAR = 24


def paragraphs() -> list[str]:
    out = []
    for path in sorted((REPO / "issues").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[2]
        out += [p for p in body.split("\n\n") if len(p) > 60 and not p.startswith(("#", "|", "{", ":"))]
    return out


def headings(paras: list[str]) -> list[str]:
    return [re.sub(r"[，。！“”、；：（）《》0-9%.]", "", p)[:16] for p in paras]


def write(root: Path, count: int, seed: int = 2018, formats: str = "[pdf, html]") -> list[Path]:
    """`formats`: the editions made of each issue (the peer, pandoc, makes a PDF only)."""
    rng = random.Random(seed)
    paras = paragraphs()
    titles = headings(paras)
    root.mkdir(parents=True, exist_ok=True)
    (root / "issues").mkdir(exist_ok=True)
    config = re.sub(r"(?m)^formats:.*$", f"formats: {formats}", (REPO / "bulletin.yaml").read_text(encoding="utf-8"))
    (root / "bulletin.yaml").write_text(config, encoding="utf-8")
    files = []
    for n in range(count):
        year, number = 2000 + n // PER_YEAR, n % PER_YEAR + 1
        month, day = min(12, 1 + (number - 1) // 2), 5 + 12 * ((number - 1) % 2)
        pages = rng.randint(5, 12)
        body = []
        articles = rng.randint(4, 8)
        per_article = max(2, pages * 3 // articles)  # ~3 paragraphs of ~200 characters a page
        for a in range(articles):
            body += [f"## {titles[rng.randrange(len(titles))]}", ""]
            for k in range(per_article):
                if k == 1 and a % 2:
                    body += [f"### {'一二三四'[k % 4]}、{titles[rng.randrange(len(titles))][:10]}", ""]
                body += [paras[rng.randrange(len(paras))], ""]
            if a == 1 and n % 3 == 0:
                body += [": 表1 主要指标完成情况", "", "| 指标 | 目标 | 完成 |", "| --- | --- | --- |",
                         "| 空气质量优良天数比例 | 87% | 88.2% |", "| 污水处理率 | 95% | 95.6% |", ""]
        text = (f"---\nissue: {number}\ntotal: {n + 1}\ndate: {year}-{month:02d}-{day:02d}\n---\n\n"
                + "\n".join(body))
        path = root / "issues" / f"{year}-{number:02d}.md"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files
