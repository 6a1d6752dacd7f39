"""What the site asks of its images: sizes, formats, quality, limits.

Built by the config stage from the ``images:`` section of ``site.yaml``.  Every cache key and
every output name is derived from these settings, so changing one of them makes new files
instead of serving stale ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

# Bump when a code change alters the pixels or bytes written for the same settings, so that
# old cached outputs get new names instead of being reused.
# 2: TIFFs with EXIF orientation 5-8 were inspected with width and height swapped.
# 3: a photo's widths were decoded at the scale its cards needed when it was a hero, and
#    kept under the same names when it was not (a clean build made other pixels).
PIPELINE_VERSION = 3
# The same for animated sources alone, so a fix to them renames only their outputs.
# 2: frames were left in the file's colour profile and as stored, not turned upright.
# 3: an animated WebP's frames all lasted 100 ms (read before the frame was loaded).
ANIMATION_VERSION = 3

MODERN_FORMATS = ("webp", "avif")

# WebP/JPEG/AVIF: encoder quality 0-100.  PNG: zlib compression level 0-9 (PNG is lossless,
# so "quality" only trades build time for bytes).
DEFAULT_QUALITY: Mapping[str, int] = MappingProxyType(
    {"webp": 78, "jpeg": 80, "avif": 55, "png": 6}
)


@dataclass(frozen=True, slots=True)
class ImageSettings:
    """The ``images:`` settings of a site; the defaults suit a news site."""

    widths: tuple[int, ...] = (480, 800, 1200, 1600, 2400)
    formats: tuple[str, ...] = ("webp",)
    quality: Mapping[str, int] = field(default_factory=lambda: DEFAULT_QUALITY)
    # Above every camera a newsroom uses (a 102 MP medium-format frame, 11648×8736), far
    # below what a decompression bomb claims (a 100,000×100,000 PNG of a few bytes).
    max_pixels: int = 200_000_000
    social_card: tuple[int, int] = (1200, 630)

    def __post_init__(self) -> None:
        if not self.widths or any(w < 1 for w in self.widths):
            raise ValueError("images.widths must be a list of positive pixel widths")
        unknown = [f for f in self.formats if f not in MODERN_FORMATS]
        if unknown:
            raise ValueError(
                f"images.formats: unknown format {unknown[0]!r} (choose from webp, avif)"
            )
        for name, value in self.quality.items():
            top = 9 if name == "png" else 100
            if name not in DEFAULT_QUALITY or not 0 <= value <= top:
                raise ValueError(
                    f"images.quality.{name} must be one of webp/jpeg/avif/png "
                    f"with a value from 0 to {top}"
                )
        if self.max_pixels < 1 or min(self.social_card) < 1:
            raise ValueError("images.max_pixels and images.social_card must be positive")
        # Normalise so that equal settings written differently compare and hash the same.
        object.__setattr__(self, "widths", tuple(sorted(set(self.widths))))
        object.__setattr__(self, "formats", tuple(dict.fromkeys(self.formats)))
        object.__setattr__(self, "quality", MappingProxyType({**DEFAULT_QUALITY, **self.quality}))

    def __reduce__(self) -> tuple[type[ImageSettings], tuple[object, ...]]:
        # Worker processes get the settings by pickle, which cannot carry a mappingproxy.
        return (
            ImageSettings,
            (self.widths, self.formats, dict(self.quality), self.max_pixels, self.social_card),
        )

    def quality_for(self, fmt: str) -> int:
        """The quality (or PNG compression level) to encode ``fmt`` with."""
        return self.quality[fmt]

    def fingerprint(self) -> str:
        """A stable hash of all settings, part of every cache key."""
        return _hash(
            {
                "v": PIPELINE_VERSION,
                "widths": self.widths,
                "formats": self.formats,
                "quality": dict(sorted(self.quality.items())),
                "max_pixels": self.max_pixels,
                "social_card": self.social_card,
            }
        )

    def output_key(self, fmt: str) -> str:
        """A hash of only what changes the bytes of a ``fmt`` output.

        Output names carry this instead of the full fingerprint so that, say, raising the
        WebP quality re-encodes the WebP files and leaves every JPEG where it is.  Widths are
        in it because each width is resized from the next larger one.
        """
        return _output_key(fmt, self.quality.get(fmt), self.widths)


@lru_cache(maxsize=64)
def _output_key(fmt: str, quality: int | None, widths: tuple[int, ...]) -> str:
    # Asked for every processed photo's every file name (five per hero): hashed once.
    return _hash({"v": PIPELINE_VERSION, "format": fmt, "quality": quality, "widths": widths})


def _hash(value: object) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
