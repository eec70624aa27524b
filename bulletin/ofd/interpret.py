"""The content-stream interpreter: a PDF page's operators, as the items of a layout.Page.

pikepdf (qpdf, in C++) tokenises the streams; this keeps the graphics and text
state the operators change and hands each glyph, path and image to the page
in paint order. Only what the OFD edition carries is followed: colours, line
styles, clips to boxes, text positioning, forms and images. A pattern or
shading is a BulletinError (layout.rgb) rather than a missing object.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import pikepdf

from ..errors import BulletinError
from ..i18n import _
from .images import picture
from .layout import CAPS, JOINS, MM, Glyph, Image, Page, Path, TextRun, clip_box, paint, rgb
from .pdffonts import PdfFont, read_font

IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
DEPTH = 12  # forms within forms: deeper is a damaged or hostile PDF
SPACES = {"/DeviceGray": ("gray",), "/DeviceRGB": ("rgb",), "/DeviceCMYK": ("cmyk",),
          "/G": ("gray",), "/RGB": ("rgb",), "/CMYK": ("cmyk",), "/Pattern": ("pattern",)}
DEFAULT = {"gray": (0.0,), "rgb": (0.0, 0.0, 0.0), "cmyk": (0.0, 0.0, 0.0, 1.0)}


def mult(m, n) -> tuple[float, ...]:
    """The matrix m then n (PDF's row vectors: m × n)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


@dataclass
class GState:
    """What q saves and Q restores."""
    ctm: tuple = IDENTITY
    clip: tuple | None = None   # a box on the page (mm), or None
    width: float = 1.0
    cap: int = 0
    join: int = 0
    dash: tuple = ()
    phase: float = 0.0
    stroke_space: tuple = ("gray",)
    stroke: tuple | None = (0.0,)
    fill_space: tuple = ("gray",)
    fill: tuple | None = (0.0,)
    char_space: float = 0.0
    word_space: float = 0.0
    hscale: float = 1.0
    leading: float = 0.0
    font: PdfFont | None = None
    size: float = 0.0
    render: int = 0
    rise: float = 0.0


def color(space: tuple, value) -> tuple[int, int, int]:
    """An 8-bit RGB colour of `value` in the colour space `space` (see _space)."""
    kind = space[0]
    if kind == "pattern" or value is None:
        return rgb(None, "Pattern")
    if kind == "indexed":
        _kind, base, n, table = space
        i = max(0, min(int(value[0]), len(table) // max(n, 1) - 1))
        return color(base, tuple(c / 255 for c in table[i * n:i * n + n]))
    if kind == "separation":
        return rgb((1 - value[0],) if value else (0.0,), "Separation")
    return rgb(value, kind)


class Reader:
    """What the pages of one document share: its fonts, colour spaces and pictures, read once."""

    def __init__(self):
        self.fonts: dict = {}
        self.pictures: dict = {}
        self._scratch: pikepdf.Pdf | None = None

    @property
    def scratch(self) -> pikepdf.Pdf:
        """A PDF of no pages to hold what inline images become."""
        if self._scratch is None:
            self._scratch = pikepdf.new()
        return self._scratch

    def font(self, obj) -> PdfFont:
        key = obj.objgen if obj.is_indirect else id(obj)
        if key not in self.fonts:
            self.fonts[key] = read_font(obj)
        return self.fonts[key]

    def picture(self, obj, name: str, fill):
        key = (obj.objgen, fill) if obj.is_indirect else None
        found = self.pictures.get(key) if key else None
        if found is None:
            found = picture(obj, name, fill)
            if key:
                self.pictures[key] = found
        return found


def _space(obj, resources) -> tuple:
    """A colour space as (kind, ...): gray, rgb, cmyk, pattern, separation, or indexed with its table."""
    name = str(obj) if isinstance(obj, pikepdf.Name) else None
    if name in SPACES:
        return SPACES[name]
    if name is not None:
        found = (resources.get("/ColorSpace") or {}).get(name) if resources is not None else None
        return _space(found, None) if found is not None else ("rgb",)
    if isinstance(obj, pikepdf.Array) and len(obj):
        family = str(obj[0])
        if family == "/ICCBased":
            return {1: ("gray",), 4: ("cmyk",)}.get(int(obj[1].get("/N", 3)), ("rgb",))
        if family in ("/CalRGB", "/Lab"):
            return ("rgb",)
        if family == "/CalGray":
            return ("gray",)
        if family == "/Indexed" and len(obj) > 3:
            base = _space(obj[1], resources)
            table = obj[3].read_bytes() if isinstance(obj[3], pikepdf.Stream) else bytes(obj[3])
            return ("indexed", base, {"gray": 1, "cmyk": 4}.get(base[0], 3), table)
        if family in ("/Separation", "/DeviceN"):
            return ("separation",)
        if family == "/Pattern":
            return ("pattern",)
    return ("rgb",)


class Interpreter:
    """Runs one page's content streams into a Page."""

    def __init__(self, reader: Reader, page: Page, box: tuple[float, float, float, float]):
        self.reader, self.page = reader, page
        self.x0, self.top = box[0], box[3]
        self.gs = GState()
        self.stack: list[GState] = []
        self.path: list[tuple] = []
        self.tm = self.tlm = IDENTITY
        self.resources = None
        self.running: list = []   # forms being run, against a form that draws itself
        self.ops = {name: getattr(self, method) for name, method in OPERATORS.items()}

    # --- streams and forms ---

    def run(self, obj, resources) -> None:
        saved, self.resources = self.resources, resources
        try:
            instructions = pikepdf.parse_content_stream(obj)
        except pikepdf.PdfError as err:
            raise BulletinError(_("The PDF cannot be read for the OFD edition: {error}").format(error=err)) \
                from None
        for operands, op in instructions:
            if isinstance(op, pikepdf.PdfInlineImage) or str(op) == "INLINE IMAGE":
                self._inline(operands[0] if operands else op)
                continue
            handler = self.ops.get(str(op))
            if handler is not None:
                try:
                    handler(*operands)
                except (TypeError, ValueError, IndexError, KeyError, AttributeError, ZeroDivisionError):
                    continue  # an operator with the wrong operands: readers skip it too
        self.resources = saved

    def _form(self, xobj) -> None:
        key = xobj.objgen
        if key in self.running or len(self.running) >= DEPTH:
            return
        self.running.append(key)
        self.do_q()
        try:
            matrix = xobj.get("/Matrix")
            if matrix is not None:
                self.gs.ctm = mult(tuple(float(v) for v in matrix), self.gs.ctm)
            bbox = xobj.get("/BBox")
            if bbox is not None:
                l, b, r, t = (float(v) for v in bbox)
                self._clip([("m", l, b), ("l", r, b), ("l", r, t), ("l", l, t), ("h",)])
            self.run(xobj, xobj.get("/Resources") or self.resources)
        finally:
            self.do_Q()
            self.running.pop()

    # --- coordinates ---

    def to_page(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.gs.ctm
        return (a * x + c * y + e - self.x0) * MM, (self.top - (b * x + d * y + f)) * MM

    def _clip(self, path) -> None:
        pts = [self.to_page(args[i], args[i + 1]) for _op, *args in path for i in range(0, len(args) - 1, 2)]
        self.gs.clip = clip_box(pts, self.gs.clip)

    # --- graphics state ---

    def do_q(self) -> None:
        self.stack.append(copy.copy(self.gs))

    def do_Q(self) -> None:
        if self.stack:
            self.gs = self.stack.pop()

    def do_cm(self, a, b, c, d, e, f) -> None:
        self.gs.ctm = mult((float(a), float(b), float(c), float(d), float(e), float(f)), self.gs.ctm)

    def do_w(self, width) -> None:
        self.gs.width = float(width)

    def do_J(self, cap) -> None:
        self.gs.cap = int(cap)

    def do_j(self, join) -> None:
        self.gs.join = int(join)

    def do_d(self, array, phase) -> None:
        self.gs.dash, self.gs.phase = tuple(float(v) for v in array), float(phase)

    def do_gs(self, name) -> None:
        state = ((self.resources or {}).get("/ExtGState") or {}).get(str(name))
        if state is None:
            return
        for key, setter in (("/LW", self.do_w), ("/LC", self.do_J), ("/LJ", self.do_j)):
            if key in state:
                setter(state[key])
        if "/D" in state and len(state["/D"]) == 2:
            self.do_d(state["/D"][0], state["/D"][1])

    # --- colour ---

    def _set(self, stroke: bool, space: tuple, value) -> None:
        if stroke:
            self.gs.stroke_space, self.gs.stroke = space, value
        else:
            self.gs.fill_space, self.gs.fill = space, value

    def _numbers(self, operands) -> tuple | None:
        if operands and isinstance(operands[-1], pikepdf.Name):
            return None  # a pattern
        return tuple(float(v) for v in operands)

    def do_G(self, v) -> None:
        self._set(True, ("gray",), (float(v),))

    def do_g(self, v) -> None:
        self._set(False, ("gray",), (float(v),))

    def do_RG(self, r, g, b) -> None:
        self._set(True, ("rgb",), (float(r), float(g), float(b)))

    def do_rg(self, r, g, b) -> None:
        self._set(False, ("rgb",), (float(r), float(g), float(b)))

    def do_K(self, c, m, y, k) -> None:
        self._set(True, ("cmyk",), (float(c), float(m), float(y), float(k)))

    def do_k(self, c, m, y, k) -> None:
        self._set(False, ("cmyk",), (float(c), float(m), float(y), float(k)))

    def do_CS(self, name) -> None:
        space = _space(name, self.resources)
        self._set(True, space, DEFAULT.get(space[0], (0.0,)))

    def do_cs(self, name) -> None:
        space = _space(name, self.resources)
        self._set(False, space, DEFAULT.get(space[0], (0.0,)))

    def do_SC(self, *operands) -> None:
        self.gs.stroke = self._numbers(operands)

    def do_sc(self, *operands) -> None:
        self.gs.fill = self._numbers(operands)

    # --- paths ---

    def do_m(self, x, y) -> None:
        self.path.append(("m", float(x), float(y)))

    def do_l(self, x, y) -> None:
        self.path.append(("l", float(x), float(y)))

    def do_c(self, *xy) -> None:
        self.path.append(("c", *(float(v) for v in xy[:6])))

    def do_v(self, *xy) -> None:
        self.path.append(("v", *(float(v) for v in xy[:4])))

    def do_y(self, *xy) -> None:
        self.path.append(("y", *(float(v) for v in xy[:4])))

    def do_h(self) -> None:
        self.path.append(("h",))

    def do_re(self, x, y, w, h) -> None:
        x, y, w, h = float(x), float(y), float(w), float(h)
        self.path += [("m", x, y), ("l", x + w, y), ("l", x + w, y + h), ("l", x, y + h), ("h",)]

    def do_W(self) -> None:
        self._clip(self.path)

    def _paint(self, stroke: bool, fill: bool, evenodd: bool = False, close: bool = False) -> None:
        if close:
            self.do_h()
        path, self.path = self.path, []
        if not path or not (stroke or fill):
            return
        gs = self.gs
        a, b, c, d = gs.ctm[:4]
        scale = math.sqrt(abs(a * d - b * c)) * MM
        item = Path([], stroke, fill, evenodd, gs.width * scale,
                    color(gs.stroke_space, gs.stroke) if stroke else (0, 0, 0),
                    color(gs.fill_space, gs.fill) if fill else (0, 0, 0),
                    CAPS.get(gs.cap, "Butt"), JOINS.get(gs.join, "Miter"),
                    tuple(v * scale for v in gs.dash), gs.phase * scale)
        paint(self.page, item, path, self.to_page, gs.clip)

    def do_S(self) -> None:
        self._paint(True, False)

    def do_s(self) -> None:
        self._paint(True, False, close=True)

    def do_f(self) -> None:
        self._paint(False, True)

    def do_f_a(self) -> None:
        self._paint(False, True, evenodd=True)

    def do_B(self) -> None:
        self._paint(True, True)

    def do_B_a(self) -> None:
        self._paint(True, True, evenodd=True)

    def do_b(self) -> None:
        self._paint(True, True, close=True)

    def do_b_a(self) -> None:
        self._paint(True, True, evenodd=True, close=True)

    def do_n(self) -> None:
        self.path = []

    def do_sh(self, _name) -> None:
        rgb(None, "Shading")  # a gradient: say so rather than leave it out

    # --- text ---

    def do_BT(self) -> None:
        self.tm = self.tlm = IDENTITY

    def do_Tc(self, v) -> None:
        self.gs.char_space = float(v)

    def do_Tw(self, v) -> None:
        self.gs.word_space = float(v)

    def do_Tz(self, v) -> None:
        self.gs.hscale = float(v) / 100

    def do_TL(self, v) -> None:
        self.gs.leading = float(v)

    def do_Ts(self, v) -> None:
        self.gs.rise = float(v)

    def do_Tr(self, v) -> None:
        self.gs.render = int(v)

    def do_Tf(self, name, size) -> None:
        font = ((self.resources or {}).get("/Font") or {}).get(str(name))
        if font is None:
            raise BulletinError(_("The PDF uses a font ({name}) that it does not define").format(name=str(name)))
        self.gs.font, self.gs.size = self.reader.font(font), float(size)

    def do_Td(self, tx, ty) -> None:
        self.tm = self.tlm = mult((1.0, 0.0, 0.0, 1.0, float(tx), float(ty)), self.tlm)

    def do_TD(self, tx, ty) -> None:
        self.gs.leading = -float(ty)
        self.do_Td(tx, ty)

    def do_Tm(self, a, b, c, d, e, f) -> None:
        self.tm = self.tlm = (float(a), float(b), float(c), float(d), float(e), float(f))

    def do_T_a(self) -> None:
        self.do_Td(0, -self.gs.leading)

    def do_Tj(self, string) -> None:
        self.do_TJ((string,))

    def do_q_(self, string) -> None:  # the ' operator
        self.do_T_a()
        self.do_TJ((string,))

    def do_w_(self, aw, ac, string) -> None:  # the " operator
        self.do_Tw(aw)
        self.do_Tc(ac)
        self.do_q_(string)

    def do_TJ(self, array) -> None:
        gs = self.gs
        if gs.font is None:
            return
        font, fs, th = gs.font, gs.size, gs.hscale
        m = mult(self.tm, gs.ctm)
        a, b, c, d, e, f = m
        x, mode = 0.0, gs.render % 4
        style = None
        for part in array:
            if type(part) is int or not isinstance(part, pikepdf.Object):
                x -= float(part) * 0.001 * fs * th
                continue
            data = bytes(part)
            for cid in font.decode(data):
                if style is None:
                    style = self._text_style(m, font, fs, th, mode)
                gx, gy = a * x + c * gs.rise + e, b * x + d * gs.rise + f
                self._glyph(style, Glyph(font.text(cid), cid, (gx - self.x0) * MM, (self.top - gy) * MM))
                x += (font.width(cid) * 0.001 * fs + gs.char_space
                      + (gs.word_space if cid == 32 and not font.cid_keyed else 0.0)) * th
        self.tm = mult((1.0, 0.0, 0.0, 1.0, x, 0.0), self.tm)

    def _text_style(self, m, font, fs, th, mode) -> tuple:
        a, b, c, d = m[:4]
        if abs(b) > 1e-6 or abs(c) > 1e-6 or a <= 0 or d <= 0:
            raise BulletinError(_("The PDF has rotated or mirrored text, which the OFD edition "
                                  "cannot carry yet"))
        gs = self.gs
        col = color(gs.stroke_space, gs.stroke) if mode == 1 else color(gs.fill_space, gs.fill)
        return (font, fs * d * MM, a / d * th, col, mode in (0, 2), mode in (1, 2))

    def _glyph(self, style: tuple, glyph: Glyph) -> None:
        items = self.page.items
        run = items[-1] if items and isinstance(items[-1], TextRun) else None
        font, size, hscale, col, fill, stroke = style
        if not (run and run.font is font and abs(run.size - size) < 1e-4
                and abs(run.hscale - hscale) < 1e-4 and run.color == col
                and (run.fill, run.stroke) == (fill, stroke)
                and abs(run.glyphs[-1].y - glyph.y) < 0.01 and glyph.x >= run.glyphs[-1].x):
            run = TextRun(font, size, hscale, col, fill, stroke)
            items.append(run)
        run.glyphs.append(glyph)

    # --- images and forms ---

    def do_Do(self, name) -> None:
        xobj = ((self.resources or {}).get("/XObject") or {}).get(str(name))
        if not isinstance(xobj, pikepdf.Stream):
            return
        kind = str(xobj.get("/Subtype", ""))
        if kind == "/Form":
            self._form(xobj)
        elif kind == "/Image":
            self._image(self.reader.picture(xobj, str(name)[1:], self._stencil(xobj)))

    def _stencil(self, xobj):
        """The fill colour a stencil mask paints in; None for an image with colours of its own."""
        return color(self.gs.fill_space, self.gs.fill) if bool(xobj.get("/ImageMask", False)) else None

    def _inline(self, image) -> None:
        """An inline image (BI ... ID ... EI), made an image stream of its own to be read as one."""
        inline = getattr(image, "iimage", image)
        stream = self.reader.scratch.make_stream(inline.read_raw_bytes())
        stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        for key, value in inline.obj.items():
            if key == "/ColorSpace" and isinstance(value, pikepdf.Name) and str(value) not in SPACES:
                value = ((self.resources or {}).get("/ColorSpace") or {}).get(str(value), value)
            indirect = isinstance(value, pikepdf.Object) and value.is_indirect
            stream[key] = self.reader.scratch.copy_foreign(value) if indirect else value
        self._image(picture(stream, "inline", self._stencil(stream)))

    def _image(self, pic) -> None:
        a, b, c, d, e, f = self.gs.ctm
        # the picture's unit square has y down in OFD and y up in PDF: (u, v) -> ctm(u, 1 - v)
        ctm = (a * MM, -b * MM, -c * MM, d * MM, (c + e - self.x0) * MM, (self.top - d - f) * MM)
        self.page.items.append(Image(pic, ctm))


OPERATORS = {op: "do_" + op.replace("*", "_a") for op in (
    "q Q cm w J j d gs G g RG rg K k CS cs SC sc m l c v y h re W W* S s f f* B B* b b* n sh "
    "BT Tc Tw Tz TL Ts Tr Tf Td TD Tm T* Tj TJ Do").split()}
OPERATORS.update({"F": "do_f", "SCN": "do_SC", "scn": "do_sc", "'": "do_q_", '"': "do_w_", "W*": "do_W"})


def read_page(reader: Reader, page: pikepdf.Page) -> Page:
    """What one page draws, in millimetres from its top left corner."""
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    result = Page((box[2] - box[0]) * MM, (box[3] - box[1]) * MM)
    Interpreter(reader, result, box).run(page.obj, page.obj.get("/Resources"))
    return result
