"""Embed code pasted from a platform's "Embed" menu, made valid and named for screen readers.

Spotify, SoundCloud, Facebook and many players give an ``<iframe>`` with ``width="100%"``
(HTML takes only a number of pixels), ``allowfullscreen="true"`` (a flag takes no value but
its name) and no ``title``, so a screen reader announces only "frame".  The writer cannot be
asked to edit the platform's code, so the tag is published with those mended: the width in
its style, the flag bare, and a title naming where the frame comes from.  The rest is kept
as pasted (and warned about where it loads a platform as the page opens: see slips.py).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

_FRAME = re.compile(r"<iframe\b[^<>]{0,4000}>", re.IGNORECASE)
# An attribute of a start tag: its name, and its value (quoted or not) if it has one.
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'<>]+))?""")
_PIXELS = re.compile(r"\s*(\d{1,5})(?:\.\d+)?\s*(?:px)?\s*", re.IGNORECASE)
_FLAGS = frozenset({"allowfullscreen"})


def mended_frame(tag: str) -> str:
    """An ``<iframe …>`` start tag with its sizes, flags and name made valid HTML."""
    inside = tag[len("<iframe"):-1].rstrip("/")
    kept: list[str] = []
    style, sizes = "", ""
    named = False
    source = ""
    for match in _ATTRIBUTE.finditer(inside):
        name, quoted = match.group(1), match.group(2)
        value = html.unescape(quoted.strip("\"'")) if quoted is not None else None
        key = name.lower()
        if key in ("width", "height") and value is not None:
            pixels = _PIXELS.fullmatch(value)
            if pixels is None:  # "100%", "auto": a size for the stylesheet
                sizes += f"{key}:{value.strip()};"
                continue
            kept.append(f'{name}="{pixels.group(1)}"')
            continue
        if key in _FLAGS:
            kept.append(name)
            continue
        if key == "style":
            style = (value or "").strip()
            if style and not style.endswith(";"):
                style += ";"
            continue
        if key in ("title", "aria-label", "aria-labelledby"):
            if not (value or "").strip():
                continue  # an empty name is none: one is given below
            named = True
        if key == "src" and value:
            source = value
        kept.append(match.group(0))
    if not named:
        host = _host(source)
        label = f"Embedded from {host}" if host else "Embedded content"
        kept.append(f'title="{html.escape(label)}"')
    if style + sizes:
        kept.append(f'style="{html.escape(style + sizes)}"')
    return "<iframe " + " ".join(kept) + ">"


def _host(address: str) -> str:
    """The host of a web address ("" for a path on the site, or no address)."""
    try:
        return urlsplit(address).hostname or "" if "//" in address else ""
    except ValueError:  # "https://[not-a-host": no host to name
        return ""


def mended_frames(body: str) -> str:
    """The body's HTML with each iframe's start tag mended (the writer's raw HTML is the
    only place one comes from: Byline's own embeds make theirs when the reader asks)."""
    return _FRAME.sub(lambda m: mended_frame(m.group(0)), body)
