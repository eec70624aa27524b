"""The HTML edition: the edition's page in the web archive.

It links to the editions before and after it, so it is made by the archive
stage (render/site.py `write_pages`) in the build's own process, once the
editions on disk are known, not in a typesetter.
"""
from __future__ import annotations

from .base import Format

FORMAT = Format("html", ".html", None, describe="HTML (the edition's page in the web archive)")
