"""Fuzzing the image pipeline: any photo file gives a correct page or one clear line.

Hypothesis makes image files of random sizes (weighted to the edges: 1, 2 and the WebP
limit either side), colour modes, formats, animation, EXIF orientations, transparency and
damage, puts each in a small site as the hero and a body photo, and builds it.  What every
build must look like is in tests/outcome.py; on top of that, every variant a page links to
must open in Pillow at the size the HTML claims, within the encoders' limits, with the
photo's proportions.  Every failure a run finds also becomes a plain test in test_images.py.
"""

from __future__ import annotations

import io
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import event, given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image, ImageCms

from generator.images.plan import MAX_SIDE

from .conftest import SITE_YAML, article, write_files
from .outcome import Run, build_outcome, snapshot

pytestmark = pytest.mark.fuzz

# The widest width allowed, so that the full-size output (and the encoders' limits) are
# reached, and one small one so that each build also shrinks.
SITE = SITE_YAML + "images:\n  widths: [16, 8192]\n"

# Modes each format can write, as Pillow saves them (from a matrix of Pillow 13).
FORMAT_MODES = {
    "JPEG": ("1", "L", "RGB", "CMYK", "YCbCr"),
    "PNG": ("1", "L", "LA", "P", "RGB", "RGBA", "I;16", "I;16B"),
    "GIF": ("1", "L", "P", "RGB", "RGBA"),
    "WEBP": ("L", "P", "RGB", "RGBA"),
    "TIFF": ("1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "YCbCr", "LAB", "I", "I;16",
             "I;16B", "F"),
    "BMP": ("1", "L", "P", "RGB", "RGBA"),
}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp", "TIFF": "tif",
              "BMP": "bmp"}
EXIF_FORMATS = ("JPEG", "PNG", "WEBP", "TIFF")
ANIMATED_FORMATS = ("GIF", "WEBP", "PNG")
ALPHA_MODES = ("LA", "PA", "RGBA")
# Orientations 1-8, and what phones and editors also write: 0, 9, a 16-bit maximum.
ORIENTATIONS = (None, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 65535)
EDGE_SIDES = (1, 2, 16383, 16384)
OUTPUT_MODES = {"webp": {"RGB", "RGBA"}, "avif": {"RGB", "RGBA", "L"},
                "jpeg": {"L", "RGB"}, "png": {"L", "RGB", "RGBA"}, "gif": {"P", "L"}}
FORMAT_OF_SUFFIX = {".webp": "webp", ".avif": "avif", ".jpg": "jpeg", ".png": "png",
                    ".gif": "gif"}


def pixel_budget() -> int:
    """Pixels per file (all frames): small in CI, bigger in the long run by hand."""
    return 600_000 if hypothesis_settings.default.max_examples <= 100 else 6_000_000


@dataclass(frozen=True)
class PhotoSpec:
    """How to make one image file; Hypothesis prints this for a failing example."""

    format: str
    mode: str
    size: tuple[int, int]
    frames: int
    alpha: str  # "opaque", "clear" (fully transparent) or "ramp" (0 → 255 across)
    colour_key: bool  # one colour marked see-through (a palette index, PNG's tRNS)
    orientation: int | None
    exif_noise: bytes | None  # a JPEG EXIF block of garbage, as some editors write
    icc_noise: bytes | None  # a colour profile that is damaged or does not fit
    cut_at: float | None  # keep this fraction of the bytes (a truncated upload)
    damage: tuple[tuple[float, int], ...]  # (where, byte) overwritten

    @property
    def intact(self) -> bool:
        return self.cut_at is None and not self.damage

    def render(self) -> bytes:
        """The image file's bytes."""
        frames = [self.picture(i) for i in range(self.frames)]
        options: dict[str, object] = {}
        if self.orientation is not None:
            exif = Image.Exif()
            exif[0x0112] = self.orientation
            options["exif"] = exif
        if self.icc_noise is not None:
            options["icc_profile"] = self.icc_noise
        if self.colour_key:
            options["transparency"] = (0, 0, 255) if self.mode == "RGB" else 0
        if self.frames > 1:
            options.update(save_all=True, append_images=frames[1:], duration=80, loop=0)
        buffer = io.BytesIO()
        frames[0].save(buffer, self.format, **options)
        data = bytearray(buffer.getvalue())
        if self.exif_noise is not None:
            payload = b"Exif\0\0" + self.exif_noise
            data[2:2] = b"\xff\xe1" + len(payload).to_bytes(2, "big") + payload
        for where, byte in self.damage:
            data[min(len(data) - 1, int(where * len(data)))] = byte
        if self.cut_at is not None:
            data = data[: int(self.cut_at * len(data))]
        return bytes(data)

    def picture(self, frame: int) -> Image.Image:
        """One frame: gradients across and down (and a shift per frame), in ``self.mode``."""
        across = Image.linear_gradient("L").rotate(90).resize(self.size)
        down = Image.linear_gradient("L").resize(self.size)
        red = across.point(lambda value: (value + 60 * frame) % 256)
        rgb = Image.merge("RGB", (red, down, across.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
        if self.mode in ALPHA_MODES:
            alpha = {"opaque": Image.new("L", self.size, 255),
                     "clear": Image.new("L", self.size, 0),
                     "ramp": across}[self.alpha]
            rgba = rgb.convert("RGBA")
            rgba.putalpha(alpha)
            return rgba.convert(self.mode)
        if self.mode in ("P", "1"):
            return rgb.convert(self.mode)
        if self.mode in ("I", "I;16", "I;16B", "F"):
            wide = down.convert("I").point(lambda value: value * 257)
            return wide if self.mode == "I" else wide.convert(self.mode)
        return rgb.convert(self.mode)

    def displayed_size(self) -> tuple[int, int]:
        """The size a browser would show it at, EXIF orientation applied."""
        width, height = self.size
        return (height, width) if self.orientation in (5, 6, 7, 8) else (width, height)


@st.composite
def sides(draw: st.DrawFn) -> int:
    """A side length, often one of the edges: 1, 2, and either side of WebP's limit."""
    return draw(st.one_of(st.sampled_from(EDGE_SIDES), st.integers(1, 3000)))


# Real profiles, whichever the picture's colours: sRGB, Lab (which fits no photo), grey.
PROFILES = tuple(ImageCms.ImageCmsProfile(ImageCms.createProfile(name)).tobytes()
                 for name in ("sRGB", "LAB", "XYZ"))


@st.composite
def damaged_profiles(draw: st.DrawFn) -> bytes:
    """A real profile with a few bytes changed, or cut short."""
    profile = bytearray(draw(st.sampled_from(PROFILES)))
    for where, byte in draw(st.lists(st.tuples(st.integers(0, len(profile) - 1),
                                               st.integers(0, 255)), max_size=6)):
        profile[where] = byte
    return bytes(profile[: draw(st.integers(1, len(profile)))])


@st.composite
def photos(draw: st.DrawFn) -> PhotoSpec:
    fmt = draw(st.sampled_from(tuple(FORMAT_MODES)))
    mode = draw(st.sampled_from(FORMAT_MODES[fmt]))
    frames = draw(st.integers(2, 4)) if fmt in ANIMATED_FORMATS and draw(st.booleans()) else 1
    budget = pixel_budget() // frames
    width = draw(sides())
    height = min(draw(sides()), max(1, budget // width))
    # Keep the width within budget too when the height is already at its minimum.
    width = min(width, max(1, budget // height))
    if fmt == "WEBP":  # no WebP file can be larger
        width, height = min(width, 16383), min(height, 16383)
    alpha = draw(st.sampled_from(("opaque", "clear", "ramp")))
    keyed = {"PNG": ("P", "L", "RGB"), "GIF": ("P",)}.get(fmt, ())
    colour_key = mode in keyed and draw(st.booleans())
    orientation = draw(st.sampled_from(ORIENTATIONS)) if fmt in EXIF_FORMATS else None
    exif_noise = None
    if fmt == "JPEG" and draw(st.integers(0, 3)) == 0:  # instead of a sound EXIF block
        orientation = None
        exif_noise = draw(st.one_of(st.binary(max_size=200),
                                    st.binary(max_size=200).map(lambda tail: b"II*\0" + tail)))
    icc_noise = None
    if fmt in EXIF_FORMATS and draw(st.integers(0, 4)) == 0:
        icc_noise = draw(st.one_of(st.binary(min_size=1, max_size=600),
                                   st.sampled_from(PROFILES), damaged_profiles()))
    # Mostly sound files; a truncated upload or a few flipped bytes one time in five each.
    harm = draw(st.sampled_from(("none", "none", "none", "cut", "bytes")))
    cut_at = draw(st.floats(0.0, 0.999)) if harm == "cut" else None
    damage = tuple(draw(st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)),
                                 min_size=1, max_size=3))) if harm == "bytes" else ()
    return PhotoSpec(fmt, mode, (width, height), frames, alpha, colour_key, orientation,
                     exif_noise, icc_noise, cut_at, damage)


@st.composite
def focus_points(draw: st.DrawFn) -> tuple[float, float]:
    """Focus points: the edges 0 and 1 most of all, and one time in ten one out of range
    (the writer's mistake, reported at its line)."""
    value = st.one_of(st.sampled_from((0, 1, 0.5)), st.floats(0.0, 1.0))
    x, y = draw(value), draw(value)
    if draw(st.integers(0, 9)) == 0:
        x = draw(st.sampled_from((-0.25, 1.5)))
    return x, y


@pytest.mark.fuzz
@given(photo=photos(), focus=focus_points())
def test_any_photo_gives_a_correct_page_or_one_clear_line(
    photo: PhotoSpec, focus: tuple[float, float]
) -> None:
    data = photo.render()
    note(f"{len(data)} bytes")
    name = f"photo.{EXTENSIONS[photo.format]}"
    tiny = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(tiny, "PNG")
    with tempfile.TemporaryDirectory() as folder:
        # First a good build (a small sound PNG, whatever its name says), whose output a
        # failed build must leave as it is.
        site = write_site(Path(folder), name, tiny.getvalue(), (0.5, 0.5))
        first = build_outcome(site)
        assert first.code == 0, first.err
        write_site(site, name, data, focus)
        run = quiet_build(site, previous=snapshot(site / "output"))
        in_range = all(0 <= value <= 1 for value in focus)
        event(f"{photo.format} {'sound' if photo.intact else 'damaged'}: "
              f"{'built' if run.code == 0 else 'refused'}")
        if run.code != 0:
            event("refused: " + re.sub(r"^.*?: error: |\(.*", "", run.err.splitlines()[0]))
        event(f"longest side {'over' if max(photo.size) > 16383 else 'within'} WebP's limit")
        if run.code != 0:
            assert not (photo.intact and in_range), f"a sound photo failed:\n{run.err}"
            for line in run.err.splitlines():
                if ": error: " in line and not line.startswith("byline: "):
                    # At the article line that uses the photo.
                    assert re.match(r"content/articles/story/index\.md:\d+: error: ", line), line
            return
        check_page(site, photo, intact=photo.intact)


# The first bytes of each format Byline opens, so that noise reaches each header parser.
MAGIC = (b"", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1", b"\x89PNG\r\n\x1a\n", b"GIF89a",
         b"GIF87a", b"RIFF\0\0\0\0WEBPVP8 ", b"RIFF\0\0\0\0WEBPVP8L", b"II*\0", b"MM\0*",
         b"BM", b"\0\0\0\x1cftypavif")


@pytest.mark.fuzz
@given(data=st.builds(bytes.__add__, st.sampled_from(MAGIC), st.binary(max_size=400)))
def test_any_bytes_named_as_a_photo_give_a_page_or_one_line(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = write_site(Path(folder), "photo.jpg", data, (0.5, 0.5))
        run = quiet_build(site)
        if run.code != 0:
            assert re.match(r"content/articles/story/index\.md:\d+: error: photo\.jpg: ",
                            run.err), run.err


def quiet_build(site: Path, previous: dict[str, bytes] | None = None) -> Run:
    """``build_outcome``, also failing if Pillow warned: on a terminal that is two lines of
    Python talk between the one-line problems (pytest would otherwise swallow it)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = build_outcome(site, previous=previous)
    pillow = [f"{w.filename}:{w.lineno}: {w.message}" for w in caught if "PIL" in w.filename]
    assert not pillow, pillow
    return run


def write_site(root: Path, name: str, data: bytes, focus: tuple[float, float]) -> Path:
    """A site with one article using the photo ``name`` as its hero and as a body photo."""
    # Fixed-point: PyYAML reads 1e-05 (no dot) as text, not a number.
    hero = (f"\n  image: {name}\n  alt: The stage\n  credit: Jo Lane/Agency"
            f"\n  focus: [{focus[0]:.6f}, {focus[1]:.6f}]")
    return write_files(root, {
        "site.yaml": SITE,
        "content/articles/story/index.md": article(
            category="Music", hero=hero,
            body=f'Before.\n\n![The crowd]({name}){{credit="Ana Ruiz/Reuters"}}\n\nAfter.'),
        f"content/articles/story/{name}": data,
    })


def check_page(site: Path, photo: PhotoSpec, *, intact: bool) -> None:
    """Every image the article links to opens at the size its HTML says, within limits."""
    output = site / "output"
    html = BeautifulSoup((output / "music/story/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    # A damaged header may claim another size than was made: that one is then the source's.
    source_size = photo.displayed_size() if intact else None
    images = html.select("img[src^='/images/']")
    assert len(images) == 2, "the hero and the body photo"
    for img in images:
        fallback = open_output(output, img["src"])
        assert fallback.size == (int(img["width"]), int(img["height"]))
        check_variant(fallback, img["src"], source_size)
        candidates = [img.get("srcset", "")]
        candidates += [s["srcset"] for s in img.find_parent("picture").find_all("source")] \
            if img.find_parent("picture") else []
        for srcset in candidates:
            for candidate in filter(None, (c.strip() for c in srcset.split(","))):
                url, descriptor = candidate.rsplit(" ", 1)
                variant = open_output(output, url)
                assert variant.width == int(descriptor.removesuffix("w")), candidate
                check_variant(variant, url, source_size)
                if intact:
                    check_transparency(variant, url, site, photo)
    card = html.find("meta", property="og:image")["content"]
    picture = open_output(output, card.removeprefix("https://news.example"))
    assert picture.format == "JPEG" and picture.size == (1200, 630)


def open_output(output: Path, url: str) -> Image.Image:
    """An output file, decoded (which fails on a damaged one)."""
    path = output / url.lstrip("/")
    assert path.is_file(), f"{url} is linked but was not written"
    image = Image.open(path)
    image.load()
    return image


def check_variant(image: Image.Image, url: str, source: tuple[int, int] | None) -> None:
    """Within its format's limits, in a sensible mode, with the source's proportions."""
    fmt = FORMAT_OF_SUFFIX[Path(url).suffix]
    width, height = image.size
    assert max(width, height) <= MAX_SIDE[fmt], url
    assert image.mode in OUTPUT_MODES[fmt], (url, image.mode)
    if source is None:
        return
    assert width <= source[0] and height <= source[1], (url, image.size, source)
    # Proportions kept within a pixel (a side of 1 is as thin as a picture gets).
    assert (abs(height - width * source[1] / source[0]) <= 1
            or abs(width - height * source[0] / source[1]) <= 1 or min(width, height) == 1), \
        (url, image.size, source)


def check_transparency(image: Image.Image, url: str, site: Path, photo: PhotoSpec) -> None:
    """A see-through source stays see-through in WebP and PNG; an opaque one goes JPEG."""
    source = site / "content/articles/story" / f"photo.{EXTENSIONS[photo.format]}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow on a garbage EXIF block: not the build's
        with Image.open(source) as src:
            see_through = src.convert("RGBA").getchannel("A").getextrema()[0] < 255
    fmt = FORMAT_OF_SUFFIX[Path(url).suffix]
    if fmt == "png" and see_through:
        assert image.mode == "RGBA", url
    # A see-through half or whole stays so at any size; a single keyed pixel may average
    # away when shrunk, as it should.
    large = photo.mode in ALPHA_MODES and photo.alpha != "opaque"
    if fmt in ("webp", "png") and see_through and large and photo.frames == 1:
        assert image.convert("RGBA").getchannel("A").getextrema()[0] < 255, url
    if fmt == "jpeg":
        assert not see_through or photo.frames > 1, url
