"""Inspecting a source photo: what it is, how big it shows, who to credit, what to show first.

Inspection decodes the whole file once (at 1/8 scale for JPEGs), so a truncated or corrupt
photo is reported at the article that uses it rather than half-way through processing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageSequence

from generator.images.colour import is_transparent, to_srgb, to_working_mode
from generator.images.credit import read_credit
from generator.images.decoding import (
    decode_problems,
    decode_still,
    displayed_size,
    grey_filled_share,
    is_animated,
    open_image,
    png_missing_share,
    quiet_decoding,
)
from generator.images.placeholder import make_placeholder
from generator.images.problems import ImageProblem
from generator.images.settings import ImageSettings
from generator.inputfiles import open_problem
from generator.parallel import map_in_workers

# Enough pixels for a placeholder; JPEGs decode at 1/8 scale to reach it.
PREVIEW_SIZE = (64, 64)


@dataclass(frozen=True, slots=True)
class SourceImage:
    """A source photo as inspected; ``width``/``height`` are as displayed (EXIF-rotated)."""

    path: Path
    digest: str
    width: int
    height: int
    format: str
    has_alpha: bool
    animated: bool
    credit: str | None = None
    placeholder: str | None = None
    # The share of the picture its data never reached (JPEG: flat grey; PNG: black).
    damaged: float = 0.0


class InspectCache(Protocol):
    """What inspection asks of the build's cache (``generator.image_stage`` provides one)."""

    def digest_of(self, path: Path, stat: os.stat_result) -> str | None:
        """The digest recorded for this file, if it has not changed since."""

    def remember_digest(self, path: Path, stat: os.stat_result, digest: str) -> None:
        """Record the digest of a file as it is now."""

    def source_for(self, digest: str, fingerprint: str, path: Path) -> SourceImage | None:
        """The inspection of these bytes under these settings, as if read from ``path``."""

    def remember_source(self, source: SourceImage, fingerprint: str) -> None:
        """Record an inspection, keyed by content and settings."""


def inspect_image(
    path: Path, settings: ImageSettings, cache: InspectCache | None = None
) -> SourceImage:
    """Read what the build needs to know about a source image; raises ``ImageProblem``."""
    if cache and (known := cached_inspection(path, settings, cache)):
        return known
    data, digest = _read(path)
    if cache and (known := _known_copy(cache, path, digest, settings)):
        return known
    source = inspect_bytes(path, data, digest, settings)
    if cache:
        cache.remember_source(source, settings.fingerprint())
    return source


def inspect_images(
    paths: Sequence[Path], settings: ImageSettings, cache: InspectCache | None = None
) -> dict[Path, SourceImage | ImageProblem]:
    """Inspect many photos: those the cache knows at once, the others on every core."""
    found: dict[Path, SourceImage | ImageProblem] = {}
    todo: list[Path] = []
    for path in dict.fromkeys(paths):
        try:
            known = cached_inspection(path, settings, cache) if cache else None
        except ImageProblem as problem:
            found[path] = problem
            continue
        if known:
            found[path] = known
        else:
            todo.append(path)
    # Decoding is ~25 ms of CPU a photo: worth forking for a handful.  (A copy of a known
    # photo is decoded again here, in parallel, rather than read twice to find out first.)
    work = partial(_inspect_or_problem, settings=settings)
    for path, outcome in zip(todo, map_in_workers(work, todo, min_items=4), strict=True):
        if isinstance(outcome, ImageProblem) or not cache:
            found[path] = outcome
            continue
        known = _known_copy(cache, path, outcome.digest, settings)
        if not known:
            cache.remember_source(outcome, settings.fingerprint())
        found[path] = known or outcome
    return found


def cached_inspection(
    path: Path, settings: ImageSettings, cache: InspectCache
) -> SourceImage | None:
    """The cache's inspection of the file as it is now, if any; raises ``ImageProblem``."""
    digest = cache.digest_of(path, _stat(path))
    return cache.source_for(digest, settings.fingerprint(), path) if digest else None


def _known_copy(
    cache: InspectCache, path: Path, digest: str, settings: ImageSettings
) -> SourceImage | None:
    """Record the file's digest; the inspection of the same bytes under any name, if known."""
    with contextlib.suppress(ImageProblem):  # gone since: inspected, just not recorded
        cache.remember_digest(path, _stat(path), digest)
    return cache.source_for(digest, settings.fingerprint(), path)


def _inspect_or_problem(path: Path, settings: ImageSettings) -> SourceImage | ImageProblem:
    try:
        data, digest = _read(path)
        return inspect_bytes(path, data, digest, settings)
    except ImageProblem as problem:
        return problem


def _read(path: Path) -> tuple[bytes, str]:
    """A file's bytes and their digest."""
    _stat(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise ImageProblem("image path is a folder, not a file") from None
    except OSError as error:
        raise ImageProblem(f"image file {open_problem(error, path)}") from None
    return data, hashlib.sha256(data).hexdigest()


def _stat(path: Path) -> os.stat_result:
    try:
        return path.stat()
    except FileNotFoundError:
        raise ImageProblem("image file not found") from None
    except OSError as error:
        raise ImageProblem(f"image file {open_problem(error, path)}") from None


def inspect_bytes(path: Path, data: bytes, digest: str, settings: ImageSettings) -> SourceImage:
    """Inspect image bytes already read from ``path``."""
    with quiet_decoding():
        return _inspect_opened(path, open_image(data, settings.max_pixels), data, digest)


def _inspect_opened(path: Path, image: Image.Image, data: bytes, digest: str) -> SourceImage:
    file_format = "JPEG" if image.format == "MPO" else str(image.format)
    animated = is_animated(image)
    icc_profile = image.info.get("icc_profile")
    # Reading a PNG's EXIF decodes the pixels first (the chunk may follow them), so a
    # damaged file must fail here, before the credit reader quietly skips unreadable EXIF.
    with decode_problems():
        width, height = displayed_size(image)
    if animated:
        verify_frames(image)
        image.seek(0)
    stored_height = image.size[1]
    upright = decode_still(image, PREVIEW_SIZE)
    # ``image``: decoded, as stored
    damaged = grey_filled_share(image, data, stored_height) or png_missing_share(data)
    picture = to_working_mode(upright)
    credit = read_credit(image)
    has_alpha = is_transparent(picture)
    picture = to_srgb(picture, icc_profile)
    # A transparent logo or cut-out has no sensible colour to fill its box with.
    placeholder = None if has_alpha else make_placeholder(picture)
    return SourceImage(
        path, digest, width, height, file_format, has_alpha, animated, credit, placeholder,
        damaged,
    )


def verify_frames(image: Image.Image) -> None:
    """Decode every frame of an animation, so a damaged one is found now."""
    with decode_problems():
        for frame in ImageSequence.Iterator(image):
            frame.load()
