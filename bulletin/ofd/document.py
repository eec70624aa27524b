"""The XML parts of an OFD package (GB/T 33190-2016), written from the layout read off the PDF.

Every part is an ElementTree in the OFD namespace; numbers are millimetres
with three decimals (a micrometre), so equal layouts give equal bytes.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from .fonts import Face
from .layout import Image, Page, Path, TextRun

NS = "http://www.ofdspec.org/2016"
ET.register_namespace("ofd", NS)


def num(x: float) -> str:
    text = f"{x:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def box(x: float, y: float, w: float, h: float) -> str:
    return " ".join(num(v) for v in (x, y, w, h))


def el(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    attrs = {k: str(v) for k, v in attrs.items() if v is not None}
    node = ET.Element(f"{{{NS}}}{tag}", attrs) if parent is None else \
        ET.SubElement(parent, f"{{{NS}}}{tag}", attrs)
    if text is not None:
        node.text = text
    return node


def tostring(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


@dataclass
class Ids:
    """The document's unit ids, handed out in order; the last is MaxUnitID."""
    last: int = 0

    def next(self) -> int:
        self.last += 1
        return self.last


@dataclass
class Resources:
    """Ids of the package's resources, as the pages refer to them."""
    fonts: dict[int, tuple[int, Face]] = field(default_factory=dict)  # id(PDFFont) -> (id, face)
    images: list[tuple[int, str, bytes]] = field(default_factory=list)  # (id, file name, data)
    image_of: dict[int, int] = field(default_factory=dict)  # id(Image item) -> resource id


def _color(parent, tag: str, rgb: tuple[int, int, int]) -> None:
    el(parent, tag, Value=" ".join(map(str, rgb)))


def _deltas(values: list[float]) -> str:
    """DeltaX with runs of equal steps written as 'g count step'."""
    out, i = [], 0
    texts = [num(v) for v in values]
    while i < len(texts):
        j = i
        while j < len(texts) and texts[j] == texts[i]:
            j += 1
        out += ["g", str(j - i), texts[i]] if j - i > 2 else texts[i:j]
        i = j
    return " ".join(out)


def text_object(layer, run: TextRun, font_id: int, face: Face, ids: Ids) -> None:
    first, last = run.glyphs[0], run.glyphs[-1]
    size = run.size
    left, top = first.x, first.y - size
    obj = el(layer, "TextObject", ID=ids.next(),
             Boundary=box(left, top, last.x - left + size * run.hscale, size * 1.3),
             Font=font_id, Size=num(size),
             Stroke="true" if run.stroke else None, Fill=None if run.fill else "false",
             HScale=num(run.hscale) if abs(run.hscale - 1) > 1e-3 else None,
             Weight=face.weight if face.weight != 400 else None,
             Italic="true" if face.italic else None)
    if run.fill:
        _color(obj, "FillColor", run.color)
    if run.stroke:
        _color(obj, "StrokeColor", run.color)
    chars, xs, transforms = [], [], []
    for glyph in run.glyphs:
        text = glyph.text or "\ufffd"
        gid = face.gids[glyph.cid]
        if len(text) != 1 or face.cmap.get(ord(text)) != gid:
            transforms.append((len(chars), len(text), gid))
        chars += text
        xs += [glyph.x] * len(text)
    for position, count, gid in transforms:
        cg = el(obj, "CGTransform", CodePosition=position, CodeCount=count, GlyphCount=1)
        el(cg, "Glyphs", str(gid))
    deltas = [b - a for a, b in zip(xs, xs[1:])]
    el(obj, "TextCode", "".join(chars), X="0", Y=num(first.y - top),
       DeltaX=_deltas(deltas) if deltas else None)


def _abbreviated(segments, dx: float, dy: float) -> str:
    parts = []
    for op, *coords in segments:
        parts.append(op)
        parts += [num(v - (dx if i % 2 == 0 else dy)) for i, v in enumerate(coords)]
    return " ".join(parts)


def path_object(layer, path: Path, ids: Ids) -> None:
    xs = [v for _op, *c in path.segments for v in c[0::2]]
    ys = [v for _op, *c in path.segments for v in c[1::2]]
    width = max(path.width, 0.05) if path.stroke else 0.0
    pad = width / 2
    left, top = min(xs) - pad, min(ys) - pad
    obj = el(layer, "PathObject", ID=ids.next(),
             Boundary=box(left, top, max(xs) + pad - left, max(ys) + pad - top),
             LineWidth=num(width) if path.stroke else None,
             Cap=path.cap if path.stroke and path.cap != "Butt" else None,
             Join=path.join if path.stroke and path.join != "Miter" else None,
             DashOffset=num(path.dash_offset) if path.dash else None,
             DashPattern=" ".join(num(v) for v in path.dash) if path.dash else None,
             Stroke="true" if path.stroke else "false", Fill="true" if path.fill else None,
             Rule="Even-Odd" if path.fill and path.evenodd else None)
    if path.stroke:
        _color(obj, "StrokeColor", path.stroke_color)
    if path.fill:
        _color(obj, "FillColor", path.fill_color)
    el(obj, "AbbreviatedData", _abbreviated(path.segments, left, top))


def image_object(layer, image: Image, resource_id: int, ids: Ids) -> None:
    a, b, c, d, e, f = image.ctm
    corners = [(e + a * u + c * v, f + b * u + d * v) for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
    left, top = min(x for x, _y in corners), min(y for _x, y in corners)
    right, bottom = max(x for x, _y in corners), max(y for _x, y in corners)
    el(layer, "ImageObject", ID=ids.next(), Boundary=box(left, top, right - left, bottom - top),
       CTM=" ".join(num(v) for v in (a, b, c, d, e - left, f - top)), ResourceID=resource_id)


def content(page: Page, res: Resources, ids: Ids, area: str | None = None) -> bytes:
    """Doc_0/Pages/Page_N/Content.xml: one layer with the page's objects in paint order."""
    root = el(None, "Page")
    if area:  # a page of another size than the document's
        el(el(root, "Area"), "PhysicalBox", area)
    layer = el(el(root, "Content"), "Layer", ID=ids.next())
    for item in page.items:
        if isinstance(item, TextRun):
            font_id, face = res.fonts[id(item.font)]
            text_object(layer, item, font_id, face, ids)
        elif isinstance(item, Path):
            path_object(layer, item, ids)
        elif isinstance(item, Image):
            image_object(layer, item, res.image_of[id(item)], ids)
    return tostring(root)
