#!/usr/bin/env python3
"""Make the sample site's one video clip, its poster and its captions.

The frames are painted with Pillow by ``make_sample_photos.py``'s stage-light scene (a slow
push-in on the stage on opening night, the lights breathing), and the sound is synthesised here (a
low chord under radio static); ffmpeg only encodes them, single-threaded and bit-exact, so
running this twice writes the same bytes with the same ffmpeg build.  ffmpeg is needed to run
this script and nowhere else: Byline never converts videos, and neither its build nor its
tests need ffmpeg.  The files are committed; run this again only to change them:

    python3 scripts/make_sample_video.py

It writes ``content/articles/velvet-static-signal-tour-opener/opener.{mp4,jpg,vtt}`` (the
clip, under 200 KB; the still Byline finds beside it as its poster; captions in WebVTT).
"""

from __future__ import annotations

import io
import math
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

from PIL import Image, ImageEnhance

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_sample_photos import JPEG_QUALITY, scene_concert

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "content/articles/velvet-static-signal-tour-opener"
SIZE = (640, 360)
PAINTED = (1280, 720)  # the scene the camera pushes in on
FPS = 24
SECONDS = 6
RATE = 22050

CAPTIONS = """WEBVTT

00:00.000 --> 00:02.000
[Radio static, then a low synth chord]

00:02.000 --> 00:04.200
[The chord swells as the stage lights brighten]

00:04.200 --> 00:06.000
[Static fades out]
"""


def painted() -> Image.Image:
    return scene_concert(PAINTED, random.Random("byline-sample:opener"), "sunset")


def frame_at(scene: Image.Image, t: float, size: tuple[int, int]) -> Image.Image:
    """The picture at time ``t`` (0 to 1) of a slow push-in on the stage, lights breathing."""
    zoom = 1 + 0.18 * t
    w, h = PAINTED[0] / zoom, PAINTED[1] / zoom
    left = (PAINTED[0] - w) * (0.5 + 0.1 * t)
    top = (PAINTED[1] - h) * 0.35
    frame = scene.resize(size, Image.Resampling.BICUBIC, box=(left, top, left + w, top + h))
    glow = 1 + 0.12 * math.sin(2 * math.pi * t * 1.5)
    return ImageEnhance.Brightness(frame).enhance(glow)


def frames(scene: Image.Image) -> list[Image.Image]:
    total = FPS * SECONDS
    return [frame_at(scene, index / (total - 1), SIZE) for index in range(total)]


def sound() -> bytes:
    """Mono 16-bit WAV: an A-minor chord swelling under fading static."""
    rng = random.Random("byline-sample:opener-sound")
    samples = []
    count = RATE * SECONDS
    for n in range(count):
        t = n / RATE
        swell = min(1.0, t / 2.5) * min(1.0, (SECONDS - t) / 0.8)
        chord = sum(math.sin(2 * math.pi * f * t) for f in (110.0, 130.81, 164.81)) / 3
        static = (rng.random() * 2 - 1) * max(0.0, 1 - t / 4.5) * 0.25
        samples.append(int(12000 * (0.6 * swell * chord + static)))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(struct.pack(f"<{count}h", *samples))
    return buffer.getvalue()


def encode(images: list[Image.Image], audio: Path, target: Path) -> None:
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        sys.exit("ffmpeg is needed to make the sample clip (Debian: apt-get install ffmpeg)")
    command = [
        ffmpeg, "-v", "error", "-y", "-threads", "1",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{SIZE[0]}x{SIZE[1]}", "-r", str(FPS),
        "-i", "-", "-i", str(audio),
        "-map", "0:v", "-map", "1:a", "-shortest",
        "-c:v", "libx264", "-preset", "veryslow", "-crf", "30", "-pix_fmt", "yuv420p",
        "-profile:v", "main", "-x264-params", "threads=1",
        "-c:a", "aac", "-b:a", "40k", "-ac", "1",
        "-movflags", "+faststart", "-map_metadata", "-1",
        "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
        str(target),
    ]
    raw = b"".join(image.convert("RGB").tobytes() for image in images)
    subprocess.run(command, input=raw, check=True)


def main() -> int:
    FOLDER.mkdir(parents=True, exist_ok=True)
    scene = painted()
    images = frames(scene)
    with tempfile.TemporaryDirectory() as scratch:
        audio = Path(scratch) / "sound.wav"
        audio.write_bytes(sound())
        encode(images, audio, FOLDER / "opener.mp4")
    # The poster: a third of the way in, painted at twice the clip's size for sharp screens.
    poster = frame_at(scene, 1 / 3, PAINTED)
    poster.save(FOLDER / "opener.jpg", "JPEG", quality=JPEG_QUALITY, optimize=True,
                progressive=True)
    (FOLDER / "opener.vtt").write_text(CAPTIONS, encoding="utf-8")
    for name in ("opener.mp4", "opener.jpg", "opener.vtt"):
        path = FOLDER / name
        print(f"{path.stat().st_size / 1024:8.0f} KB  {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
