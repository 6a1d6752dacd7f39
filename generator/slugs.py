"""Turning names into URL pieces."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NOT_WORD = re.compile(r"[^\w]+")
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")


@lru_cache(maxsize=65536)  # tag and category names repeat across thousands of articles
def slugify(text: str) -> str:
    """Lower-case, accents folded, words joined by hyphens: "Beyoncé's Tour" → "beyonces-tour"."""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = folded.replace("'", "").replace("’", "")
    return _NOT_WORD.sub("-", folded.lower()).strip("-_")


def folder_url(path: str) -> str:
    """A site path as a page lives at it: ``/old/page`` → ``/old/page/``; files stay as they are."""
    last = path.rsplit("/", 1)[-1]
    return path if path.endswith("/") or "." in last else path + "/"


def slug_from_filename(name: str) -> str:
    """The default slug of a file or bundle: its name with a leading ``YYYY-MM-DD-`` dropped."""
    return slugify(_DATE_PREFIX.sub("", name))
