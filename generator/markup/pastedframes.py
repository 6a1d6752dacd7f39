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
from html.parser import HTMLParser
from urllib.parse import urlsplit

_FRAME = re.compile(r"<iframe\b[^<>]{0,4000}>", re.IGNORECASE)
# An attribute of a start tag: its name, and its value (quoted or not) if it has one.
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'<>]+))?""")
_PIXELS = re.compile(r"\s*(\d{1,5})(?:\.\d+)?\s*(?:px)?\s*", re.IGNORECASE)
_FLAGS = frozenset({"allowfullscreen"})


def mended_frame(tag: str) -> str:
    """An ``<iframe …>`` start tag with its sizes, flags and name made valid HTML."""
    inside = tag[len("<iframe"):-1]
    if inside.endswith("/") and inside[-2:-1] in ("", " ", "\t", "\n", '"', "'"):
        inside = inside[:-1]  # "<iframe … />": an unquoted address's own last "/" stays
    kept: list[str] = []
    style, sizes = "", ""
    named = False
    source = ""
    for match in _ATTRIBUTE.finditer(inside):
        name, quoted = match.group(1), match.group(2)
        value = None if quoted is None else html.unescape(
            quoted[1:-1] if quoted[0] in "\"'" else quoted)
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
    if sizes + style:  # the pasted style after the sizes: where both give one, it wins
        kept.append(f'style="{html.escape(sizes + style)}"')
    return "<iframe " + " ".join(kept) + ">"


def _host(address: str) -> str:
    """The host of a web address ("" for a path on the site, or no address)."""
    try:
        return urlsplit(address).hostname or "" if "//" in address else ""
    except ValueError:  # "https://[not-a-host": no host to name
        return ""


def mended_frames(body: str) -> str:
    """The body's HTML with each iframe's start tag mended (the writer's raw HTML is the
    only place one comes from: Byline's own embeds make theirs when the reader asks).  Only
    tags a browser reads as elements: "<iframe" in a script's text or an attribute's value
    is left as pasted."""
    if "<iframe" not in body.lower():
        return body
    finder = _FrameFinder()
    finder.feed(body)
    finder.close()
    if not finder.found:
        return body
    offsets = [0]  # where each line starts
    for text in body.split("\n"):
        offsets.append(offsets[-1] + len(text) + 1)
    mended, at = [], 0
    for (line, column), tag in finder.found:
        start = offsets[line - 1] + column
        if body.startswith(tag, start) and start >= at:
            mended.append(body[at:start])
            mended.append(mended_frame(tag))
            at = start + len(tag)
    return "".join(mended) + body[at:]


_TEXT_ONLY = ("textarea", "title")


class _FrameFinder(HTMLParser):
    """Where each iframe start tag of a body is (line, column), and its text as written."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[tuple[int, int], str]] = []
        # A <textarea> or <title> a browser reads as text ("copy this embed code"), which
        # Python's parser reads as markup: nothing in it is mended.
        self.inside_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        text = self.get_starttag_text()
        if tag in _TEXT_ONLY:
            self.inside_text = tag
        elif tag == "iframe" and not self.inside_text and text and _FRAME.fullmatch(text):
            self.found.append((self.getpos(), text))

    def handle_endtag(self, tag: str) -> None:
        if tag == self.inside_text:
            self.inside_text = ""
