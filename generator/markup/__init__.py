"""Markdown → HTML with Byline's newsroom extensions.

``render_markdown`` is pure (text in, data out) so its result can be cached by the content hash
and computed in worker processes.  Photos are not turned into final markup here: they become
``<byline-image>`` placeholders that the render stage fills in once the image stage has planned
sizes and URLs, so the cached HTML does not depend on image settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.lazyimport import lazy_exports

if TYPE_CHECKING:
    from generator.markup.document import RenderedMarkdown, render_markdown, shorten
    from generator.markup.embeds import PROVIDERS, SHORT_LINK, RawEmbed, match_embed
    from generator.markup.figures import (
        IMAGE_KINDS,
        OTHER_VIDEO_SUFFIXES,
        VIDEO_SUFFIXES,
        RawImage,
        RawVideo,
    )
    from generator.markup.liveupdates import UPDATE_MARK, RawUpdate
    from generator.markup.placeholders import fill_image_placeholders
    from generator.markup.slips import BodySlip
    from generator.markup.typography import smarten
    from generator.markup.version import MARKUP_VERSION

# Each name's submodule, imported when the name is first used (see lazyimport.py).
__getattr__ = lazy_exports(__name__, {
    "BodySlip": "slips",
    "IMAGE_KINDS": "figures",
    "MARKUP_VERSION": "version",
    "OTHER_VIDEO_SUFFIXES": "figures",
    "PROVIDERS": "embeds",
    "RawEmbed": "embeds",
    "SHORT_LINK": "embeds",
    "RawImage": "figures",
    "RawVideo": "figures",
    "RawUpdate": "liveupdates",
    "RenderedMarkdown": "document",
    "UPDATE_MARK": "liveupdates",
    "VIDEO_SUFFIXES": "figures",
    "fill_image_placeholders": "placeholders",
    "match_embed": "embeds",
    "render_markdown": "document",
    "shorten": "document",
    "smarten": "typography",
})

__all__ = [
    "IMAGE_KINDS",
    "MARKUP_VERSION",
    "OTHER_VIDEO_SUFFIXES",
    "PROVIDERS",
    "SHORT_LINK",
    "UPDATE_MARK",
    "VIDEO_SUFFIXES",
    "BodySlip",
    "RawEmbed",
    "RawImage",
    "RawUpdate",
    "RawVideo",
    "RenderedMarkdown",
    "fill_image_placeholders",
    "match_embed",
    "render_markdown",
    "shorten",
    "smarten",
]
