"""A long issue (12 pages or more) with every element the layout must handle.

Built from the sample publication's own paragraphs, so the text is real
Chinese prose; the images are drawn with Pillow (a WeasyPrint dependency).
"""
import sys
from pathlib import Path

from PIL import Image, ImageDraw

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import paragraphs  # noqa: E402 - the same real paragraphs the benchmark uses

CONFIG = """\
title: [清远市创建国家环保模范城市, 工作简报]
publisher: 清远市创建国家环境保护模范城市工作领导小组办公室
contents_pages: true
recipients:
  main: [市创建国家环境保护模范城市工作小组成员单位]
  cc: [国家环保部, 省环保厅, 市委办, 市人大办, 市府办, 市政协办, 市应急办, 各县（市、区）人民政府, 各县（市、区）环保局]
"""


TITLES = [
    "全市召开第二季度创模工作推进会", "清城区扎实推进城市黑臭水体整治", "清新区全面开展工业园区环境整治",
    "英德市加快乡镇污水处理设施建设", "连州市推进农村生活垃圾分类试点", "佛冈县强化饮用水水源地保护",
    "阳山县深入开展大气污染防治专项行动", "连山县打造生态文明建设示范点", "连南县推进畜禽养殖污染治理",
    "市住建局加快建筑工地扬尘管控", "市交通运输局推进高排放车辆淘汰", "市教育局开展创模进校园活动",
]


def picture(path: Path, seed: int) -> None:
    img = Image.new("RGB", (640, 360), (246, 246, 240))
    draw = ImageDraw.Draw(img)
    for i in range(8):
        h = 40 + (seed * 37 + i * 53) % 260
        draw.rectangle([40 + i * 72, 330 - h, 90 + i * 72, 330], fill=(170, 30, 30))
    draw.line([30, 330, 620, 330], fill=(0, 0, 0), width=2)
    img.save(path, optimize=False)


def write(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "issues").mkdir(exist_ok=True)
    (root / "bulletin.yaml").write_text(CONFIG, encoding="utf-8")
    paras = paragraphs()
    picture(root / "issues" / "chart1.png", 1)
    picture(root / "issues" / "chart2.png", 2)
    parts = ["::: 编者按", "本期为2018年第二季度创模工作专刊，集中刊发各县（市、区）和市直有关单位的工作进展，供各成员单位学习参考。", ":::", ""]
    k = 0
    for n in range(1, 13):
        parts += [f"## {TITLES[n - 1]}", ""]
        count = 40 if n == 2 else 5  # article 2 fills whole pages with body text
        for j in range(count):
            if j == 2 and n % 3 == 0:
                parts += ["### 一、主要做法", ""]
            if j == 3 and n % 3 == 0:
                parts += ["#### （一）强化统筹", ""]
            parts += [paras[k % len(paras)], ""]
            k += 1
        if n in (4, 9):
            parts += [f": 表{n // 4} 主要指标完成情况", "",
                      "| 指标 | 目标值 | 完成值 | 完成率 |", "| --- | --- | --- | --- |",
                      "| 空气质量优良天数比例 | 87% | 88.2% | 101% |",
                      "| 城镇生活污水处理率 | 95% | 95.6% | 101% |",
                      "| 生活垃圾无害化处理率 | 100% | 100% | 100% |", ""]
        if n in (5, 10):
            parts += [f"![图{n // 5} 全市各县（市、区）空气质量优良天数比例](chart{n // 5}.png)", ""]
        if n == 7:
            parts += ["下一步重点工作包括：", "", "1. 完成创模考核指标自查评估；", "2. 补齐城市环境基础设施短板；",
                      "3. 深化重点流域水污染综合整治[^1]。", "", "[^1]: 重点流域指北江、滨江和连江。", ""]
    issue = "---\nissue: 5\ntotal: 45\ndate: 2018-06-29\ncopies: 120\n---\n\n" + "\n".join(parts)
    path = root / "issues" / "2018-05.md"
    path.write_text(issue, encoding="utf-8")
    return path
