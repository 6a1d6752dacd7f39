"""Making the files of one source photo: decode, shrink step by step, encode each size.

This runs in a worker process, one call per source photo.  The photo is decoded for its
widths at the smallest JPEG scale that still covers the widest; each narrower width is then
shrunk from the one above it, which is much cheaper than starting from the original again.
A hero's cards and crops come from the scale their own size needs (often the same one).
"""

from __future__ import annotations

import errno
import hashlib
import math
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from PIL import Image, ImageSequence

from generator.images.colour import to_srgb, to_working_mode
from generator.images.decoding import (
    decode_problems,
    decode_still,
    draft_at_least,
    open_image,
    orientation,
    quiet_decoding,
    upright,
)
from generator.images.encoding import write_animation, write_picture
from generator.images.plan import Variant
from generator.images.problems import ImageProblem
from generator.images.settings import ImageSettings
from generator.images.source import SourceImage

# Pillow first box-averages by an integer factor when the shrink is at least this large,
# then resamples the rest: indistinguishable from resampling all the way, and much faster.
REDUCING_GAP = 3.0

# The first shrink, from the decoded photo, is the costliest, and its input carries sensor
# grain and JPEG noise: Pillow's antialiased bilinear (a tent filter widened to the scale)
# is twice as fast as bicubic there and smooths that noise, which encoders then need no
# bytes for.  Later steps start from clean pixels, where bicubic keeps edges crisp.
# (bench/images: smaller files than Hugo's box filter at every width, at a PSNR as good.)
FIRST_STEP = Image.Resampling.BILINEAR
LATER_STEPS = Image.Resampling.BICUBIC

CARD_BACKGROUND = "white"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one worker did for one source photo: files written, or why it could not."""

    source: SourceImage
    written: tuple[tuple[str, int], ...] = ()  # (url_path, bytes)
    problem: str | None = None


def produce_variants(
    source: SourceImage,
    variants: Sequence[Variant],
    missing: Collection[str],
    settings: ImageSettings,
    images_dir: Path,
) -> Outcome:
    """Write the ``missing`` variants of ``source`` into ``images_dir``.

    ``variants`` lists every variant the build wants of this photo, made or not, so that the
    chain of widths (and so every pixel) is the same whichever files a previous build
    already left in the cache.
    """
    try:
        with quiet_decoding():
            data = read_source(source)
            if source.animated:
                written = tuple(produce_animation(open_image(data, settings.max_pixels), source,
                                                  variants, set(missing), settings, images_dir))
            else:
                written = tuple(produce_stills(data, source, variants, set(missing), settings,
                                               images_dir))
    except ImageProblem as problem:
        return Outcome(source, problem=str(problem))
    except MemoryError:
        return Outcome(source, problem="image is too large to resize with the memory available")
    except (OSError, ValueError) as error:
        # The source decoded when inspected, so this is the cache folder (disk full, gone)
        # or an encoder refusing a size or mode: still one line at the photo, not a crash.
        return Outcome(source, problem=_not_saved(error))
    return Outcome(source, written)


def _not_saved(error: OSError | ValueError) -> str:
    """Why a photo's sizes could not be saved, with what to do where that is known."""
    number = getattr(error, "errno", None)
    if number == errno.ENOSPC:
        return "image could not be saved: the disk is full; free some space and build again"
    if number == errno.EFBIG:
        return ("image could not be saved: this system limits the size of a file Byline may "
                "write (ulimit -f); raise the limit and build again")
    return f"image could not be resized and saved ({error})"


def read_source(source: SourceImage) -> bytes:
    """The source's bytes, provided they are still the ones inspected."""
    try:
        data = source.path.read_bytes()
    except OSError:
        raise ImageProblem("image file disappeared or became unreadable during the build") from None
    # Outputs are named after the inspected digest: writing other pixels under that name
    # would poison the cache for good.
    if hashlib.sha256(data).hexdigest() != source.digest:
        raise ImageProblem("image file changed during the build; build again")
    return data


def produce_stills(
    data: bytes,
    source: SourceImage,
    variants: Sequence[Variant],
    missing: set[str],
    settings: ImageSettings,
    images_dir: Path,
) -> Iterator[tuple[str, int]]:
    """Encode every missing width × format, then every missing social card and crop.

    A file's pixels depend on the photo and on that file alone, never on what else the
    site wants of the photo: a file the cache keeps is reused by name, so it must be what a
    clean build makes (a photo made a hero gains cards, which once changed the decode scale
    of all its widths, under the same names).  The widths, the same for every use of a
    photo (``plan_image``), come from one decode; each card or crop from the decode its own
    size needs, shared with any other needing the same scale.
    """
    bases: dict[tuple[int, int], Image.Image] = {}
    icc_profile = None

    def decoded_for(wanted: Sequence[Variant]) -> Image.Image:
        nonlocal icc_profile
        image = open_image(data, settings.max_pixels)
        icc_profile = image.info.get("icc_profile")
        draft_at_least(image, decode_size(source, wanted))
        if image.size not in bases:
            base = to_working_mode(decode_still(image))
            bases[image.size] = base.convert("RGB") if (
                base.mode == "RGBA" and not source.has_alpha) else base
        return bases[image.size]

    widths = [v for v in variants if v.crop is None]
    if any(v.url_path in missing for v in widths):
        base, current = decoded_for(widths), None
        for size, same_size in widest_first(iter(widths)):
            # Colour conversion happens once, on the widest output rather than the full decode.
            current = (
                shrink(current, size, LATER_STEPS)
                if current is not None
                else to_srgb(shrink(base, size, FIRST_STEP), icc_profile)
            )
            for variant in same_size:
                if variant.url_path in missing:
                    path = images_dir / variant.file_name
                    yield variant.url_path, write_picture(current, variant, path, settings)
    for card in variants:
        if card.crop is not None and card.url_path in missing:
            picture = to_srgb(crop_card(decoded_for([card]), card), icc_profile)
            yield card.url_path, write_picture(picture, card, images_dir / card.file_name, settings)


def produce_animation(
    image: Image.Image,
    source: SourceImage,
    variants: Sequence[Variant],
    missing: set[str],
    settings: ImageSettings,
    images_dir: Path,
) -> Iterator[tuple[str, int]]:
    """Resize every frame for each width; the animated WebP and GIF share the frames, each
    turned upright and into sRGB as a still is (the first frame holds the file's EXIF and
    profile, which are the whole animation's)."""
    with decode_problems():
        loop = image.info.get("loop")
        icc_profile = image.info.get("icc_profile")
        turn = orientation(image)
        frames, durations = [], []
        for frame in ImageSequence.Iterator(image):
            rgba = frame.convert("RGBA")
            # After the frame is loaded: Pillow's WebP reader knows a frame's duration only
            # then (read before, every frame of an animated WebP lasted 100 ms).
            durations.append(int(frame.info.get("duration", 100)))
            frames.append(upright(to_srgb(rgba, icc_profile), turn))
    first, resample = frames[0], FIRST_STEP
    for size, same_size in widest_first(v for v in variants if v.crop is None):
        frames = [shrink(frame, size, resample) for frame in frames]
        resample = LATER_STEPS
        for variant in same_size:
            if variant.url_path in missing:
                path = images_dir / variant.file_name
                yield (
                    variant.url_path,
                    write_animation(frames, durations, loop, variant, path, settings),
                )
    for card in variants:
        if card.crop is not None and card.url_path in missing:
            yield (
                card.url_path,
                write_picture(crop_card(first, card), card, images_dir / card.file_name, settings),
            )


def widest_first(
    variants: Iterator[Variant],
) -> Iterator[tuple[tuple[int, int], list[Variant]]]:
    """Group the variants by size, widest first."""
    ordered = sorted(variants, key=lambda v: (v.width, v.height), reverse=True)
    for size, group in groupby(ordered, key=lambda v: (v.width, v.height)):
        yield size, list(group)


def decode_size(source: SourceImage, variants: Sequence[Variant]) -> tuple[int, int]:
    """The smallest decoded size from which every variant can be made without upscaling."""
    width = height = 1
    for variant in variants:
        if variant.crop is None:
            need = (variant.width, variant.height)
        else:
            scale = min(1.0, max(variant.width / source.width, variant.height / source.height))
            need = (math.ceil(source.width * scale), math.ceil(source.height * scale))
        width, height = max(width, need[0]), max(height, need[1])
    return width, height


def shrink(image: Image.Image, size: tuple[int, int], resample: Image.Resampling) -> Image.Image:
    """Resize down to ``size`` with ``resample``, or by box averaging for an exact 2×, 3×..."""
    if image.size == size:
        return image
    if image.mode == "RGBA":
        # Resampling straight alpha bleeds the colour of invisible pixels into the edges.
        return shrink(image.convert("RGBa"), size, resample).convert("RGBA")
    factor = image.width / size[0]
    if factor.is_integer() and image.height == size[1] * factor:
        # An exact 2× (2400 → 1200, 1600 → 800): averaging each 2×2 block is the ideal
        # filter for it and ten times cheaper than resampling.
        return image.reduce(int(factor))
    return image.resize(size, resample, reducing_gap=REDUCING_GAP)


def crop_card(picture: Image.Image, card: Variant) -> Image.Image:
    """The card: the picture scaled to cover the card's size, cut around the focus point."""
    if picture.mode in ("RGBA", "RGBa"):
        backdrop = Image.new("RGBA", picture.size, CARD_BACKGROUND)
        picture = Image.alpha_composite(backdrop, picture.convert("RGBA")).convert("RGB")
    box = card_box(picture.size, (card.width, card.height), card.crop or (0.5, 0.5))
    return picture.resize(
        (card.width, card.height), Image.Resampling.BICUBIC, box=box, reducing_gap=REDUCING_GAP
    )


def card_box(
    size: tuple[int, int], card: tuple[int, int], focus: tuple[float, float]
) -> tuple[float, float, float, float]:
    """The region of the picture to show: the card's proportions, centred on the focus point
    as far as the picture's edges allow."""
    width, height = size
    scale = max(card[0] / width, card[1] / height)
    # One of these is the whole side; computed through ``scale`` it can come out a hair
    # longer (1613 × (1200 / 1613) / 1200 ≠ 1), which would put the box past the edge.
    crop_width, crop_height = min(width, card[0] / scale), min(height, card[1] / scale)
    left = along(focus[0], width, crop_width)
    top = along(focus[1], height, crop_height)
    return left, top, left + crop_width, top + crop_height


def along(focus: float, side: float, crop: float) -> float:
    """Where a ``crop`` long cut starts on a ``side`` so that ``focus`` (0-1) is centred in
    it, or as near as the edges allow."""
    return min(max(focus * side - crop / 2, 0.0), side - crop)
