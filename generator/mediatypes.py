"""Content-Type and Cache-Control of each built file, for the preview and the publishers.

``mimetypes`` reads the system's tables, which differ between machines and miss newer
formats; these are the types a Byline site actually contains, pinned so every machine agrees.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

# How long hosts and browsers may keep a file. Content-hashed files get a new name when they
# change, so they may be kept forever; anything reached by a stable URL (pages, feeds,
# sitemaps) must be revalidated soon, or readers see yesterday's front page.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=300, must-revalidate"
SHORT_LIVED = "public, max-age=3600"
# The site's folders of files whose name changes with their content (the theme's assets,
# photos, videos): hosts are told to keep every file there a year.
IMMUTABLE_FOLDERS = ("static/", "images/", "media/")

SUFFIX_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".xsl": "application/xml; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".vtt": "text/vtt; charset=utf-8",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
}

# Feeds are XML by suffix, but feed readers and browsers key on the specific type; host
# configuration files have no suffix but are plain text.
NAME_TYPES: dict[str, str] = {
    "feed.xml": "application/atom+xml; charset=utf-8",
    "rss.xml": "application/rss+xml; charset=utf-8",
    "_headers": "text/plain; charset=utf-8",
    "_redirects": "text/plain; charset=utf-8",
    ".nojekyll": "text/plain; charset=utf-8",
    "CNAME": "text/plain; charset=utf-8",
}


def content_type(path: str) -> str:
    """The Content-Type for a site file, by its path (relative or not, "/"-separated)."""
    name = PurePosixPath(path).name
    if name in NAME_TYPES:
        return NAME_TYPES[name]
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in SUFFIX_TYPES:
        return SUFFIX_TYPES[suffix]
    guessed, _encoding = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"
