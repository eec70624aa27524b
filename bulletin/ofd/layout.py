"""What a PDF edition draws, page by page: glyph runs, paths and images in paint order.

interpret.py reads them off the content streams. Coordinates here are in
millimetres, origin at the top left, y downwards, as OFD has them. A path is
kept whole, as drawn: WeasyPrint draws a border as one even-odd path of two
rectangles, which, split into subpaths, would become two filled boxes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import BulletinError
from ..i18n import _
from .images import Picture
from .pdffonts import PdfFont

MM = 25.4 / 72  # millimetres in a PostScript point
CAPS = {0: "Butt", 1: "Round", 2: "Square"}
JOINS = {0: "Miter", 1: "Round", 2: "Bevel"}


@dataclass
class Glyph:
    text: str   # the characters this glyph stands for (two or more for a ligature)
    cid: int    # the glyph in the embedded font
    x: float    # origin on the baseline, mm
    y: float


@dataclass
class TextRun:
    """Glyphs on one baseline in one font, size and colour, in the order drawn."""
    font: PdfFont
    size: float          # mm
    hscale: float
    color: tuple[int, int, int]
    fill: bool
    stroke: bool
    glyphs: list[Glyph] = field(default_factory=list)


@dataclass
class Path:
    segments: list[tuple]  # ("M"|"L", x, y), ("B", x1, y1, x2, y2, x3, y3), ("C",)
    stroke: bool
    fill: bool
    evenodd: bool
    width: float = 0.0
    stroke_color: tuple[int, int, int] = (0, 0, 0)
    fill_color: tuple[int, int, int] = (0, 0, 0)
    cap: str = "Butt"
    join: str = "Miter"
    dash: tuple[float, ...] = ()
    dash_offset: float = 0.0


@dataclass
class Image:
    picture: Picture
    ctm: tuple[float, ...]  # maps the picture's unit square onto the page (mm, y down)


@dataclass
class Page:
    width: float
    height: float
    items: list = field(default_factory=list)  # TextRun | Path | Image


@lru_cache(maxsize=1024)
def rgb(value: tuple | None, space_name: str = "") -> tuple[int, int, int]:
    """A PDF device colour as 8-bit RGB, converted as PDF viewers show it without a profile."""
    if value is None:
        raise BulletinError(_("The PDF paints with a pattern or shading ({space}), which the OFD "
                              "edition cannot carry yet").format(space=space_name or "?"),
                            hint=_("Use plain colours in the theme's CSS."))
    v = [min(1.0, max(0.0, float(c))) for c in value]
    if len(v) == 1:
        r = g = b = v[0]
    elif len(v) == 3:
        r, g, b = v
    elif len(v) == 4:
        c, m, y, k = v
        r, g, b = (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    else:
        raise BulletinError(_("The PDF uses a colour with {n} components, which the OFD edition "
                              "cannot carry").format(n=len(v)))
    return (round(r * 255), round(g * 255), round(b * 255))


def clip_box(points, clip):
    """The clip narrowed to the box of `points` (exact for the rectangles WeasyPrint clips to)."""
    if not points:
        return clip
    box = (min(x for x, _y in points), min(y for _x, y in points),
           max(x for x, _y in points), max(y for _x, y in points))
    if clip:
        box = (max(box[0], clip[0]), max(box[1], clip[1]), min(box[2], clip[2]), min(box[3], clip[3]))
    return box


def paint(page: Page, item: Path, path: list[tuple], to_page, clip) -> None:
    """Add `item` to the page with the PDF path `path` (user space, PDF operators) as its segments."""
    segments = []
    for op, *args in path:
        pts = [to_page(args[i], args[i + 1]) for i in range(0, len(args) - 1, 2)]
        if op == "m":
            segments.append(("M", *pts[0]))
        elif op == "l" and segments:
            segments.append(("L", *pts[0]))
        elif op in ("c", "v", "y") and segments:
            here = segments[-1][-2:] if segments[-1][0] != "C" else pts[-1]
            p1, p2, p3 = (pts if op == "c" else (here, *pts) if op == "v" else (pts[0], pts[1], pts[1]))
            segments.append(("B", *p1, *p2, *p3))
        elif op == "h" and segments:
            segments.append(("C",))
    if not segments:
        return
    evenodd = item.evenodd
    if item.fill and evenodd and not item.stroke:
        segments, evenodd = _frame(segments)
    segments = _clipped(segments, clip, bool(item.fill and not item.stroke and not evenodd))
    if segments:  # else wholly outside the clip: nothing of it shows
        item.segments, item.evenodd = segments, evenodd
        page.items.append(item)


def _rects(segments) -> list[tuple[float, float, float, float]] | None:
    """The axis-aligned rectangles a path is made of, or None if it is not only those."""
    rects, i = [], 0
    while i < len(segments):
        sub = segments[i:i + 5]
        if [s[0] for s in sub] != ["M", "L", "L", "L", "C"]:
            return None
        xs, ys = {round(s[1], 4) for s in sub[:4]}, {round(s[2], 4) for s in sub[:4]}
        if len(xs) != 2 or len(ys) != 2:
            return None
        rects.append((min(xs), min(ys), max(xs), max(ys)))
        i += 5
    return rects


def _clipped(segments, clip, rects_only: bool) -> list[tuple]:
    """A path cut to the clip box: filled rectangles exactly, other paths kept whole if they meet it.

    WeasyPrint draws each side of a border as the whole frame clipped to that side.
    """
    if clip is None:
        return segments
    rects = _rects(segments) if rects_only else None
    if rects is None:
        xs = [v for _op, *c in segments for v in c[0::2]]
        ys = [v for _op, *c in segments for v in c[1::2]]
        meets = xs and min(xs) <= clip[2] and max(xs) >= clip[0] and min(ys) <= clip[3] and max(ys) >= clip[1]
        return segments if meets else []
    out = []
    for l, t, r, b in rects:
        l, t, r, b = max(l, clip[0]), max(t, clip[1]), min(r, clip[2]), min(b, clip[3])
        if r - l > 1e-4 and b - t > 1e-4:
            out += [("M", l, t), ("L", r, t), ("L", r, b), ("L", l, b), ("C",)]
    return out


def _frame(segments) -> tuple[list[tuple], bool]:
    """A border drawn as an even-odd pair of nested rectangles, as the bands it paints.

    Readers that ignore the fill rule would otherwise paint the whole box.
    """
    rects = _rects(segments)
    if not rects or len(rects) > 2:
        return segments, True
    if len(rects) == 1:
        return segments, False
    (x0, y0, x1, y1), (a0, b0, a1, b1) = sorted(rects, key=lambda r: (r[2] - r[0]) * (r[3] - r[1]),
                                                reverse=True)
    if not (x0 <= a0 and y0 <= b0 and a1 <= x1 and b1 <= y1):
        return segments, True
    bands = [(x0, y0, x1, b0), (x0, b1, x1, y1), (x0, b0, a0, b1), (a1, b0, x1, b1)]
    out = []
    for l, t, r, b in bands:
        if r - l > 1e-4 and b - t > 1e-4:
            out += [("M", l, t), ("L", r, t), ("L", r, b), ("L", l, b), ("C",)]
    return out, False
