"""The placeholders the Markdown stage leaves for the render stage to fill from the theme.

``<byline-image data-ref="3" data-kind="figure">`` is photo 3 of the document (a figure, an
inline image or a gallery slide); ``<byline-gallery data-refs="4 5 6">`` a gallery of those
photos; ``<byline-video data-ref="0" data-kind="figure">`` video 0.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

PLACEHOLDER_TAG = "byline-image"
GALLERY_TAG = "byline-gallery"
VIDEO_TAG = "byline-video"
_PLACEHOLDER = re.compile(
    r"<(byline-image|byline-gallery|byline-video) ([^>]*)>(?:</byline-(?:image|gallery|video)>)?"
)
# An element the page's script or style works (a post's "load" button, a gallery's arrows
# and counts), marked by the Markdown stage or the theme: left out of the feeds' copy of a
# story, where no script runs and no style applies.
PAGE_ONLY = "data-page-only"
_PAGE_ONLY_START = re.compile(rf"<([a-zA-Z][\w-]*)\b[^<>]*?\s{PAGE_ONLY}\b[^<>]*>")
# The elements with no closing tag ("<hr>" is whole).
VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                           "meta", "param", "source", "track", "wbr"})
_REF = re.compile(r'data-ref="(\d+)"')
_REFS = re.compile(r'data-refs="(\d+(?: \d+)*)"')
_KIND = re.compile(r'data-kind="(figure|inline|slide)"')


def fill_image_placeholders(
    html: str,
    markup_for: Callable[[int, str], str],
    gallery_for: Callable[[Sequence[int]], str] | None = None,
    video_for: Callable[[int, str], str] | None = None,
) -> str:
    """Replace each placeholder: a photo with ``markup_for(index, kind)`` (kind: figure or
    inline), a gallery with ``gallery_for(indexes)``, a video with ``video_for(index, kind)``.
    A placeholder with no function for it is left as it is."""

    def substitute(match: re.Match[str]) -> str:
        tag, attributes = match.group(1), match.group(2)
        if tag == GALLERY_TAG:
            refs = _REFS.search(attributes)
            if not refs or gallery_for is None:
                return match.group(0)
            return gallery_for([int(r) for r in refs.group(1).split()])
        ref, kind = _REF.search(attributes), _KIND.search(attributes)
        if not ref or not kind:
            return match.group(0)
        if tag == VIDEO_TAG:
            return video_for(int(ref.group(1)), kind.group(1)) if video_for else match.group(0)
        return markup_for(int(ref.group(1)), kind.group(1))

    return _PLACEHOLDER.sub(substitute, html)


def without_page_only(html: str) -> str:
    """``html`` without its elements marked ``PAGE_ONLY`` (each with what it holds)."""
    if PAGE_ONLY not in html:
        return html
    kept: list[str] = []
    position = 0
    while found := _PAGE_ONLY_START.search(html, position):
        kept.append(html[position : found.start()])
        name = found.group(1).lower()
        position = found.end() if name in VOID_ELEMENTS else _end_of(html, name, found.end())
    kept.append(html[position:])
    return "".join(kept)


_BLOCK_TAG = re.compile(
    r"</?(?:address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|h[1-6]"
    r"|header|hr|li|ol|p|pre|section|table|td|th|tr|ul)\b[^<>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]*>")


def reader_text(fragment: str) -> str:
    """The words of an HTML fragment as a reader reads them, where no page shows them
    (structured data): what only the page's script works left out, a space between
    blocks, none where inline markup ends ("*excited*." reads "excited.", not "excited .")."""
    spaced = _BLOCK_TAG.sub(" ", without_page_only(fragment))
    return " ".join(html.unescape(_ANY_TAG.sub("", spaced)).split())


def _end_of(html: str, name: str, start: int) -> int:
    """Where the ``name`` element opened just before ``start`` ends (its end tag's end; if
    it is never closed, ``start``: only its start tag goes, not the rest of the story)."""
    tags = re.compile(rf"<(/?){re.escape(name)}\b[^<>]*>", re.IGNORECASE)
    depth = 1
    for tag in tags.finditer(html, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return start
