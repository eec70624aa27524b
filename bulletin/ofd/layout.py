"""What a PDF edition draws, page by page: glyph runs, paths and images in paint order.

Read with pdfminer.six's content-stream interpreter through a device of our own.
pdfminer's layout analyser would not do: it splits a path into its subpaths
(WeasyPrint draws a border as one even-odd path of two rectangles, which split
becomes two filled boxes), and it forgets each glyph's character id, the glyph
the embedded font draws. Coordinates come out in millimetres, origin at the
top left, y downwards, as OFD has them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdffont import PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdftypes import PDFStream
from pdfminer.utils import apply_matrix_pt

from ..errors import BulletinError
from ..i18n import _
from .images import Picture, picture

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
    font: PDFFont
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


def rgb(value, space_name: str = "") -> tuple[int, int, int]:
    """A PDF device colour as 8-bit RGB, converted as PDF viewers show it without a profile."""
    if isinstance(value, (int, float)):
        value = (value,)
    if not isinstance(value, (tuple, list)) or not all(isinstance(v, (int, float)) for v in value):
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


class Collector(PDFTextDevice):
    """Receives what the interpreter paints and keeps it as Page items."""

    def __init__(self, rsrcmgr: PDFResourceManager, page: Page):
        super().__init__(rsrcmgr)
        self.page = page
        self._ctms: list = []
        self._render = 0
        self.clip: tuple[float, float, float, float] | None = None  # box on the page, or None
        self.clips: list = []

    def clip_to(self, path) -> None:
        """Narrow the clip to the box of `path` (exact for the rectangles WeasyPrint clips to)."""
        pts = [self.to_page(args[i], args[i + 1]) for _op, *args in path for i in range(0, len(args) - 1, 2)]
        if not pts:
            return
        box = (min(x for x, _y in pts), min(y for _x, y in pts), max(x for x, _y in pts), max(y for _x, y in pts))
        if self.clip:
            box = (max(box[0], self.clip[0]), max(box[1], self.clip[1]),
                   min(box[2], self.clip[2]), min(box[3], self.clip[3]))
        self.clip = box

    def to_page(self, x: float, y: float) -> tuple[float, float]:
        x, y = apply_matrix_pt(self.ctm, (x, y))
        return x * MM, self.page.height - y * MM

    def begin_figure(self, name, bbox, matrix) -> None:
        self._ctms.append(self.ctm)

    def end_figure(self, name) -> None:
        # a form's interpreter leaves its own matrix on the device: restore ours
        self.set_ctm(self._ctms.pop())

    def render_string(self, textstate, seq, ncs, graphicstate) -> None:
        self._render = textstate.render
        super().render_string(textstate, seq, ncs, graphicstate)

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate) -> float:
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = ""
        a, b, c, d, _e, _f = matrix
        if abs(b) > 1e-6 or abs(c) > 1e-6 or a <= 0 or d <= 0:
            raise BulletinError(_("The PDF has rotated or mirrored text, which the OFD edition "
                                  "cannot carry yet"))
        x, y = apply_matrix_pt(matrix, (0, rise))
        size = fontsize * d * MM
        mode = self._render % 4
        color = rgb(graphicstate.ncolor if mode != 1 else graphicstate.scolor, graphicstate.ncs.name)
        glyph = Glyph(text, cid, x * MM, self.page.height - y * MM)
        self._add_glyph(font, size, a / d * (scaling or 1), color, mode, glyph)
        return font.char_width(cid) * fontsize * scaling

    def _add_glyph(self, font, size, hscale, color, mode, glyph: Glyph) -> None:
        items = self.page.items
        run = items[-1] if items and isinstance(items[-1], TextRun) else None
        fill, stroke = mode in (0, 2), mode in (1, 2)
        if not (run and run.font is font and abs(run.size - size) < 1e-4
                and abs(run.hscale - hscale) < 1e-4 and run.color == color
                and (run.fill, run.stroke) == (fill, stroke)
                and abs(run.glyphs[-1].y - glyph.y) < 0.01 and glyph.x >= run.glyphs[-1].x):
            run = TextRun(font, size, hscale, color, fill, stroke)
            items.append(run)
        run.glyphs.append(glyph)

    def paint_path(self, gstate, stroke, fill, evenodd, path) -> None:
        segments = []
        for op, *args in path:
            pts = [self.to_page(args[i], args[i + 1]) for i in range(0, len(args) - 1, 2)]
            if op == "m":
                segments.append(("M", *pts[0]))
            elif op == "l":
                segments.append(("L", *pts[0]))
            elif op in ("c", "v", "y"):
                here = segments[-1][-2:] if segments and segments[-1][0] != "C" else pts[-1]
                p1, p2, p3 = (pts if op == "c" else (here, *pts) if op == "v" else (pts[0], pts[1], pts[1]))
                segments.append(("B", *p1, *p2, *p3))
            elif op == "h":
                segments.append(("C",))
        if not segments or not (stroke or fill):
            return
        if fill and evenodd and not stroke:
            segments, evenodd = _frame(segments)
        segments = _clipped(segments, self.clip, bool(fill and not stroke and not evenodd))
        if not segments:
            return  # wholly outside the clip: nothing of it shows
        scale = math.sqrt(abs(self.ctm[0] * self.ctm[3] - self.ctm[1] * self.ctm[2])) * MM
        dash, phase = gstate.dash or ((), 0)
        self.page.items.append(Path(
            segments, bool(stroke), bool(fill), bool(evenodd), float(gstate.linewidth or 0) * scale,
            rgb(gstate.scolor, gstate.scs.name) if stroke else (0, 0, 0),
            rgb(gstate.ncolor, gstate.ncs.name) if fill else (0, 0, 0),
            CAPS.get(gstate.linecap, "Butt"), JOINS.get(gstate.linejoin, "Miter"),
            tuple(float(v) * scale for v in dash or ()), float(phase or 0) * scale))

    def render_image(self, name, stream: PDFStream) -> None:
        a, b, c, d, e, f = self.ctm
        h = self.page.height
        # the picture's unit square has y down in OFD and y up in PDF: (u, v) -> ctm(u, 1 - v)
        ctm = (a * MM, -b * MM, -c * MM, d * MM, (c + e) * MM, h - (d + f) * MM)
        self.page.items.append(Image(picture(stream, name), ctm))


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


class Interpreter(PDFPageInterpreter):
    """pdfminer's interpreter, keeping the clip with the graphics state (pdfminer ignores it)."""

    device: Collector

    def do_q(self) -> None:
        super().do_q()
        self.device.clips.append(self.device.clip)

    def do_Q(self) -> None:
        if self.gstack:
            super().do_Q()
            self.device.clip = self.device.clips.pop()

    def do_W(self) -> None:
        self.device.clip_to(self.curpath)

    def do_W_a(self) -> None:
        self.device.clip_to(self.curpath)


def read_page(rsrcmgr: PDFResourceManager, pdfpage) -> Page:
    x0, y0, x1, y1 = pdfpage.mediabox
    page = Page(abs(x1 - x0) * MM, abs(y1 - y0) * MM)
    device = Collector(rsrcmgr, page)
    Interpreter(rsrcmgr, device).process_page(pdfpage)
    return page
