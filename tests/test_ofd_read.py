"""How the OFD edition reads a PDF's content streams (bulletin/ofd/interpret.py), on small PDFs
made here with pikepdf: forms, inline images, stencil masks, palettes, line widths under a scaled
matrix, ToUnicode maps, and what it refuses. The sample's real editions are test_ofd.py's."""
import datetime
import io
import zipfile
import xml.etree.ElementTree as ET

import pikepdf
import pytest
import xmlschema
from PIL import Image

from bulletin.errors import BulletinError
from bulletin.ofd import OfdMeta, pdf_to_ofd
from bulletin.ofd.pdffonts import to_unicode
from conftest import SHARED

NS = "{http://www.ofdspec.org/2016}"
META = OfdMeta("t", "a", datetime.date(2020, 1, 1))
SCHEMAS = SHARED / "reference" / "ofd-schema"


def make_pdf(content: bytes, resources: dict | None = None, build=None) -> bytes:
    """A one-page A4 PDF drawing `content`; `build(pdf)` may return resources that need the Pdf."""
    pdf = pikepdf.new()
    res = pikepdf.Dictionary(resources or {})
    if build:
        for key, value in build(pdf).items():
            res[key] = value
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Contents = pdf.make_stream(content)
    page.obj.Resources = res
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def ofd_parts(pdf: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(pdf_to_ofd(pdf, META))) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    schema = xmlschema.XMLSchema(str(SCHEMAS / "Page.xsd"))
    for name, data in files.items():
        if name.endswith("Content.xml"):
            assert not list(schema.iter_errors(io.BytesIO(data))), name
    return files


def page_one(files) -> ET.Element:
    return ET.fromstring(files["Doc_0/Pages/Page_0/Content.xml"])


def boundary(node) -> tuple[float, ...]:
    return tuple(float(v) for v in node.get("Boundary").split())


def color(node, tag) -> tuple[int, ...]:
    return tuple(int(v) for v in node.find(NS + tag).get("Value").split())


MM = 25.4 / 72


def test_a_line_width_is_scaled_by_the_matrix_it_is_stroked_under():
    # WeasyPrint's own pattern: a 0.75 scale, then a width of 2/3 unit: half a point
    files = ofd_parts(make_pdf(b"0.75 0 0 0.75 0 0 cm 0.666667 w 1 0 0 RG 100 100 m 300 100 l S"))
    (path,) = page_one(files).iter(NS + "PathObject")
    assert float(path.get("LineWidth")) == pytest.approx(0.5 * MM, abs=0.001)
    assert color(path, "StrokeColor") == (255, 0, 0)


def test_a_form_is_drawn_where_its_matrix_puts_it_clipped_to_its_box_and_may_not_draw_itself():
    def build(pdf):
        form = pdf.make_stream(b"0 0 1 rg -50 -50 300 300 re f /F1 Do")
        form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        form.BBox = [0, 0, 100, 50]
        form.Matrix = [1, 0, 0, 1, 72, 700]
        form.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(F1=form))
        return {"/XObject": pikepdf.Dictionary(F1=form)}

    files = ofd_parts(make_pdf(b"q /F1 Do Q", build=build))
    paths = list(page_one(files).iter(NS + "PathObject"))
    assert len(paths) == 1  # once: the form's call of itself is not followed
    x, y, w, h = boundary(paths[0])
    assert (x, y, w, h) == pytest.approx((72 * MM, (842 - 750) * MM, 100 * MM, 50 * MM), abs=0.01)
    assert color(paths[0], "FillColor") == (0, 0, 255)


def test_an_indexed_colour_fills_with_its_palette_entry():
    res = {"/ColorSpace": pikepdf.Dictionary(CS0=pikepdf.Array([
        pikepdf.Name.Indexed, pikepdf.Name.DeviceRGB, 1, pikepdf.String(b"\xff\x00\x00\x00\xff\x00")]))}
    files = ofd_parts(make_pdf(b"/CS0 cs 1 sc 10 10 50 50 re f", res))
    (path,) = page_one(files).iter(NS + "PathObject")
    assert color(path, "FillColor") == (0, 255, 0)


def test_inline_images_and_stencil_masks_become_pictures_in_their_colours():
    def build(pdf):
        mask = pdf.make_stream(bytes([0b00001111]) * 8)  # 8 x 8: left half paints
        mask.Type, mask.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        mask.Width = mask.Height = 8
        mask.ImageMask, mask.BitsPerComponent = True, 1
        return {"/XObject": pikepdf.Dictionary(M1=mask)}

    inline = b"BI /W 2 /H 1 /CS /RGB /BPC 8 ID \x00\x80\xff\xff\x00\x00 EI"
    content = b"q 20 0 0 10 100 700 cm " + inline + b" Q q 0 0.5 0 rg 40 0 0 40 100 600 cm /M1 Do Q"
    files = ofd_parts(make_pdf(content, build=build))
    objects = list(page_one(files).iter(NS + "ImageObject"))
    assert len(objects) == 2
    assert boundary(objects[0]) == pytest.approx((100 * MM, (842 - 710) * MM, 20 * MM, 10 * MM), abs=0.01)
    res = ET.fromstring(files["Doc_0/DocumentRes.xml"])
    media = {m.get("ID"): m.find(NS + "MediaFile").text for m in res.iter(NS + "MultiMedia")}
    drawn = Image.open(io.BytesIO(files["Doc_0/Res/" + media[objects[0].get("ResourceID")]])).convert("RGB")
    assert drawn.getpixel((0, 0)) == (0, 128, 255) and drawn.getpixel((1, 0)) == (255, 0, 0)
    stencil = Image.open(io.BytesIO(files["Doc_0/Res/" + media[objects[1].get("ResourceID")]])).convert("RGBA")
    assert stencil.getpixel((0, 0)) == (0, 128, 0, 255)   # a 0 bit paints, in the fill colour
    assert stencil.getpixel((7, 0))[3] == 0               # a 1 bit leaves the page showing


def test_a_gradient_is_a_clear_error_not_a_missing_object():
    with pytest.raises(BulletinError, match="pattern or shading"):
        pdf_to_ofd(make_pdf(b"q /Sh0 sh Q"), META)
    with pytest.raises(BulletinError, match="pattern or shading"):
        pdf_to_ofd(make_pdf(b"/Pattern cs /P0 scn 0 0 10 10 re f"), META)


def test_a_font_in_another_encoding_than_identity_is_named_in_the_error():
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name.SimSun,
                              Encoding=pikepdf.Name("/UniGB-UCS2-H"), DescendantFonts=pikepdf.Array([]))
    with pytest.raises(BulletinError, match="SimSun.*UniGB-UCS2-H"):
        pdf_to_ofd(make_pdf(b"BT /F1 12 Tf 72 720 Td <4E00> Tj ET", {"/Font": pikepdf.Dictionary(F1=font)}), META)


def test_tounicode_maps_read_chars_ranges_arrays_and_surrogates():
    cmap = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
        1 begincodespacerange <0000> <FFFF> endcodespacerange
        2 beginbfchar <0003> <0020> <0004> <D840DC00> endbfchar
        2 beginbfrange <0010> <0012> <4E00> <0020> <0021> [<0066 0066> <0041>] endbfrange
        endcmap CMapName currentdict /CMap defineresource pop end end"""
    assert to_unicode(cmap) == {3: " ", 4: "\U00020000", 0x10: "一", 0x11: "丁", 0x12: "丂",
                                0x20: "ff", 0x21: "A"}


def test_a_picture_larger_than_pillow_opens_is_refused_before_it_is_decoded():
    def build(pdf):
        bomb = pdf.make_stream(b"x\x9c\x03\x00\x00\x00\x00\x01")  # not even the data: it is never read
        bomb.Type, bomb.Subtype, bomb.Filter = pikepdf.Name.XObject, pikepdf.Name.Image, pikepdf.Name.FlateDecode
        bomb.Width = bomb.Height = 100_000
        bomb.ColorSpace, bomb.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
        return {"/XObject": pikepdf.Dictionary(B=bomb)}

    with pytest.raises(BulletinError, match="100000 × 100000 pixels"):
        pdf_to_ofd(make_pdf(b"q 100 0 0 100 0 0 cm /B Do Q", build=build), META)
