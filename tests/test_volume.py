"""The yearly volume (合订本) of the sample publication's 2018 editions, read back."""
import re
import shutil

import page
import pdfplumber
import pikepdf
import pypdf
import pytest

from conftest import REPO, run

UNITS = ["市环境监测站", "清城区环保局", "市环保局"]


def squeeze(text):
    return "".join(text.split())


def with_sources(folder):
    """The sample's issues, each article's heading preceded by {source="..."} (units in turn)."""
    count = 0
    for path in sorted(folder.glob("2018-*.md")):
        lines = []
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
            if line.startswith("## "):
                lines.append(f'{{source="{UNITS[count % 3]}"}}\n')
                count += 1
            lines.append(line)
        path.write_text("".join(lines), encoding="utf-8")
    return count


@pytest.fixture(scope="module")
def bound(tmp_path_factory):
    root = tmp_path_factory.mktemp("volume") / "ws"
    root.mkdir()
    shutil.copy(REPO / "bulletin.yaml", root)
    shutil.copytree(REPO / "issues", root / "issues")
    with_sources(root / "issues")
    for name in ("2018-01", "2018-02", "2018-03"):
        run("publish", name, cwd=root, check=True)
    proc = run("volume", "2018", "--publish", cwd=root, check=True)
    return root, proc


def edition_pages(root):
    return [root / "published" / f"2018-0{n}.pdf" for n in (1, 2, 3)]


def page_texts(path):
    with pdfplumber.open(path) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


def test_volume_is_cover_contents_editions_and_index(bound):
    root, proc = bound
    volume = root / "output" / "volumes" / "2018.pdf"
    assert "wrote output/volumes/2018.pdf" in proc.stdout
    texts = page_texts(volume)
    editions = [page_texts(p) for p in edition_pages(root)]
    issued = [t for pages in editions for t in pages]
    front = next(i for i in range(len(texts)) if squeeze(texts[i]) == squeeze(issued[0]))
    # the published pages, all of them, in order and unchanged
    assert [squeeze(t) for t in texts[front:front + len(issued)]] == [squeeze(t) for t in issued]
    assert "2018年合订本" in texts[0] and "清远市创建国家环境保护模范城市工作领导小组办公室" in texts[0]
    assert all("目录" in squeeze(t) for t in texts[1:front]) and front >= 2
    back = texts[front + len(issued):]
    assert back and "来稿单位索引" in back[0]
    assert len(texts) == 1 + (front - 1) + len(issued) + len(back)  # cover + contents + editions + index
    assert (root / "published" / "volumes" / "2018.pdf").read_bytes() == volume.read_bytes()


def contents_entries(texts):
    """(title, page) from the contents pages: a title may wrap; its page number ends its last line."""
    entries, held = [], ""
    for text in texts:
        for line in text.splitlines():
            m = re.match(r"^(.*?)\s+(\d+)$", line.strip())
            if m:
                entries.append((squeeze(held + m.group(1)), int(m.group(2))))
                held = ""
            elif squeeze(line) != "目录":
                held += line
    return entries


def test_every_article_is_in_the_contents_with_its_page_in_the_volume(bound):
    root, _ = bound
    volume = root / "output" / "volumes" / "2018.pdf"
    texts = page_texts(volume)
    reader = pypdf.PdfReader(volume)
    labels = reader.page_labels
    front = labels.index("1")
    assert labels[:front] == ["i", "ii", "iii", "iv", "v"][:front]
    assert labels[front:] == [str(n) for n in range(1, len(labels) - front + 1)]
    entries = contents_entries(texts[1:front])
    outline = {item.title: item for item in pikepdf.open(volume).open_outline().root}
    articles = [child for label, item in outline.items() if label.startswith("2018年第") for child in item.children]
    assert len(articles) == 10
    for article in articles:
        title = squeeze(article.title)
        pages = [p for t, p in entries if t == title]
        assert len(pages) == 1, (title, entries)
        on = front + pages[0] - 1  # the page whose label is that number
        assert labels[on] == str(pages[0])
        # the article's heading is on that page (its first words, as the heading may break the title)
        assert title[:8] in squeeze(texts[on]), (title, pages[0])


def test_bookmarks_list_every_edition_and_article(bound):
    root, _ = bound
    with pikepdf.open(root / "output" / "volumes" / "2018.pdf") as pdf:
        top = [item.title for item in pdf.open_outline().root]
        pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
        first = {item.title: pages[item.destination[0].objgen] for item in pdf.open_outline().root}
    labels = ["2018年第1期（总第41期）", "2018年第2期（总第42期）", "2018年第3期（总第43期）"]
    assert [t for t in top if t.startswith("2018年第")] == labels
    assert "来稿单位索引" in top and top[0] == "目　录"
    counts = [len(pikepdf.open(p).pages) for p in edition_pages(root)]
    assert first[labels[1]] - first[labels[0]] == counts[0]
    assert first[labels[2]] - first[labels[1]] == counts[1]


def test_index_lists_each_unit_with_its_articles(bound):
    root, _ = bound
    texts = page_texts(root / "output" / "volumes" / "2018.pdf")
    index = squeeze("".join(t for t in texts if "来稿单位索引" in t))
    for unit, n in zip(UNITS, (4, 3, 3)):
        assert f"{unit}{n}篇" in index
    assert index.index("市环境监测站") < index.index("清城区环保局") < index.index("市环保局3篇")


def test_volume_is_pdfa_and_recorded(bound):
    root, _ = bound
    volume = root / "output" / "volumes" / "2018.pdf"
    result = page.validate_pdf(str(volume), profile="3a")
    assert result.is_compliant, [(f.rule_id, f.message) for f in result.failures]
    proc = run("verify", cwd=root, check=True)
    assert "every file matches" in proc.stderr
    published = root / "published" / "volumes" / "2018.pdf"
    data = bytearray(published.read_bytes())
    data[len(data) // 2] ^= 0xFF
    published.write_bytes(bytes(data))
    try:
        proc = run("verify", cwd=root)
        assert proc.returncode == 1 and "published/volumes/2018.pdf differs" in proc.stderr
    finally:
        published.write_bytes(volume.read_bytes())


def test_a_year_without_published_editions_is_an_error(bound):
    root, _ = bound
    proc = run("volume", "2019", cwd=root)
    assert proc.returncode == 1
    assert "no edition of 2019 has been published" in proc.stderr
    assert not (root / "output" / "volumes" / "2019.pdf").exists()
