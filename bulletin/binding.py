"""Joining tagged PDFs page for page, keeping them tagged: what the yearly volume is made with.

pikepdf copies pages between files, but a tagged PDF's pages are tied to its
structure tree (each page's /StructParents is a key of the tree's
ParentTree), and its links name destinations of their own file.  `Binder`
appends a document's pages, renumbers those keys past the ones already
used, hangs the document's structure under the volume's Document element as
a Part, and turns named link destinations into explicit ones, so the joined
file is still a tagged PDF/A whose links all lead where they did.
"""
from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree


def _flat(node) -> list[tuple[int, object]]:
    """The (key, value) pairs of a number tree, leaves and kids alike."""
    pairs = []
    nums = node.get("/Nums")
    if nums is not None:
        pairs += [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
    for kid in node.get("/Kids", []):
        pairs += _flat(kid)
    return pairs


def _explicit_links(pdf: pikepdf.Pdf) -> None:
    """Named destinations of links (WeasyPrint's) replaced by their page and position."""
    names = pdf.Root.get("/Names", {}).get("/Dests")
    if names is None:
        return
    dests = NameTree(names)
    for page in pdf.pages:
        for annot in page.get("/Annots", []):
            dest = annot.get("/Dest")
            if isinstance(dest, pikepdf.String) and str(dest) in dests:
                annot.Dest = dests[str(dest)]
            action = annot.get("/A")
            if action is not None and isinstance(action.get("/D"), pikepdf.String) and str(action.D) in dests:
                action.D = dests[str(action.D)]


def _copy(pdf: pikepdf.Pdf, obj):
    """`obj` of another Pdf copied into `pdf`; a direct array or dictionary member by member."""
    if not isinstance(obj, pikepdf.Object) or obj.is_indirect:
        return pdf.copy_foreign(obj) if isinstance(obj, pikepdf.Object) else obj
    if isinstance(obj, Array):
        return Array([_copy(pdf, item) for item in obj])
    if isinstance(obj, Dictionary):
        return Dictionary({key: _copy(pdf, value) for key, value in obj.items()})
    return obj  # a number, name, string or null: the same in any file


def _print_signature_appearances(pdf: pikepdf.Pdf) -> None:
    """A signed edition's seal printed on its page as an artifact, the signature field removed.

    The signature covers the edition's own file, not the volume, so it is not carried over;
    its appearance (the seal) stays where it was, marked as an artifact (decoration, not
    text) so that the volume's pages remain fully tagged."""
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if annots is None:
            continue
        kept = Array()
        for annot in annots:
            if annot.get("/FT") == "/Sig" or annot.get("/Parent", {}).get("/FT") == "/Sig":
                _print_appearance(pdf, page, annot)
                _untag(pdf, annot)
            else:
                kept.append(annot)
        page.obj.Annots = kept
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]


def _untag(pdf: pikepdf.Pdf, annot) -> None:
    """Remove an annotation's structure element (the signature's Form) and its ParentTree entry."""
    if "/StructParent" not in annot or "/StructTreeRoot" not in pdf.Root:
        return
    tree, key = pdf.Root.StructTreeRoot, int(annot.StructParent)
    pairs = _flat(tree.ParentTree)
    element = dict(pairs).get(key)
    if isinstance(element, Dictionary) and isinstance(element.get("/P", {}).get("/K"), Array):
        element.P.K = Array([kid for kid in element.P.K
                             if not (kid.is_indirect and kid.objgen == element.objgen)])
    tree.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(
        [item for k, v in sorted(pairs, key=lambda kv: kv[0]) if k != key for item in (k, v)])))


def _print_appearance(pdf: pikepdf.Pdf, page: pikepdf.Page, annot) -> None:
    appearance = annot.get("/AP", {}).get("/N")
    if not isinstance(appearance, pikepdf.Stream):
        return  # an invisible signature: nothing to print
    x0, y0, x1, y1 = (float(v) for v in annot.Rect)
    bx0, by0, bx1, by1 = (float(v) for v in appearance.BBox)
    sx, sy = (x1 - x0) / ((bx1 - bx0) or 1), (y1 - y0) / ((by1 - by0) or 1)
    name = page.add_resource(appearance, Name.XObject, prefix="Seal")
    matrix = f"{sx:.6f} 0 0 {sy:.6f} {x0 - bx0 * sx:.6f} {y0 - by0 * sy:.6f} cm"
    page.contents_add(b"q\n", prepend=True)  # whatever the page's own content leaves set is undone first
    page.contents_add(f"Q\n/Artifact BMC q {matrix} {name} Do Q EMC\n".encode())


class Binder:
    """`base` (a tagged PDF, kept with its catalog and metadata) with other tagged PDFs' pages after it."""

    def __init__(self, base: pikepdf.Pdf):
        self.pdf = base
        tree = base.Root.StructTreeRoot
        self.document = tree.K if isinstance(tree.K, Dictionary) else tree.K[0]
        if not isinstance(self.document.get("/K"), Array):
            self.document.K = Array([self.document.K]) if "/K" in self.document else Array()
        self.nums = _flat(tree.ParentTree)
        self.next_key = max((k for k, _ in self.nums), default=-1) + 1

    def append(self, src: pikepdf.Pdf) -> int:
        """Append every page of `src`; returns the index of its first page here."""
        start = len(self.pdf.pages)
        _explicit_links(src)
        tree = src.Root.StructTreeRoot
        top = tree.K if isinstance(tree.K, Dictionary) else tree.K[0]
        del top["/P"]  # in memory only: copying it must not drag src's whole tree root along
        _print_signature_appearances(src)
        offset = self.next_key
        self.pdf.add_pages_from(src, forms="strip", outlines="ignore")
        for page in self.pdf.pages[start:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        part = _copy(self.pdf, top)  # the pages' struct elements map to the pages copied above
        part.S, part.P = Name.Part, self.document
        self.document.K.append(part)
        pairs = _flat(tree.ParentTree)
        self.nums += [(key + offset, _copy(self.pdf, value)) for key, value in pairs]
        self.next_key = offset + max((k for k, _ in pairs), default=-1) + 1
        return start

    def finish(self, outline: list[tuple[str, int, list[tuple[str, int]]]], front: int) -> None:
        """Write the joined ParentTree, the bookmarks ((title, page index, children)) and the
        page labels: i, ii, ... for the `front` pages, then 1, 2, ..."""
        tree = self.pdf.Root.StructTreeRoot
        nums = Array()
        for key, value in sorted(self.nums, key=lambda pair: pair[0]):
            nums.append(key)
            nums.append(value)
        tree.ParentTree = self.pdf.make_indirect(Dictionary(Nums=nums))
        tree.ParentTreeNextKey = self.next_key
        self.pdf.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.r),
                                                          front, Dictionary(S=Name.D, St=1)]))
        with self.pdf.open_outline() as tree_of_bookmarks:
            tree_of_bookmarks.root.clear()
            for title, page, children in outline:
                item = pikepdf.OutlineItem(title, page)
                item.children.extend(pikepdf.OutlineItem(t, p) for t, p in children)
                tree_of_bookmarks.root.append(item)
        self.pdf.Root.PageMode = Name.UseOutlines
