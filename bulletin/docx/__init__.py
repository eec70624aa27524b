"""The DOCX edition: an Edition as a Word document (python-docx), made from the same data as the PDF.

`render_docx(edition, publication) -> bytes` is the one entry point; the
build registers it as an output format.  The parts: tree.py reads the body
HTML back, layout.py sets the page, grid, fonts and styles, blocks.py,
inline.py and tables.py write the body, edition.py the masthead, contents,
版记 and page numbers, package.py the reproducible zip.
"""
from .edition import render_docx

__all__ = ["render_docx"]
