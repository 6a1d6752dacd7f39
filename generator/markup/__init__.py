"""Markdown → HTML with Byline's newsroom extensions.

``render_markdown`` is pure (text in, data out) so its result can be cached by the content hash
and computed in worker processes.  Photos are not turned into final markup here: they become
``<byline-image>`` placeholders that the render stage fills in once the image stage has planned
sizes and URLs, so the cached HTML does not depend on image settings.
"""

from __future__ import annotations

from generator.markup.document import MARKUP_VERSION, RenderedMarkdown, render_markdown, shorten
from generator.markup.embeds import PROVIDERS, RawEmbed
from generator.markup.figures import (
    IMAGE_KINDS,
    OTHER_VIDEO_SUFFIXES,
    VIDEO_SUFFIXES,
    RawImage,
    RawVideo,
)
from generator.markup.liveupdates import UPDATE_MARK, RawUpdate
from generator.markup.placeholders import fill_image_placeholders
from generator.markup.typography import smarten

__all__ = [
    "IMAGE_KINDS",
    "MARKUP_VERSION",
    "OTHER_VIDEO_SUFFIXES",
    "PROVIDERS",
    "UPDATE_MARK",
    "VIDEO_SUFFIXES",
    "RawEmbed",
    "RawImage",
    "RawUpdate",
    "RawVideo",
    "RenderedMarkdown",
    "fill_image_placeholders",
    "render_markdown",
    "shorten",
    "smarten",
]
