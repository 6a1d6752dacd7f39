"""The placeholders the Markdown stage leaves for the render stage to fill from the theme.

``<byline-image data-ref="3" data-kind="figure">`` is photo 3 of the document (a figure, an
inline image or a gallery slide); ``<byline-gallery data-refs="4 5 6">`` a gallery of those
photos; ``<byline-video data-ref="0" data-kind="figure">`` video 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

PLACEHOLDER_TAG = "byline-image"
GALLERY_TAG = "byline-gallery"
VIDEO_TAG = "byline-video"
_PLACEHOLDER = re.compile(
    r"<(byline-image|byline-gallery|byline-video) ([^>]*)>(?:</byline-(?:image|gallery|video)>)?"
)
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
