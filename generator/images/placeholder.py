"""What a page shows where a photo is still loading: its colours, blurred, in a few bytes."""

from __future__ import annotations

import base64
import io
from typing import cast

from PIL import Image, ImageFilter

# 16 pixels across is enough for the browser's smooth upscale to read as a soft blur, and
# keeps the data URI near 150 bytes; above the cap the page gets the plain colour instead.
TINY_WIDTH = 16
TINY_QUALITY = 40
MAX_BYTES = 300


def make_placeholder(image: Image.Image) -> str:
    """A CSS ``background`` value: a tiny blurred WebP over the photo's dominant colour.

    ``image`` is an opaque sRGB picture of any size (a small one is faster).
    """
    colour = dominant_colour(image)
    tiny = image.convert("RGB")
    tiny.thumbnail((TINY_WIDTH, TINY_WIDTH), Image.Resampling.BOX, reducing_gap=2.0)
    buffer = io.BytesIO()
    tiny.filter(ImageFilter.GaussianBlur(0.6)).save(buffer, "WEBP", quality=TINY_QUALITY, method=6)
    uri = base64.b64encode(buffer.getvalue()).decode("ascii")
    value = f"{colour} url(data:image/webp;base64,{uri}) center / cover no-repeat"
    return value if len(value) <= MAX_BYTES else colour


def dominant_colour(image: Image.Image) -> str:
    """The most common of a few representative colours, as ``#rrggbb``."""
    small = image.convert("RGB")
    small.thumbnail((64, 64), Image.Resampling.BOX, reducing_gap=2.0)
    palette = small.quantize(colors=5, method=Image.Quantize.MEDIANCUT)
    # A palette picture's colours are (count, palette index); Pillow's type covers all modes.
    colours = cast(list[tuple[int, int]] | None, palette.getcolors()) or [(1, 0)]
    _count, index = max(colours)
    lookup = palette.getpalette() or [0, 0, 0]
    red, green, blue = lookup[index * 3 : index * 3 + 3]
    return f"#{red:02x}{green:02x}{blue:02x}"
