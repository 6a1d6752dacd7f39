"""Typographic punctuation for plain text fields (headlines, deks, captions).

The body gets this from Python-Markdown's smarty extension; front-matter text is not
Markdown, so the same rules are applied here to plain strings.
"""

from __future__ import annotations

import re

_RULES = (
    (re.compile(r"---"), "—"),
    (re.compile(r"(?<!-)--(?!-)"), "–"),
    (re.compile(r"\.\.\."), "…"),
    (re.compile(r"(?<=\w)'(?=\w)"), "’"),  # don't, Beyoncé's
    (re.compile(r"(^|[\s(\[{—–])'(?=\d{2}s?\b)"), r"\1’"),  # '90s
    (re.compile(r"(^|[\s(\[{—–])\""), r"\1“"),
    (re.compile(r"\""), "”"),
    (re.compile(r"(^|[\s(\[{—–“])'"), r"\1‘"),
    (re.compile(r"'"), "’"),
)


def smarten(text: str) -> str:
    """Curly quotes, real dashes and ellipses in a plain string."""
    if not any(mark in text for mark in "'\"-."):
        return text
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
