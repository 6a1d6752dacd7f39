"""Reading a video file's frame size and length from its headers, without decoding a frame.

Byline never converts videos; it only needs to know what to write in ``<video width height>``
and in the structured data.  MP4 (ISO base media: ``moov`` → ``mvhd`` for the length,
``trak`` → ``tkhd`` for the frame size and rotation) and WebM (EBML: ``Segment`` → ``Info``
and ``Tracks``) are read by seeking from header to header, so a long video costs a few reads.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

# Every header read is bounded: a damaged or hostile file cannot make this loop for long.
_MAX_BOXES = 10_000
_MAX_SMALL_BOX = 1 << 16  # mvhd and tkhd are about 100 bytes


@dataclass(frozen=True, slots=True)
class VideoFacts:
    """What the page needs to know about a video file."""

    mime: str  # "video/mp4" or "video/webm"
    width: int | None  # as displayed (a phone's portrait clip is taller than wide)
    height: int | None
    seconds: float | None


class VideoProblem(Exception):
    """The file is not a video Byline can read; the message says so in a writer's words."""


def inspect_video(path: Path) -> VideoFacts:
    """The kind, frame size and length of an MP4 or WebM file."""
    try:
        with open(path, "rb") as file:
            head = file.read(12)
            size = file.seek(0, 2)
            if head[4:8] == b"ftyp":
                return _mp4(file, size)
            if head[:4] == b"\x1a\x45\xdf\xa3":
                return _webm(file, size)
    except OSError as error:
        raise VideoProblem(f"cannot read the file ({error.strerror or error})") from None
    except (struct.error, ValueError, OverflowError):
        raise VideoProblem("the file is damaged: its headers end too early") from None
    raise VideoProblem("this is not an MP4 or WebM video (its first bytes say otherwise)")


# -- MP4 -----------------------------------------------------------------------------------
def _boxes(file: BinaryIO, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """Each box between ``start`` and ``end``: its type and where its content starts and ends."""
    at = start
    for _ in range(_MAX_BOXES):
        if at + 8 > end:
            return
        file.seek(at)
        header = file.read(16)
        length = int.from_bytes(header[:4], "big")
        kind = header[4:8]
        content = at + 8
        if length == 1:  # a 64-bit length follows the type
            length = int.from_bytes(header[8:16], "big")
            content = at + 16
        elif length == 0:  # the last box runs to the end of the file
            length = end - at
        if length < content - at or at + length > end:
            raise ValueError("box overruns its parent")
        yield kind, content, at + length
        at += length


def _read(file: BinaryIO, start: int, end: int) -> bytes:
    if end - start > _MAX_SMALL_BOX:
        raise ValueError("header box too large")
    file.seek(start)
    data = file.read(end - start)
    if len(data) != end - start:
        raise ValueError("file ends inside a box")
    return data


def _mp4(file: BinaryIO, size: int) -> VideoFacts:
    for kind, start, end in _boxes(file, 0, size):
        if kind == b"moov":
            return _movie(file, start, end)
    raise VideoProblem("the MP4 file has no movie header ('moov' box): export it again")


def _movie(file: BinaryIO, start: int, end: int) -> VideoFacts:
    seconds = None
    frame: tuple[int, int] | None = None
    for kind, child, child_end in _boxes(file, start, end):
        if kind == b"mvhd":
            seconds = _movie_length(_read(file, child, child_end))
        elif kind == b"trak" and frame is None:
            for inner, at, inner_end in _boxes(file, child, child_end):
                if inner == b"tkhd":
                    frame = _track_frame(_read(file, at, inner_end))
    width, height = frame or (None, None)
    return VideoFacts("video/mp4", width, height, seconds)


def _movie_length(data: bytes) -> float | None:
    if data[0] == 1:
        scale, length = struct.unpack(">IQ", data[20:32])
    else:
        scale, length = struct.unpack(">II", data[12:20])
    return length / scale if scale and length not in (0, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF) else None


def _track_frame(data: bytes) -> tuple[int, int] | None:
    """The displayed width and height of a track: zero for sound."""
    matrix_at = 52 if data[0] == 1 else 40
    a, b, _u, c, d = struct.unpack(">iiiii", data[matrix_at : matrix_at + 20])
    width, height = (v >> 16 for v in struct.unpack(">II", data[matrix_at + 36 : matrix_at + 44]))
    if not width or not height:
        return None
    if a == 0 and d == 0 and b and c:  # turned a quarter: a phone held upright
        return height, width
    return width, height


# -- WebM (Matroska) -----------------------------------------------------------------------
_SEGMENT, _INFO, _TRACKS, _TRACK, _VIDEO = 0x18538067, 0x1549A966, 0x1654AE6B, 0xAE, 0xE0
_SCALE, _DURATION = 0x2AD7B1, 0x4489
_PIXEL_WIDTH, _PIXEL_HEIGHT, _DISPLAY_WIDTH, _DISPLAY_HEIGHT = 0xB0, 0xBA, 0x54B0, 0x54BA
_CLUSTER = 0x1F43B675
_UNKNOWN = -1


def _vint(file: BinaryIO, keep_marker: bool) -> int:
    first = file.read(1)
    if not first:
        raise ValueError("file ends inside an element")
    byte = first[0]
    length = next((i for i in range(8) if byte & (0x80 >> i)), None)
    if length is None:
        raise ValueError("not an EBML number")
    rest = file.read(length)
    if len(rest) != length:
        raise ValueError("file ends inside an element")
    value = byte if keep_marker else byte & (0xFF >> (length + 1))
    for extra in rest:
        value = (value << 8) | extra
    if not keep_marker and value == (1 << (7 * (length + 1))) - 1:
        return _UNKNOWN  # all ones: "unknown size" (a live stream's segment)
    return value


def _elements(file: BinaryIO, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    at = start
    for _ in range(_MAX_BOXES):
        if at >= end:
            return
        file.seek(at)
        element = _vint(file, keep_marker=True)
        length = _vint(file, keep_marker=False)
        content = file.tell()
        stop = end if length == _UNKNOWN else content + length
        yield element, content, min(stop, end)
        if length == _UNKNOWN:
            return  # only the segment has an unknown size: its children follow
        at = stop


def _webm(file: BinaryIO, size: int) -> VideoFacts:
    scale, duration = 1_000_000, None
    frame: tuple[int, int] | None = None
    for element, start, end in _elements(file, 0, size):
        if element != _SEGMENT:
            continue
        for child, at, child_end in _elements(file, start, end):
            if child == _INFO:
                for field, value_at, value_end in _elements(file, at, child_end):
                    data = _read(file, value_at, value_end)
                    if field == _SCALE:
                        scale = int.from_bytes(data, "big") or scale
                    elif field == _DURATION and len(data) in (4, 8):
                        duration = struct.unpack(">f" if len(data) == 4 else ">d", data)[0]
            elif child == _TRACKS and frame is None:
                frame = _webm_frame(file, at, child_end)
            elif child == _CLUSTER:
                break  # the frames: every header comes before them
        break
    seconds = duration * scale / 1e9 if duration else None
    width, height = frame or (None, None)
    return VideoFacts("video/webm", width, height, seconds)


def _webm_frame(file: BinaryIO, start: int, end: int) -> tuple[int, int] | None:
    for track, at, track_end in _elements(file, start, end):
        if track != _TRACK:
            continue
        for field, video_at, video_end in _elements(file, at, track_end):
            if field != _VIDEO:
                continue
            sizes: dict[int, int] = {}
            for name, value_at, value_end in _elements(file, video_at, video_end):
                if name in (_PIXEL_WIDTH, _PIXEL_HEIGHT, _DISPLAY_WIDTH, _DISPLAY_HEIGHT):
                    sizes[name] = int.from_bytes(_read(file, value_at, value_end), "big")
            width, height = sizes.get(_PIXEL_WIDTH), sizes.get(_PIXEL_HEIGHT)
            shown_width, shown_height = sizes.get(_DISPLAY_WIDTH), sizes.get(_DISPLAY_HEIGHT)
            if width and height and shown_width and shown_height:
                # Display sizes may be a ratio (16 by 9) rather than pixels: keep the height.
                width = round(height * shown_width / shown_height)
            if width and height:
                return width, height
    return None
