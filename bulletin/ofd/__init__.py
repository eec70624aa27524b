"""The OFD edition (GB/T 33190-2016): an edition's PDF made into an OFD package.

layout reads what the PDF draws, fonts embeds its fonts as TrueType subsets,
images converts its pictures, document writes the XML parts, package the
zip around them; convert ties them together in `pdf_to_ofd`.
"""
from .convert import OfdMeta, edition_meta, edition_to_ofd, pdf_to_ofd
from .package import OutlineEntry

__all__ = ["OfdMeta", "OutlineEntry", "edition_meta", "edition_to_ofd", "pdf_to_ofd"]
