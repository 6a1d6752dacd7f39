"""A photo-heavy test corpus: camera-sized JPEGs that encoders find about as hard as photos.

Flat synthetic pictures flatter every encoder; these have soft gradients (sky, walls),
hard-edged shapes (people, signs), thin lines (hair, cables) and grain at several scales,
so resizing and encoding cost and compress roughly like real photos.  The same seed always
gives the same picture, so runs can be compared.
"""

from __future__ import annotations

import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

PHOTOS_PER_ARTICLE = 3
DONE_MARKER = ".complete"


def photo_like(seed: int, size: tuple[int, int] = (3000, 2000)) -> Image.Image:
    """A deterministic photo-like RGB picture."""
    rng = random.Random(seed)
    width, height = size
    light, dark = (tuple(rng.randrange(256) for _ in range(3)) for _ in range(2))
    ramp = Image.linear_gradient("L").resize(size).rotate(rng.uniform(-40, 40))
    picture = Image.composite(Image.new("RGB", size, light), Image.new("RGB", size, dark), ramp)
    draw = ImageDraw.Draw(picture)
    for _ in range(45):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(30, 450)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        else:
            corners = [(x + rng.randrange(-r, r), y + rng.randrange(-r, r)) for _ in range(5)]
            draw.polygon(corners, fill=colour)
    picture = picture.filter(ImageFilter.GaussianBlur(2.5))  # lens softness
    draw = ImageDraw.Draw(picture)
    for _ in range(80):
        x, y = rng.randrange(width), rng.randrange(height)
        end = (x + rng.randrange(-500, 500), y + rng.randrange(-500, 500))
        draw.line(
            (x, y, *end),
            fill=tuple(rng.randrange(256) for _ in range(3)),
            width=rng.randrange(1, 5),
        )
    # Grain and texture at three scales, centred on zero so colours keep their saturation.
    for cell, strength in ((48, 0.16), (6, 0.12), (1, 0.1)):
        cells = (width // cell + 1, height // cell + 1)
        noise = Image.frombytes("L", cells, rng.randbytes(cells[0] * cells[1]))
        noise = (
            noise.resize(size, Image.Resampling.BICUBIC)
            if cell > 1
            else noise.crop((0, 0, width, height))
        )
        noise = noise.point(lambda v, s=strength: round(128 + (v - 128) * s))
        picture = ImageChops.add(picture, Image.merge("RGB", [noise] * 3), offset=-128)
    return picture


def write_photo(job: tuple[int, Path]) -> Path:
    """Save one corpus photo as a camera would: JPEG quality 92 with EXIF."""
    seed, path = job
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x013B] = "Benchcam", "B-1", f"Photographer {seed % 17}"
    path.parent.mkdir(parents=True, exist_ok=True)
    photo_like(seed).save(path, "JPEG", quality=92, exif=exif)
    return path


def make_corpus(folder: Path, sources: int, workers: int = 2) -> list[Path]:
    """``sources`` photos in article folders of three (a000/p0.jpg ...), reused if present."""
    paths = [
        folder / f"a{i // PHOTOS_PER_ARTICLE:03d}" / f"p{i % PHOTOS_PER_ARTICLE}.jpg"
        for i in range(sources)
    ]
    marker = folder / DONE_MARKER
    if marker.is_file() and int(marker.read_text() or 0) >= sources:
        return paths
    todo = [(seed, path) for seed, path in enumerate(paths) if not path.is_file()]
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(write_photo, todo, chunksize=4))
    marker.write_text(str(sources))
    return paths
