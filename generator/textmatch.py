"""Spotting typos: the known word a writer most likely meant."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, known: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The known word closest to ``word``, if one is close enough to be a likely typo."""
    known = list(known)
    if not known:  # difflib would still index ``word``: 10,000 articles' authors, a second
        return None
    matches = difflib.get_close_matches(word.lower(), known, n=1, cutoff=cutoff)
    return matches[0] if matches else None
