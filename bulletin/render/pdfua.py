"""The PDF/UA-1 identification of an archival edition, in its XMP metadata.

WeasyPrint's pdf/a-3a variant tags the document (what PDF/UA asks of the
content) but writes only the PDF/A identification; a PDF/UA validator looks
for `pdfuaid:part` 1 too.  PDF/A allows a property outside its predefined
schemas only when an extension schema describes it, so both go in
(pdfua-id.xmp): without the description the file would stop being PDF/A.
"""
from __future__ import annotations

from pathlib import Path

IDENTIFICATION = (Path(__file__).parent / "pdfua-id.xmp").read_bytes
END_OF_RDF = b"</rdf:RDF>"


def identify(metadata: bytes) -> bytes:
    """The XMP packet `metadata` with the PDF/UA-1 identification added inside its rdf:RDF."""
    if metadata.count(END_OF_RDF) != 1:
        # WeasyPrint writes one rdf:RDF with this prefix (checked on 67-70); anything else is
        # a new WeasyPrint whose metadata this code does not know: fail, never publish unmarked.
        raise RuntimeError("WeasyPrint's XMP metadata has changed shape: cannot add the PDF/UA identification")
    return metadata.replace(END_OF_RDF, IDENTIFICATION() + END_OF_RDF)
