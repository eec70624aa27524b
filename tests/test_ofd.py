"""The OFD edition: bulletin.ofd.pdf_to_ofd on the sample publication's real PDFs.

Each package is opened as a zip, its XML validated against the GB/T 33190
schemas, its text compared with what pdfplumber reads from the PDF, its fonts
loaded with fontTools, and page 1 of the seed edition drawn by an independent
reader (ofd.js in Chromium) and compared with the PDF drawn by pdfium.
"""
import base64
import datetime
import io
import re
import shutil
import subprocess
import tarfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pdfplumber
import pypdf
import pytest
import xmlschema
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops, ImageFilter

from bulletin import __version__
from bulletin.commands.published import read_series as load_series
from bulletin.errors import BulletinError, Report
from bulletin.ofd import OfdMeta, edition_meta, edition_to_ofd, pdf_to_ofd
from conftest import CONFIG, SHARED, issue, run

SCHEMAS = SHARED / "reference" / "ofd-schema"
NS = "{http://www.ofdspec.org/2016}"
SEED = "2018-02"
MM = 25.4 / 72
OFDJS = "ofd.js@0.2.6"  # the last self-contained build: 1.x needs a closed parser library
CHROMIUM = "/usr/bin/chromium"
# page 1 drawn by ofd.js against pdfium, both blurred (radius 2 px at 96 dpi): at most this share of
# pixels may differ by more than 32 of 255 in some channel. Measured 0.2 %; a 2-pixel shift of the
# whole page or a red title drawn black gives 1.7 %, a blank page 12 %.
PIXEL_LIMIT = 0.005


@pytest.fixture(scope="module")
def series(sample):
    report = Report()
    loaded = load_series(sample[0], report)
    assert not report.errors
    return loaded


@pytest.fixture(scope="module")
def editions(sample, series):
    """{name: (PDF bytes, OFD bytes)} for every edition of the sample, through the format's entry point."""
    out = {}
    for edition in series.editions:
        pdf = (sample[0] / "output" / edition.pdf_name).read_bytes()
        out[edition.name] = (pdf, edition_to_ofd(edition, series.publication, pdf))
    assert SEED in out and len(out) == len(list((sample[0] / "output").glob("*.pdf")))
    return out


def parts(ofd: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(ofd)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def xml(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def pages(files: dict) -> list[ET.Element]:
    doc = xml(files["Doc_0/Document.xml"])
    return [xml(files["Doc_0/" + p.get("BaseLoc")]) for p in doc.iter(NS + "Page")]


def page_text(page: ET.Element) -> str:
    return re.sub(r"\s", "", "".join(tc.text or "" for tc in page.iter(NS + "TextCode")))


def boundary(node) -> tuple[float, ...]:
    return tuple(float(v) for v in node.get("Boundary").split())


def rgb(node, tag) -> tuple[int, ...] | None:
    color = node.find(NS + tag)
    return tuple(int(v) for v in color.get("Value").split()) if color is not None else None


def bands(path) -> list[tuple[float, float, float, float]]:
    """The rectangles (x, y, w, h on the page) a filled PathObject paints, one per subpath."""
    x0, y0, _w, _h = boundary(path)
    out = []
    for sub in path.find(NS + "AbbreviatedData").text.split("M")[1:]:
        nums = [float(v) for v in re.findall(r"-?[\d.]+", sub)]
        xs, ys = nums[0::2], nums[1::2]
        out.append((x0 + min(xs), y0 + min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    return out


def is_red(color) -> bool:
    return color is not None and color[0] > 200 and color[1] < 100 and color[2] < 100


def test_every_part_validates_against_the_gbt_33190_schemas(editions):
    schemas = {name: xmlschema.XMLSchema(str(SCHEMAS / name))
               for name in ("OFD.xsd", "Document.xsd", "Res.xsd", "Page.xsd")}
    for name, (_pdf, ofd) in editions.items():
        files = parts(ofd)
        xml_files = [f for f in files if f.endswith(".xml")]
        assert {"OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml", "Doc_0/DocumentRes.xml"} <= set(files)
        for part in xml_files:
            schema = ("OFD.xsd" if part == "OFD.xml" else "Document.xsd" if part.endswith("Document.xml")
                      else "Page.xsd" if part.endswith("Content.xml") else "Res.xsd")
            errors = list(schemas[schema].iter_errors(io.BytesIO(files[part])))
            assert not errors, f"{name}/{part}: {errors[0]}"


def test_docinfo_says_what_the_pdf_says_with_the_editions_date_not_the_clock(editions, series):
    pdf, ofd = editions[SEED]
    pdf_info = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    info = xml(parts(ofd)["OFD.xml"]).find(f"{NS}DocBody/{NS}DocInfo")
    assert info.find(NS + "Title").text == pdf_info["/Title"]
    assert info.find(NS + "Author").text == pdf_info["/Author"] == series.publication.publisher
    assert info.find(NS + "CreationDate").text == "2018-03-05"
    assert [k.text for k in info.iter(NS + "Keyword")] == pdf_info["/Keywords"].split(", ")
    assert (info.find(NS + "Creator").text, info.find(NS + "CreatorVersion").text) == ("bulletin", __version__)
    seed = next(e for e in series.editions if e.name == SEED)
    assert pdf_to_ofd(pdf, edition_meta(seed)) == ofd  # byte-reproducible


def test_text_of_each_page_equals_the_pdf_in_reading_order(editions):
    for name, (pdf, ofd) in editions.items():
        files = parts(ofd)
        doc = xml(files["Doc_0/Document.xml"])
        assert doc.find(f"{NS}CommonData/{NS}PageArea/{NS}PhysicalBox").text == "0 0 210 297"
        with pdfplumber.open(io.BytesIO(pdf)) as plumb:
            assert len(pages(files)) == len(plumb.pages), name
            for n, (page, ppage) in enumerate(zip(pages(files), plumb.pages)):
                expected = re.sub(r"\s", "", ppage.extract_text())
                assert expected and page_text(page) == expected, f"{name} page {n + 1}"


def test_every_font_is_embedded_truetype_and_draws_its_characters(editions):
    for name, (_pdf, ofd) in editions.items():
        files = parts(ofd)
        fonts = {}
        for font in xml(files["Doc_0/PublicRes.xml"]).iter(NS + "Font"):
            ttf = TTFont(io.BytesIO(files["Doc_0/Res/" + font.find(NS + "FontFile").text]))
            assert "glyf" in ttf and "CFF " not in ttf
            fonts[font.get("ID")] = ttf.getBestCmap()
        assert fonts
        for page in pages(files):
            for obj in page.iter(NS + "TextObject"):
                cmap = fonts[obj.get("Font")]  # KeyError: a font that is not embedded
                mapped = {int(cg.get("CodePosition")) for cg in obj.iter(NS + "CGTransform")}
                text = obj.find(NS + "TextCode").text
                missing = [c for i, c in enumerate(text) if i not in mapped and ord(c) not in cmap]
                assert not missing, f"{name}: {missing}"


def test_page_one_has_the_red_title_and_the_red_rule_across_the_type_area(editions):
    first = pages(parts(editions[SEED][1]))[0]
    red_text = "".join(o.find(NS + "TextCode").text for o in first.iter(NS + "TextObject")
                       if is_red(rgb(o, "FillColor")))
    assert "工作简报" in red_text and "清远市创建国家环保模范城市" in red_text
    rules = [b for p in first.iter(NS + "PathObject") if is_red(rgb(p, "FillColor") or rgb(p, "StrokeColor"))
             for b in bands(p)]
    assert any(abs(w - 156) < 1 and 0.2 < h < 2 for _x, _y, w, h in rules), rules


def test_last_page_has_the_banji_rules(editions):
    last = pages(parts(editions[SEED][1]))[-1]
    rules = [b for p in last.iter(NS + "PathObject") for b in bands(p)
             if rgb(p, "FillColor") == (0, 0, 0) and abs(b[2] - 156) < 1 and b[3] < 1]
    assert len(rules) >= 3, rules  # above, between and below the 版记's lines
    tops = {label: next(boundary(o)[1] for o in last.iter(NS + "TextObject")
                        if o.find(NS + "TextCode").text.startswith(label)) for label in ("主送", "抄送")}
    ys = sorted({round(r[1], 1) for r in rules})
    assert ys[0] < tops["主送"] < ys[1] < tops["抄送"] < ys[-1], (ys, tops)


def test_table_borders_become_paths(editions):
    pdf, ofd = editions["2018-01"]
    with pdfplumber.open(io.BytesIO(pdf)) as plumb:
        found = [(n, t.bbox) for n, p in enumerate(plumb.pages) for t in p.find_tables()]
    assert found
    n, (x0, top, x1, bottom) = found[0]
    page = pages(parts(ofd))[n]
    inside = [b for p in page.iter(NS + "PathObject") for b in bands(p)
              if x0 * MM - 0.5 <= b[0] and b[0] + b[2] <= x1 * MM + 0.5 and top * MM - 0.5 <= b[1] <= bottom * MM + 0.5]
    assert len([b for b in inside if b[3] < 1]) >= 3  # the table's horizontal rules


def test_outline_follows_the_pdf_bookmarks(editions):
    pdf, ofd = editions[SEED]
    titles = [item.title for item in pypdf.PdfReader(io.BytesIO(pdf)).outline if not isinstance(item, list)]
    doc = xml(parts(ofd)["Doc_0/Document.xml"])
    ids = [p.get("ID") for p in doc.iter(NS + "Page")]
    elems = list(doc.find(NS + "Outlines"))
    assert [e.get("Title") for e in elems] == titles
    assert all(e.find(f".//{NS}Dest").get("PageID") in ids for e in elems)


def test_seed_edition_is_at_most_one_and_a_half_times_its_pdf(editions):
    pdf, ofd = editions[SEED]
    assert len(ofd) <= 1.5 * len(pdf), (len(ofd), len(pdf))


def test_images_become_image_objects_sized_as_in_the_pdf(make_ws):
    photo = io.BytesIO()
    Image.new("RGB", (300, 200), (30, 120, 200)).save(photo, "JPEG")
    logo = io.BytesIO()
    Image.new("RGBA", (120, 120), (200, 30, 30, 128)).save(logo, "PNG")
    root = make_ws({"2020-01.md": issue(1, "2020-01-06", body="## 图片\n\n![现场照片](photo.jpg)\n\n"
                                                                    "![标志](logo.png)\n")}, CONFIG)
    (root / "issues" / "photo.jpg").write_bytes(photo.getvalue())
    (root / "issues" / "logo.png").write_bytes(logo.getvalue())
    run("build", cwd=root, check=True)
    pdf = next((root / "output").glob("*.pdf")).read_bytes()
    files = parts(pdf_to_ofd(pdf, OfdMeta("t", "a", datetime.date(2020, 1, 6))))
    media = {m.get("ID"): m for m in xml(files["Doc_0/DocumentRes.xml"]).iter(NS + "MultiMedia")}
    assert sorted(m.get("Format") for m in media.values()) == ["JPEG", "PNG"]
    with pdfplumber.open(io.BytesIO(pdf)) as plumb:
        expected = [(i["x0"] * MM, i["top"] * MM, i["width"] * MM, i["height"] * MM) for i in plumb.pages[0].images]
    objects = list(pages(files)[0].iter(NS + "ImageObject"))
    assert len(objects) == len(expected) == 2
    for obj, want in zip(objects, expected):
        assert boundary(obj) == pytest.approx(want, abs=0.05)
        Image.open(io.BytesIO(files["Doc_0/Res/" + media[obj.get("ResourceID")].find(NS + "MediaFile").text])).load()


def test_what_the_ofd_cannot_carry_is_a_clear_error():
    with pytest.raises(BulletinError, match="cannot be read"):
        pdf_to_ofd(b"%PDF-1.7\nnot really", OfdMeta("t", "a", datetime.date(2020, 1, 1)))
    # a PDF whose text is in a font it does not embed (Helvetica, one of the base 14)
    body = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for n, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    with pytest.raises(BulletinError, match="Helvetica"):
        pdf_to_ofd(out, OfdMeta("t", "a", datetime.date(2020, 1, 1)))


@pytest.fixture(scope="module")
def ofdjs(tmp_path_factory) -> Path:
    """ofd.js's browser build, fetched with npm (an independent OFD reader, Apache-2.0)."""
    npm = shutil.which("npm")
    if not npm:
        pytest.skip("npm is not installed: apt-get install npm")
    where = tmp_path_factory.mktemp("ofdjs")
    proc = subprocess.run([npm, "pack", OFDJS, "--pack-destination", str(where)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with tarfile.open(next(where.glob("*.tgz"))) as tar:
        script = tar.extractfile("package/lib/ofd.umd.min.js").read()
    (where / "ofd.js").write_bytes(script)
    return where / "ofd.js"


def blurred_difference(a: Image.Image, b: Image.Image) -> float:
    """Share of pixels that differ by more than 32 in some channel after a 2-pixel blur."""
    diff = ImageChops.difference(a.filter(ImageFilter.GaussianBlur(2)), b.filter(ImageFilter.GaussianBlur(2)))
    r, g, b_ = diff.split()
    worst = ImageChops.lighter(ImageChops.lighter(r, g), b_)
    return sum(worst.histogram()[33:]) / (a.width * a.height)


def test_ofdjs_draws_page_one_like_the_pdf(editions, ofdjs, tmp_path):
    import pypdfium2
    from playwright.sync_api import sync_playwright

    pdf, ofd = editions[SEED]
    shot = tmp_path / "ofd.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 900, "height": 1200})
        page.set_content("<html><body style='margin:0'></body></html>")
        page.add_script_tag(path=str(ofdjs))
        count = page.evaluate("""async (b64) => {
            const data = Uint8Array.from(atob(b64), c => c.charCodeAt(0)).buffer;
            const doc = await new Promise((ok, bad) => ofd.parseOfdDocument({ofd: data, success: ok, fail: bad}));
            const divs = ofd.renderOfd(794, doc[0]);
            divs[0].id = "page1";
            document.body.appendChild(divs[0]);
            return divs.length;
        }""", base64.b64encode(ofd).decode())
        page.evaluate("document.fonts.ready")
        page.locator("#page1").screenshot(path=str(shot))
        browser.close()
    assert count == len(pages(parts(ofd)))
    drawn = Image.open(shot).convert("RGB")
    first = pypdfium2.PdfDocument(pdf)[0]
    reference = first.render(scale=drawn.width / first.get_width()).to_pil().convert("RGB").resize(drawn.size)
    share = blurred_difference(drawn, reference)
    assert share < PIXEL_LIMIT, f"{share:.4f} of the pixels differ"


def test_without_harfbuzz_the_whole_font_is_read_to_the_same_glyphs(editions, monkeypatch):
    from bulletin.ofd import harfbuzz

    pdf, ofd = editions["2019-01"]
    monkeypatch.setattr(harfbuzz, "subset", lambda *args: None)
    slow = parts(pdf_to_ofd(pdf, OfdMeta("t", "a", datetime.date(2019, 1, 1))))
    fast = parts(ofd)
    assert [page_text(p) for p in pages(slow)] == [page_text(p) for p in pages(fast)]
    fonts = sorted(n for n in fast if n.endswith(".ttf"))
    assert fonts == sorted(n for n in slow if n.endswith(".ttf"))
    for name in fonts:
        a, b = TTFont(io.BytesIO(fast[name])), TTFont(io.BytesIO(slow[name]))
        assert a.getGlyphOrder() == b.getGlyphOrder() and a["glyf"].keys() == b["glyf"].keys()
        assert all(a["glyf"][g].getCoordinates(a["glyf"])[0] == b["glyf"][g].getCoordinates(b["glyf"])[0]
                   for g in a.getGlyphOrder())


def test_glyphs_kept_on_disk_give_the_same_bytes_and_a_damaged_cache_is_made_again(editions, monkeypatch,
                                                                                       tmp_path):
    from bulletin.ofd import outlines

    pdf, ofd = editions["2019-01"]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    def fresh_process():
        monkeypatch.setattr(outlines, "_CACHE", {})
        monkeypatch.setattr(outlines, "_LOADED", set())
        return pdf_to_ofd(pdf, OfdMeta("t", "a", datetime.date(2019, 1, 1)))

    cold = fresh_process()
    stored = list((tmp_path / "bulletin" / "ofd-glyphs").glob("*.json"))
    assert stored
    assert fresh_process() == cold  # every glyph from the disk
    for path in stored:
        path.write_text("{not json")
    assert fresh_process() == cold
    assert parts(cold).keys() == parts(ofd).keys()


def test_an_english_edition_keeps_its_ligatures_and_truetype_faces(make_ws):
    config = "title: [Test Office, Work Bulletin]\npublisher: Test Office\nlanguage: en\n" \
             "recipients:\n  main: [Unit A]\n"
    body = "## The first office affairs\n\nThe office finished its official filing of fifty files.\n"
    root = make_ws({"2020-01.md": issue(1, "2020-01-06", body=body)}, config)
    run("build", cwd=root, check=True)
    pdf = next((root / "output").glob("*.pdf")).read_bytes()
    files = parts(pdf_to_ofd(pdf, OfdMeta("t", "a", datetime.date(2020, 1, 6))))
    with pdfplumber.open(io.BytesIO(pdf)) as plumb:
        assert [page_text(p) for p in pages(files)] == [re.sub(r"\s", "", p.extract_text()) for p in plumb.pages]
    first = pages(files)[0]
    # a ligature (fi, ffi) is one glyph for two or three characters: a CGTransform says which
    assert any(int(cg.get("CodeCount")) > 1 for cg in first.iter(NS + "CGTransform"))
    fonts = [n for n in files if n.endswith(".ttf")]
    assert fonts and all("glyf" in TTFont(io.BytesIO(files[n])) for n in fonts)
