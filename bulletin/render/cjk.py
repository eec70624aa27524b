"""Inter-character justification of Chinese lines in WeasyPrint.

WeasyPrint justifies a line by widening its spaces only
(`layout.inline.justify_line`), so a line of Han characters, which has no
spaces, keeps its slack at the right edge: every full line ends up to one
character short (research note §4.2).  GB/T 9704 pages are flush on both
sides, so for a line that holds Han characters the slack is spread over
every gap between characters instead (clreq, "inter-character space
expansion").  Lines without Han text keep WeasyPrint's word spacing.

Two details make the edge exact rather than nearly so:
- the PDF writer truncates each glyph's letter spacing to a whole
  1/1000 em (`int(kerning)` in draw/text.py), so the spacing is chosen in
  whole units, asked for with half a unit to spare, and the remainder of the
  slack goes one unit each to the first characters of the line;
- a text box whose characters need different spacings is cut where they change.

Adjacent full-width punctuation is squeezed on justified lines (标点挤压): the
first mark of a pair gives up the blank half of its em, and the other gaps
take up the room, so the right edge stays flush.

This replaces one function of WeasyPrint's layout; `install()` checks that
the pieces it needs exist and otherwise leaves WeasyPrint as it is.  The
tests measure the right edge of every full line.
"""
from __future__ import annotations

import math
import re
from types import SimpleNamespace

from markupsafe import Markup

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CLOSING = "，。、；：！？）》」』】〕”’"
OPENING = "（《「『【〔“‘"
PUNCT = frozenset(CLOSING + OPENING)
HALF = 500  # half an em, in the 1/1000 em of the spacing
_installed = False


def install() -> bool:
    """Patch WeasyPrint's justify_line once; False if this WeasyPrint lacks the hooks."""
    global _installed
    if _installed:
        return True
    try:
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout import inline
        from weasyprint.text.line_break import create_layout, line_size
        original = inline.justify_line
        boxes.TextBox.copy_with_text  # noqa: B018 - the hooks this code relies on
    except (ImportError, AttributeError):
        return False
    _wp.boxes, _wp.create_layout, _wp.line_size, _wp.original = boxes, create_layout, line_size, original
    inline.justify_line = justify_line
    _installed = True
    return True


# WeasyPrint's pieces the functions below use, set by install() (WeasyPrint is imported there only)
_wp = SimpleNamespace(boxes=None, create_layout=None, line_size=None, original=None)


def flatten(box, out):
    """Text boxes of a line in order, with their parents; None if an atomic box is found."""
    for child in box.children:
        if not child.is_in_normal_flow():
            continue
        if isinstance(child, _wp.boxes.TextBox):
            out.append((box, child))
        elif isinstance(child, _wp.boxes.InlineBox):
            if flatten(child, out) is None:
                return None
        else:
            return None
    return out


def spacing_px(style) -> float:
    value = style["letter_spacing"]
    return 0.0 if value == "normal" else value


def relayout(context, box, units: int) -> None:
    """Lay the box out again with `units` 1/1000 em after each character."""
    size = box.style["font_size"]
    style = box.style.copy()
    # Half a unit to spare: the PDF writer truncates towards zero.
    asked = (units + (0.5 if units > 0 else -0.5 if units < 0 else 0)) * size / 1000
    style["letter_spacing"] = asked
    layout = _wp.create_layout(box.text, style, context, max_width=None,
                           justification_spacing=box.justification_spacing)
    first, _ = layout.get_first_line()
    glyphs = _wp.line_size(first, style)[0] - len(box.text) * asked
    layout.deactivate()
    box.style, box.pango_layout = style, layout
    box.width = glyphs + len(box.text) * units * size / 1000  # as the PDF will draw it


def justify_line(context, line, extra_width):
    runs = flatten(line, [])
    text = "".join(b.text for _, b in runs) if runs else ""
    count = len(text.rstrip(" "))
    if not runs or count < 2 or not HAN.search(text) or len({b.style["font_size"] for _, b in runs}) > 1:
        return _wp.original(context, line, extra_width)
    unit = runs[0][1].style["font_size"] / 1000
    # Width of the glyphs alone, then the spacing that puts the last glyph
    # on the right edge: `count` characters have count - 1 visible gaps.
    glyphs = sum(b.width - len(b.text) * spacing_px(b.style) for _, b in runs)
    right = line.position_x + line.width + extra_width
    total = round((right - runs[0][1].position_x - glyphs) / unit)  # whole units, all gaps
    units = spacings(text[:count], total)

    shift, seen = 0.0, 0
    for parent, box in runs:
        n, old_x, old_width = len(box.text), box.position_x, box.width
        pieces = _pieces(box.text, units[seen:seen + n] + [units[-1]] * max(0, seen + n - len(units)))
        new_boxes = [box] if len(pieces) == 1 else [box.copy_with_text(t) for t, _ in pieces]
        x = old_x + shift
        for piece, (_, each) in zip(new_boxes, pieces):
            relayout(context, piece, each)
            piece.position_x = x
            x += piece.width
        if len(new_boxes) > 1:
            at = parent.children.index(box)
            parent.children = [*parent.children[:at], *new_boxes, *parent.children[at + 1:]]
        shift = x - (old_x + old_width)
        seen += n
    for parent in {id(p): p for p, _ in runs}.values():
        if parent is not line and parent.children:
            last = parent.children[-1]
            parent.width = last.position_x + last.width - parent.position_x
    line.width = right - line.position_x


# the last two visible characters of an HTML line, with any tags between and after them
# (an entity such as &amp; at the end is left alone)
_LAST_TWO = re.compile(r"([^<>\s&;])((?:<[^>]*>)*)([^<>\s&;])((?:<[^>]*>|\s)*)$")


def keep_last(html) -> Markup:
    """A title with a word joiner (U+2060) before its last character: a title that wraps
    never leaves one character alone on its last line.  For the PDF only: in the web
    page the joiner would split the word for search."""
    safe = html if isinstance(html, Markup) else Markup.escape(html)
    return Markup(_LAST_TWO.sub("\\1\\2\u2060\\3\\4", str(safe), count=1))


def squeezed(text: str) -> list[int]:
    """Indexes of the marks whose blank half is taken out (标点挤压): the first of two
    adjacent full-width marks, as Word and WPS do (clreq, punctuation width adjustment).
    An opening mark before a closing one, as in （）, keeps its width: their ink would meet."""
    return [i for i in range(len(text) - 1)
            if text[i] in PUNCT and text[i + 1] in PUNCT and not (text[i] in OPENING and text[i + 1] in CLOSING)]


def spacings(text: str, total: int) -> list[int]:
    """The spacing after each character, in 1/1000 em, so that the gaps of the line sum to
    `total`: a squeezed mark gives up half an em and the rest share the slack, the first
    characters one unit more while the remainder lasts."""
    squeeze = set(squeezed(text))
    gaps = len(text) - 1
    free = total + HALF * len(squeeze)
    base = math.floor(free / gaps)
    wider = free - base * gaps
    units = []
    for i in range(len(text)):
        units.append(base + (1 if i < wider else 0) - (HALF if i in squeeze else 0))
    return units


def _pieces(text: str, units: list[int]) -> list[tuple[str, int]]:
    """The text cut where the spacing changes: one box per spacing."""
    out: list[tuple[str, int]] = []
    for ch, u in zip(text, units):
        if out and out[-1][1] == u:
            out[-1] = (out[-1][0] + ch, u)
        else:
            out.append((ch, u))
    return out
