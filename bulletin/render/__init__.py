"""Turning an Edition into bytes: the HTML page (html.py) and the PDF (pdf.py)."""
