"""Bringing any decoded picture to 8-bit sRGB, the only colour space every browser gets right.

Outputs carry no ICC profile (browsers treat untagged images as sRGB), so a photo from a
wide-gamut phone or a CMYK press file must be converted here or it shows dull or wrong.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import cast

from PIL import Image, ImageCms

from generator.images.problems import ImageProblem

# Modes the rest of the pipeline handles; everything else is converted into one of them.
WORKING_MODES = ("L", "RGB", "RGBA", "CMYK")

SRGB = ImageCms.createProfile("sRGB")


def to_working_mode(image: Image.Image) -> Image.Image:
    """Convert palette, 1-bit, 16-bit and other modes to L, RGB, RGBA or CMYK (8 bits)."""
    mode = image.mode
    # A palette or a colour key (PNG tRNS) marks transparent pixels without an alpha band.
    if mode in ("P", "PA", "LA", "La", "RGBa") or (
        "transparency" in image.info and mode in ("L", "RGB")
    ):
        return image.convert("RGBA")
    if mode in WORKING_MODES:
        return image
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I") or mode == "F":
        grey = sixteen_to_eight_bit(image)
        key = image.info.get("transparency")
        if not isinstance(key, int) or mode not in ("I;16", "I;16B", "I") or not 0 <= key < 65536:
            return grey
        # A 16-bit colour key: the pixels of exactly that grey level are transparent.
        transparent = [255] * 65536
        transparent[key] = 0
        alpha = image.convert("I").point(transparent, "L")
        return Image.merge("RGBA", (grey, grey, grey, alpha))
    try:
        return image.convert("RGB")
    except ValueError:
        raise ImageProblem(f"unsupported colour mode {mode}") from None


def sixteen_to_eight_bit(image: Image.Image) -> Image.Image:
    """Scale a 16-bit (or 32-bit/float) greyscale picture into 0-255.

    Pillow's own ``convert("L")`` clips instead of scaling, which turns a 16-bit photo into
    a nearly white picture.
    """
    if image.mode.startswith("I;16"):
        top = 65535.0
    else:
        # Mode I or F: the range is whatever the file used; most are 16-bit in disguise.
        # One band: (low, high); Pillow's type also covers a pair per band.
        _low, high = cast(tuple[float, float], image.getextrema())
        top = 255.0 if high <= 255 else 65535.0 if high <= 65535 else float(high)
        if image.mode == "F" and high <= 1.0:
            top = 1.0
    if top == 255.0:
        return image.convert("L")
    scaled = image.convert("F").point(lambda value: value * (255.0 / top))
    return scaled.convert("L")


def is_transparent(image: Image.Image) -> bool:
    """Whether an RGBA picture has any pixel that is not fully opaque."""
    if image.mode != "RGBA":
        return False
    low, _high = cast(tuple[int, int], image.getchannel("A").getextrema())  # one band
    return low < 255


def to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert to sRGB using the source's embedded profile; CMYK always ends up RGB."""
    if icc_profile and image.mode in ("RGB", "RGBA", "CMYK"):
        transform = srgb_transform(icc_profile, image.mode)
        if transform is not None:
            return ImageCms.applyTransform(image, transform) or image
    if image.mode == "CMYK":
        return image.convert("RGB")
    return image


@lru_cache(maxsize=32)
def srgb_transform(icc_profile: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """A cached transform from the embedded profile to sRGB, or None when not needed.

    None also for a profile that does not fit the picture or does not parse: the picture
    then goes out as if it were sRGB, which beats failing the build over a broken profile.
    """
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        if mode != "CMYK" and "srgb" in ImageCms.getProfileDescription(profile).lower():
            return None  # already sRGB, as most camera JPEGs say they are
        return ImageCms.buildTransform(
            profile,
            SRGB,
            mode,
            "RGBA" if mode == "RGBA" else "RGB",
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None
