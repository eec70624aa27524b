"""Where the footer (版记) falls, settled after a first layout.

GB/T 9704 7.4.1 puts the 版记 on the last page, its last rule on the bottom
edge of the type area; printed on both sides, that page is an even one (the
back of the last sheet), and 7.5 gives no page number to a page holding only
the 版记 or to a blank page put before it.  Where the 版记 falls is known only
once the pages are laid out, so the document is laid out again, with one of
the stylesheets below, when the first layout puts it wrong:

- `duplex: true` and the 版记 on an odd page, or on a page of its own: the
  版记 goes to a page of its own, an even one (a blank page before it where
  needed), with no page number on either;
- one-sided and the 版记 alone on the last page: the 版记 is set tighter, by
  up to one line; if it is still alone, it keeps that page without a page
  number, and the caller is told so.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_

# WeasyPrint takes these as user stylesheets, below the theme's unless !important.
# The footer alone on the next even page (`break-before: left`), named page `colophon`.
ALONE = ".colophon { page: colophon !important; break-before: left !important; height: 1px !important; }"
ALONE_ONE_SIDED = ".colophon { page: colophon !important; break-before: page !important; height: 1px !important; }"
# At least one body line (29.6 pt) less for a 版记 of two lines or more: closer lines,
# less room around each rule (still as much above the text as below), none above it.
TIGHT = (".distribution { line-height: 1.3 !important; margin-top: 0 !important; }"
         ".distribution p { padding-top: 0.05em !important; padding-bottom: 0.05em !important; }"
         "@page { @footnote { margin-top: 0 !important; } }")


@dataclass(frozen=True)
class Placed:
    page: int     # 0-based index of the page the 版记 is on
    alone: bool   # nothing of the text on that page besides it
    meant: bool   # alone because the template says so (after a PDF attachment)


def colophon(document) -> Placed | None:
    """The page that holds the 版记 (in the footnote area), or None without one."""
    from weasyprint.formatting_structure import boxes

    for index, page in enumerate(document.pages):
        page_box = getattr(page, "_page_box", None)
        if page_box is None:
            return None  # a WeasyPrint without it: leave the layout as it is
        areas = [c for c in page_box.children if isinstance(c, boxes.FootnoteAreaBox)]
        if not any(_is_footer(b) for area in areas for b in area.descendants()):
            continue
        flow = [c for c in page_box.children if not isinstance(c, (boxes.FootnoteAreaBox, boxes.MarginBox))]
        inside = [b for c in flow for b in c.descendants()]
        text = any(isinstance(b, boxes.TextBox) and b.text.strip() for b in inside)
        meant = any({"colophon", "alone"} <= _classes(b) for b in inside)
        return Placed(index, not text, meant)
    return None


def _classes(box) -> set[str]:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def _is_footer(box) -> bool:
    return getattr(box, "element_tag", None) == "footer" and "distribution" in _classes(box)


def duplex(document) -> bool:
    """Whether the edition asks for two-sided printing (the body's class `duplex`)."""
    page_box = getattr(document.pages[0], "_page_box", None) if document.pages else None
    for box in page_box.descendants() if page_box is not None else ():
        if getattr(box, "element_tag", None) == "body":
            return "duplex" in (box.element.get("class") or "").split()
    return False


def settle(render) -> tuple[object, list[str]]:
    """Lay out with `render(stylesheets)` (a list of CSS strings) until the 版记 sits right.

    Returns the document and the warnings for the user (a page holding only the 版记).
    """
    document = render([])
    placed = colophon(document)
    if placed is None:
        return document, []
    if duplex(document):
        if placed.page % 2 == 0 or placed.alone:  # page numbers are 1-based: index 0 is page 1, odd
            document = render([ALONE])
        return document, []
    if not placed.alone or placed.meant or placed.page == 0:
        return document, []
    tight = render([TIGHT])
    again = colophon(tight)
    if again is not None and not again.alone:
        return tight, []
    return render([ALONE_ONE_SIDED]), [  # marked, not translated: build says it in the user's language
        N_("the footer (版记) is alone on the last page: shorten the last article by a few lines "
           "or remove a recipient list")]
