#!/usr/bin/env python3
"""Paint the sample site's photos into content/ with Pillow alone.

Every picture is a procedural "photo": layered gradients, stage beams, haze, bokeh, dark
silhouettes with rim light, film grain and a vignette.  Each file has its own seeded
``random.Random`` (seeded by its path), so running the script twice writes the same bytes on
the same Pillow/libjpeg build.  The generated images are committed; run this again only to
change them:

    python3 scripts/make_sample_photos.py            # write every image
    python3 scripts/make_sample_photos.py --list     # show what would be written

A few files deliberately exercise the image pipeline:

* ``articles/rory-blanchard-leaves-the-dollhouse-hour/final-taping.jpg`` is stored sideways
  (3000x2000 pixels) with EXIF Orientation=6, so it only looks right (2000x3000, portrait)
  when the generator honours the tag.
* ``articles/lumen-awards-2026-winners/winners-room.jpg`` carries its photo credit only in
  its metadata (EXIF Artist/Copyright, an XMP packet and an IPTC APP13 block); the
  Markdown gives it a caption and no credit.
* ``articles/velvet-static-low-tide-radio/translucent-pressing.png`` is an RGBA cut-out
  with a fully transparent background and a soft, half-transparent shadow.
* ``brand/marquee-pick.png`` is a 96 px icon used inside a sentence (smaller than every
  configured width, so it must never be upscaled).
"""

from __future__ import annotations

import argparse
import io
import math
import random
import struct
import sys
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageStat

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
JPEG_QUALITY = 82
SCALE = 4  # soft layers (gradients, haze, beams, bokeh) are painted at 1/SCALE size

Color = tuple[int, int, int]
Size = tuple[int, int]


# --------------------------------------------------------------------------- basic helpers


def mix(a: Color, b: Color, t: float) -> Color:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def scale_color(c: Color, k: float) -> Color:
    return tuple(max(0, min(255, round(v * k))) for v in c)  # type: ignore[return-value]


def low(size: Size) -> Size:
    return max(2, size[0] // SCALE), max(2, size[1] // SCALE)


def gradient(size: Size, stops: Sequence[tuple[float, Color]], horizontal: bool = False):
    """A linear gradient through colour stops at positions 0..1 (top to bottom by default)."""
    n = size[0] if horizontal else size[1]
    strip = Image.new("RGB", (n, 1))
    px = strip.load()
    for i in range(n):
        t = i / max(1, n - 1)
        for (p0, c0), (p1, c1) in pairwise(stops):
            if p0 <= t <= p1:
                px[i, 0] = mix(c0, c1, (t - p0) / max(1e-9, p1 - p0))
                break
        else:
            px[i, 0] = stops[0][1] if t < stops[0][0] else stops[-1][1]
    if not horizontal:
        strip = strip.transpose(Image.Transpose.ROTATE_270)
    return strip.resize(size, Image.Resampling.BILINEAR)


def solid(size: Size, color: Color) -> Image.Image:
    return Image.new("RGB", size, color)


def tint(mask: Image.Image, color: Color) -> Image.Image:
    """An RGB layer: ``color`` where the L mask is white, black elsewhere."""
    return ImageChops.multiply(solid(mask.size, color), Image.merge("RGB", (mask, mask, mask)))


def add_light(base: Image.Image, mask: Image.Image, color: Color) -> Image.Image:
    return ImageChops.add(base, tint(mask, color))


def radial(size: Size, center: tuple[float, float], radius: float, power: float = 1.6):
    """L mask: 255 at ``center`` (pixels) falling to 0 at ``radius`` pixels."""
    r = max(2, round(radius))
    g = Image.radial_gradient("L").resize((2 * r, 2 * r), Image.Resampling.BILINEAR)
    # radial_gradient is 181 at the middle of an edge (distance = r); map that to 0.
    lut = [round(255 * max(0.0, 1 - min(1.0, v / 181)) ** power) for v in range(256)]
    g = g.point(lut)
    out = Image.new("L", size, 0)
    out.paste(g, (round(center[0] - r), round(center[1] - r)))
    return out


def clouds(size: Size, rng: random.Random, cells: int = 6, octaves: int = 4) -> Image.Image:
    """Smooth value noise (L), for nebulae, haze and fabric."""
    acc: Image.Image | None = None
    weight = 1.0
    total = 0.0
    for o in range(octaves):
        cw = cells * 2**o
        ch = max(2, round(cw * size[1] / size[0]))
        layer = Image.frombytes("L", (cw, ch), rng.randbytes(cw * ch))
        layer = layer.resize(size, Image.Resampling.BICUBIC)
        acc = layer if acc is None else Image.blend(acc, layer, weight / (total + weight))
        total += weight
        weight *= 0.5
    assert acc is not None
    return acc.filter(ImageFilter.GaussianBlur(1))


def contrast_mask(mask: Image.Image, lo: int, hi: int) -> Image.Image:
    """Stretch an L mask so ``lo`` maps to 0 and ``hi`` to 255."""
    return mask.point(
        [max(0, min(255, round((v - lo) * 255 / max(1, hi - lo)))) for v in range(256)]
    )


# --------------------------------------------------------------------------- light effects


def haze(img: Image.Image, rng: random.Random, color: Color, n: int = 5, strength: float = 0.5):
    w, h = img.size
    m = Image.new("L", img.size, 0)
    for _ in range(n):
        r = rng.uniform(0.25, 0.6) * max(w, h)
        m = ImageChops.lighter(
            m,
            radial(img.size, (rng.uniform(0, w), rng.uniform(0.1 * h, 0.8 * h)), r, 1.8).point(
                lambda v: round(v * strength)
            ),
        )
    return add_light(img, m, color)


def bokeh(
    img: Image.Image,
    rng: random.Random,
    n: int,
    colors: Sequence[Color],
    radius: tuple[float, float],
    region: tuple[float, float, float, float] = (0, 0, 1, 1),
    brightness: tuple[float, float] = (0.25, 0.8),
    soft: float = 0.08,
) -> Image.Image:
    """Add out-of-focus discs; ``radius`` is a fraction of the short side."""
    w, h = img.size
    layer = Image.new("RGB", img.size)
    short = min(w, h)
    for _ in range(n):
        r = max(1.5, rng.uniform(*radius) * short)
        x = rng.uniform(region[0], region[2]) * w
        y = rng.uniform(region[1], region[3]) * h
        col = scale_color(rng.choice(colors), rng.uniform(*brightness))
        pad = max(2, round(r * soft * 3)) + 2
        d = round(2 * r) + 2 * pad
        patch = Image.new("RGB", (d, d))
        pd = ImageDraw.Draw(patch)
        pd.ellipse([pad, pad, pad + 2 * r, pad + 2 * r], fill=scale_color(col, 0.8))
        pd.ellipse(
            [pad, pad, pad + 2 * r, pad + 2 * r],
            outline=col,
            width=max(1, round(r * 0.12)),
        )
        patch = patch.filter(ImageFilter.GaussianBlur(max(0.7, r * soft)))
        box = (round(x - r - pad), round(y - r - pad))
        under = layer.crop((box[0], box[1], box[0] + d, box[1] + d))
        layer.paste(ImageChops.add(under, patch), box)
    return ImageChops.add(img, layer)


def beams(
    img: Image.Image,
    rng: random.Random,
    sources: Sequence[tuple[float, float, float, float, Color, float]],
) -> Image.Image:
    """Stage-light cones: (x, y as fractions, angle from straight down, spread, colour, power)."""
    w, h = img.size
    reach = 1.4 * max(w, h)
    for x, y, angle, spread, color, power in sources:
        x0, y0 = x * w, y * h
        cone = Image.new("L", img.size, 0)
        pts = [(x0, y0)]
        for a in (angle - spread / 2, angle + spread / 2):
            rad = math.radians(a)
            pts.append((x0 + reach * math.sin(rad), y0 + reach * math.cos(rad)))
        ImageDraw.Draw(cone).polygon(pts, fill=255)
        cone = cone.filter(ImageFilter.GaussianBlur(max(w, h) * 0.012))
        fall = radial(img.size, (x0, y0), reach * 0.8, 1.3)
        cone = ImageChops.multiply(cone, fall).point(lambda v, p=power: round(v * p))
        img = add_light(img, cone, color)
        # the lamp itself
        img = add_light(img, radial(img.size, (x0, y0), max(w, h) * 0.03, 1.2), color)
    return img


def grain(img: Image.Image, rng: random.Random, amount: float = 3.0) -> Image.Image:
    """Monochrome film grain: ``amount`` levels of standard deviation in the midtones.

    Like film, the grain fades towards the deepest shadows and brightest highlights (to 30%),
    which also keeps the JPEGs small.
    """
    w, h = img.size
    noise = Image.frombytes("L", img.size, rng.randbytes(w * h))
    noise = noise.filter(ImageFilter.GaussianBlur(0.6))
    k = amount / max(1.0, ImageStat.Stat(noise).stddev[0])
    noise = noise.point([max(0, min(255, round(128 + (v - 128) * k))) for v in range(256)])
    noisy = ImageChops.add(img, Image.merge("RGB", (noise, noise, noise)), offset=-128)
    mids = img.convert("L").point(
        [round(255 * (0.3 + 0.7 * 4 * (v / 255) * (1 - v / 255))) for v in range(256)]
    )
    return Image.composite(noisy, img, mids)


def vignette(img: Image.Image, strength: float = 0.5, power: float = 2.2) -> Image.Image:
    g = Image.radial_gradient("L").resize(img.size, Image.Resampling.BILINEAR)
    m = g.point([round(255 * (1 - strength * (v / 255) ** power)) for v in range(256)])
    return ImageChops.multiply(img, Image.merge("RGB", (m, m, m)))


def film_tone(img: Image.Image, lift: int = 10, warmth: float = 0.0) -> Image.Image:
    """Lift the blacks and add a gentle S-curve, like a scanned print."""

    def curve(v: float, bias: float) -> int:
        t = v / 255
        t = t * t * (3 - 2 * t) * 0.35 + t * 0.65
        return max(0, min(255, round(lift + t * (255 - lift) + bias)))

    r = [curve(v, 4 * warmth) for v in range(256)]
    g = [curve(v, 0) for v in range(256)]
    b = [curve(v, -4 * warmth) for v in range(256)]
    return img.point(r + g + b)


def finish(img: Image.Image, rng: random.Random, grain_amount=3.0, vig=0.5, warmth=0.0):
    img = film_tone(img, warmth=warmth)
    img = vignette(img, vig)
    return grain(img, rng, grain_amount)


# --------------------------------------------------------------------------- silhouettes


def person(
    d: ImageDraw.ImageDraw,
    cx: float,
    feet: float,
    height: float,
    fill: int = 255,
    gown: bool = False,
    arms: str = "down",
    hair: float = 1.0,
    lean: float = 0.0,
) -> None:
    """Draw a standing figure into an L mask; ``feet`` may lie below the frame."""
    hh = height * 0.12  # head height
    hw = hh * 0.8
    top = feet - height
    hx = cx + lean * height * 0.04
    d.ellipse([hx - hw / 2, top, hx + hw / 2, top + hh], fill=fill)
    if hair > 1.0:  # fuller hair: a larger ellipse behind and below the head
        d.ellipse(
            [
                hx - hw * hair / 2,
                top - hh * 0.05,
                hx + hw * hair / 2,
                top + hh * (0.5 + 0.55 * hair),
            ],
            fill=fill,
        )
    sy = top + hh * 1.12  # shoulder line
    sw = height * 0.115
    d.rectangle([hx - hw * 0.22, top + hh * 0.8, hx + hw * 0.22, sy + 2], fill=fill)
    wy = top + height * 0.5
    ww = height * 0.07
    d.polygon(
        [(cx - sw, sy + hh * 0.25), (cx + sw, sy + hh * 0.25), (cx + ww, wy), (cx - ww, wy)],
        fill=fill,
    )
    d.ellipse([cx - sw, sy, cx - sw + hh * 0.7, sy + hh * 0.6], fill=fill)
    d.ellipse([cx + sw - hh * 0.7, sy, cx + sw, sy + hh * 0.6], fill=fill)
    d.rectangle([cx - sw + hh * 0.3, sy, cx + sw - hh * 0.3, sy + hh * 0.4], fill=fill)
    aw = height * 0.05
    for side in (-1, 1):
        shoulder = (cx + side * (sw - aw * 0.6), sy + hh * 0.25)
        style = arms if arms != "one-up" else ("up" if side == 1 else "down")
        if style == "up":
            hand = (cx + side * sw * 1.5, top - hh * 0.9)
        elif style == "hip":
            elbow = (cx + side * sw * 1.55, top + height * 0.36)
            _limb(d, shoulder, elbow, aw, fill)
            hand = (cx + side * ww * 1.1, wy - hh * 0.1)
            _limb(d, elbow, hand, aw * 0.9, fill)
            continue
        else:
            hand = (cx + side * sw * 1.1, top + height * 0.52)
        _limb(d, shoulder, hand, aw, fill)
    if gown:
        d.polygon(
            [
                (cx - ww, wy - 2),
                (cx + ww, wy - 2),
                (cx + height * 0.2, feet),
                (cx - height * 0.24, feet),
            ],
            fill=fill,
        )
    else:
        d.polygon(
            [
                (cx - ww * 1.1, wy - 2),
                (cx + ww * 1.1, wy - 2),
                (cx + ww * 1.2, wy + hh * 0.6),
                (cx - ww * 1.2, wy + hh * 0.6),
            ],
            fill=fill,
        )
        for side in (-1, 1):
            _limb(
                d,
                (cx + side * ww * 0.55, wy + hh * 0.3),
                (cx + side * ww * 0.9, feet),
                ww * 0.95,
                fill,
            )


def _limb(d: ImageDraw.ImageDraw, a, b, width: float, fill: int) -> None:
    d.line([a, b], fill=fill, width=max(1, round(width)))
    r = width / 2
    for x, y in (a, b):
        d.ellipse([x - r, y - r, x + r, y + r], fill=fill)


def crowd(
    size: Size,
    rng: random.Random,
    count: int,
    rows: Sequence[tuple[float, float]],
    arms_up: float = 0.3,
    phones: list | None = None,
) -> Image.Image:
    """Heads and shoulders along the bottom: rows of (shoulder y fraction, head scale)."""
    w, h = size
    m = Image.new("L", size, 0)
    d = ImageDraw.Draw(m)
    for row_y, s in rows:
        for _ in range(count):
            height = h * s * rng.uniform(0.85, 1.15)
            cx = rng.uniform(-0.05, 1.05) * w
            feet = row_y * h + height * 0.86
            up = rng.random() < arms_up
            arms = rng.choice(["up", "one-up"]) if up else "down"
            person(d, cx, feet, height, 255, arms=arms, hair=rng.uniform(1.0, 1.35))
            if up and phones is not None and rng.random() < 0.6:
                px = cx + (
                    height * 0.115 * 1.5
                    if arms == "one-up"
                    else rng.choice([-1, 1]) * height * 0.17
                )
                py = feet - height - height * 0.13
                phones.append((px, py, height * 0.035))
    return m


def silhouette(img: Image.Image, mask: Image.Image, color: Color, blur: float = 1.2):
    if blur:
        mask = mask.filter(ImageFilter.GaussianBlur(blur))
    return Image.composite(solid(img.size, color), img, mask), mask


def rim(img: Image.Image, mask: Image.Image, dx: int, dy: int, color: Color, blur: float = 2.0):
    """Light the edges of ``mask`` that face the direction (dx, dy)."""
    edge = ImageChops.subtract(mask, ImageChops.offset(mask, -dx, -dy))
    edge = edge.filter(ImageFilter.GaussianBlur(max(blur, 0.9 * max(abs(dx), abs(dy)))))
    return add_light(img, edge, scale_color(color, 0.9))


def draw_phones(img: Image.Image, phones: list, color: Color = (190, 210, 255)) -> Image.Image:
    m = Image.new("L", img.size, 0)
    d = ImageDraw.Draw(m)
    for x, y, s in phones:
        d.rounded_rectangle(
            [x - s * 0.5, y - s * 0.9, x + s * 0.5, y + s * 0.9], radius=s * 0.15, fill=230
        )
    glow = m.filter(ImageFilter.GaussianBlur(min(img.size) * 0.01)).point(lambda v: min(255, v * 2))
    img = add_light(img, glow, scale_color(color, 0.5))
    return add_light(img, m.filter(ImageFilter.GaussianBlur(1)), color)


def shade(img: Image.Image, k: float) -> Image.Image:
    return img.point(lambda v: round(v * k))


# --------------------------------------------------------------------------- scenes


def scene_concert(size: Size, rng: random.Random, palette: str = "neon", performer: bool = True):
    w, h = size
    palettes = {
        "neon": ((10, 6, 26), (38, 12, 54), [(255, 40, 160), (40, 200, 255), (255, 170, 60)]),
        "sunset": ((22, 10, 18), (60, 24, 30), [(255, 150, 60), (255, 80, 90), (250, 210, 140)]),
        "sequins": ((14, 8, 12), (45, 20, 28), [(255, 200, 120), (255, 110, 170), (180, 140, 255)]),
    }
    top, mid, lights = palettes[palette]
    s = low(size)
    bg = gradient(s, [(0, top), (0.55, mid), (1, scale_color(top, 0.5))])
    bg = haze(bg, rng, scale_color(lights[1], 0.35), 4, 0.6)
    srcs = []
    for i in range(7):
        srcs.append(
            (
                (i + 0.5) / 7 + rng.uniform(-0.04, 0.04),
                rng.uniform(-0.02, 0.06),
                rng.uniform(-32, 32),
                rng.uniform(7, 13),
                lights[i % len(lights)],
                rng.uniform(0.35, 0.6),
            )
        )
    bg = beams(bg, rng, srcs)
    bg = bokeh(bg, rng, 40, lights, (0.004, 0.012), (0, 0.0, 1, 0.14), (0.5, 1.0))
    img = bg.resize(size, Image.Resampling.BICUBIC)
    # stage deck
    deck = Image.new("L", size, 0)
    ImageDraw.Draw(deck).rectangle([0, h * 0.74, w, h], fill=255)
    img, _ = silhouette(img, deck, scale_color(mid, 0.35), blur=3)
    if performer:
        m = Image.new("L", size, 0)
        d = ImageDraw.Draw(m)
        px = w * rng.uniform(0.42, 0.6)
        person(d, px, h * 0.76, h * 0.5, arms="one-up", hair=1.45, lean=rng.uniform(-1, 1))
        # microphone stand
        d.line(
            [(px - h * 0.06, h * 0.76), (px - h * 0.06, h * 0.38)], fill=255, width=max(2, w // 600)
        )
        d.line(
            [(px - h * 0.06, h * 0.38), (px - h * 0.02, h * 0.35)], fill=255, width=max(2, w // 600)
        )
        img, m = silhouette(img, m, (8, 5, 10), blur=1.5)
        img = rim(img, m, w // 400, -h // 400, scale_color(lights[0], 0.9), 2.5)
        img = rim(img, m, -w // 500, 0, scale_color(lights[1], 0.7), 2.0)
    phones: list = []
    cm = crowd(size, rng, 26, [(0.86, 0.3), (0.95, 0.42)], 0.35, phones)
    img, cm = silhouette(img, cm, (4, 3, 6), blur=2)
    img = rim(img, cm, 0, -max(2, h // 500), scale_color(lights[2], 0.35), 3)
    img = draw_phones(img, phones)
    if palette == "sequins":  # glitter from a mirror-ball
        img = bokeh(
            img,
            rng,
            120,
            [(255, 240, 220), (255, 200, 230)],
            (0.002, 0.006),
            (0, 0, 1, 0.7),
            (0.3, 0.9),
            0.2,
        )
    img = bokeh(img, rng, 8, lights, (0.05, 0.1), (0, 0.6, 1, 1.0), (0.08, 0.18), 0.2)
    return finish(img, rng, 3.2, 0.55)


def scene_red_carpet(size: Size, rng: random.Random, wall: Color = (70, 24, 30), people: int = 1):
    w, h = size
    s = low(size)
    bg = gradient(s, [(0, scale_color(wall, 0.7)), (0.6, wall), (1, scale_color(wall, 0.4))])
    # step-and-repeat backdrop: a soft grid of logo marks
    marks = Image.new("L", s, 0)
    md = ImageDraw.Draw(marks)
    step = s[0] / 9
    for row in range(int(s[1] * 0.75 / step) + 2):
        for col in range(11):
            x = col * step + (step / 2 if row % 2 else 0)
            y = row * step * 0.8
            r = step * 0.16
            md.ellipse([x - r, y - r, x + r, y + r], outline=255, width=max(1, round(r * 0.25)))
            md.polygon(
                [(x, y - r * 0.55), (x + r * 0.5, y + r * 0.4), (x - r * 0.5, y + r * 0.4)],
                fill=255,
            )
    marks = marks.filter(ImageFilter.GaussianBlur(1.2)).point(lambda v: round(v * 0.22))
    bg = add_light(bg, marks, (255, 225, 190))
    bg = haze(bg, rng, (90, 50, 40), 3, 0.4)
    img = bg.resize(size, Image.Resampling.BICUBIC)
    # carpet in perspective
    carpet = Image.new("L", size, 0)
    ImageDraw.Draw(carpet).polygon(
        [(w * 0.2, h * 0.7), (w * 0.8, h * 0.7), (w * 1.25, h), (-w * 0.25, h)], fill=255
    )
    carpet_col = gradient(size, [(0.7, (70, 6, 14)), (1, (150, 14, 30))])
    img = Image.composite(carpet_col, img, carpet.filter(ImageFilter.GaussianBlur(2)))
    # brass stanchions and velvet rope
    m = Image.new("L", size, 0)
    d = ImageDraw.Draw(m)
    posts = [w * 0.08, w * 0.3, w * 0.7, w * 0.92]
    for x in posts:
        d.rectangle([x - w * 0.004, h * 0.62, x + w * 0.004, h * 0.8], fill=255)
        d.ellipse([x - w * 0.01, h * 0.605, x + w * 0.01, h * 0.635], fill=255)
    img, _ = silhouette(img, m, (150, 110, 40), blur=1)
    img = rim(img, m, -3, -3, (120, 100, 60), 2)
    rope = Image.new("L", size, 0)
    rd = ImageDraw.Draw(rope)
    for a, b in ((posts[0], posts[1]), (posts[2], posts[3])):
        rd.arc([a, h * 0.56, b, h * 0.72], 20, 160, fill=255, width=max(3, w // 300))
    img, _ = silhouette(img, rope, (90, 8, 20), blur=1)
    # the star(s)
    m = Image.new("L", size, 0)
    d = ImageDraw.Draw(m)
    xs = [0.58] if people == 1 else [0.4, 0.62]
    for i, fx in enumerate(xs):
        person(
            d,
            w * (fx + rng.uniform(-0.03, 0.03)),
            h * 0.93,
            h * 0.78,
            gown=(i == 0),
            arms="hip" if i == 0 else "down",
            hair=1.5 if i == 0 else 1.05,
            lean=rng.uniform(-1, 1),
        )
    img, m = silhouette(img, m, (14, 8, 10), blur=1.4)
    img = rim(img, m, w // 500, 0, (255, 230, 200), 2.5)
    img = rim(img, m, -w // 450, -2, (200, 200, 255), 3)
    # photographers' flashes
    img = bokeh(
        img,
        rng,
        18,
        [(255, 255, 255), (210, 225, 255)],
        (0.02, 0.06),
        (0, 0.1, 0.22, 0.8),
        (0.3, 0.8),
        0.05,
    )
    img = bokeh(
        img,
        rng,
        18,
        [(255, 255, 255), (255, 240, 220)],
        (0.02, 0.06),
        (0.78, 0.1, 1, 0.8),
        (0.3, 0.8),
        0.05,
    )
    return finish(img, rng, 3.0, 0.5, warmth=0.5)


def _ridge(size: Size, rng: random.Random, base: float, rough: float, peaks: int) -> list:
    w, h = size
    pts = []
    y = base * h
    n = 60
    heights = [rng.uniform(-1, 1) for _ in range(peaks + 2)]
    for i in range(n + 1):
        t = i / n
        k = t * (peaks + 1)
        j = int(k)
        f = k - j
        f = f * f * (3 - 2 * f)
        v = heights[j] * (1 - f) + heights[min(j + 1, peaks + 1)] * f
        jitter = rng.uniform(-0.2, 0.2) * rough * 0.3
        pts.append((t * w, y - (v + jitter) * rough * h))
    return [*pts, (w, h), (0, h)]


def scene_snow(size: Size, rng: random.Random, night: bool = False):
    w, h = size
    s = low(size)
    if night:
        sky = [(0, (12, 20, 38)), (0.55, (40, 56, 84)), (1, (70, 80, 100))]
    else:
        sky = [(0, (150, 170, 190)), (0.5, (205, 214, 222)), (1, (235, 236, 238))]
    bg = gradient(s, sky)
    sun = (255, 220, 180) if not night else (160, 180, 230)
    bg = add_light(
        bg, radial(s, (s[0] * 0.72, s[1] * 0.42), s[0] * 0.35, 2.0).point(lambda v: v // 2), sun
    )
    layers = [
        (0.5, 0.1, 5, (120, 138, 158)),
        (0.58, 0.08, 7, (92, 108, 128)),
        (0.66, 0.06, 9, (64, 76, 94)),
    ]
    for base, rough, peaks, col in layers:
        m = Image.new("L", s, 0)
        ImageDraw.Draw(m).polygon(_ridge(s, rng, base, rough, peaks), fill=255)
        c = col if not night else scale_color(col, 0.35)
        bg = Image.composite(solid(s, c), bg, m.filter(ImageFilter.GaussianBlur(1.5)))
        # snow on the ridges
        snow = contrast_mask(clouds(s, rng, 10, 3), 130, 200)
        snow = ImageChops.multiply(snow, m)
        bg = Image.composite(
            solid(s, mix(c, (230, 236, 242), 0.55 if not night else 0.25)),
            bg,
            snow.point(lambda v: v // 2),
        )
    ground = Image.new("L", s, 0)
    ImageDraw.Draw(ground).polygon(_ridge(s, rng, 0.74, 0.02, 3), fill=255)
    gcol = (
        gradient(s, [(0.7, (215, 222, 230)), (1, (180, 190, 205))])
        if not night
        else gradient(s, [(0.7, (60, 70, 92)), (1, (30, 36, 52))])
    )
    bg = Image.composite(gcol, bg, ground.filter(ImageFilter.GaussianBlur(1)))
    img = bg.resize(size, Image.Resampling.BICUBIC)
    m = Image.new("L", size, 0)
    d = ImageDraw.Draw(m)
    if night:  # a cabin with lit windows
        cx, cy, cw = w * 0.38, h * 0.78, w * 0.22
        d.rectangle([cx, cy - cw * 0.35, cx + cw, cy], fill=255)
        d.polygon(
            [
                (cx - cw * 0.08, cy - cw * 0.33),
                (cx + cw / 2, cy - cw * 0.72),
                (cx + cw * 1.08, cy - cw * 0.33),
            ],
            fill=255,
        )
        d.rectangle([cx + cw * 0.75, cy - cw * 0.8, cx + cw * 0.85, cy - cw * 0.5], fill=255)
        img, _ = silhouette(img, m, (10, 12, 18), 1.2)
        win = Image.new("L", size, 0)
        wd = ImageDraw.Draw(win)
        for fx in (0.15, 0.42, 0.7):
            wd.rectangle(
                [cx + cw * fx, cy - cw * 0.25, cx + cw * (fx + 0.13), cy - cw * 0.1], fill=255
            )
        img = add_light(img, win.filter(ImageFilter.GaussianBlur(w * 0.01)), (200, 120, 40))
        img = add_light(img, win.filter(ImageFilter.GaussianBlur(1)), (255, 200, 120))
        m = Image.new("L", size, 0)
        d = ImageDraw.Draw(m)
        person(d, w * 0.7, h * 0.86, h * 0.2, arms="down", hair=1.1)
    else:  # a lone figure in a long coat with a lantern
        fx, feet, fh = w * 0.7, h * 0.84, h * 0.22
        person(d, fx, feet, fh, gown=True, arms="down", hair=1.2)
        lantern = (fx + fh * 0.15, feet - fh * 0.46)
        img = add_light(img, radial(size, lantern, h * 0.05, 1.5), (255, 170, 70))
    img, _ = silhouette(img, m, (22, 26, 34) if not night else (6, 8, 12), 1.4)
    if not night:
        img = add_light(img, radial(size, lantern, h * 0.012, 1.0), (255, 230, 170))
    # falling snow, near and far
    flakes = [(255, 255, 255), (235, 240, 255)]
    img = bokeh(img, rng, 260, flakes, (0.0015, 0.004), (0, 0, 1, 1), (0.25, 0.7), 0.3)
    img = bokeh(img, rng, 14, flakes, (0.015, 0.035), (0, 0, 1, 1), (0.12, 0.3), 0.25)
    return finish(img, rng, 2.6, 0.35 if not night else 0.5)


def scene_space(size: Size, rng: random.Random):
    w, h = size
    s = low(size)
    bg = gradient(s, [(0, (3, 4, 14)), (1, (8, 10, 24))])
    for color, lo, hi in (
        ((40, 120, 150), 140, 230),
        ((150, 40, 120), 150, 235),
        ((60, 40, 140), 120, 210),
    ):
        neb = contrast_mask(clouds(s, rng, 3, 5), lo, hi)
        bg = add_light(bg, neb, color)
    img = bg.resize(size, Image.Resampling.BICUBIC)
    stars = Image.new("L", size, 0)
    sd = ImageDraw.Draw(stars)
    for _ in range(int(w * h / 2500)):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.choice([0.8, 1.0, 1.2, 1.6, 2.2])
        sd.ellipse([x - r, y - r, x + r, y + r], fill=rng.randint(90, 255))
    img = add_light(img, stars.filter(ImageFilter.GaussianBlur(0.6)), (235, 240, 255))
    img = bokeh(
        img,
        rng,
        25,
        [(255, 255, 255), (200, 220, 255), (255, 220, 200)],
        (0.002, 0.005),
        (0, 0, 1, 1),
        (0.6, 1.0),
        0.3,
    )
    # planet, lit from the upper left
    pr = h * 0.55
    pc = (w * 0.86, h * 1.02)
    pm = Image.new("L", size, 0)
    ImageDraw.Draw(pm).ellipse([pc[0] - pr, pc[1] - pr, pc[0] + pr, pc[1] + pr], fill=255)
    surface = gradient(size, [(0, (180, 120, 90)), (0.6, (120, 70, 60)), (1, (40, 20, 30))])
    bands = contrast_mask(clouds((w, h), rng, 2, 4).resize((w, h)), 80, 200)
    surface = ImageChops.multiply(
        surface, Image.merge("RGB", (bands.point(lambda v: 160 + v * 95 // 255),) * 3)
    )
    light = radial(size, (pc[0] - pr * 0.55, pc[1] - pr * 0.6), pr * 1.5, 1.4)
    surface = ImageChops.multiply(surface, Image.merge("RGB", (light,) * 3))
    img = Image.composite(surface, img, pm.filter(ImageFilter.GaussianBlur(2)))
    img = rim(img, pm, -w // 250, -h // 250, (120, 190, 255), 8)
    # a ship crossing
    m = Image.new("L", size, 0)
    sx, sy, sl = w * 0.3, h * 0.38, w * 0.09
    ImageDraw.Draw(m).polygon(
        [
            (sx, sy),
            (sx + sl, sy - sl * 0.12),
            (sx + sl * 0.82, sy + sl * 0.02),
            (sx + sl, sy + sl * 0.1),
        ],
        fill=255,
    )
    img, _ = silhouette(img, m, (10, 10, 16), 1)
    img = add_light(img, radial(size, (sx + sl * 0.95, sy), sl * 0.25, 2.0), (80, 160, 255))
    return finish(img, rng, 3.0, 0.45)


def scene_premiere(size: Size, rng: random.Random):
    w, h = size
    s = low(size)
    bg = gradient(s, [(0, (6, 8, 22)), (0.5, (22, 24, 48)), (1, (12, 10, 16))])
    bg = beams(
        bg,
        rng,
        [(0.15, 1.0, 160, 4, (160, 170, 220), 0.35), (0.85, 1.0, -165, 4, (160, 170, 220), 0.35)],
    )
    img = bg.resize(size, Image.Resampling.BICUBIC)
    # theatre marquee: glowing board framed with bulbs
    board = Image.new("L", size, 0)
    bx0, by0, bx1, by1 = w * 0.18, h * 0.12, w * 0.82, h * 0.36
    ImageDraw.Draw(board).rectangle([bx0, by0, bx1, by1], fill=255)
    img = Image.composite(
        gradient(size, [(0.12, (255, 240, 215)), (0.36, (230, 200, 160))]), img, board
    )
    lines = Image.new("L", size, 0)
    ld = ImageDraw.Draw(lines)
    for i in range(3):
        y = by0 + (by1 - by0) * (0.22 + i * 0.28)
        x = bx0 + w * 0.05
        while x < bx1 - w * 0.06:
            lw = rng.uniform(0.015, 0.045) * w
            ld.rectangle([x, y, x + lw, y + h * 0.035], fill=255)
            x += lw + w * 0.012
    img = Image.composite(
        solid(size, (40, 20, 20)), img, lines.filter(ImageFilter.GaussianBlur(w * 0.002))
    )
    perim = []
    n = 40
    for i in range(n):
        t = i / n
        perim.append((bx0 + (bx1 - bx0) * t, by0 - h * 0.025))
        perim.append((bx0 + (bx1 - bx0) * t, by1 + h * 0.025))
    for i in range(12):
        t = i / 11
        perim.append((bx0 - w * 0.015, by0 + (by1 - by0) * t))
        perim.append((bx1 + w * 0.015, by0 + (by1 - by0) * t))
    bm = Image.new("L", size, 0)
    bd = ImageDraw.Draw(bm)
    r = h * 0.008
    for x, y in perim:
        bd.ellipse([x - r, y - r, x + r, y + r], fill=255)
    img = add_light(img, bm.filter(ImageFilter.GaussianBlur(h * 0.012)), (200, 130, 50))
    img = add_light(img, bm.filter(ImageFilter.GaussianBlur(1)), (255, 230, 170))
    phones: list = []
    cm = crowd(size, rng, 30, [(0.72, 0.32), (0.85, 0.42), (0.98, 0.55)], 0.3, phones)
    img, cm = silhouette(img, cm, (6, 6, 10), 2)
    img = rim(img, cm, 0, -max(2, h // 400), (200, 160, 110), 3)
    img = draw_phones(img, phones)
    img = bokeh(img, rng, 16, [(255, 255, 255)], (0.02, 0.05), (0, 0.3, 1, 0.8), (0.2, 0.5), 0.06)
    return finish(img, rng, 3.2, 0.5)


def statuette(d: ImageDraw.ImageDraw, cx: float, base: float, height: float, fill: int = 255):
    """A stylised award: a slender figure holding a disc aloft, on a stepped plinth."""
    pw = height * 0.22
    d.rectangle([cx - pw, base - height * 0.1, cx + pw, base], fill=fill)
    d.rectangle(
        [cx - pw * 0.7, base - height * 0.16, cx + pw * 0.7, base - height * 0.1], fill=fill
    )
    body_top = base - height * 0.78
    d.polygon(
        [
            (cx - height * 0.05, base - height * 0.16),
            (cx + height * 0.05, base - height * 0.16),
            (cx + height * 0.06, body_top + height * 0.18),
            (cx - height * 0.06, body_top + height * 0.18),
        ],
        fill=fill,
    )
    d.ellipse(
        [
            cx - height * 0.045,
            body_top + height * 0.06,
            cx + height * 0.045,
            body_top + height * 0.16,
        ],
        fill=fill,
    )
    d.line(
        [
            (cx - height * 0.05, body_top + height * 0.2),
            (cx - height * 0.02, body_top - height * 0.02),
        ],
        fill=fill,
        width=max(2, round(height * 0.03)),
    )
    d.line(
        [
            (cx + height * 0.05, body_top + height * 0.2),
            (cx + height * 0.02, body_top - height * 0.02),
        ],
        fill=fill,
        width=max(2, round(height * 0.03)),
    )
    d.ellipse([cx - height * 0.1, body_top - height * 0.2, cx + height * 0.1, body_top], fill=fill)


def scene_awards_stage(size: Size, rng: random.Random, accent: Color = (255, 190, 90)):
    w, h = size
    s = low(size)
    bg = gradient(s, [(0, (8, 6, 14)), (0.5, (28, 18, 40)), (1, (6, 5, 8))])
    # the giant LED wall behind the stage
    wall = Image.new("L", s, 0)
    ImageDraw.Draw(wall).rectangle([s[0] * 0.1, s[1] * 0.08, s[0] * 0.9, s[1] * 0.62], fill=255)
    wall_col = gradient(s, [(0, (60, 30, 90)), (1, (140, 60, 90))], horizontal=True)
    glow = contrast_mask(clouds(s, rng, 4, 3), 90, 220)
    wall_col = ImageChops.multiply(
        wall_col, Image.merge("RGB", (glow.point(lambda v: 120 + v * 135 // 255),) * 3)
    )
    bg = Image.composite(wall_col, bg, wall.filter(ImageFilter.GaussianBlur(2)))
    bg = beams(
        bg,
        rng,
        [
            (0.5, -0.05, 0, 16, (255, 235, 200), 0.7),
            (0.2, 0.0, 25, 8, accent, 0.35),
            (0.8, 0.0, -25, 8, accent, 0.35),
        ],
    )
    img = bg.resize(size, Image.Resampling.BICUBIC)
    # stage floor and podium
    m = Image.new("L", size, 0)
    d = ImageDraw.Draw(m)
    d.rectangle([0, h * 0.78, w, h], fill=255)
    d.polygon(
        [(w * 0.62, h * 0.5), (w * 0.74, h * 0.5), (w * 0.72, h * 0.8), (w * 0.64, h * 0.8)],
        fill=255,
    )
    img, _ = silhouette(img, m, (18, 12, 20), 2)
    img = rim(img, m, 0, -h // 300, (120, 90, 120), 3)
    # the winner, holding the statuette up
    m = Image.new("L", size, 0)
    d = ImageDraw.Draw(m)
    px = w * 0.47
    person(d, px, h * 0.8, h * 0.56, gown=True, arms="one-up", hair=1.4)
    img, m = silhouette(img, m, (12, 8, 14), 1.3)
    img = rim(img, m, 0, -h // 350, (255, 235, 200), 3)
    img = rim(img, m, w // 600, 0, accent, 2)
    gold = Image.new("L", size, 0)
    hand = (px + h * 0.56 * 0.115 * 1.5, h * 0.8 - h * 0.56 * 1.11)
    statuette(ImageDraw.Draw(gold), hand[0], hand[1] + h * 0.02, h * 0.14)
    gold_col = gradient(
        size, [(0, (255, 230, 150)), (0.4, (200, 150, 50)), (1, (120, 80, 20))], horizontal=True
    )
    img = Image.composite(gold_col, img, gold.filter(ImageFilter.GaussianBlur(1)))
    img = add_light(img, radial(size, hand, h * 0.12, 1.6).point(lambda v: v // 2), accent)
    # audience bokeh in the foreground
    img = bokeh(
        img,
        rng,
        50,
        [accent, (255, 255, 255), (255, 120, 160)],
        (0.004, 0.012),
        (0, 0.82, 1, 1),
        (0.2, 0.6),
    )
    phones: list = []
    cm = crowd(size, rng, 22, [(0.94, 0.4)], 0.15, phones)
    img, _ = silhouette(img, cm, (4, 3, 6), 3)
    img = draw_phones(img, phones)
    return finish(img, rng, 3.0, 0.5)


def scene_press_room(size: Size, rng: random.Random, wall: Color = (24, 40, 78)):
    """Winners posing in front of a logo wall, trophies in hand."""
    w, h = size
    img = scene_red_carpet_backdrop(size, rng, wall)
    m = Image.new("L", size, 0)
    d = ImageDraw.Draw(m)
    xs = (0.3, 0.5, 0.7)
    for i, fx in enumerate(xs):
        person(
            d, w * fx, h * 1.05, h * 0.9, gown=(i != 1), arms="down", hair=1.45 if i != 1 else 1.0
        )
    img, m = silhouette(img, m, (16, 12, 16), 1.3)
    img = rim(img, m, -w // 450, -2, (230, 235, 255), 3)
    img = rim(img, m, w // 600, 0, (255, 210, 160), 2)
    gold = Image.new("L", size, 0)
    gd = ImageDraw.Draw(gold)
    for fx in (0.3, 0.5, 0.7):
        statuette(gd, w * fx + h * 0.12, h * 0.72, h * 0.2)
    gold_col = gradient(size, [(0.45, (255, 230, 150)), (0.75, (150, 100, 30))])
    img = Image.composite(gold_col, img, gold.filter(ImageFilter.GaussianBlur(1)))
    img = bokeh(
        img,
        rng,
        26,
        [(255, 255, 255), (220, 230, 255)],
        (0.02, 0.05),
        (0, 0.1, 1, 0.5),
        (0.25, 0.6),
        0.05,
    )
    return finish(img, rng, 3.0, 0.45)


def scene_red_carpet_backdrop(size: Size, rng: random.Random, wall: Color):
    s = low(size)
    bg = gradient(s, [(0, scale_color(wall, 0.8)), (0.7, wall), (1, scale_color(wall, 0.5))])
    marks = Image.new("L", s, 0)
    md = ImageDraw.Draw(marks)
    step = s[0] / 8
    for row in range(int(s[1] / (step * 0.7)) + 2):
        for col in range(10):
            x = col * step + (step / 2 if row % 2 else 0)
            y = row * step * 0.7
            r = step * 0.18
            md.rounded_rectangle(
                [x - r * 1.4, y - r * 0.6, x + r * 1.4, y + r * 0.6],
                radius=r * 0.3,
                outline=255,
                width=max(1, round(r * 0.2)),
            )
    marks = marks.filter(ImageFilter.GaussianBlur(1)).point(lambda v: round(v * 0.3))
    bg = add_light(bg, marks, (235, 240, 255))
    bg = add_light(
        bg,
        radial(s, (s[0] * 0.5, s[1] * 0.4), s[0] * 0.6, 1.5).point(lambda v: v // 3),
        (200, 200, 230),
    )
    return bg.resize(size, Image.Resampling.BICUBIC)


def scene_studio_portrait(
    size: Size,
    rng: random.Random,
    paper: Color,
    fabric: Color,
    sparkle: bool = False,
    suit: bool = False,
):
    """A fashion shot on seamless paper: a gown (or a suit) with folds, lit from the left."""
    w, h = size
    s = low(size)
    bg = gradient(s, [(0, scale_color(paper, 0.7)), (0.75, paper), (1, scale_color(paper, 0.85))])
    bg = add_light(
        bg,
        radial(s, (s[0] * 0.35, s[1] * 0.4), s[1] * 0.5, 1.6).point(lambda v: v // 3),
        (255, 245, 230),
    )
    img = bg.resize(size, Image.Resampling.BICUBIC)
    # floor shadow
    sh = Image.new("L", size, 0)
    ImageDraw.Draw(sh).ellipse([w * 0.2, h * 0.9, w * 0.95, h * 0.98], fill=150)
    img = ImageChops.subtract(
        img, tint(sh.filter(ImageFilter.GaussianBlur(w * 0.03)), (80, 80, 80))
    )
    body = Image.new("L", size, 0)
    d = ImageDraw.Draw(body)
    cx, feet, fh = w * 0.5, h * 0.94, h * 0.86
    person(d, cx, feet, fh, gown=False, arms="hip", hair=1.0 if suit else 1.5)
    dress = Image.new("L", size, 0)
    dd = ImageDraw.Draw(dress)
    wy = feet - fh * 0.5
    sy = feet - fh + fh * 0.125 * 1.12
    dd.polygon(
        [
            (cx - fh * 0.1, sy + fh * 0.03),
            (cx + fh * 0.1, sy + fh * 0.03),
            (cx + fh * 0.075, wy),
            (cx + fh * 0.26, feet),
            (cx - fh * 0.3, feet),
            (cx - fh * 0.075, wy),
        ],
        fill=255,
    )
    dd.ellipse([cx - fh * 0.32, feet - fh * 0.03, cx + fh * 0.28, feet + fh * 0.02], fill=255)
    if suit:  # tailoring covers everything below the collar: jacket, sleeves, trousers
        dress = Image.new("L", size, 0)
        ImageDraw.Draw(dress).rectangle([0, sy - fh * 0.01, w, h], fill=255)
        dress = ImageChops.multiply(dress, body)
    img, body = silhouette(img, body, mix(paper, (30, 22, 20), 0.85), 1.2)
    folds = Image.new("L", (w // 8, 8), 0)
    fd = ImageDraw.Draw(folds)
    for x in range(w // 8):
        fd.line([(x, 0), (x, 8)], fill=rng.randint(60, 255))
    folds = folds.filter(ImageFilter.GaussianBlur(2.5)).resize(size, Image.Resampling.BICUBIC)
    lightx = gradient(size, [(0, (255, 255, 255)), (1, (110, 110, 110))], horizontal=True)
    cloth = ImageChops.multiply(
        solid(size, fabric), Image.merge("RGB", (folds.point(lambda v: 110 + v * 145 // 255),) * 3)
    )
    cloth = ImageChops.multiply(cloth, lightx)
    if sparkle:
        cloth = bokeh(
            cloth,
            rng,
            500,
            [(255, 250, 230), (255, 220, 240)],
            (0.0015, 0.004),
            (0.25, 0.15, 0.75, 1),
            (0.3, 0.9),
            0.25,
        )
    img = Image.composite(cloth, img, dress.filter(ImageFilter.GaussianBlur(1.2)))
    img = rim(img, ImageChops.lighter(body, dress), -w // 400, 0, (255, 240, 220), 3)
    return finish(img, rng, 2.6, 0.4, warmth=0.3)


def scene_small_town(size: Size, rng: random.Random, moons: int = 2):
    w, h = size
    s = low(size)
    bg = gradient(
        s, [(0, (14, 22, 58)), (0.45, (58, 60, 110)), (0.7, (210, 120, 90)), (0.8, (245, 175, 110))]
    )
    img = bg.resize(size, Image.Resampling.BICUBIC)
    # paper moons: big lanterns hung over the street
    for i in range(moons):
        c = (w * (0.3 + 0.4 * i) + rng.uniform(-0.05, 0.05) * w, h * rng.uniform(0.2, 0.3))
        r = h * (0.09 if i == 0 else 0.06)
        img = add_light(img, radial(size, c, r * 3, 2.0).point(lambda v: v // 2), (255, 190, 120))
        m = Image.new("L", size, 0)
        ImageDraw.Draw(m).ellipse([c[0] - r, c[1] - r, c[0] + r, c[1] + r], fill=255)
        face = gradient(size, [(0, (255, 248, 225)), (1, (250, 200, 140))], horizontal=True)
        img = Image.composite(face, img, m.filter(ImageFilter.GaussianBlur(2)))
        ImageDraw.Draw(img).line(
            [(c[0], 0), (c[0], c[1] - r)], fill=(30, 26, 40), width=max(2, w // 1000)
        )
    # rooftops
    m = Image.new("L", size, 0)
    d = ImageDraw.Draw(m)
    windows = []
    x = -w * 0.02
    while x < w:
        bw = rng.uniform(0.08, 0.16) * w
        top = h * rng.uniform(0.58, 0.7)
        d.rectangle([x, top, x + bw, h], fill=255)
        if rng.random() < 0.7:
            d.polygon(
                [(x - bw * 0.05, top + 1), (x + bw / 2, top - bw * 0.35), (x + bw * 1.05, top + 1)],
                fill=255,
            )
        if rng.random() < 0.35:
            d.rectangle([x + bw * 0.7, top - bw * 0.35, x + bw * 0.8, top - bw * 0.1], fill=255)
        for row in range(3):
            for col in range(3):
                if rng.random() < 0.45:
                    wx = x + bw * (0.15 + col * 0.27)
                    wy = top + (h - top) * (0.12 + row * 0.22)
                    windows.append((wx, wy, bw * 0.13, (h - top) * 0.1))
        x += bw + rng.uniform(0, 0.02) * w
    # water tower
    tx = w * 0.82
    d.rectangle([tx - w * 0.035, h * 0.4, tx + w * 0.035, h * 0.5], fill=255)
    d.polygon([(tx - w * 0.04, h * 0.4), (tx, h * 0.36), (tx + w * 0.04, h * 0.4)], fill=255)
    for dx in (-0.03, 0.03):
        d.line(
            [(tx + dx * w, h * 0.5), (tx + dx * w * 1.3, h * 0.62)],
            fill=255,
            width=max(2, w // 500),
        )
    img, _ = silhouette(img, m, (12, 12, 24), 1.2)
    wm = Image.new("L", size, 0)
    wd = ImageDraw.Draw(wm)
    for wx, wy, ww, wh in windows:
        wd.rectangle([wx, wy, wx + ww, wy + wh], fill=rng.randint(150, 255))
    img = add_light(img, wm.filter(ImageFilter.GaussianBlur(w * 0.006)), (160, 90, 30))
    img = add_light(img, wm.filter(ImageFilter.GaussianBlur(1)), (255, 200, 120))
    # string lights across the street
    bulbs = Image.new("L", size, 0)
    bd = ImageDraw.Draw(bulbs)
    r = h * 0.006
    for k in range(2):
        y0 = h * (0.42 + 0.08 * k)
        pts = [(t / 30 * w, y0 + math.sin(t / 30 * math.pi) * h * 0.08) for t in range(31)]
        ImageDraw.Draw(img).line(pts, fill=(20, 18, 30), width=max(2, w // 1200))
        for px, py in pts[1:-1]:
            bd.ellipse([px - r, py + r * 0.5, px + r, py + r * 2.5], fill=255)
    img = add_light(img, bulbs.filter(ImageFilter.GaussianBlur(h * 0.012)), (200, 120, 50))
    img = add_light(img, bulbs.filter(ImageFilter.GaussianBlur(1)), (255, 220, 150))
    img = bokeh(img, rng, 10, [(255, 200, 130)], (0.03, 0.06), (0, 0.5, 1, 1), (0.1, 0.2), 0.2)
    return finish(img, rng, 3.0, 0.5, warmth=0.4)


def scene_tv_studio(size: Size, rng: random.Random):
    w, h = size
    s = low(size)
    bg = gradient(s, [(0, (8, 8, 24)), (0.6, (26, 20, 60)), (1, (14, 10, 26))])
    # city skyline backdrop (soft: it is far behind the desk)
    city = Image.new("L", s, 0)
    wins = Image.new("L", s, 0)
    cd, wd = ImageDraw.Draw(city), ImageDraw.Draw(wins)
    x = 0.0
    while x < s[0]:
        bw = rng.uniform(0.04, 0.09) * s[0]
        top = s[1] * rng.uniform(0.2, 0.5)
        cd.rectangle([x, top, x + bw - 2, s[1]], fill=255)
        yy = top + 3
        while yy < s[1] * 0.8:
            xx = x + 2
            while xx < x + bw - 5:
                if rng.random() < 0.4:
                    wd.rectangle([xx, yy, xx + 1, yy + 1], fill=rng.randint(120, 255))
                xx += 4
            yy += 4
        x += bw
    bg = Image.composite(solid(s, (20, 18, 44)), bg, city)
    bg = add_light(bg, wins.filter(ImageFilter.GaussianBlur(0.8)), (255, 200, 130))
    bg = bg.filter(ImageFilter.GaussianBlur(1.5))
    bg = bokeh(
        bg, rng, 30, [(255, 240, 220), (180, 200, 255)], (0.006, 0.016), (0, 0, 1, 0.12), (0.5, 1.0)
    )
    img = bg.resize(size, Image.Resampling.BICUBIC)
    portrait = h > w
    # desk
    m = Image.new("L", size, 0)
    d = ImageDraw.Draw(m)
    if portrait:
        host_x, host_feet, host_h = w * 0.5, h * 0.95, h * 0.62
        d.rectangle([0, h * 0.9, w, h], fill=255)
    else:
        host_x, host_feet, host_h = w * 0.66, h * 1.05, h * 0.78
        d.rounded_rectangle([w * 0.45, h * 0.66, w * 1.05, h * 1.05], radius=h * 0.04, fill=255)
        # guest chair
        d.rounded_rectangle([w * 0.12, h * 0.55, w * 0.3, h * 0.85], radius=h * 0.05, fill=255)
        d.rectangle([w * 0.2, h * 0.85, w * 0.22, h], fill=255)
    desk_m = m
    m2 = Image.new("L", size, 0)
    person(
        ImageDraw.Draw(m2),
        host_x,
        host_feet,
        host_h,
        arms="one-up" if portrait else "hip",
        hair=1.05,
    )
    if portrait:  # hand-held microphone
        mx, my = host_x + host_h * 0.115 * 1.5, host_feet - host_h * 1.11
        ImageDraw.Draw(m2).line(
            [(mx, my), (mx - w * 0.02, my + h * 0.04)], fill=255, width=max(3, w // 180)
        )
    img, m2 = silhouette(img, m2, (10, 8, 16), 1.3)
    img = rim(img, m2, w // 500, -2, (255, 200, 150), 2.5)
    img = rim(img, m2, -w // 600, 0, (150, 160, 255), 2)
    desk_col = gradient(size, [(0.6, (60, 30, 40)), (1, (20, 10, 16))])
    img = Image.composite(desk_col, img, desk_m.filter(ImageFilter.GaussianBlur(1.5)))
    img = rim(img, desk_m, 0, -max(2, h // 400), (255, 220, 190), 2)
    # a mug on the desk catching the light
    if not portrait:
        mug = Image.new("L", size, 0)
        ImageDraw.Draw(mug).rounded_rectangle(
            [w * 0.52, h * 0.6, w * 0.55, h * 0.665], radius=w * 0.005, fill=255
        )
        img = Image.composite(
            solid(size, (200, 60, 80)), img, mug.filter(ImageFilter.GaussianBlur(1))
        )
        img = rim(img, mug, -3, 0, (255, 230, 220), 1.5)
    return finish(img, rng, 3.0, 0.45)


def scene_garden_gala(size: Size, rng: random.Random):
    w, h = size
    s = low(size)
    bg = gradient(s, [(0, (6, 12, 18)), (0.6, (18, 32, 36)), (1, (10, 14, 14))])
    trees = Image.new("L", s, 0)
    td = ImageDraw.Draw(trees)
    for _ in range(60):
        x = rng.uniform(0, s[0])
        y = rng.uniform(0, s[1] * 0.55)
        r = rng.uniform(0.04, 0.1) * s[0]
        td.ellipse([x - r, y - r, x + r, y + r], fill=255)
    bg = Image.composite(solid(s, (8, 20, 16)), bg, trees.filter(ImageFilter.GaussianBlur(4)))
    img = bg.resize(size, Image.Resampling.BICUBIC)
    # string lights: catenaries of warm bulbs
    bm = Image.new("L", size, 0)
    bd = ImageDraw.Draw(bm)
    wire = Image.new("L", size, 0)
    wd = ImageDraw.Draw(wire)
    for k in range(4):
        y0 = h * (0.06 + 0.09 * k)
        sag = h * (0.08 + 0.04 * k)
        pts = [(t / 40 * w, y0 + sag * math.sin(t / 40 * math.pi)) for t in range(41)]
        wd.line(pts, fill=255, width=max(2, w // 1500))
        r = h * (0.006 + 0.002 * k)
        for px, py in pts[1:-1:2]:
            bd.ellipse([px - r, py, px + r, py + 2.4 * r], fill=255)
    img, _ = silhouette(img, wire, (6, 8, 8), 0.8)
    img = add_light(img, bm.filter(ImageFilter.GaussianBlur(h * 0.015)), (200, 120, 40))
    img = add_light(img, bm.filter(ImageFilter.GaussianBlur(1.2)), (255, 225, 160))
    img = bokeh(
        img,
        rng,
        50,
        [(255, 200, 120), (255, 170, 90)],
        (0.01, 0.03),
        (0, 0, 1, 0.5),
        (0.15, 0.5),
        0.08,
    )
    # guests
    m = Image.new("L", size, 0)
    d = ImageDraw.Draw(m)
    for i in range(9):
        fh = h * rng.uniform(0.42, 0.62)
        fx = w * (0.06 + i * 0.11 + rng.uniform(-0.03, 0.03))
        person(
            d,
            fx,
            h * 0.62 + fh * 0.8,
            fh,
            gown=rng.random() < 0.5,
            arms=rng.choice(["down", "hip", "down"]),
            hair=rng.uniform(1.0, 1.5),
            lean=rng.uniform(-1, 1),
        )
    img, m = silhouette(img, m, (8, 10, 10), 1.6)
    img = rim(img, m, 0, -max(2, h // 400), (255, 190, 110), 3)
    # candlelit tables in front
    tm = Image.new("L", size, 0)
    tdd = ImageDraw.Draw(tm)
    candles = []
    for fx in (0.18, 0.52, 0.86):
        tdd.ellipse([w * (fx - 0.14), h * 0.84, w * (fx + 0.14), h * 0.96], fill=255)
        tdd.rectangle([w * (fx - 0.14), h * 0.9, w * (fx + 0.14), h * 1.0], fill=255)
        candles += [(w * (fx + dx), h * 0.86) for dx in (-0.06, 0.0, 0.06)]
    img = Image.composite(
        gradient(size, [(0.84, (210, 200, 180)), (1, (70, 60, 50))]),
        img,
        tm.filter(ImageFilter.GaussianBlur(2)),
    )
    flames = Image.new("L", size, 0)
    fd = ImageDraw.Draw(flames)
    r = h * 0.006
    for cx, cy in candles:
        fd.ellipse([cx - r, cy - r * 2, cx + r, cy + r], fill=255)
    img = add_light(
        img,
        flames.filter(ImageFilter.GaussianBlur(h * 0.025)).point(lambda v: min(255, v * 3)),
        (200, 110, 40),
    )
    img = add_light(img, flames.filter(ImageFilter.GaussianBlur(1.5)), (255, 230, 170))
    return finish(img, rng, 3.0, 0.5, warmth=0.3)


def scene_festival_sunset(size: Size, rng: random.Random):
    w, h = size
    s = low(size)
    bg = gradient(
        s,
        [(0, (40, 30, 90)), (0.35, (170, 70, 110)), (0.6, (250, 150, 80)), (0.68, (255, 210, 140))],
    )
    bg = add_light(bg, radial(s, (s[0] * 0.3, s[1] * 0.62), s[0] * 0.4, 2.2), (120, 80, 30))
    bg = haze(bg, rng, (60, 30, 50), 3, 0.3)
    img = bg.resize(size, Image.Resampling.BICUBIC)
    sun = Image.new("L", size, 0)
    ImageDraw.Draw(sun).ellipse([w * 0.27, h * 0.56, w * 0.33, h * 0.56 + w * 0.06], fill=255)
    img = add_light(img, sun.filter(ImageFilter.GaussianBlur(3)), (80, 60, 30))
    m = Image.new("L", size, 0)
    d = ImageDraw.Draw(m)
    # desert floor with far hills
    d.polygon(_ridge(size, rng, 0.66, 0.03, 4), fill=255)
    # ferris wheel
    fc, fr = (w * 0.72, h * 0.38), h * 0.24
    lw = max(2, w // 700)
    d.ellipse([fc[0] - fr, fc[1] - fr, fc[0] + fr, fc[1] + fr], outline=255, width=lw * 2)
    d.ellipse(
        [fc[0] - fr * 0.9, fc[1] - fr * 0.9, fc[0] + fr * 0.9, fc[1] + fr * 0.9],
        outline=255,
        width=lw,
    )
    for k in range(16):
        a = k * math.pi / 8
        ex, ey = fc[0] + fr * math.cos(a), fc[1] + fr * math.sin(a)
        d.line([fc, (ex, ey)], fill=255, width=lw)
        d.rectangle([ex - fr * 0.06, ey, ex + fr * 0.06, ey + fr * 0.1], fill=255)
    d.line([fc, (fc[0] - fr * 0.6, h * 0.7)], fill=255, width=lw * 3)
    d.line([fc, (fc[0] + fr * 0.6, h * 0.7)], fill=255, width=lw * 3)
    # flags on poles and a Joshua tree or two
    for fx in (0.1, 0.2, 0.45, 0.55):
        x = w * fx
        d.line([(x, h * 0.7), (x, h * 0.3)], fill=255, width=lw)
        d.polygon([(x, h * 0.3), (x + w * 0.03, h * 0.32), (x, h * 0.34)], fill=255)
    for tx in (0.05, 0.93):
        x = w * tx
        d.line([(x, h * 0.72), (x, h * 0.5)], fill=255, width=lw * 5)
        for a in (-40, 35, -70, 60):
            rad = math.radians(a)
            ex, ey = x + math.sin(rad) * h * 0.08, h * 0.55 - math.cos(rad) * h * 0.08
            d.line([(x, h * 0.56), (ex, ey)], fill=255, width=lw * 3)
            d.ellipse([ex - h * 0.015, ey - h * 0.02, ex + h * 0.015, ey + h * 0.02], fill=255)
    img, m = silhouette(img, m, (30, 16, 30), 1.2)
    lights = Image.new("L", size, 0)
    ld = ImageDraw.Draw(lights)
    for k in range(48):
        a = k * math.pi / 24
        x, y = fc[0] + fr * math.cos(a), fc[1] + fr * math.sin(a)
        ld.ellipse([x - lw * 2, y - lw * 2, x + lw * 2, y + lw * 2], fill=255)
    img = add_light(img, lights.filter(ImageFilter.GaussianBlur(lw * 4)), (255, 120, 160))
    img = add_light(img, lights.filter(ImageFilter.GaussianBlur(1)), (255, 230, 200))
    phones: list = []
    cm = crowd(size, rng, 28, [(0.8, 0.3), (0.92, 0.42)], 0.45, phones)
    img, cm = silhouette(img, cm, (20, 10, 20), 2)
    img = rim(img, cm, -max(2, w // 700), -2, (255, 170, 90), 3)
    img = draw_phones(img, phones, (255, 240, 220))
    return finish(img, rng, 3.0, 0.45, warmth=0.4)


def scene_newsroom(size: Size, rng: random.Random):
    w, h = size
    s = low(size)
    bg = gradient(s, [(0, (30, 34, 40)), (0.5, (48, 52, 58)), (1, (22, 24, 28))])
    # tall windows at the back
    win = Image.new("L", s, 0)
    wd = ImageDraw.Draw(win)
    for i in range(6):
        x = s[0] * (0.04 + i * 0.16)
        wd.rectangle([x, s[1] * 0.06, x + s[0] * 0.13, s[1] * 0.56], fill=255)
    bg = add_light(bg, win.filter(ImageFilter.GaussianBlur(3)), (170, 180, 190))
    bg = add_light(bg, win.filter(ImageFilter.GaussianBlur(12)), (60, 60, 50))
    img = bg.resize(size, Image.Resampling.BICUBIC)
    m = Image.new("L", size, 0)
    d = ImageDraw.Draw(m)
    screens = []
    for row, (y, sc) in enumerate(((0.6, 0.6), (0.78, 1.0))):
        n = 4 if row == 0 else 3
        for i in range(n):
            x = w * ((i + 0.5) / n) + rng.uniform(-0.03, 0.03) * w
            person(
                d,
                x + w * 0.05 * sc,
                h * (y + 0.3 * sc),
                h * 0.5 * sc,
                arms="down",
                hair=rng.uniform(1.0, 1.4),
            )
            mw, mh = w * 0.09 * sc, h * 0.1 * sc
            screens.append((x - w * 0.09 * sc, h * y - mh, mw, mh))
        d.rectangle([0, h * (y + 0.02), w, h * (y + 0.05 * sc + 0.02)], fill=255)
    img, m = silhouette(img, m, (14, 16, 20), 1.5)
    img = rim(img, m, 0, -max(2, h // 500), (200, 210, 220), 3)
    sm = Image.new("L", size, 0)
    sd = ImageDraw.Draw(sm)
    for x, y, mw, mh in screens:
        sd.rectangle([x, y, x + mw, y + mh], fill=255)
    img = add_light(img, sm.filter(ImageFilter.GaussianBlur(w * 0.015)), (40, 60, 100))
    img = Image.composite(
        gradient(size, [(0.4, (150, 190, 230)), (0.9, (90, 120, 170))]),
        img,
        sm.filter(ImageFilter.GaussianBlur(1)),
    )
    return finish(img, rng, 2.6, 0.45)


def scene_avatar(size: Size, rng: random.Random, backdrop: Color, light: Color, hair: float = 1.5):
    w, h = size
    s = low(size)
    bg = gradient(s, [(0, scale_color(backdrop, 1.2)), (1, scale_color(backdrop, 0.7))])
    bg = add_light(
        bg, radial(s, (s[0] * 0.3, s[1] * 0.3), s[0] * 0.7, 1.6).point(lambda v: v // 3), light
    )
    img = bg.resize(size, Image.Resampling.BICUBIC)
    m = Image.new("L", size, 0)
    person(ImageDraw.Draw(m), w * 0.5, h * 2.7, h * 2.55, arms="down", hair=hair)
    img, m = silhouette(img, m, mix(backdrop, (20, 16, 18), 0.85), 1.5)
    # soft key light on the face side
    face = ImageChops.multiply(m, radial(size, (w * 0.42, h * 0.32), w * 0.35, 1.4))
    img = add_light(img, face.point(lambda v: v // 3), light)
    img = rim(img, m, -w // 250, 0, scale_color(light, 0.9), 4)
    img = rim(img, m, w // 400, -2, (140, 160, 220), 3)
    return finish(img, rng, 2.6, 0.35)


# --------------------------------------------------------------------------- graphics (PNG)


def make_logo(size: int = 512) -> Image.Image:
    """The Marquee's logo: a bulb-framed 'M' on a burgundy square."""
    big = size * 4
    img = Image.new("RGB", (big, big), (92, 14, 34))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle(
        [big * 0.06, big * 0.06, big * 0.94, big * 0.94],
        radius=big * 0.08,
        outline=(240, 196, 110),
        width=big // 40,
    )
    n = 9
    r = big * 0.018
    for i in range(n):
        t = 0.16 + 0.68 * i / (n - 1)
        for x, y in ((t, 0.12), (t, 0.88), (0.12, t), (0.88, t)):
            d.ellipse([big * x - r, big * y - r, big * x + r, big * y + r], fill=(255, 226, 150))
    c = (250, 238, 214)
    x0, x1, y0, y1 = big * 0.25, big * 0.75, big * 0.28, big * 0.72
    sw = big * 0.1
    d.polygon(
        [
            (x0, y1),
            (x0, y0),
            (x0 + sw, y0),
            (big / 2, big * 0.52),
            (x1 - sw, y0),
            (x1, y0),
            (x1, y1),
            (x1 - sw, y1),
            (x1 - sw, big * 0.45),
            (big / 2, big * 0.66),
            (x0 + sw, big * 0.45),
            (x0 + sw, y1),
        ],
        fill=c,
    )
    return img.resize((size, size), Image.Resampling.LANCZOS)


def make_pick_badge(size: int = 96) -> Image.Image:
    """A small round gold star badge on a transparent background."""
    big = size * 8
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse(
        [big * 0.04, big * 0.04, big * 0.96, big * 0.96],
        fill=(92, 14, 34, 255),
        outline=(240, 196, 110, 255),
        width=big // 18,
    )
    pts = []
    for k in range(10):
        a = -math.pi / 2 + k * math.pi / 5
        rr = big * (0.32 if k % 2 == 0 else 0.14)
        pts.append((big / 2 + rr * math.cos(a), big / 2 + rr * math.sin(a)))
    d.polygon(pts, fill=(255, 214, 120, 255))
    return img.resize((size, size), Image.Resampling.LANCZOS)


def make_vinyl_cutout(size: int, rng: random.Random) -> Image.Image:
    """A translucent sea-glass LP half out of its sleeve, cut out with a soft shadow."""
    w = h = size
    out = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    # soft drop shadow (partial alpha)
    shadow = Image.new("L", (w, h), 0)
    sd = ImageDraw.Draw(shadow)
    sd.rectangle([w * 0.1, h * 0.2, w * 0.62, h * 0.84], fill=110)
    sd.ellipse([w * 0.34, h * 0.21, w * 0.98, h * 0.85], fill=110)
    shadow = shadow.filter(ImageFilter.GaussianBlur(w * 0.02))
    out.paste((0, 0, 0, 255), (0, 0), shadow)
    # the record: translucent blue-green with grooves; alpha 215 so the shadow shows through
    rec = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    rd = ImageDraw.Draw(rec)
    cx, cy, r = w * 0.63, h * 0.5, w * 0.31
    rd.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(40, 150, 150, 215))
    for k in range(34):
        rr = r * (0.42 + 0.56 * k / 33)
        shade_v = 120 + (k * 37) % 60
        rd.ellipse(
            [cx - rr, cy - rr, cx + rr, cy + rr],
            outline=(30, shade_v, shade_v, 225),
            width=max(1, w // 800),
        )
    rd.ellipse([cx - r * 0.3, cy - r * 0.3, cx + r * 0.3, cy + r * 0.3], fill=(236, 226, 205, 255))
    rd.ellipse([cx - r * 0.025, cy - r * 0.025, cx + r * 0.025, cy + r * 0.025], fill=(0, 0, 0, 0))
    # a highlight sweep
    sweep = Image.new("L", (w, h), 0)
    ImageDraw.Draw(sweep).pieslice([cx - r, cy - r, cx + r, cy + r], 200, 240, fill=90)
    sweep = sweep.filter(ImageFilter.GaussianBlur(w * 0.01))
    rec = Image.alpha_composite(
        rec,
        Image.merge(
            "RGBA",
            (sweep.point(lambda v: 255),) * 3 + (ImageChops.multiply(sweep, rec.getchannel("A")),),
        ),
    )
    out = Image.alpha_composite(out, rec)
    # the sleeve, in front: cream card with a static-stripe design
    sleeve = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    sl = ImageDraw.Draw(sleeve)
    x0, y0, x1, y1 = w * 0.06, h * 0.18, w * 0.58, h * 0.82
    sl.rectangle([x0, y0, x1, y1], fill=(238, 228, 210, 255))
    for k in range(11):
        y = y0 + (y1 - y0) * (0.3 + 0.045 * k)
        jag = [
            (x0 + (x1 - x0) * t / 24, y + (h * 0.012 if t % 2 else -h * 0.012)) for t in range(25)
        ]
        sl.line(jag, fill=(40 + k * 12, 90 + k * 8, 160 - k * 6, 255), width=max(2, w // 300))
    sl.rectangle([x0, y0, x1, y1], outline=(180, 168, 150, 255), width=max(2, w // 400))
    return Image.alpha_composite(out, sleeve)


# --------------------------------------------------------------------------- metadata


def exif_bytes(
    orientation: int | None = None,
    artist: str | None = None,
    copyright_: str | None = None,
    description: str | None = None,
) -> bytes:
    exif = Image.Exif()
    exif[0x0131] = "Byline sample generator (Pillow)"  # Software
    if orientation:
        exif[0x0112] = orientation
    if artist:
        exif[0x013B] = artist
    if copyright_:
        exif[0x8298] = copyright_
    if description:
        exif[0x010E] = description
    return exif.tobytes()


def xmp_packet(creator: str, credit: str, rights: str, caption: str) -> bytes:
    creator, credit, rights, caption = (escape(v) for v in (creator, credit, rights, caption))
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">
   <dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>
   <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{rights}</rdf:li></rdf:Alt></dc:rights>
   <dc:description><rdf:Alt>
    <rdf:li xml:lang="x-default">{caption}</rdf:li>
   </rdf:Alt></dc:description>
   <photoshop:Credit>{credit}</photoshop:Credit>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def iptc_app13(records: Sequence[tuple[int, str]]) -> bytes:
    """An APP13 'Photoshop 3.0' segment holding IPTC-IIM dataset 2 records."""
    iim = b"\x1c\x01\x5a\x00\x03\x1b\x25\x47"  # 1:90 coded character set: UTF-8
    iim += b"\x1c\x02\x00\x00\x02\x00\x04"  # 2:00 record version 4
    for dataset, text in records:
        value = text.encode("utf-8")
        iim += struct.pack(">BBBH", 0x1C, 2, dataset, len(value)) + value
    block = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim)) + iim
    if len(iim) % 2:
        block += b"\x00"
    payload = b"Photoshop 3.0\x00" + block
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def insert_segment(jpeg: bytes, segment: bytes) -> bytes:
    """Insert a marker segment after the JPEG's leading APPn segments."""
    pos = 2
    while jpeg[pos] == 0xFF and 0xE0 <= jpeg[pos + 1] <= 0xEF:
        pos += 2 + struct.unpack(">H", jpeg[pos + 2 : pos + 4])[0]
    return jpeg[:pos] + segment + jpeg[pos:]


# --------------------------------------------------------------------------- the catalogue

Painter = Callable[[Size, random.Random], Image.Image]


def paint_with(fn, *args, **kwargs) -> Painter:
    return lambda size, rng: fn(size, rng, *args, **kwargs)


L3 = (3000, 2000)  # landscape hero
L24 = (2400, 1600)  # landscape body photo
P3 = (2000, 3000)  # portrait hero
P24 = (1600, 2400)  # portrait body photo
SQ = (1600, 1600)
def look(paper: Color, fabric: Color, sparkle: bool = False, suit: bool = False) -> Painter:
    """A red-carpet look shot on seamless paper."""
    return paint_with(scene_studio_portrait, paper, fabric, sparkle, suit)


GP = (1000, 1500)  # gallery slide, portrait: small files, ten of them in one story
GL = (1500, 1000)  # gallery slide, landscape

PHOTOS: list[tuple[str, Size, Painter]] = [
    ("shared/red-carpet.jpg", L3, paint_with(scene_red_carpet, (70, 24, 30), 2)),
    ("shared/festival-sunset.jpg", L3, paint_with(scene_festival_sunset)),
    ("shared/newsroom.jpg", L24, paint_with(scene_newsroom)),
    ("authors/karen-ruffini.jpg", SQ, paint_with(scene_avatar, (70, 80, 96), (255, 210, 170), 1.6)),
    (
        "authors/desmond-achterberg.jpg",
        SQ,
        paint_with(scene_avatar, (96, 70, 60), (200, 220, 255), 1.0),
    ),
    (
        "articles/2025-03-02-northbound-season-three-trailer/hero.jpg",
        L3,
        paint_with(scene_snow, False),
    ),
    (
        "articles/2025-03-02-northbound-season-three-trailer/cabin-set.jpg",
        L24,
        paint_with(scene_snow, True),
    ),
    ("articles/starfall-protocol-box-office/hero.jpg", (4000, 2250), paint_with(scene_space)),
    ("articles/starfall-protocol-box-office/premiere.jpg", L24, paint_with(scene_premiere)),
    ("articles/velvet-static-low-tide-radio/hero.jpg", L3, paint_with(scene_concert, "neon")),
    ("articles/lumen-awards-2026-winners/hero.jpg", L3, paint_with(scene_awards_stage)),
    ("articles/lumen-awards-2026-winners/paper-moons-cast.jpg", L24, paint_with(scene_press_room)),
    (
        "articles/lumen-awards-red-carpet-best-dressed/hero.jpg",
        P3,
        paint_with(scene_studio_portrait, (196, 160, 150), (150, 20, 40)),
    ),
    (
        "articles/lumen-awards-red-carpet-best-dressed/asare-column.jpg",
        P24,
        paint_with(scene_studio_portrait, (60, 70, 84), (226, 226, 214), True),
    ),
    (
        "articles/lumen-awards-red-carpet-best-dressed/quint-suit.jpg",
        P24,
        paint_with(scene_studio_portrait, (178, 150, 80), (30, 70, 60), suit=True),
    ),
    ("articles/rory-blanchard-leaves-the-dollhouse-hour/hero.jpg", L3, paint_with(scene_tv_studio)),
    ("articles/paper-moons-review/hero.jpg", L3, paint_with(scene_small_town, 2)),
    ("articles/paper-moons-review/main-street.jpg", L24, paint_with(scene_small_town, 1)),
    ("articles/mara-quell-tour-wardrobe/hero.jpg", L3, paint_with(scene_concert, "sequins")),
    (
        "articles/mara-quell-tour-wardrobe/thrifted-blazer.jpg",
        P3,
        paint_with(scene_studio_portrait, (120, 150, 140), (170, 90, 40)),
    ),
    (
        "articles/lumen-awards-2027-nominations/hero.jpg",
        L24,
        paint_with(scene_awards_stage, (140, 200, 255)),
    ),
    ("articles/imogen-asare-backyard-gala/hero.jpg", L3, paint_with(scene_garden_gala)),
    (
        "articles/imogen-asare-backyard-gala/auction.jpg",
        L24,
        paint_with(scene_red_carpet, (30, 52, 44), 1),
    ),
    # A gallery story: ten slides, portraits and a few wide shots of the carpet.
    *(
        (f"articles/lumen-awards-2026-red-carpet-gallery/{name}.jpg", size, paint)
        for name, size, paint in (
            ("halloway", GP, look((196, 160, 150), (150, 20, 40))),
            ("asare", GP, look((60, 70, 84), (226, 226, 214), sparkle=True)),
            ("arrivals", GL, paint_with(scene_red_carpet, (70, 24, 30), 3)),
            ("quint", GP, look((178, 150, 80), (30, 70, 60), suit=True)),
            ("adeyemi", GP, look((92, 120, 132), (214, 104, 36))),
            ("blanchard", GP, look((40, 40, 56), (24, 30, 80), suit=True)),
            ("ferrante", GP, look((150, 160, 150), (236, 232, 222), suit=True)),
            ("marchand", GP, look((210, 190, 160), (30, 30, 36), sparkle=True)),
            ("photographers", GL, paint_with(scene_premiere)),
            ("quell", GP, look((120, 96, 150), (230, 180, 60), sparkle=True)),
        )
    ),
    (
        "articles/halloway-quint-wedding/hero.jpg",
        (1600, 1067),
        paint_with(scene_garden_gala),
    ),
]

# Stored sideways: painted as 2000x3000, saved rotated with EXIF Orientation=6.
ROTATED = (
    "articles/rory-blanchard-leaves-the-dollhouse-hour/final-taping.jpg",
    P3,
    paint_with(scene_tv_studio),
)

# Caption in Markdown, credit only in the file's metadata.
CREDIT_IN_METADATA = (
    "articles/lumen-awards-2026-winners/winners-room.jpg",
    L24,
    paint_with(scene_press_room, (60, 30, 70)),
    {
        "creator": "Odette Lindqvist",
        "credit": "Odette Lindqvist/Lumen Academy",
        "rights": "© 2026 Lumen Academy of Film & Television",
        "caption": "Winners pose in the press room at the 2026 Lumen Awards.",
    },
)

GRAPHICS: list[tuple[str, Callable[[random.Random], Image.Image]]] = [
    ("brand/logo.png", lambda rng: make_logo(512)),
    ("brand/marquee-pick.png", lambda rng: make_pick_badge(96)),
    (
        "articles/velvet-static-low-tide-radio/translucent-pressing.png",
        lambda rng: make_vinyl_cutout(1600, rng),
    ),
]


def _rng(rel: str) -> random.Random:
    return random.Random(f"byline-sample:{rel}")


def save_jpeg(img: Image.Image, path: Path, **extra) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True, **extra)
    path.write_bytes(buf.getvalue())


def build(only: str | None = None, verbose: bool = True) -> list[Path]:
    written = []

    def want(rel: str) -> bool:
        return only is None or only in rel

    for rel, size, paint in PHOTOS:
        if want(rel):
            save_jpeg(paint(size, _rng(rel)), CONTENT / rel, exif=exif_bytes())
            written.append(CONTENT / rel)
    rel, size, paint = ROTATED
    if want(rel):
        upright = paint(size, _rng(rel))
        # Orientation 6 means "rotate 90° clockwise to display", so store it turned anticlockwise.
        stored = upright.transpose(Image.Transpose.ROTATE_90)
        save_jpeg(stored, CONTENT / rel, exif=exif_bytes(orientation=6))
        written.append(CONTENT / rel)
    rel, size, paint, meta = CREDIT_IN_METADATA
    if want(rel):
        buf = io.BytesIO()
        paint(size, _rng(rel)).save(
            buf,
            "JPEG",
            quality=JPEG_QUALITY,
            optimize=True,
            progressive=True,
            # EXIF text is ASCII: no "©" there
            exif=exif_bytes(
                artist=meta["credit"],
                copyright_=meta["rights"].replace("©", "Copyright"),
                description=meta["caption"],
            ),
            xmp=xmp_packet(meta["creator"], meta["credit"], meta["rights"], meta["caption"]),
        )
        data = insert_segment(
            buf.getvalue(),
            iptc_app13(
                [
                    (80, meta["creator"]),
                    (110, meta["credit"]),
                    (116, meta["rights"]),
                    (120, meta["caption"]),
                ]
            ),
        )
        (CONTENT / rel).parent.mkdir(parents=True, exist_ok=True)
        (CONTENT / rel).write_bytes(data)
        written.append(CONTENT / rel)
    for rel, paint_png in GRAPHICS:
        if want(rel):
            (CONTENT / rel).parent.mkdir(parents=True, exist_ok=True)
            paint_png(_rng(rel)).save(CONTENT / rel, "PNG", optimize=True)
            written.append(CONTENT / rel)
    if verbose:
        for p in written:
            print(f"{p.stat().st_size / 1024:8.0f} KB  {p.relative_to(ROOT)}")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print the files this script writes")
    parser.add_argument("--only", help="write only files whose path contains this text")
    args = parser.parse_args(argv)
    if args.list:
        for rel, *_rest in [*PHOTOS, ROTATED, CREDIT_IN_METADATA, *GRAPHICS]:
            print(f"content/{rel}")
        return 0
    build(args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
