"""The videos of the content: each file measured, hashed and given a content-hashed address.

Videos are copied as they are, never transcoded: a clip from a studio or an agency is already
encoded for the web, and converting video needs tools and minutes a site build should not.
``trailer.mp4`` is published as ``/media/trailer.<hash>.mp4`` with its captions beside it, so
hosts may cache both forever and a new cut gets a new address.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.cache import BuildCache
from generator.errors import Report
from generator.images.plan import slug
from generator.images.video import VideoProblem, inspect_video
from generator.inputfiles import line_not_utf8
from generator.model import Article, Content, Page, VideoRef, videos_of

URL_PREFIX = "/media/"
_EXTENSIONS = {"video/mp4": "mp4", "video/webm": "webm"}
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class CaptionsPlan:
    """A captions file as published."""

    url_path: str
    language: str
    source: Path
    digest: str


@dataclass(frozen=True, slots=True)
class VideoPlan:
    """A video as published: where, what kind, its displayed size and length."""

    url_path: str
    mime: str
    width: int
    height: int
    seconds: float | None
    source: Path
    digest: str  # of the video and its captions: what a page showing it is made from
    captions: tuple[CaptionsPlan, ...] = ()
    length: int = 0  # bytes (it is published as it is), for feeds' enclosures


def plan_videos(content: Content, cache: BuildCache, report: Report) -> dict[str, VideoPlan]:
    """Measure and hash each distinct video of the content once; errors at its first use."""
    first: dict[str, VideoRef] = {}
    items: list[Article | Page] = [*content.articles, *content.pages]
    for item in items:
        for video in videos_of(item):
            first.setdefault(video.key, video)
    plans: dict[str, VideoPlan] = {}
    for key, video in first.items():
        plan = _plan(video, cache, report)
        if plan is not None:
            plans[key] = plan
    return plans


def _plan(video: VideoRef, cache: BuildCache, report: Report) -> VideoPlan | None:
    try:
        facts = inspect_video(video.path)
    except VideoProblem as problem:
        report.error(f"video {video.src}: {problem}", video.location)
        return None
    width, height = video.size or (facts.width, facts.height)
    if not width or not height:
        report.error(f"video {video.src}: its frame size is not in the file; give it, e.g. "
                     f"![…]({video.src}){{width=1280 height=720}}", video.location)
        return None
    captions = []
    for track in video.captions:
        unreadable = _captions_problem(track.path)
        if unreadable:
            report.error(f"captions {track.path.name}: {unreadable}", video.location)
            return None
        digest = _digest(track.path, cache)
        captions.append(CaptionsPlan(_url(track.path, digest, "vtt"), track.language,
                                     track.path, digest))
    digest = _digest(video.path, cache)
    url = _url(video.path, digest, _EXTENSIONS[facts.mime])
    combined = hashlib.blake2b("\0".join([digest, *(c.digest for c in captions)]).encode(),
                               digest_size=16).hexdigest()
    return VideoPlan(url, facts.mime, width, height, facts.seconds, video.path, combined,
                     tuple(captions), video.path.stat().st_size)


def _url(path: Path, digest: str, extension: str) -> str:
    return f"{URL_PREFIX}{slug(path.stem)}.{digest[:10]}.{extension}"


def _captions_problem(path: Path) -> str | None:
    """Browsers ignore a captions file that does not start with WEBVTT, and read every one as
    UTF-8 (a Windows subtitle tool's "Café" shows as "Caf�"): say so at build time."""
    try:
        data = path.read_bytes()  # captions are text: kilobytes
    except OSError as error:
        return f"cannot read the file ({error.strerror or error})"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\0" in data[:2]:
        return ("the file is saved as UTF-16 (\"Unicode\" in Notepad), and browsers read "
                "captions only as UTF-8: save it as UTF-8 in your subtitle editor")
    if not data.removeprefix(b"\xef\xbb\xbf").startswith(b"WEBVTT"):
        return ("this is not a WebVTT file: its first line must be WEBVTT (an .srt file can be "
                "converted by most subtitle editors)")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return (f"line {line_not_utf8(data, error)} is not UTF-8 text, and browsers read "
                "captions only as UTF-8 (its accents would show as �): save the file as "
                "UTF-8 in your subtitle editor")
    return None


def _digest(path: Path, cache: BuildCache) -> str:
    """The content hash of a file, remembered by size and time: videos are large."""
    stat = path.stat()
    known = cache.digest_of(path, stat)
    if known:
        return known
    hasher = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            hasher.update(chunk)
    digest = hasher.hexdigest()
    cache.remember_digest(path, stat, digest)
    return digest


def video_files(plans: Iterable[VideoPlan]) -> dict[str, Path]:
    """URL path → file to copy there, for every video and captions file."""
    files: dict[str, Path] = {}
    for plan in plans:
        files[plan.url_path] = plan.source
        files.update((c.url_path, c.source) for c in plan.captions)
    return files


def video_digests(plans: Mapping[str, VideoPlan], videos: Iterable[VideoRef]) -> list[str]:
    """What pages showing these videos are made from, for their render keys."""
    return [plans[v.key].digest if v.key in plans else v.src for v in videos]
