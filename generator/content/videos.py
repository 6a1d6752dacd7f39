"""Resolving the videos writers reference, with the poster and captions beside each one.

``![Trailer](trailer.mp4)`` finds ``trailer.jpg`` (or .jpeg, .png, .webp, .avif) as its poster
and ``trailer.vtt`` (captions in the site's language) or ``trailer.es.vtt`` (in Spanish) as
its captions, unless the writer names a poster (``{poster="still.jpg"}``).  No file is opened
here: the video stage measures and hashes them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from generator.errors import Report, SourceLocation
from generator.inputfiles import (
    followed,
    is_regular,
    leaves_site,
    not_there,
    written_otherwise,
)
from generator.markup import OTHER_VIDEO_SUFFIXES
from generator.model import CaptionsRef, ImageRef, VideoRef
from generator.slugs import quoted

from .images import REMOTE_PREFIXES, resolve_image

POSTER_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".avif")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_LARGEST_SIDE = 16384  # what browsers decode; anything larger is a typo


def resolve_video(
    src: str,
    *,
    folder: Path,
    content_dir: Path,
    site_root: Path,
    location: SourceLocation,
    report: Report,
    language: str,
    alt: str | None = None,
    caption: str | None = None,
    credit: str | None = None,
    poster: str | None = None,
    size: tuple[str | None, str | None] = (None, None),
    warn_alt: bool = True,
) -> VideoRef | None:
    """A VideoRef for ``src`` (relative to ``folder``, or to ``content/`` with a leading /),
    with the poster the writer named or the one found beside it, and the captions beside it."""
    if src.startswith(REMOTE_PREFIXES):
        report.error(f"video {src} is not in the site: put the file beside the article and "
                     "link it by name (for a YouTube video, paste its link on a line of its own "
                     "instead)", location)
        return None
    relative = src.split("#", 1)[0].split("?", 1)[0]
    suffix = os.path.splitext(relative)[1].lower()
    if suffix in OTHER_VIDEO_SUFFIXES:
        report.error(f"video {src}: not every browser plays {suffix} files, and Byline copies "
                     "videos as they are (it never converts them): export it as MP4 (H.264 "
                     "video, AAC sound) and link that", location)
        return None
    base = content_dir if relative.startswith("/") else folder
    path = followed(base / relative.lstrip("/"))
    if path is None:
        report.error(f"video {src} is a symbolic link that leads back to itself (a loop): "
                     "remove the link, or point it at the video", location)
        return None
    if not path.is_relative_to(site_root.resolve()):
        report.error(leaves_site("video", src, base / relative.lstrip("/"), path, site_root),
                     location)
        return None
    hint = ""
    if not is_regular(path):
        same, hint = written_otherwise(path)
        path = same or path
    if not is_regular(path):
        shown = path.relative_to(site_root.resolve()) if path.is_relative_to(site_root) else path
        other = not_there(path, src, "a video")
        report.error(f"video {other}" if other else f"video not found: {src} (looked for "
                     f"{shown}){hint}", location)
        return None
    if warn_alt and not (alt or "").strip():
        report.warning(f"video {src} has no alt text: say what it shows, for readers who "
                       "cannot see it, e.g. ![The trailer for Northbound](trailer.mp4)", location)
    dimensions = _size(src, size, location, report)
    still: ImageRef | None = None
    found = None if poster else poster_beside(path)
    named = (poster, folder) if poster else (found.name, path.parent) if found else None
    if named:  # through the same checks as any photo: a link out of the site is refused
        still = resolve_image(named[0], folder=named[1], content_dir=content_dir,
                              site_root=site_root, location=location, role="poster",
                              report=report, alt="")
    captions = []
    for track, lang in captions_beside(path):
        target = followed(track)
        if target is None or not target.is_relative_to(site_root.resolve()):
            report.error(f"captions {track.name} lead out of the site folder (the file is a "
                         "link): Byline publishes only what is inside the site, so copy the "
                         "file here instead", location)
            return None
        captions.append(CaptionsRef(track, lang or language))
    return VideoRef(src, path, location, alt, caption, credit, still, tuple(captions),
                    dimensions)


def _size(
    src: str, size: tuple[str | None, str | None], location: SourceLocation, report: Report
) -> tuple[int, int] | None:
    width, height = size
    if width is None and height is None:
        return None
    try:
        found = (int(width or ""), int(height or ""))
    except ValueError:
        found = (0, 0)
    if not all(0 < side <= _LARGEST_SIDE for side in found):
        report.error(f"video {src}: width and height are whole numbers of pixels, both given, "
                     f"e.g. {{width=1280 height=720}} (found width={quoted(width or '')} "
                     f"height={quoted(height or '')})", location)
        return None
    return found


def poster_beside(video: Path) -> Path | None:
    """``trailer.jpg`` (or another photo format) beside ``trailer.mp4``, if there is one."""
    for suffix in POSTER_SUFFIXES:
        for candidate in (video.with_suffix(suffix), video.with_suffix(suffix.upper())):
            if is_regular(candidate):
                return candidate
    return None


def captions_beside(video: Path) -> list[tuple[Path, str | None]]:
    """``trailer.vtt`` (language None: the site's), then each ``trailer.LANG.vtt``, beside the
    video: the first is the track shown by default."""
    stem = video.stem + "."
    try:
        names = sorted(os.listdir(video.parent))
    except OSError:
        return []
    found: list[tuple[Path, str | None]] = []
    for name in names:
        if not name.startswith(stem) or not name.lower().endswith(".vtt"):
            continue
        middle = name[len(stem):-4]
        if middle == "":
            found.append((video.parent / name, None))
        elif _LANGUAGE.fullmatch(middle):
            found.append((video.parent / name, middle))
    return sorted(found, key=lambda track: track[1] is not None)


def videos_current(videos: Iterable[VideoRef]) -> bool:
    """Whether each video, its poster and captions are still on disk, and no poster or captions
    file has appeared beside it since it was resolved (a checked article is cached)."""
    for video in videos:
        if not video.path.is_file():
            return False
        if video.poster is None and poster_beside(video.path) is not None:
            return False
        if video.poster is not None and video.poster.path and not video.poster.path.is_file():
            return False
        if [c.path for c in video.captions] != [p for p, _ in captions_beside(video.path)]:
            return False
    return True
