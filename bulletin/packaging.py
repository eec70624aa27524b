"""The archive package's file names and digests: shared by archival.py, which writes a
package, and selfcheck.py, which checks one (and must not need the writer to do it)."""
from __future__ import annotations

import hashlib

MANIFEST = "manifest.xml"
REPORT = "report.txt"
RECORD = "metadata.xml"


def sm3_available() -> bool:
    try:
        hashlib.new("sm3")
        return True
    except ValueError:  # an OpenSSL built without SM3 (some distributions leave it out)
        return False


def digests(data: bytes) -> dict[str, str]:
    """SHA-256 always; SM3 (GB/T 32905) when this machine's OpenSSL has it (see `bulletin doctor`)."""
    found = {"SHA256": hashlib.sha256(data).hexdigest()}
    if sm3_available():
        found["SM3"] = hashlib.new("sm3", data).hexdigest()
    return found
