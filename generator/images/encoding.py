"""Writing one output file: tuned encoder settings, no metadata, never half a file.

Encoder settings were chosen with ``bench/images/run.py``: each output is no larger than
Hugo's for the same width, format and quality (and closer to a Lanczos reference), at a
fraction of the time.
"""

from __future__ import annotations

import errno
import io
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from PIL import Image

from generator.images.plan import Variant
from generator.images.settings import ImageSettings

PILLOW_FORMATS = {"webp": "WEBP", "avif": "AVIF", "jpeg": "JPEG", "png": "PNG", "gif": "GIF"}

# Outputs of at least this many pixels (2400×1600 is 3.8 M) get the fastest encoder
# settings: they take most of the encoding time, and on them the extra effort saves little.
LARGE = 2_000_000

# libwebp's effort (method 0-6).  Method 3+ (full rate-distortion search) costs 2.5× the
# time of method 2 for ~1% fewer bytes: worth it only on small pictures, where it is cheap.
# On large ones method 0 halves the time of method 2 for ~2.5% more bytes.
WEBP_SMALL = 400_000  # pixels


def encoder_options(fmt: str, size: tuple[int, int], settings: ImageSettings) -> dict[str, Any]:
    """Pillow ``save`` options for one output.  No metadata is ever passed on."""
    quality = settings.quality_for(fmt) if fmt != "gif" else 0
    pixels = size[0] * size[1]
    if fmt == "webp":
        method = 4 if pixels < WEBP_SMALL else 0 if pixels >= LARGE else 2
        return {"quality": quality, "method": method}
    if fmt == "jpeg":
        # Optimised Huffman tables save ~3% for free.  Progressive scans save 2-5% more and
        # show a whole (blurry) picture early, but take 2.5× as long to encode: on the
        # largest fallback, which few browsers ever fetch, that is the single most costly
        # step of a photo, so it stays baseline.
        return {
            "quality": quality,
            "optimize": True,
            "progressive": pixels < LARGE,
            "subsampling": "4:2:0",
        }
    if fmt == "avif":
        # One thread: the worker processes already keep every core busy.
        return {"quality": quality, "speed": 7, "max_threads": 1}
    if fmt == "png":
        return {"compress_level": quality}
    return {}


def write_picture(image: Image.Image, variant: Variant, path: Path, settings: ImageSettings) -> int:
    """Encode a still picture to ``path``; returns the bytes written."""
    image.info = {}  # what Pillow would otherwise copy out: ICC profile, comments, EXIF
    if variant.format == "jpeg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    options = encoder_options(variant.format, image.size, settings)
    return write_atomically(
        path, lambda out: image.save(out, PILLOW_FORMATS[variant.format], **options)
    )


def write_animation(
    frames: Sequence[Image.Image],
    durations: Sequence[int],
    loop: int | None,
    variant: Variant,
    path: Path,
    settings: ImageSettings,
) -> int:
    """Encode an animation (animated WebP or GIF) to ``path``; returns the bytes written.

    ``loop`` is the GIF loop count (0 = forever); None means play once.
    """
    for frame in frames:
        frame.info = {}
    options = encoder_options(variant.format, frames[0].size, settings)
    if variant.format == "gif":
        # Each frame is already complete, so each replaces the last rather than drawing on it.
        options = {"disposal": 2, "optimize": False}
        if loop is not None:
            options["loop"] = loop
    else:
        options["loop"] = 1 if loop is None else loop  # WebP has no "no loop" of its own
    return write_atomically(
        path,
        lambda out: frames[0].save(
            out,
            PILLOW_FORMATS[variant.format],
            save_all=True,
            append_images=list(frames[1:]),
            duration=list(durations),
            **options,
        ),
    )


def write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> int:
    """Call ``write(file)`` on a temporary file, then move it into place in one step.

    A crash or a kill mid-encode leaves at most a ``.tmp`` file (which ``prune_cache``
    removes), never a truncated output that a later build would take as done.

    The picture is encoded in memory and written by Python, which raises when the disk
    takes less than it was given: Pillow's encoders write to a file's descriptor and let
    a short write pass, and a cut-off photo was published with the build's "Built".
    """
    encoded = io.BytesIO()
    write(encoded)
    data = encoded.getbuffer()
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            size = out.tell()
        if size != len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return size
