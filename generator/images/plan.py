"""Deciding which files a photo becomes: names, sizes and formats, without touching a file.

A name carries a hash of the source bytes and of the settings that shape that output, so a
name never points at stale pixels and a browser may cache it forever.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from PIL import features

from generator.google import DISCOVER_RATIOS, DISCOVER_WIDTH
from generator.images.settings import ANIMATION_VERSION, ImageSettings
from generator.images.source import SourceImage

MIME_TYPES = {
    "webp": "image/webp",
    "avif": "image/avif",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
}
EXTENSIONS = {"webp": "webp", "avif": "avif", "jpeg": "jpg", "png": "png", "gif": "gif"}

URL_PREFIX = "/images/"
MAX_STEM = 60

# The longest side each format can hold, as the encoders Pillow uses write it and browsers
# read it back: libwebp stops at 16383, libjpeg at 65500, GIF's header has 16 bits, and
# libavif writes larger AVIFs than its own decoder (and Chrome's) accepts, 32768.  A taller
# infographic or a wider panorama is scaled down to fit, keeping its proportions.
MAX_SIDE = {"webp": 16383, "avif": 32768, "jpeg": 65500, "png": 2**31 - 1, "gif": 65535}


@dataclass(frozen=True, slots=True)
class Variant:
    """One output file: a size of a photo in one format, or a social card cropped from it."""

    url_path: str
    width: int
    height: int
    format: str
    mime: str
    crop: tuple[float, float] | None = None

    @property
    def file_name(self) -> str:
        """The name of the file in the cache folder and in the output."""
        return self.url_path.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class ImagePlan:
    """Every variant of one photo, and the one to use where only one will do."""

    source: SourceImage
    variants: tuple[Variant, ...]
    fallback: Variant

    def family(self, fmt: str) -> tuple[Variant, ...]:
        """The variants in one format, narrowest first (what a ``srcset`` lists)."""
        return tuple(v for v in self.variants if v.format == fmt)

    @property
    def formats(self) -> tuple[str, ...]:
        """The formats planned, modern ones first and the fallback last."""
        return tuple(dict.fromkeys(v.format for v in self.variants))


def fallback_format(source: SourceImage) -> str:
    """The format every browser shows: GIF for animations, PNG for transparency, else JPEG."""
    if source.animated:
        return "gif"
    return "png" if source.has_alpha else "jpeg"


def modern_formats(source: SourceImage, settings: ImageSettings) -> tuple[str, ...]:
    """The configured modern formats this photo gets and this Pillow can write.

    Animations get WebP only: animated AVIF is slow to encode and patchily supported.
    """
    wanted = ("webp",) if source.animated else settings.formats
    return tuple(f for f in settings.formats if f in wanted and encoder_available(f))


def encoder_available(fmt: str) -> bool:
    """Whether this Pillow build can encode ``fmt`` (AVIF needs Pillow 11.2+ with libavif)."""
    # Older Pillows do not know the name "avif" at all (and warn when asked about it).
    return fmt != "avif" or ("avif" in features.modules and features.check_module("avif"))


def output_sizes(
    source: SourceImage, settings: ImageSettings, fmt: str
) -> tuple[tuple[int, int], ...]:
    """(width, height) of each configured width, capped at the source width (never
    upscaled) and at the longest side ``fmt`` can hold; narrowest first, one per width."""
    heights: dict[int, int] = {}
    for configured in settings.widths:
        width, height = fitted_size(source, min(configured, source.width), MAX_SIDE[fmt])
        heights[width] = max(height, heights.get(width, 0))  # two can round to one width
    return tuple(sorted(heights.items()))


def fitted_size(source: SourceImage, width: int, longest: int) -> tuple[int, int]:
    """The size at ``width``, or scaled down so that neither side is over ``longest``.

    The long side then is exactly ``longest`` and the short one is rounded: its proportions
    are kept within a pixel, at the most detail the format allows.
    """
    height = scaled_height(source, width)
    if max(width, height) <= longest:
        return width, height
    if width >= height:
        return longest, min(longest, scaled_height(source, longest))
    return max(1, min(longest, round(source.width * longest / source.height))), longest


def plan_image(source: SourceImage, settings: ImageSettings) -> ImagePlan:
    """Plan every width × format of a photo (pure: names and sizes only, no I/O)."""
    fallback = fallback_format(source)
    variants = tuple(
        Variant(
            url_path=variant_url(source, settings, fmt, str(width)),
            width=width,
            height=height,
            format=fmt,
            mime=MIME_TYPES[fmt],
        )
        for fmt in (*modern_formats(source, settings), fallback)
        for width, height in output_sizes(source, settings, fmt)
    )
    return ImagePlan(source, variants, variants[-1])


def plan_social_card(
    source: SourceImage, focus: tuple[float, float], settings: ImageSettings
) -> Variant:
    """Plan the social-media card: a JPEG of exactly ``settings.social_card`` around ``focus``.

    ``focus`` is (x, y) from 0 to 1 across the displayed photo; it is rounded to a
    thousandth, which is in the name so two focus points never share a file.
    """
    return _crop(source, focus, settings, settings.social_card)



def plan_discover_crops(
    source: SourceImage, focus: tuple[float, float], settings: ImageSettings
) -> tuple[Variant, ...]:
    """Plan the hero's 16:9, 4:3 and 1:1 crops around ``focus`` (JSON-LD ``image``).

    Each is ``DISCOVER_WIDTH`` wide, or as wide as the photo allows without enlarging it,
    and always exactly in proportion (so a small photo's width is a multiple of the ratio's).
    """
    return tuple(_crop(source, focus, settings, crop_size(source, ratio))
                 for ratio in DISCOVER_RATIOS)


def crop_size(source: SourceImage, ratio: tuple[int, int]) -> tuple[int, int]:
    """The largest exact ``ratio`` size up to ``DISCOVER_WIDTH`` wide that fits the photo."""
    across, down = ratio
    units = min(DISCOVER_WIDTH // across, source.width // across, source.height // down)
    units = max(units, 1)  # a photo smaller than the ratio itself still gets a (tiny) crop
    return across * units, down * units


def smallest_discover_crop(source: SourceImage) -> tuple[int, int]:
    """The size of the hero's crop for Google with the fewest pixels."""
    return min((crop_size(source, ratio) for ratio in DISCOVER_RATIOS),
               key=lambda size: size[0] * size[1])


def _crop(
    source: SourceImage, focus: tuple[float, float], settings: ImageSettings,
    size: tuple[int, int],
) -> Variant:
    width, height = size
    x, y = (min(1000, max(0, round(value * 1000))) for value in focus)
    label = f"{width}x{height}-{x:03d}-{y:03d}"
    return Variant(
        url_path=variant_url(source, settings, "jpeg", label),
        width=width,
        height=height,
        format="jpeg",
        mime=MIME_TYPES["jpeg"],
        crop=(x / 1000, y / 1000),
    )


def scaled_height(source: SourceImage, width: int) -> int:
    """The height that keeps the photo's proportions at ``width``."""
    return max(1, round(source.height * width / source.width))


def variant_url(source: SourceImage, settings: ImageSettings, fmt: str, label: str) -> str:
    """``/images/<stem>.<hash10>.<label>.<ext>``: readable, and unique to bytes + settings."""
    named = _named(source.digest, source.path.stem, source.animated, settings.output_key(fmt))
    return f"{named}.{label}.{EXTENSIONS[fmt]}"


@lru_cache(maxsize=1024)
def _named(digest: str, stem: str, animated: bool, output_key: str) -> str:
    """``/images/<stem>.<hash10>``, the same for every file of a photo in one format: made
    once for them all (a hero has a dozen, each planned at every build)."""
    animation = f":animation{ANIMATION_VERSION}" if animated else ""
    key = hashlib.sha256(f"{digest}:{output_key}{animation}".encode()).hexdigest()[:10]
    return f"{URL_PREFIX}{slug(stem)}.{key}"


# What ``variant_url`` names a file, and what ``encoding.replace_atomically`` names it while
# it is written (``.<name>.<random>.tmp``): a file of the cache's folder named otherwise is
# not Byline's, and is never deleted.
_FORMATS = "|".join(sorted(set(EXTENSIONS.values())))
_VARIANT_NAME = re.compile(
    rf"(?P<dot>\.)?[a-z0-9-]+\.[0-9a-f]{{10}}\.[a-z0-9-]+\.(?:{_FORMATS})(?(dot)\.[^/]+\.tmp)")


def is_variant_name(name: str) -> bool:
    """Whether ``name`` is one Byline gives a processed photo (or one while it is written)."""
    return _VARIANT_NAME.fullmatch(name) is not None


def slug(stem: str) -> str:
    """A file stem made safe for any server and URL: lowercase ASCII, digits and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return text[:MAX_STEM].rstrip("-") or "image"
