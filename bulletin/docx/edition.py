"""An Edition as a DOCX: the masthead, the contents, the articles, the 版记 and the page numbers.

Made from the Issue's data, as the PDF is (themes/redhead/edition.html and
its parts are the model), never by converting the PDF or the web page.
"""
from __future__ import annotations

from dataclasses import replace

from docx import Document
from docx.oxml.ns import qn

from .. import labels
from ..model import Edition, Publication
from . import inline, layout, package, tables, tree
from .blocks import Writer
from .layout import CHAR, TEXT_WIDTH
from .xml import border, el, field, put_p


def render_docx(edition: Edition, publication: Publication) -> bytes:
    """The DOCX of `edition`: the same bytes for the same edition, settings and python-docx."""
    issue = edition.issue
    document = Document()
    layout.setup(document, issue.language)
    writer = Writer(document, issue.assets, issue.source)
    words = labels.words(issue.language)
    _masthead(writer, edition)
    _contents(writer, edition, publication, words)
    writer.blocks(tree.parse(issue.preamble_html))
    for article in issue.articles:
        _article(writer, article)
    _distribution(writer, edition, publication, words)
    _page_numbers(document)
    return package.save(document, edition)


def _masthead(writer: Writer, edition: Edition) -> None:
    issue = edition.issue
    if "classification" in issue.fields:
        writer.text("BulletinClassification", str(issue.fields["classification"]))
    lines = issue.title
    for n, line in enumerate(lines):
        writer.text("BulletinTitleSmall" if n == 0 and len(lines) > 1 else "BulletinTitle", line)
    writer.text("BulletinPeriod", edition.period_label)
    # publisher left, date right; a publisher too long for one line with the date puts the
    # date under it, still on the right (as .issuer's flex-wrap does in the PDF)
    fits = tables.ems(issue.publisher) + tables.ems(edition.date_label) + 1 <= TEXT_WIDTH / 20 / 14 - 2
    pieces = [inline.Piece("text", issue.publisher, inline.Format())]
    if not fits:
        pieces.append(inline.Piece("break", None, inline.Format()))
    pieces.append(inline.Piece("text", "\t" + edition.date_label, inline.Format()))
    para = writer.document.add_paragraph(style="BulletinIssuer")
    inline.runs(para._p, pieces, inline.Format(), writer)


def _contents(writer: Writer, edition: Edition, pub: Publication, words: dict) -> None:
    """目录: one entry a titled article, linked to its title; with contents_pages, its page too."""
    titled = [a for a in edition.issue.articles if a.toc]
    if not titled:
        return
    writer.text("BulletinContentsHeading", words["contents"])
    for article in titled:
        para = writer.document.add_paragraph(style="BulletinContentsEntry")
        piece = inline.Piece("text", article.toc, inline.Format(link=("anchor", "_" + article.anchor)))
        inline.runs(para._p, [piece], inline.Format(), writer)
        if pub.contents_pages:
            ppr = para._p.get_or_add_pPr()
            put_p(ppr, el("w:tabs", [el("w:tab", val="right", leader="dot", pos=TEXT_WIDTH - CHAR)]))
            para.add_run("\t")
            # Word computes the page when it updates the fields (it does before printing); the
            # number written here is what a reader that never computes fields shows.
            field(para, f"PAGEREF _{article.anchor} \\h", "1", dirty=True)


def _article(writer: Writer, article) -> None:
    if article.title_html:
        para = writer.document.add_paragraph(style="BulletinArticleTitle")
        for n, html in enumerate(article.title_html):
            pieces = inline.normalise(inline.collect(tree.parse(html)))
            if n:  # .article-title .line + .line { font-size: 16pt }
                pieces = [inline.Piece("break", None, inline.Format())] + \
                    [replace(p, fmt=replace(p.fmt, size=16)) for p in pieces]
            inline.runs(para._p, pieces, inline.Format(), writer)
        writer.bookmark(para, "_" + article.anchor)
    writer.blocks(tree.parse(article.body_html))


def _distribution(writer: Writer, edition: Edition, pub: Publication, words: dict) -> None:
    """The 版记 (themes/redhead/_footer.html): a table that floats to the bottom of the last page,
    its first and last rules 0.35 mm, the ones between 0.25 mm."""
    issue, fields = edition.issue, edition.issue.fields
    gb = pub.footer == "gb"
    stop, sep, colon = (words["full_stop"] if gb else ""), words["list_sep"], words["colon"]
    main, cc = issue.recipients.main, issue.recipients.cc
    rows = []
    if main:
        rows.append(("main", words["main"] + colon + sep.join(main) + ("" if cc else stop)))
    if cc:
        rows.append(("cc", words["cc"] + colon + sep.join(cc) + stop))
    people = [words[k] + colon + str(fields[k]) for k in ("editor", "reviewer", "issuer") if k in fields]
    copies = words["copies"].format(n=fields["copies"]) if "copies" in fields else ""
    if people or copies:
        rows.append(("imprint", "　".join(people) + ("\t" + copies if copies else "")))
    if not (main or cc or "copies" in fields):
        return
    table = writer.document.add_table(rows=len(rows), cols=1)
    _float_to_bottom(table)
    for n, (kind, text) in enumerate(rows):
        cell = table.cell(n, 0)
        cell.width = TEXT_WIDTH * 635
        para = cell.paragraphs[0]
        para.style = writer.document.styles["BulletinImprint" if kind == "imprint" else "BulletinDistribution"]
        inline.runs(para._p, [inline.Piece("text", text, inline.Format())], inline.Format(), writer)
        if kind == "imprint":
            put_p(para._p.get_or_add_pPr(), el("w:tabs", [el("w:tab", val="right", pos=TEXT_WIDTH - 2 * CHAR)]))
        first, last = n == 0, n == len(rows) - 1
        rule_above = 8 if first else (0 if gb and kind == "cc" else 6)
        sides = [border("top", rule_above, space=0)] if rule_above else [el("w:top", val="nil")]
        sides.append(border("bottom", 8, space=0) if last else el("w:bottom", val="nil"))
        cell._tc.get_or_add_tcPr().append(el("w:tcBorders", sides))
    # A document cannot end with a table (LibreOffice drops a floating one there): a paragraph
    # one point high follows it.
    end = writer.document.add_paragraph(style="BulletinBody")
    ppr = end._p.get_or_add_pPr()
    put_p(ppr, el("w:snapToGrid", val=0))
    put_p(ppr, el("w:spacing", before=0, after=0, line=20, lineRule="exact"))
    put_p(ppr, el("w:rPr", [el("w:sz", val=2), el("w:szCs", val=2)]))


def _float_to_bottom(table) -> None:
    """Anchor the table to the bottom of the type area, where the PDF puts the 版记 (a CSS footnote)."""
    tblpr = table._tbl.tblPr
    for tag in list(tblpr):
        tblpr.remove(tag)
    tblpr.append(el("w:tblpPr", leftFromText=0, rightFromText=0, topFromText=0, bottomFromText=0,
                    vertAnchor="margin", horzAnchor="margin", tblpXSpec="center", tblpYSpec="bottom"))
    tblpr.append(el("w:tblOverlap", val="never"))
    tblpr.append(el("w:tblW", w=TEXT_WIDTH, type="dxa"))
    tblpr.append(el("w:tblLayout", type="fixed"))
    tblpr.append(el("w:tblCellMar", [el("w:left", w=0, type="dxa"), el("w:right", w=0, type="dxa")]))
    table._tbl.tblGrid.find(qn("w:gridCol")).set(qn("w:w"), str(TEXT_WIDTH))


def _page_numbers(document) -> None:
    """— N —, 4号 宋体, one character in from the right on odd pages and from the left on even ones."""
    section = document.sections[0]
    for footer, jc, side in ((section.footer, "right", "right"), (section.even_page_footer, "left", "left")):
        footer.is_linked_to_previous = False
        para = footer.paragraphs[0]
        para.style = document.styles["BulletinPageNumber"]
        ppr = para._p.get_or_add_pPr()
        put_p(ppr, el("w:ind", **{side: CHAR, f"{side}Chars": 100}))
        put_p(ppr, el("w:jc", val=jc))
        para.add_run("— ")
        field(para, "PAGE", "1")
        para.add_run(" —")
