"""The ``<byline-image>`` placeholders the Markdown stage leaves for the render stage."""

from __future__ import annotations

import re
from collections.abc import Callable

PLACEHOLDER_TAG = "byline-image"
_PLACEHOLDER = re.compile(r"<byline-image ([^>]*)>(?:</byline-image>)?")
_REF = re.compile(r'data-ref="(\d+)"')
_KIND = re.compile(r'data-kind="(figure|inline)"')


def fill_image_placeholders(html: str, markup_for: Callable[[int, str], str]) -> str:
    """Replace each placeholder with ``markup_for(index, kind)`` (kind: figure or inline)."""

    def substitute(match: re.Match[str]) -> str:
        attributes = match.group(1)
        ref, kind = _REF.search(attributes), _KIND.search(attributes)
        if not ref or not kind:
            return match.group(0)
        return markup_for(int(ref.group(1)), kind.group(1))

    return _PLACEHOLDER.sub(substitute, html)
