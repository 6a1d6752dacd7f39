"""Reading back both tools' outputs: bytes per width and format, and closeness to a
reference downscale (PSNR), so that smaller files cannot hide blurrier pictures."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageChops, ImageOps, ImageStat

from generator.images import ImageSettings, inspect_image, plan_image

FORMATS = {"WEBP": "webp", "JPEG": "jpeg", "PNG": "png", "AVIF": "avif", "GIF": "gif"}
Key = tuple[int, str]


def read_key(path: Path) -> Key:
    """(width, format) of an output file, read from the file itself."""
    with Image.open(path) as image:
        return image.width, FORMATS.get(str(image.format), str(image.format))


def byline_files(images_dir: Path) -> dict[Key, list[Path]]:
    """Byline's outputs grouped by width and format."""
    found: dict[Key, list[Path]] = defaultdict(list)
    for path in images_dir.iterdir():
        if not path.name.startswith("."):
            found[read_key(path)].append(path)
    return found


def hugo_files(public: Path) -> dict[Key, list[Path]]:
    """Hugo's resized outputs grouped by width and format."""
    found: dict[Key, list[Path]] = defaultdict(list)
    for path in public.rglob("*_hu_*"):
        found[read_key(path)].append(path)
    return found


def mean_bytes(paths: Sequence[Path]) -> float:
    """The mean file size, 0 for none."""
    return sum(p.stat().st_size for p in paths) / len(paths) if paths else 0.0


def psnr(output: Path, original: Image.Image) -> float:
    """PSNR of an output against a Lanczos downscale of the original to the same size."""
    with Image.open(output) as image:
        picture = image.convert("RGB")
    reference = original.resize(picture.size, Image.Resampling.LANCZOS)
    rms = ImageStat.Stat(ImageChops.difference(picture, reference)).rms
    mse = sum(value * value for value in rms) / len(rms)
    return 20 * math.log10(255 / math.sqrt(mse)) if mse else float("inf")


def compare_quality(
    paths: Sequence[Path], settings: ImageSettings, byline_dir: Path, hugo_public: Path
) -> dict[Key, tuple[float, float]]:
    """Mean PSNR per (width, format) for Byline and for Hugo over ``paths``."""
    scores: dict[Key, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for path in paths:
        with Image.open(path) as image:
            original = ImageOps.exif_transpose(image).convert("RGB")
        for variant in plan_image(inspect_image(path, settings), settings).variants:
            scores[variant.width, variant.format][0].append(
                psnr(byline_dir / variant.file_name, original)
            )
        for output in (hugo_public / path.parent.name).glob(f"{path.stem}_hu_*"):
            scores[read_key(output)][1].append(psnr(output, original))
    return {key: (mean(mine), mean(theirs)) for key, (mine, theirs) in scores.items()}


def mean(values: Sequence[float]) -> float:
    """The mean, NaN for none."""
    return sum(values) / len(values) if values else float("nan")
