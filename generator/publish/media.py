"""The Content-Type and Cache-Control each published file is served with.

Browsers may keep a content-hashed file forever: a new version gets a new name.  Everything a
reader reaches by a stable URL (pages, feeds, sitemaps) must be revalidated soon, or readers see
yesterday's front page.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from generator.mediatypes import IMMUTABLE, IMMUTABLE_FOLDERS, REVALIDATE, SHORT_LIVED

# Host config files and markers that have no extension but are plain text.
_TEXT_FILES = frozenset({"_headers", "_redirects", ".nojekyll", "CNAME"})

_DOCUMENT_SUFFIXES = frozenset({".html", ".htm", ".xml", ".xsl", ".txt", ".json", ".webmanifest"})
# The build names hashed files like ``site.3f2a1b9c.css``, ``photo.3f2a1b9c.800.webp`` or
# ``trailer.3f2a1b9c4d.mp4``.
_CONTENT_HASH = re.compile(r"\.[0-9a-f]{8,}\.")


def is_content_hashed(key: str) -> bool:
    """Whether a site file is a theme asset or image whose name changes with its content."""
    return key.startswith(IMMUTABLE_FOLDERS) and bool(_CONTENT_HASH.search(PurePosixPath(key).name))


def cache_control_for(key: str) -> str:
    """The Cache-Control for a site file, by its path relative to the site folder."""
    if is_content_hashed(key):
        return IMMUTABLE
    path = PurePosixPath(key)
    if path.suffix.lower() in _DOCUMENT_SUFFIXES or path.name in _TEXT_FILES:
        return REVALIDATE
    # An unhashed asset (a favicon, say) may change under the same name: keep it briefly.
    return SHORT_LIVED


def is_page(key: str) -> bool:
    """Whether a site file is an HTML page."""
    return PurePosixPath(key).suffix.lower() in (".html", ".htm")
