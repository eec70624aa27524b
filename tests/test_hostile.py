"""Hostile and broken input: a located error or a safe render, never a traceback,
and never a byte of a file outside the workspace in any output."""
import hashlib
import io
import os
import re
import subprocess
import zlib

import pdfplumber
import pikepdf
import pytest

from conftest import run

SECRET = "TOPSECRET-7f3a9c"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000002030100a5f6c5a60000000049454e44ae426082")


def bomb_png(width, height):
    def chunk(kind, data):
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def front(extra=""):
    return f"---\nissue: 1\ndate: 2018-01-05\n{extra}---\n\n"


def md(body):
    return front() + "## 标题\n\n" + body + "\n"


# name: (issue text or bytes, setup(root, outside), expected: a message in stderr, or None for a safe render)
CASES = {
    "file-url-image": (md("![x](file:///etc/passwd)"), None, "a 'file:' link is not allowed"),
    "absolute-image": (md("![x](/etc/passwd)"), None, "is outside the workspace"),
    "dotdot-image": (md("![x](../../secret.txt)"), None, "is outside the workspace"),
    "dev-zero-image": (md("![x](/dev/zero)"), None, "is outside the workspace"),
    "symlink-image": (md("![x](link.png)"), lambda r, o: os.symlink(o / "secret.txt", r / "issues/link.png"),
                      "is outside the workspace"),
    "symlink-to-dev-zero": (md("![x](zero.png)"), lambda r, o: os.symlink("/dev/zero", r / "issues/zero.png"),
                            "is outside the workspace"),
    "symlinked-issue": (None, lambda r, o: os.symlink(o / "secret.txt", r / "issues/2018-01.md"),
                        "is a link to a file outside the workspace"),
    "svg-outside-file": (md("![x](evil.svg)"), lambda r, o: (r / "issues/evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        f'<image xlink:href="file://{o}/secret.txt" width="10" height="10"/></svg>'), "may not be used"),
    "svg-inside-file": (md("![x](ok.svg)"), lambda r, o: ((r / "issues/ok.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        '<image xlink:href="dot.png" width="10" height="10"/></svg>'), (r / "issues/dot.png").write_bytes(PNG)), None),
    "attachment-link": (md("[x](/etc/hostname){rel=attachment}"), None, None),
    "block-attrs": (md('{rel="attachment" href="/etc/hostname"}\n[x](/etc/hostname)'), None, None),
    "javascript-link": (md("[点我](javascript:alert(1))"), None, "a 'javascript:' link is not allowed"),
    "javascript-autolink": (md("<javascript:alert(1)>"), None, "a 'javascript:' link is not allowed"),
    "svg-data-image": (md("![x](data:image/svg+xml;base64,PHN2Zy8+)"), None, "a 'data:' link is not allowed"),
    "raw-script": (md("<script>alert(1)</script>"), None, None),
    "raw-img": (md('<img src="/etc/passwd">'), None, None),
    "metadata-ip-image": (md("![x](http://169.254.169.254/latest)"), None, "is not a file of this workspace"),
    "alias-bomb": (front('a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n') + "## t\n", None, "anchors and aliases"),
    "duplicate-key": ("---\nissue: 1\nissue: 2\ndate: 2018-01-05\n---\n\n## t\n", None, "'issue' appears twice"),
    "octal-issue": ("---\nissue: 042\ndate: 2018-01-05\n---\n\n## t\n", None, "without the leading zero"),
    "wrong-types": ("---\nissue: [1]\ndate: 5\n---\n\n## t\n", None, "'issue' must be a whole number"),
    "yes-no-boolean": (front("copies: yes\n") + "## t\n", None, "'copies' must be a whole number"),
    "non-utf8": (b"---\nissue: 1\ndate: 2018-01-05\n---\n\n## \xff\xfe\n", None, "the file is not UTF-8"),
    "bom": (b"\xef\xbb\xbf" + md("正文。").encode(), None, None),
    "crlf": (md("正文。").replace("\n", "\r\n"), None, None),
    "empty": ("", None, "does not start with front matter"),
    "emphasis-10000": (md("*" * 10000 + "深" + "*" * 10000), None, "nested"),
    "quote-10000": (md(">" * 10000 + " 深"), None, None),
    "list-600": (md("".join("  " * i + "- 项\n" for i in range(600))), None, None),
    "yaml-deep": ("---\nx: " + "[" * 20000 + "\n---\n", None, "nested too deeply"),
    "huge-file": (None, lambda r, o: (r / "issues/2018-01.md").write_bytes(
        md("正文").encode() + b"\xe5\xad\x97" * (50 * 2**20 // 3)), "the limit is 4 MiB"),
    "not-a-picture": (md("![x](fake.png)"), lambda r, o: (r / "issues/fake.png").write_text("not a png"),
                      "is not a PNG, JPEG, GIF, WebP or SVG picture"),
    "pixel-bomb": (md("![x](bomb.png)"), lambda r, o: (r / "issues/bomb.png").write_bytes(bomb_png(30000, 30000)),
                   "megapixels"),
    "tab-indent-yaml": ("---\nissue: 1\nrecipients:\n\tmain: [a]\ndate: 2018-01-05\n---\n\n## t\n", None,
                        "issues/2018-01.md:4:1"),
    "template-syntax-in-text": (front('title: "{{ 7*7 }}<script>"\n') + "## {% raw %}{{ 7*7 }}\n", None, None),
    "config-symlink": (md("正文"), lambda r, o: ((r / "bulletin.yaml").unlink(),
                                               os.symlink(o / "secret.txt", r / "bulletin.yaml")),
                       "is a link to a file outside the workspace"),
    "template-symlink": (md("正文"), lambda r, o: ((r / "templates").mkdir(),
                                                 os.symlink(o / "secret.txt", r / "templates/_footer.html")),
                         "is a link to a file outside the workspace"),
    "css-reads-outside": (md("正文"), lambda r, o: ((r / "templates").mkdir(), (r / "templates/extra.css").write_text(
        f"body {{ background: url(file://{o}/secret.txt) }} @import url(/etc/passwd);")), "may not be used"),
}


def outside_bytes_leaked(root, markers):
    """Search every output, with the PDF streams uncompressed, for the markers."""
    for path in (root / "output").rglob("*"):
        if not path.is_file() or path.name.startswith("."):
            continue
        data = path.read_bytes()
        if path.suffix == ".pdf":
            data = subprocess.run(["qpdf", "--stream-data=uncompress", "--object-streams=disable",
                                   str(path), "-"], capture_output=True).stdout
        for marker in markers:
            if marker in data:
                return f"{marker!r} in {path.name}"
    return None


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_input(name, make_ws, tmp_path):
    text, setup, expected = CASES[name]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    root = make_ws({"2018-01.md": text} if text is not None else {})
    if setup:
        setup(root, outside)
    proc = run("build", cwd=root)  # run() fails the test on any traceback
    if expected is None:
        assert proc.returncode == 0, proc.stderr
        assert (root / "output" / "2018-01.pdf").is_file()
        html = (root / "output" / "2018-01.html").read_text(encoding="utf-8")
        assert "<script" not in html.split("</head>", 1)[1] and "<img src=\"/etc" not in html
        if name == "template-syntax-in-text":  # data is printed, never evaluated as a template
            assert "{{ 7*7 }}&lt;script&gt;" in html and "{{ 7*7 }}" in html.split("<main", 1)[1]
    else:
        assert proc.returncode == 1, proc.stderr
        assert expected in proc.stderr, proc.stderr
        assert "2018-01" in proc.stderr or "bulletin.yaml" in proc.stderr or "templates" in proc.stderr
    if (root / "output").exists():
        passwd = open("/etc/passwd", "rb").read().split(b"\n")[0]
        hostname = open("/etc/hostname", "rb").read().strip()
        leaked = outside_bytes_leaked(root, [SECRET.encode(), passwd] + ([hostname] if len(hostname) > 6 else []))
        assert leaked is None, leaked


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30


# Pasted from Word, typed with a Chinese input method: understood, and set right in the PDF (issue 16).

def test_slips_are_set_right_in_the_pdf(make_ws):
    body = ("##春耕生产有序推进\n\n    各地抓紧春耕，缩进的段落。\n\n![图1 会议现场](会议 现场.JPG)\n\n"
            "单位\t面积\t备注\n清城区\t1200\t完成\n清新区\t800\t\n\n"
            "##　第二篇文章\n\n第一行\x0b第二行\n")
    root = make_ws({"2018-01.md": front() + body})
    (root / "issues" / "会议 现场.JPG").write_bytes(PNG)
    proc = run("build", cwd=root, check=True)
    assert proc.stderr.count("is followed by") == 2  # the two headings, warned
    with pdfplumber.open(root / "output" / "2018-01.pdf") as pdf:
        page = pdf.pages[0]
        text = page.extract_text()
        assert "#" not in text and "](" not in text
        contents = re.split(r"目\s*录", text, maxsplit=1)[1]
        assert contents.index("春耕生产有序推进") < contents.index("第二篇文章")  # both in the contents
        assert page.images and page.find_tables()
        table = [row for t in page.extract_tables() for row in t]
        assert ["单位", "面积", "备注"] in table and ["清新区", "800", ""] in table
        indented = [c for c in page.chars if c["text"] in "缩进的段落"]
        assert indented and not any("Mono" in c["fontname"] for c in indented)
        lines = [line for line in text.splitlines() if "第一行" in line or "第二行" in line]
        assert len(lines) == 2  # Word's line break is a line break


def _noise_jpeg(size, seed):
    import random

    from PIL import Image

    buf = io.BytesIO()
    noise = random.Random(seed).randbytes(size[0] * size[1] * 3)
    Image.frombytes("RGB", size, noise).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def test_a_photo_larger_than_print_needs_is_scaled_down(make_ws):
    from PIL import Image

    from bulletin import images

    root = make_ws({"2018-01.md": md("![图1 现场](photo.jpg)")})
    photo = root / "issues" / "photo.jpg"
    photo.write_bytes(_noise_jpeg((3600, 2700), 1))
    original = photo.read_bytes()
    proc = run("check", cwd=root, check=True)
    assert re.search(r"issues/2018-01\.md:8:1: warning: image 'photo\.jpg' is 3600 × 2700 pixels, [\d.]+ MB: more "
                     r"than print needs; the PDF and the web page use a copy scaled to 300 dpi", proc.stderr)
    run("build", cwd=root, check=True)
    with pikepdf.open(root / "output" / "2018-01.pdf") as pdf:
        sizes = {(int(x.Width), int(x.Height)) for page in pdf.pages for x in page.get_images().values()}
        assert sizes == {(1843, 1382)}  # 156 mm at 300 dpi, the ratio kept
    assert (root / "output" / "2018-01.pdf").stat().st_size < len(original) / 2
    with Image.open(root / "output" / "2018-01.files" / "01.jpg") as web:
        assert web.size == (1843, 1382) and web.format == "JPEG"
    assert photo.read_bytes() == original  # the original stays as it was
    copies = list((root / ".bulletin" / "images").iterdir())
    assert [c.name for c in copies] == [f"{hashlib.sha256(original).hexdigest()}.jpeg"]
    assert "nothing changed" in run("build", cwd=root, check=True).stderr
    photo.write_bytes(_noise_jpeg((1600, 3000), 2))  # a new photo, upright
    assert "built 1 edition(s)" in run("build", cwd=root, check=True).stderr
    with Image.open(root / "output" / "2018-01.files" / "01.jpg") as web:
        assert web.height == images.BOX[1] and web.width < 1843
