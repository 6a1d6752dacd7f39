"""The image pipeline, judged by the files it writes: sizes, formats, colours, metadata."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import struct
import subprocess
import sys
import warnings
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageDraw, features

import generator.cache as cache_module
from generator.cache import BuildCache
from generator.image_stage import CachedInspections, prune_processed
from generator.images import (
    ImagePlan,
    ImageProblem,
    ImageSettings,
    ProcessReport,
    SourceImage,
    Variant,
    inspect_image,
    plan_image,
    plan_social_card,
    process_images,
)
from generator.images.decoding import open_image, png_missing_share
from generator.images.plan import MAX_SIDE
from generator.images.variants import card_box

from .conftest import article, build, page, photo_bytes
from .outcome import build_outcome, run_byline, snapshot

REPO = Path(__file__).resolve().parent.parent
SMALL = ImageSettings(widths=(64, 128, 256))
SERIAL = "SN-4417-XQ"

# ----------------------------------------------------------------------------- fixtures


def photo(size: tuple[int, int] = (400, 300), mode: str = "RGB") -> Image.Image:
    """A picture with a gradient, a shape and edges, so encoders have something to do."""
    image = Image.linear_gradient("L").resize(size).convert(mode)
    ImageDraw.Draw(image).ellipse(
        (size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2),
        fill="orange" if mode != "L" else 200,
    )
    return image


def save(image: Image.Image, path: Path, fmt: str = "JPEG", **options: object) -> Path:
    """Save ``image`` to ``path`` and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, fmt, **options)
    return path


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    """An empty build cache folder."""
    return tmp_path / "cache"


@pytest.fixture
def run(cache_dir: Path) -> Callable[..., tuple[ImagePlan, ProcessReport]]:
    """Inspect, plan and process one source as the build does; returns the plan and report."""

    def run_one(
        path: Path, settings: ImageSettings = SMALL, extra: Sequence[Variant] = ()
    ) -> tuple[ImagePlan, ProcessReport]:
        plan = plan_image(inspect_image(path, settings), settings)
        report = process_images(
            [(plan.source, (*plan.variants, *extra))],
            cache_dir,
            settings,
            workers=1,
            progress=False,
        )
        assert not report.failed, report.failed
        return plan, report

    return run_one


def output(report: ProcessReport, variant: Variant) -> Image.Image:
    """An output file, opened."""
    image = Image.open(report.files[variant.url_path])
    image.load()
    return image


def swapped_primaries_profile() -> bytes:
    """An ICC display profile whose red and green primaries are swapped.

    Red in this profile is sRGB green, so only a real conversion gets the colour right.
    """

    def fixed(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + bytes(4) + fixed(x) + fixed(y) + fixed(z)

    gamma = b"curv" + bytes(4) + struct.pack(">IH", 1, 0x0233) + bytes(2)
    text = b"Swapped primaries test\0"
    tags = [
        (b"desc", b"desc" + bytes(4) + struct.pack(">I", len(text)) + text + bytes(78)),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.3851, 0.7169, 0.0971)),  # sRGB's green primary (D50)
        (b"gXYZ", xyz(0.4361, 0.2225, 0.0139)),  # sRGB's red primary
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", gamma),
        (b"gTRC", gamma),
        (b"bTRC", gamma),
        (b"cprt", b"text" + bytes(4) + b"none" + bytes(4)),
    ]
    start = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        body += bytes(-len(body) % 4)
        table += signature + struct.pack(">II", start + len(data), len(body))
        data += body
    header = (
        struct.pack(">I", start + len(data))
        + b"lcms"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + bytes(12)
        + b"acsp"
        + bytes(28)
        + fixed(0.9642)
        + fixed(1.0)
        + fixed(0.8249)
    )
    return header.ljust(128, b"\0") + struct.pack(">I", len(tags)) + table + data


def with_iptc(jpeg: bytes, datasets: dict[tuple[int, int], str]) -> bytes:
    """The JPEG with a Photoshop APP13 segment carrying IPTC-IIM datasets, as agencies send."""
    iptc = b"".join(
        b"\x1c" + bytes(key) + struct.pack(">H", len(value.encode())) + value.encode()
        for key, value in {(1, 90): "\x1b%G", **datasets}.items()
    )
    resource = (
        b"8BIM"
        + struct.pack(">H", 0x0404)
        + b"\0\0"
        + struct.pack(">I", len(iptc))
        + iptc
        + bytes(len(iptc) % 2)
    )
    payload = b"Photoshop 3.0\0" + resource
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def jpeg_bytes(image: Image.Image, **options: object) -> bytes:
    """``image`` encoded as JPEG."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def png_bytes(image: Image.Image) -> bytes:
    """``image`` encoded as PNG."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def camera_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: orientation, camera, serial number and GPS position."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F], exif[0x0110] = "Benchcam", "B-1"
    exif.get_ifd(0x8769)[0xA431] = SERIAL  # BodySerialNumber
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)})
    return exif


# ----------------------------------------------------------------------------- sizes


def test_every_width_in_webp_and_jpeg_at_the_planned_size(tmp_path: Path, run) -> None:
    plan, report = run(save(photo((400, 300)), tmp_path / "Red Carpet.jpg"))
    assert [(v.format, v.width) for v in plan.variants] == [
        ("webp", 64),
        ("webp", 128),
        ("webp", 256),
        ("jpeg", 64),
        ("jpeg", 128),
        ("jpeg", 256),
    ]
    assert plan.fallback == plan.variants[-1]
    for variant in plan.variants:
        assert re.fullmatch(
            rf"/images/red-carpet\.[0-9a-f]{{10}}\.{variant.width}\."
            rf"{'jpg' if variant.format == 'jpeg' else 'webp'}",
            variant.url_path,
        )
        image = output(report, variant)
        assert (
            image.size == (variant.width, variant.height) == (variant.width, variant.width * 3 // 4)
        )
        assert image.format == {"webp": "WEBP", "jpeg": "JPEG"}[variant.format]
        assert variant.mime == f"image/{variant.format}"
        assert report.files[variant.url_path].parent == tmp_path / "cache" / "images"
    assert report.made == 6 and report.reused == 0


def test_never_upscaled_and_the_source_width_is_the_widest(tmp_path: Path, run) -> None:
    settings = ImageSettings(widths=(100, 200, 400, 800))
    plan, report = run(save(photo((300, 200)), tmp_path / "small.jpg"), settings)
    assert sorted({v.width for v in plan.variants}) == [100, 200, 300]
    assert max(output(report, v).width for v in plan.variants) == 300
    assert (plan.fallback.width, plan.fallback.height) == (300, 200)


def test_large_photo_is_shrunk_well_and_matches_its_plan(tmp_path: Path, run) -> None:
    # Big enough that the JPEG is decoded at reduced scale before resizing.
    settings = ImageSettings(widths=(150, 300, 600))
    plan, report = run(save(photo((2400, 1350)), tmp_path / "big.jpg", quality=90), settings)
    for variant in plan.variants:
        assert output(report, variant).size == (variant.width, variant.height)
    small = output(report, plan.family("jpeg")[0]).convert("RGB")
    # The orange disc is still where it was: the picture was scaled, not cropped.
    x, y = small.width * 3 // 8, small.height * 3 // 8
    red, green, blue = small.getpixel((x, y))
    assert red > 200 and 120 < green < 200 and blue < 80


# ----------------------------------------------------------------------------- metadata


def test_exif_rotation_is_applied_and_the_exif_removed(tmp_path: Path, run) -> None:
    stored = Image.new("RGB", (300, 200), "blue")
    ImageDraw.Draw(stored).rectangle((0, 0, 60, 40), fill="red")  # stored top-left corner
    source = save(stored, tmp_path / "phone.jpg", exif=camera_exif(orientation=6))
    plan, report = run(source)
    assert (plan.source.width, plan.source.height) == (200, 300)
    image = output(report, plan.fallback).convert("RGB")
    assert image.size == (plan.fallback.width, plan.fallback.width * 3 // 2)
    # Orientation 6 means "turn 90° clockwise to view": the stored top-left is now top-right.
    assert image.getpixel((image.width - 5, 5))[0] > 200
    assert image.getpixel((5, 5))[2] > 200
    assert not image.getexif()


def test_no_metadata_survives_in_any_output(tmp_path: Path, run) -> None:
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
        b'02/22-rdf-syntax-ns#"><rdf:Description xmlns:photoshop="http://ns.adobe.com/'
        b'photoshop/1.0/" photoshop:Credit="Secret Agency"/></rdf:RDF></x:xmpmeta>'
    )
    data = with_iptc(
        jpeg_bytes(photo(), exif=camera_exif(), xmp=xmp, comment=b"shot on B-1"),
        {(2, 80): "Jo Lens"},
    )
    source = tmp_path / "wire.jpg"
    source.write_bytes(data)
    _plan, report = run(
        source, extra=[plan_social_card(inspect_image(source, SMALL), (0.5, 0.5), SMALL)]
    )
    assert len(report.files) == 7
    for path in report.files.values():
        raw = path.read_bytes()
        for secret in (
            SERIAL.encode(),
            b"Benchcam",
            b"Exif",
            b"Secret Agency",
            b"Jo Lens",
            b"photoshop",
            b"shot on",
            b"8BIM",
            b"ICC_PROFILE",
        ):
            assert secret not in raw, (path.name, secret)
        with Image.open(path) as image:
            assert not image.getexif()
            assert not {"exif", "xmp", "icc_profile", "photoshop", "comment"} & set(image.info)


def test_credit_from_iptc_credit_line_before_byline(tmp_path: Path) -> None:
    path = tmp_path / "agency.jpg"
    path.write_bytes(
        with_iptc(jpeg_bytes(photo()), {(2, 80): "Jo Lens", (2, 110): "Jo Lens/Agence Zoë"})
    )
    assert inspect_image(path, SMALL).credit == "Jo Lens/Agence Zoë"
    path.write_bytes(with_iptc(jpeg_bytes(photo()), {(2, 80): "Jo Lens"}))
    assert inspect_image(path, SMALL).credit == "Jo Lens"


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        (
            '<rdf:Description photoshop:Credit="Pat Flash/Wire" photoshop:Source="Wire"/>',
            "Pat Flash/Wire",
        ),
        (
            "<rdf:Description><dc:creator><rdf:Seq><rdf:li>Pat Flash</rdf:li></rdf:Seq>"
            "</dc:creator></rdf:Description>",
            "Pat Flash",
        ),
        (
            "<rdf:Description><photoshop:Source>  Studio\n Press </photoshop:Source>"
            "</rdf:Description>",
            "Studio Press",
        ),
    ],
)
def test_credit_from_xmp(tmp_path: Path, description: str, expected: str) -> None:
    xmp = (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">'
        f'{description}</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )
    path = save(photo(), tmp_path / "wire.jpg", xmp=xmp.encode())
    assert inspect_image(path, SMALL).credit == expected
    webp = save(photo(), tmp_path / "wire.webp", "WEBP", xmp=xmp.encode())
    assert inspect_image(webp, SMALL).credit == expected


def test_credit_from_exif_artist_and_none_without(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x013B] = "Sam Shutter"
    assert (
        inspect_image(save(photo(), tmp_path / "a.jpg", exif=exif), SMALL).credit == "Sam Shutter"
    )
    assert inspect_image(save(photo(), tmp_path / "b.jpg"), SMALL).credit is None


# ----------------------------------------------------------------------------- colour


def test_embedded_profile_is_converted_to_srgb(tmp_path: Path, run) -> None:
    source = save(
        Image.new("RGB", (300, 200), (255, 0, 0)),
        tmp_path / "wide.jpg",
        icc_profile=swapped_primaries_profile(),
        quality=95,
    )
    plan, report = run(source)
    for variant in plan.variants:
        image = output(report, variant)
        assert "icc_profile" not in image.info
        red, green, blue = image.convert("RGB").getpixel((10, 10))
        assert green > 200 and red < 60 and blue < 60  # what "red" meant in that profile


def test_cmyk_jpeg_comes_out_rgb_with_the_right_colour(tmp_path: Path, run) -> None:
    source = save(Image.new("CMYK", (300, 200), (0, 255, 255, 0)), tmp_path / "press.jpg")
    plan, report = run(source)
    assert plan.source.format == "JPEG"
    for variant in plan.variants:
        image = output(report, variant)
        assert image.mode in ("RGB", "RGBA")
        red, green, blue = image.convert("RGB").getpixel((10, 10))[:3]
        assert red > 200 and green < 60 and blue < 60


def test_16_bit_greyscale_png_is_scaled_not_clipped(tmp_path: Path, run) -> None:
    ramp = b"".join(struct.pack("<H", x * 257) for x in range(256))
    source = save(Image.frombytes("I;16", (256, 64), ramp * 64), tmp_path / "scan.png", "PNG")
    assert Image.open(source).mode.startswith("I;16")
    plan, report = run(source)
    image = output(report, plan.fallback).convert("L")
    assert plan.fallback.format == "jpeg"
    row = [image.getpixel((x, 32)) for x in (5, 128, 250)]
    assert row[0] < 20 and 100 < row[1] < 156 and row[2] > 235


def test_16_bit_greyscale_png_with_a_colour_key_keeps_its_transparency(
    tmp_path: Path, run
) -> None:
    """Found by a red-team pass: the grey level a 16-bit PNG marks transparent (tRNS) came
    out opaque, while the 8-bit one kept it."""
    ramp = b"".join(struct.pack("<H", 0 if x < 32 else x * 257) for x in range(256))
    scan = Image.frombytes("I;16", (256, 64), ramp * 64)  # the left eighth keyed out
    source = save(scan, tmp_path / "cutout.png", "PNG", transparency=0)
    assert Image.open(source).info.get("transparency") == 0
    plan, report = run(source)
    assert plan.source.has_alpha and plan.fallback.format == "png"
    for variant in plan.variants:
        image = output(report, variant).convert("RGBA")
        assert image.getpixel((0, 10))[3] == 0  # the keyed level
        right = image.getpixel((image.width - 1, 10))
        assert right[3] == 255 and right[0] > 235  # every other level, scaled


@pytest.mark.parametrize("kind", ["RGBA", "LA", "P"])
def test_transparency_keeps_alpha_and_falls_back_to_png(tmp_path: Path, run, kind: str) -> None:
    image = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((50, 50, 250, 150), fill=(200, 30, 30, 255))
    options = {}
    if kind == "LA":
        image = image.convert("LA")
    elif kind == "P":  # a palette with one colour marked transparent, as in old logos
        image = Image.new("P", (300, 200), 0)
        image.putpalette([0, 0, 0, 200, 30, 30])
        ImageDraw.Draw(image).ellipse((50, 50, 250, 150), fill=1)
        options = {"transparency": 0}
    source = save(image, tmp_path / "logo.png", "PNG", **options)
    plan, report = run(source)
    assert plan.source.has_alpha and plan.source.placeholder is None
    assert plan.fallback.format == "png" and {v.format for v in plan.variants} == {"webp", "png"}
    for variant in plan.variants:
        result = output(report, variant).convert("RGBA")
        assert result.getpixel((0, 0))[3] == 0  # the corner stays see-through
        assert result.getpixel((result.width // 2, result.height // 2))[3] == 255


def test_opaque_png_with_an_alpha_channel_is_treated_as_a_photo(tmp_path: Path, run) -> None:
    plan, _report = run(save(photo(mode="RGBA"), tmp_path / "screenshot.png", "PNG"))
    assert not plan.source.has_alpha and plan.fallback.format == "jpeg"


def test_animated_gif_stays_animated_in_webp_and_gif(tmp_path: Path, run) -> None:
    frames = [Image.new("RGB", (160, 90), colour) for colour in ("red", "lime", "blue")]
    source = save(
        frames[0],
        tmp_path / "reaction.gif",
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=120,
        loop=0,
    )
    settings = ImageSettings(widths=(80, 320), formats=("webp", "avif"))
    plan, report = run(source, settings)
    assert plan.source.animated and plan.fallback.format == "gif"
    assert {(v.format, v.width) for v in plan.variants} == {
        ("webp", 80),
        ("webp", 160),
        ("gif", 80),
        ("gif", 160),
    }  # no animated AVIF
    for variant in plan.variants:
        with Image.open(report.files[variant.url_path]) as image:
            assert image.format == variant.format.upper()
            assert image.n_frames == 3 and image.size == (variant.width, variant.height)
            image.seek(1)
            red, green, blue = image.convert("RGB").getpixel((10, 10))
            assert green > 200 and red < 60 and blue < 60
            assert image.info.get("duration") == 120


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow cannot write AVIF")
def test_avif_when_asked_for(tmp_path: Path, run) -> None:
    settings = ImageSettings(widths=(64, 128), formats=("webp", "avif"))
    plan, report = run(save(photo(), tmp_path / "gig.jpg"), settings)
    assert plan.formats == ("webp", "avif", "jpeg")
    for variant in plan.family("avif"):
        assert output(report, variant).format == "AVIF"
        assert variant.mime == "image/avif"
    assert not report.warnings


def test_avif_without_an_encoder_is_skipped_with_a_warning(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = ImageSettings(widths=(64,), formats=("webp", "avif"))
    source = inspect_image(save(photo(), tmp_path / "gig.jpg"), settings)
    real_check = features.check_module
    monkeypatch.setattr(features, "check_module", lambda name: name != "avif" and real_check(name))
    plan = plan_image(source, settings)
    report = process_images([(source, plan.variants)], cache_dir, settings, workers=1)
    assert plan.formats == ("webp", "jpeg")
    assert report.made == 2 and any("AVIF" in warning for warning in report.warnings)


def test_heic_without_pillow_heif_says_what_to_install(tmp_path: Path) -> None:
    path = tmp_path / "iphone.heic"
    path.write_bytes(struct.pack(">I", 24) + b"ftypheic" + bytes(4) + b"mif1heic" + bytes(64))
    script = (
        "import sys; sys.modules['pillow_heif'] = None\n"
        "from pathlib import Path\n"
        "from generator.images import ImageProblem, ImageSettings, inspect_image\n"
        "try:\n"
        f"    inspect_image(Path({str(path)!r}), ImageSettings())\n"
        "except ImageProblem as problem:\n"
        "    print(problem)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == "HEIC needs `pip install byline[heif]`"


def test_heic_is_processed_when_pillow_heif_is_installed(tmp_path: Path, run) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    source = save(photo(), tmp_path / "iphone.heic", "HEIF")
    plan, report = run(source)
    assert plan.source.format == "HEIF" and plan.fallback.format == "jpeg"
    assert output(report, plan.fallback).size == (256, 192)


@pytest.mark.parametrize("fmt", ["TIFF", "BMP", "PNG", "WEBP"])
def test_other_still_formats_become_webp_and_jpeg(tmp_path: Path, run, fmt: str) -> None:
    plan, report = run(save(photo(), tmp_path / f"scan.{fmt.lower()}", fmt))
    assert plan.source.format == fmt and plan.formats == ("webp", "jpeg")
    assert output(report, plan.fallback).size == (256, 192)


def test_camera_mpo_is_a_jpeg_not_an_animation(tmp_path: Path, run) -> None:
    source = save(
        photo(),
        tmp_path / "stereo.jpg",
        "MPO",
        save_all=True,
        append_images=[photo((400, 300), "RGB").rotate(180)],
    )
    plan, report = run(source)
    assert plan.source.format == "JPEG" and not plan.source.animated
    assert output(report, plan.fallback).format == "JPEG"


# ----------------------------------------------------------------------------- placeholder


def test_placeholder_is_a_tiny_blurred_webp_over_the_dominant_colour(tmp_path: Path) -> None:
    image = Image.new("RGB", (400, 300), (30, 90, 160))
    ImageDraw.Draw(image).rectangle((0, 0, 60, 60), fill="yellow")
    source = inspect_image(save(image, tmp_path / "sky.jpg"), SMALL)
    assert source.placeholder is not None and len(source.placeholder) <= 300
    colour, rest = source.placeholder.split(" ", 1)
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    assert abs(red - 30) < 12 and abs(green - 90) < 12 and abs(blue - 160) < 12
    uri = re.search(r"url\(data:image/webp;base64,([A-Za-z0-9+/=]+)\)", rest)
    assert uri is not None
    tiny = Image.open(io.BytesIO(base64.b64decode(uri.group(1))))
    assert tiny.format == "WEBP" and tiny.width <= 16


# ----------------------------------------------------------------------------- social card


def test_social_card_is_1200x630_and_centred_on_the_focus(tmp_path: Path, run) -> None:
    image = Image.new("RGB", (1600, 1600), "navy")
    ImageDraw.Draw(image).ellipse((760, 440, 840, 520), fill="yellow")  # centred at (0.5, 0.3)
    source = save(image, tmp_path / "star.jpg", quality=95)
    found = inspect_image(source, SMALL)
    card = plan_social_card(found, (0.5, 0.3), SMALL)
    other = plan_social_card(found, (0.5, 0.9), SMALL)
    assert card.url_path != other.url_path and card.crop == (0.5, 0.3)
    _plan, report = run(source, extra=[card, other])
    picture = output(report, card)
    assert picture.format == "JPEG" and picture.size == (1200, 630) == (card.width, card.height)
    red, green, blue = picture.convert("RGB").getpixel((600, 315))
    assert red > 200 and green > 200 and blue < 80
    # A focus near the bottom edge cannot be centred: the card stops at the edge instead.
    low = output(report, other).convert("RGB")
    assert low.size == (1200, 630) and low.getpixel((600, 315))[2] > 80


def test_social_card_of_a_small_photo_is_still_full_size(tmp_path: Path, run) -> None:
    source = save(photo((300, 200)), tmp_path / "tiny.jpg")
    card = plan_social_card(inspect_image(source, SMALL), (0.5, 0.5), SMALL)
    _plan, report = run(source, extra=[card])
    assert output(report, card).size == (1200, 630)


# ----------------------------------------------------------------------------- cache


def test_second_run_makes_nothing_and_reuses_every_file(
    tmp_path: Path, cache_dir: Path, run
) -> None:
    plan, first = run(save(photo(), tmp_path / "a.jpg"))
    stamps = {path: path.stat().st_mtime_ns for path in first.files.values()}
    second = process_images([(plan.source, plan.variants)], cache_dir, SMALL, progress=False)
    assert (second.made, second.reused) == (0, 6)
    assert second.files == first.files
    assert {path: path.stat().st_mtime_ns for path in second.files.values()} == stamps


def test_changing_quality_renames_only_that_format(tmp_path: Path) -> None:
    source = inspect_image(save(photo(), tmp_path / "a.jpg"), SMALL)
    before = plan_image(source, SMALL)
    after = plan_image(source, ImageSettings(widths=SMALL.widths, quality={"webp": 60}))
    assert not {v.url_path for v in before.family("webp")} & {
        v.url_path for v in after.family("webp")
    }
    assert before.family("jpeg") == after.family("jpeg")
    assert SMALL.fingerprint() != ImageSettings(quality={"webp": 60}).fingerprint()
    assert SMALL.fingerprint() == ImageSettings(widths=(256, 64, 128, 64)).fingerprint()


def test_prune_removes_the_outputs_of_a_removed_photo(tmp_path: Path, cache_dir: Path, run) -> None:
    kept, kept_report = run(save(photo(), tmp_path / "kept.jpg"))
    _gone, gone_report = run(save(photo((500, 300)), tmp_path / "gone.jpg"))
    # As encoding.replace_atomically names a file while it writes it.
    leftover = cache_dir / "images" / ".gone.0123456789.500.webp.k2j3h4x8.tmp"
    leftover.write_bytes(b"half a file")
    cache = BuildCache(cache_dir)
    removed = prune_processed(cache, [v.url_path for v in kept.variants])
    cache.close()
    assert removed == 7
    assert all(path.exists() for path in kept_report.files.values())
    assert not any(path.exists() for path in gone_report.files.values())
    assert not leftover.exists()


def test_inspect_cache_answers_without_reading_the_file(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.images import source as source_module

    path = save(photo(), tmp_path / "a.jpg")
    # Saved a minute ago: a file saved this very second is not trusted by its times alone
    # (nor one whose time was just put back, as here: so the clock is put forward too).
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 60 * 10**9))
    stat = path.stat()
    first_cache = BuildCache(cache_dir)
    with monkeypatch.context() as later:
        later.setattr(cache_module.time, "time_ns", lambda: stat.st_ctime_ns + 3 * 10**9)
        first = inspect_image(path, SMALL, CachedInspections(first_cache))
    first_cache.close()
    # Unchanged: a new build (new cache object) trusts the record and does not open the file.
    cache = BuildCache(cache_dir)
    try:
        with monkeypatch.context() as patched:
            patched.setattr(source_module, "_read", _never_read)
            assert inspect_image(path, SMALL, CachedInspections(cache)) == first
        # Rewritten with its old size and modification time put back (as cp -p, rsync -t or
        # unzip do): the change is noticed all the same.
        path.write_bytes(b"x" * stat.st_size)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        with pytest.raises(ImageProblem, match="not an image"):
            inspect_image(path, SMALL, CachedInspections(cache))
    finally:
        cache.close()


def _never_read(path: Path) -> tuple[bytes, str]:
    raise AssertionError(f"read {path} although the cache knew it")


def test_a_damaged_inspect_cache_is_rebuilt(tmp_path: Path, cache_dir: Path) -> None:
    cache_dir.mkdir()
    (cache_dir / "build.sqlite").write_bytes(b"not a database at all" * 100)
    path = save(photo(), tmp_path / "a.jpg")
    cache = BuildCache(cache_dir)
    try:
        assert inspect_image(path, SMALL, CachedInspections(cache)).width == 400
        assert inspect_image(path, SMALL, CachedInspections(cache)).width == 400
        assert cache.notes and "damaged" in cache.notes[0]
    finally:
        cache.close()


def test_a_crash_while_encoding_leaves_no_partial_file(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = plan_image(inspect_image(save(photo(), tmp_path / "a.jpg"), SMALL), SMALL)

    def crash(self: Image.Image, out: io.BufferedWriter, *args: object, **kwargs: object) -> None:
        out.write(b"RIFF half an image")
        raise KeyboardInterrupt

    monkeypatch.setattr(Image.Image, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        process_images([(plan.source, plan.variants)], cache_dir, SMALL, workers=1)
    assert list((cache_dir / "images").iterdir()) == []


def test_a_photo_changed_after_inspection_is_reported_not_cached(
    tmp_path: Path, cache_dir: Path
) -> None:
    path = save(photo(), tmp_path / "a.jpg")
    plan = plan_image(inspect_image(path, SMALL), SMALL)
    save(photo((400, 301)), path)
    report = process_images([(plan.source, plan.variants)], cache_dir, SMALL, workers=1)
    assert report.made == 0 and "changed" in report.failed[path]
    assert report.files == {}


def test_parallel_run_merges_jobs_for_the_same_photo(tmp_path: Path, cache_dir: Path) -> None:
    sources = [
        inspect_image(save(photo((300 + 20 * i, 200)), tmp_path / f"p{i}.jpg"), SMALL)
        for i in range(3)
    ]
    plans = [plan_image(source, SMALL) for source in sources]
    card = plan_social_card(sources[0], (0.5, 0.5), SMALL)
    jobs = [(p.source, p.variants) for p in plans] + [(sources[0], (card, *plans[0].variants))]
    report = process_images(jobs, cache_dir, SMALL, workers=2, progress=False)
    assert report.made == 3 * 6 + 1 and not report.failed
    assert all(path.is_file() for path in report.files.values())


def test_progress_bar_only_when_asked_or_on_a_terminal(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = plan_image(inspect_image(save(photo(), tmp_path / "a.jpg"), SMALL), SMALL)
    process_images([(plan.source, plan.variants[:2])], cache_dir, SMALL, workers=1)
    assert capsys.readouterr().err == ""  # auto: stderr here is not a terminal
    process_images([(plan.source, plan.variants)], cache_dir, SMALL, workers=1, progress=True)
    err = capsys.readouterr().err
    assert "images 1/1" in err and "100%" in err and "ETA" in err


# ----------------------------------------------------------------------------- problems


def header_zeroed(data: bytes) -> bytes:
    """A JPEG or PNG whose header says it is 0 pixels high and wide."""
    damaged = bytearray(data)
    if data.startswith(b"\x89PNG"):
        damaged[16:24] = bytes(8)  # IHDR's width and height
    else:
        at = damaged.find(b"\xff\xc0")  # the frame header: its height
        damaged[at + 5:at + 7] = bytes(2)
    return bytes(damaged)


def test_the_sites_pixel_limit_is_the_only_one() -> None:
    """Found by a red-team pass: a 182-megapixel panorama, under the 200 million pixels
    images.max_pixels allows, was refused as over it (Pillow's own limit, 179 million, came
    first), and raising the setting did not help."""
    panorama = png_claiming(14_000, 13_000)
    assert open_image(panorama, 200_000_000).size == (14_000, 13_000)
    with pytest.raises(ImageProblem, match=r"= 182,000,000 pixels, over images.max_pixels "
                                           r"\(100,000,000\)"):
        open_image(panorama, 100_000_000)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG file that says it holds a huge picture: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(1000)))
        + chunk(b"IEND", b"")
    )


def broken_png() -> bytes:
    """A PNG whose compressed pixel data is damaged."""
    buffer = io.BytesIO()
    photo().save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    start = data.index(b"IDAT") + 20
    data[start : start + 40] = b"\xff" * 40
    return bytes(data)


def icon() -> bytes:
    """A Windows icon: an image format, but not one for a news page."""
    buffer = io.BytesIO()
    photo((32, 32)).save(buffer, "ICO")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.jpg", None, "image file not found"),
        ("empty.jpg", lambda: b"", "image file is empty"),
        ("cut.jpg", lambda: jpeg_bytes(photo((600, 400)))[:3000], "truncated"),
        ("broken.png", broken_png, "image data is damaged (an incomplete copy or download?): "
         "export, copy or download it again"),
        ("notes.jpg", lambda: b"Remember to credit the photographer!\n" * 5, "not an image"),
        ("favicon.jpg", icon, "format Byline does not handle"),
        ("bomb.png", lambda: png_claiming(100_000, 100_000), "max_pixels"),
        # A JPEG or PNG that cannot be read was called "a format Byline does not handle (use
        # JPEG, PNG…)" (found by a red-team pass).
        ("flat.jpg", lambda: header_zeroed(jpeg_bytes(photo((60, 40)))),
         "this JPEG's header is damaged: export, copy or download it again"),
        ("flat.png", lambda: header_zeroed(png_bytes(photo((60, 40)))),
         "this PNG's header is damaged: export, copy or download it again"),
        # A red-team pass: "link it as a file" is no advice for a publisher logo.
        ("logo.svg", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
         "SVG is not processed as a photo: save a PNG or JPEG of it for this place, or link "
         "the SVG as a file"),
    ],
)
def test_unusable_files_raise_one_line_problems_without_the_path(
    tmp_path: Path, name: str, content: Callable[[], bytes] | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content())
    with pytest.raises(ImageProblem) as caught:
        inspect_image(path, SMALL)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text and str(tmp_path) not in text and name not in text


def test_the_pixel_limit_comes_from_the_settings(tmp_path: Path) -> None:
    path = save(photo((400, 300)), tmp_path / "a.jpg")
    with pytest.raises(ImageProblem) as caught:
        inspect_image(path, ImageSettings(max_pixels=100_000))
    assert str(caught.value) == (
        "image is 400×300 = 120,000 pixels, over images.max_pixels (100,000): if it is a real "
        "photo, raise images.max_pixels in site.yaml (or resize it); else it is a damaged or "
        "hostile file: replace it")
    assert inspect_image(path, ImageSettings(max_pixels=120_000)).width == 400


@pytest.mark.parametrize("size", [(9504, 6336), (11648, 8736)])  # 61 MP full frame, 102 MP
def test_the_default_pixel_limit_admits_every_camera(tmp_path: Path, size) -> None:
    from generator.images.decoding import open_image

    image = open_image(png_claiming(*size), ImageSettings().max_pixels)  # the header only
    assert image.size == size


def test_settings_are_validated_and_normalised() -> None:
    with pytest.raises(ValueError, match="unknown format 'jpegxl'"):
        ImageSettings(formats=("jpegxl",))
    with pytest.raises(ValueError, match="quality"):
        ImageSettings(quality={"webp": 101})
    settings = ImageSettings(widths=(800, 480, 800), quality={"webp": 70})
    assert settings.widths == (480, 800)
    assert settings.quality_for("webp") == 70 and settings.quality_for("jpeg") == 80


def test_a_source_image_reports_what_a_template_needs(tmp_path: Path) -> None:
    found = inspect_image(save(photo((400, 300)), tmp_path / "a.jpg"), SMALL)
    assert isinstance(found, SourceImage)
    assert (found.width, found.height, found.format) == (400, 300, "JPEG")
    assert not found.has_alpha and not found.animated
    assert re.fullmatch(r"[0-9a-f]{12,}", found.digest)


# ----------------------------------------------------------------------------- any photo
# Issue 11: every photo a writer may drop in gives a correct page or one clear line.


def test_card_box_stays_inside_the_picture_at_every_size() -> None:
    # 1613 × (1200 / 1613) came out a hair over 1200, and the box began at -2e-13: Pillow
    # refused it ("box offset can't be negative") for 3.6% of ordinary photo sizes.
    for width in range(1200, 2400):
        for height in (630, 1000, 1333, 4000):
            for focus in ((0.0, 0.0), (0.5, 0.5), (1.0, 1.0)):
                left, top, right, bottom = card_box((width, height), (1200, 630), focus)
                assert 0 <= left < right <= width and 0 <= top < bottom <= height
                assert abs((right - left) / (bottom - top) - 1200 / 630) < 1e-9


@pytest.mark.parametrize("focus", [(0.5, 0.5), (0.0, 0.0), (1.0, 1.0), (0.0, 1.0)])
def test_social_card_of_a_1613x1000_photo(tmp_path: Path, run, focus) -> None:
    source = save(photo((1613, 1000)), tmp_path / "premiere.jpg")
    card = plan_social_card(inspect_image(source, SMALL), focus, SMALL)
    _plan, report = run(source, extra=[card])
    picture = output(report, card)
    assert picture.format == "JPEG" and picture.size == (1200, 630)


def test_a_1000x20000_infographic_is_planned_within_webps_limit() -> None:
    source = SourceImage(Path("chart.png"), "0" * 64, 1000, 20000, "PNG", False, False)
    plan = plan_image(source, ImageSettings())
    assert [(v.width, v.height) for v in plan.family("webp")] == [
        (480, 9600), (800, 16000), (819, 16383)  # WebP's largest, a pixel off 1:20 at most
    ]
    assert [(v.width, v.height) for v in plan.family("jpeg")] == [
        (480, 9600), (800, 16000), (1000, 20000)
    ]


def test_an_infographic_taller_than_webp_allows_builds(make_site) -> None:
    # 1000×20000 in the report; a narrower one is the same case and a quarter of the work.
    site = make_site({
        "content/articles/chart/index.md": article(
            category="Music", hero='{image: chart.png, alt: The chart, credit: "Jo Lane"}',
            body='![The chart again](chart.png){credit="Jo Lane"}'),
        "content/articles/chart/chart.png": photo_bytes((250, 20000), "PNG"),
    })
    run = build_outcome(site)
    assert run.code == 0, run.err
    html = page(site, "/music/chart/")
    img = html.find("img", attrs={"fetchpriority": "high"})
    assert (img["width"], img["height"]) == ("250", "20000")
    assert output_size(site, img["src"]) == (250, 20000)
    widest = 0
    for srcset in [s["srcset"] for s in html.select("source[type='image/webp']")]:
        for candidate in srcset.split(", "):
            url, descriptor = candidate.split(" ")
            size = output_size(site, url)
            assert size[0] == int(descriptor[:-1]) and size[1] <= 16383
            assert keeps_proportions(size, (250, 20000))
            widest = max(widest, size[1])
    assert widest == 16383
    card = html.find("meta", property="og:image")["content"].removeprefix("https://news.example")
    assert output_size(site, card) == (1200, 630)


def output_size(site: Path, url: str) -> tuple[int, int]:
    """The size of a file the build wrote, decoded in full."""
    with Image.open(site / "output" / url.lstrip("/")) as image:
        image.load()
        return image.size


@pytest.mark.parametrize(
    ("size", "widths"),
    [((100, 20000), (64, 100)), ((20000, 100), (64, 20000)), ((16384, 2), (16384,)),
     ((2, 16384), (2,))],
)
def test_outputs_are_capped_to_the_encoders_limits(tmp_path: Path, run, size, widths) -> None:
    settings = ImageSettings(widths=widths, formats=("webp", "avif"))
    plan, report = run(save(photo(size, "L"), tmp_path / "tall.png", "PNG"), settings)
    assert plan.fallback.format == "jpeg" and plan.fallback.width == max(widths)
    for variant in plan.variants:
        image = output(report, variant)
        assert image.size == (variant.width, variant.height)
        assert max(image.size) <= {"webp": 16383, "avif": 32768, "jpeg": 65500}[variant.format]
        assert keeps_proportions(image.size, size)
    webp = plan.family("webp")[-1]
    assert max(webp.width, webp.height) == 16383  # as large as WebP allows, no smaller


def keeps_proportions(size: tuple[int, int], source: tuple[int, int]) -> bool:
    """Whether ``size`` has the proportions of ``source`` within a pixel (on its short side)."""
    width, height = size
    return (abs(height - width * source[1] / source[0]) <= 1
            or abs(width - height * source[0] / source[1]) <= 1)


@pytest.mark.parametrize(
    "size", [(1, 1), (1, 70000), (70000, 1), (3, 100_000), (100_000, 3), (16383, 16384)]
)
def test_every_planned_variant_fits_its_format(size: tuple[int, int]) -> None:
    settings = ImageSettings(widths=(16, 480, 20000, 70000), formats=("webp", "avif"))
    for animated, has_alpha in ((False, False), (False, True), (True, False)):
        source = SourceImage(Path("x.png"), "0" * 64, *size, "PNG", has_alpha, animated)
        plan = plan_image(source, settings)
        for variant in (*plan.variants, plan_social_card(source, (1.0, 0.0), settings)):
            assert min(variant.width, variant.height) >= 1
            assert max(variant.width, variant.height) <= MAX_SIDE[variant.format]
            if not variant.crop:
                assert keeps_proportions((variant.width, variant.height), size)
        # One file per size: capping never leaves two variants of the same width.
        for fmt in plan.formats:
            widths = [v.width for v in plan.family(fmt)]
            assert widths == sorted(set(widths))


ORANGE = (230, 120, 40)


def coloured(mode: str, size: tuple[int, int] = (120, 80)) -> tuple[Image.Image, tuple[int, ...]]:
    """A plain picture in ``mode`` and the sRGB colour it should come out as."""
    rgb = Image.new("RGB", size, ORANGE)
    if mode == "LAB":
        to_lab = ImageCms.buildTransform(
            ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB"), "RGB", "LAB"
        )
        return ImageCms.applyTransform(rgb, to_lab) or rgb, ORANGE
    if mode == "1":
        return Image.new("1", size, 1), (255, 255, 255)
    if mode == "P":
        image = Image.new("P", size, 0)
        image.putpalette(ORANGE)
        return image, ORANGE
    if mode in ("I", "F", "I;16", "I;16B"):  # 16-bit grey, scaled to 8 bits
        wide = Image.new("I", size, 120 * 257)
        return (wide if mode == "I" else wide.convert(mode)), (120, 120, 120)
    image = rgb.convert(mode)
    return image, image.convert("RGB").getpixel((0, 0))


@pytest.mark.parametrize(
    ("mode", "fmt"),
    [
        ("1", "PNG"), ("1", "TIFF"), ("1", "BMP"), ("L", "JPEG"), ("L", "PNG"), ("LA", "TIFF"),
        ("P", "PNG"), ("P", "GIF"), ("P", "BMP"), ("RGB", "BMP"), ("RGBA", "TIFF"),
        ("I", "TIFF"), ("I;16", "PNG"), ("I;16", "TIFF"), ("I;16B", "TIFF"), ("F", "TIFF"),
        ("CMYK", "TIFF"), ("YCbCr", "TIFF"), ("YCbCr", "JPEG"), ("LAB", "TIFF"),
    ],
)
def test_every_colour_mode_comes_out_as_8_bit_with_its_colour(
    tmp_path: Path, run, mode: str, fmt: str
) -> None:
    image, expected = coloured(mode)
    plan, report = run(save(image, tmp_path / f"scan.{fmt.lower()}", fmt))
    for variant in plan.variants:
        result = output(report, variant)
        assert result.size == (variant.width, variant.height)
        assert result.mode in {"webp": ("RGB",), "jpeg": ("L", "RGB")}[variant.format]
        got = result.convert("RGB").getpixel((result.width // 2, result.height // 2))
        assert all(abs(a - b) <= 12 for a, b in zip(got, expected, strict=True)), (got, expected)


@pytest.mark.parametrize(("fmt", "kind"), [("PNG", "RGBA"), ("PNG", "P"), ("PNG", "L-key"),
                                           ("PNG", "RGB-key"),
                                           ("GIF", "P"), ("WEBP", "RGBA"), ("TIFF", "LA"),
                                           ("TIFF", "PA")])
def test_transparency_is_kept_in_webp_and_png(tmp_path: Path, run, fmt: str, kind: str) -> None:
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((50, 20, 150, 80), fill=(30, 160, 220, 255))
    options: dict[str, object] = {}
    if kind in ("P", "L-key"):
        image = Image.new("P" if kind == "P" else "L", (200, 100), 0)
        if kind == "P":
            image.putpalette([0, 0, 0, 30, 160, 220])
        ImageDraw.Draw(image).rectangle((50, 20, 150, 80), fill=1 if kind == "P" else 200)
        options = {"transparency": 0}
    elif kind == "RGB-key":  # PNG's tRNS: one colour of a truecolour picture see-through
        image = Image.new("RGB", (200, 100), (0, 0, 0))
        ImageDraw.Draw(image).rectangle((50, 20, 150, 80), fill=(30, 160, 220))
        options = {"transparency": (0, 0, 0)}
    elif kind != "RGBA":
        image = image.convert(kind)
    plan, report = run(save(image, tmp_path / f"logo.{fmt.lower()}", fmt, **options))
    assert plan.source.has_alpha and plan.fallback.format == "png"
    for variant in plan.variants:
        result = output(report, variant)
        assert result.mode == "RGBA"
        assert result.getpixel((0, 0))[3] == 0
        assert result.getpixel((result.width // 2, result.height // 2))[3] == 255


@pytest.mark.parametrize("fmt", ["WEBP", "PNG"])
def test_animated_webp_and_apng_stay_animated(tmp_path: Path, run, fmt: str) -> None:
    """Each frame keeps its own time (found by a red-team pass: every frame of an animated
    WebP came out lasting 100 ms, a quick flash and a two-second hold alike)."""
    frames = [Image.new("RGB", (160, 90), colour) for colour in ("red", "lime", "blue")]
    source = save(frames[0], tmp_path / f"loop.{fmt.lower()}", fmt, save_all=True,
                  append_images=frames[1:], duration=[40, 60, 2000], loop=0)
    plan, report = run(source, ImageSettings(widths=(80, 320)))
    assert plan.source.animated and plan.fallback.format == "gif"
    assert {v.format for v in plan.variants} == {"webp", "gif"}
    for variant in plan.variants:
        with Image.open(report.files[variant.url_path]) as image:
            assert image.n_frames == 3 and image.size == (variant.width, variant.height)
            durations = []
            for at in range(3):
                image.seek(at)
                image.load()  # a WebP frame's duration is known once it is loaded
                durations.append(image.info["duration"])
            assert durations == [40, 60, 2000], variant.url_path
            red, green, blue = image.convert("RGB").getpixel((10, 10))
            assert blue > 200 and red < 60 and green < 60


def test_an_animation_as_hero_gets_a_still_card(tmp_path: Path, run) -> None:
    frames = [Image.new("RGBA", (300, 200), colour) for colour in ("red", "lime")]
    source = save(frames[0], tmp_path / "reaction.gif", "GIF", save_all=True,
                  append_images=frames[1:], duration=100, loop=0)
    card = plan_social_card(inspect_image(source, SMALL), (1.0, 1.0), SMALL)
    _plan, report = run(source, extra=[card])
    picture = output(report, card)
    assert picture.format == "JPEG" and picture.size == (1200, 630)
    assert picture.convert("RGB").getpixel((600, 315))[0] > 200  # the first frame


def marked_corner(size: tuple[int, int] = (90, 60)) -> Image.Image:
    """Blue, with the stored top-left corner red: where it ends up shows the turn."""
    image = Image.new("RGB", size, (0, 0, 255))
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 3, size[1] // 3), fill=(255, 0, 0))
    return image


def red_corner(image: Image.Image) -> str:
    """Which corner of the picture is red: "tl", "tr", "bl" or "br"."""
    rgb = image.convert("RGB")
    corners = {"tl": (2, 2), "tr": (rgb.width - 3, 2), "bl": (2, rgb.height - 3),
               "br": (rgb.width - 3, rgb.height - 3)}
    red = [name for name, xy in corners.items() if rgb.getpixel(xy)[0] > 200]
    assert len(red) == 1, red
    return red[0]


# Where the stored top-left corner shows, and whether the picture turns a quarter.
SHOWN = {1: ("tl", False), 2: ("tr", False), 3: ("br", False), 4: ("bl", False),
         5: ("tl", True), 6: ("tr", True), 7: ("br", True), 8: ("bl", True)}


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
@pytest.mark.parametrize("orientation", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 65535])
def test_every_exif_orientation_and_invalid_ones(
    tmp_path: Path, run, fmt: str, orientation: int
) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    source = save(marked_corner(), tmp_path / f"phone.{fmt.lower()}", fmt, exif=exif)
    corner, turned = SHOWN.get(orientation, ("tl", False))  # invalid: shown as stored
    plan, report = run(source)
    assert (plan.source.width, plan.source.height) == ((60, 90) if turned else (90, 60))
    for variant in plan.variants:
        image = output(report, variant)
        assert image.size == (variant.width, variant.height)
        assert red_corner(image) == corner


def exif_segment(tiff: bytes) -> bytes:
    """A JPEG APP1 segment carrying ``tiff`` as its EXIF block."""
    payload = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


@pytest.mark.parametrize(
    "tiff",
    [
        b"II*\0" + bytes(range(256)) * 2,  # an IFD offset into noise
        b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06",  # the entry cut short
        b"II*\0\x08\0\0\0\x01\0\x12\x01\x02\0\x04\0\0\0abc\0\0\0\0\0",  # orientation "abc"
        b"\xde\xad\xbe\xef" * 40,
    ],
    ids=["noise", "cut-short", "text-orientation", "not-tiff"],
)
def test_a_garbage_exif_block_shows_the_photo_as_stored(tmp_path: Path, run, tiff) -> None:
    data = jpeg_bytes(marked_corner())
    path = tmp_path / "odd.jpg"
    path.write_bytes(data[:2] + exif_segment(tiff) + data[2:])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Pillow's "Corrupt EXIF data" must not reach stderr
        plan, report = run(path)
    assert (plan.source.width, plan.source.height) == (90, 60)
    assert red_corner(output(report, plan.fallback)) == "tl"


def image_bytes(fmt: str, **options: object) -> bytes:
    """A sound ``fmt`` file of an ordinary photo."""
    buffer = io.BytesIO()
    photo((300, 200), "RGB").save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP", "AVIF"])
@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_a_truncated_file_of_any_format_is_one_line_at_the_article(
    make_site, fmt: str, keep: float
) -> None:
    data = image_bytes(fmt)
    site = make_site({
        "content/articles/cut/index.md": article(
            hero='{image: cut.img, alt: A, credit: B}', body="Text."),
        "content/articles/cut/cut.img": data[: int(len(data) * keep)],
    })
    run = build_outcome(site)
    assert run.code == 1
    [line, _summary] = run.err.splitlines()
    assert re.fullmatch(
        r"content/articles/cut/index\.md:4: error: cut\.img: image (file is truncated|data is "
        r"damaged|header is corrupt|file is empty)[^\n]*|content/articles/cut/index\.md:4: "
        r"error: cut\.img: this (JPEG|PNG|GIF|WebP|AVIF)'s header is damaged[^\n]*"
        # A TIFF or BMP cut short before its signature can say no more.
        + ("|content/articles/cut/index\\.md:4: error: cut\\.img: not an image[^\\n]*"
           if fmt in ("TIFF", "BMP") else ""),
        line,
    ), line


def test_a_photo_that_cannot_be_written_is_an_error_at_its_line(
    make_site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({
        "content/articles/full/index.md": article(
            hero='{image: hero.jpg, alt: A, credit: B}', body="Text."),
        "content/articles/full/hero.jpg": photo_bytes((1200, 800)),  # wide enough for Discover
    })
    before = build_outcome(site)
    assert before.code == 0
    (site / "content/articles/full/hero.jpg").write_bytes(photo_bytes((1200, 801)))

    def disk_full(*_args: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("generator.images.variants.write_picture", disk_full)
    run = build_outcome(site, previous=snapshot(site / "output"))
    assert run.err.splitlines()[0] == (
        "content/articles/full/index.md:4: error: hero.jpg: image could not be saved: the "
        "disk is full; free some space and build again"
    )


def test_a_gif_whose_screen_is_wider_than_its_picture(tmp_path: Path, run) -> None:
    # Found by the fuzzer: one damaged byte made a 1×65 GIF's screen 257 wide.  The
    # picture is shown on that screen, so every output is 257×65 in proportion.
    data = bytearray(gif_bytes((1, 65)))
    data[7] = 1  # the high byte of the logical screen width: 1 → 257
    path = tmp_path / "strip.gif"
    path.write_bytes(bytes(data))
    plan, report = run(path)
    assert (plan.source.width, plan.source.height) == (257, 65)
    for variant in plan.variants:
        assert output(report, variant).size == (variant.width, variant.height)
        assert keeps_proportions((variant.width, variant.height), (257, 65))


def gif_bytes(size: tuple[int, int]) -> bytes:
    """A still greyscale GIF."""
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize(size).save(buffer, "GIF")
    return buffer.getvalue()


def stops_early(jpeg: bytes, share: float) -> bytes:
    """``jpeg`` with an end-of-image marker ``share`` of the way into its picture data, as a
    damaged copy has: libjpeg stops there and fills the rest with flat grey, and says nothing
    Pillow passes on."""
    start = jpeg.index(b"\xff\xda")
    cut = start + int((len(jpeg) - start) * share)
    return jpeg[:cut] + b"\xff\xd9" + jpeg[cut:]


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(
        ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_with_rows(size: tuple[int, int], interlaced: bool, share: float = 1.0) -> bytes:
    """A greyscale PNG with a gradient, its compressed data holding ``share`` of what its
    header's size needs, and closed properly after it (an IEND), as a broken export is."""
    width, height = size
    if interlaced:
        passes = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4),
                  (1, 0, 2, 2), (0, 1, 1, 2))
        raw = b"".join(
            b"\0" + bytes((x * 5 + y) % 256 for x in range(x0, width, dx))
            for x0, y0, dx, dy in passes if x0 < width and y0 < height
            for y in range(y0, height, dy))
    else:
        raw = b"".join(b"\0" + bytes((x * 5 + y) % 256 for x in range(width))
                       for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, int(interlaced))
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(raw[:int(len(raw) * share)]))
            + png_chunk(b"IEND", b""))


@pytest.mark.parametrize("interlaced", [False, True])
def test_a_png_whose_data_stops_early_is_an_error(make_site, interlaced: bool) -> None:
    """Found by a red-team pass: a PNG whose compressed data ends half-way, in a file
    closed properly, is no error to Pillow, which leaves the rest black; it was published
    so, with no word."""
    whole = png_with_rows((400, 300), interlaced)
    assert Image.open(io.BytesIO(whole)).getextrema() != (0, 0)  # a picture Pillow reads
    site = make_site({
        "content/articles/gala/index.md": article(
            "The gala", category="Music", hero="{image: hero.png, alt: A, credit: B}"),
        "content/articles/gala/hero.png": whole,
    })
    assert build_outcome(site).code == 0
    (site / "content/articles/gala/hero.png").write_bytes(
        png_with_rows((400, 300), interlaced, share=0.5))
    run = build_outcome(site, previous=snapshot(site / "output"))
    errors = [line for line in run.err.splitlines()
              if ": error: " in line and not line.startswith("byline: ")]
    assert errors == [
        "content/articles/gala/index.md:5: error: hero.png: image file is truncated (an "
        "incomplete copy or download?)" if interlaced else  # Pillow finds that one itself
        "content/articles/gala/index.md:5: error: photo hero.png is damaged: its data stops "
        "early, so readers would see 50% of it blank (an incomplete copy or download?): copy "
        "or download it again"]


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "RGB", "RGBA", "I;16"])
def test_a_whole_png_of_any_kind_is_not_taken_as_damaged(mode: str) -> None:
    picture = Image.new("RGB", (37, 23), (200, 30, 90)).convert(mode)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    assert png_missing_share(buffer.getvalue()) == 0.0
    assert png_missing_share(png_with_rows((37, 23), interlaced=True)) == 0.0
    assert 0.45 < png_missing_share(png_with_rows((37, 23), False, 0.5)) < 0.55


@pytest.mark.parametrize(("mode", "orientation"), [("RGB", 1), ("L", 1), ("RGB", 6)])
def test_a_photo_whose_data_stops_early_is_an_error_where_it_is_shown(
    make_site, mode: str, orientation: int
) -> None:
    """Found by a red-team pass: a JPEG whose data stops half-way (a stray end marker) was
    published with its lower half flat grey and no word to the writer; then (a later pass)
    with a warning, which let the half-grey hero go out all the same."""
    whole = jpeg_bytes(photo((1600, 1000), mode), quality=90, exif=camera_exif(orientation))
    site = make_site({
        "content/articles/gala/index.md": article(
            "The gala", category="Music", hero="{image: hero.jpg, alt: A, credit: B}",
            body='Text.\n\n![The room](room.jpg "The room."){credit="C/D"}'),
        "content/articles/gala/hero.jpg": whole,
        "content/articles/gala/room.jpg": jpeg_bytes(photo((900, 600))),
        "content/pages/about.md": "---\ntitle: About\n---\n\n![Us](../articles/gala/hero.jpg)\n",
    })
    assert build_outcome(site).code == 0
    (site / "content/articles/gala/hero.jpg").write_bytes(stops_early(whole, 0.5))
    run = build_outcome(site, previous=snapshot(site / "output"))
    assert run.code == 1  # and the last good output stays as it was
    errors = [line for line in run.err.splitlines() if "is damaged" in line]
    said = ("error: photo {src} is damaged: its data stops early, so readers would see "
            "{share}% of it blank (an incomplete copy or download?): copy or download "
            "it again")
    assert len(errors) == 2, errors
    article_line, page_line = errors
    assert article_line.startswith("content/articles/gala/index.md:5: ")
    assert page_line.startswith("content/pages/about.md:5: ")
    share = article_line.split("would see ")[1].split("%")[0]
    assert 40 <= int(share) <= 55
    assert article_line.endswith(said.format(src="hero.jpg", share=share))
    assert page_line.endswith(said.format(src="../articles/gala/hero.jpg", share=share))
    # Said again by every build and by the check, not only the build that inspected it.
    again = build_outcome(site)
    assert [line for line in again.err.splitlines() if "is damaged" in line] == errors
    checked = run_byline(["check", "--site", str(site)])
    assert [line for line in checked.err.splitlines() if "is damaged" in line] == errors


def test_photos_whole_or_flat_grey_by_design_are_no_warning(make_site) -> None:
    """A whole file may have a grey band, or data after its end (a phone's motion clip, a
    second picture), but only a damaged one has both."""
    clipped = jpeg_bytes(photo((800, 600))) + b"\x00\x00\x00\x18ftypmp42" + bytes(5000)
    grey = Image.new("RGB", (800, 600), (128, 128, 128))
    banded = photo((800, 600))  # a title card's grey footer (found by a red-team pass)
    ImageDraw.Draw(banded).rectangle((0, 480, 800, 600), fill=(128, 128, 128))
    site = make_site({
        "content/articles/gala/index.md": article(
            "The gala", category="Music", hero="{image: grey.jpg, alt: A, credit: B}",
            body='Text.\n\n![Band](band.jpg "A band."){credit="C/D"}\n\n'
                 '![Clip](clip.jpg "A clip."){credit="C/D"}'),
        "content/articles/gala/grey.jpg": jpeg_bytes(grey),
        "content/articles/gala/band.jpg": jpeg_bytes(banded, quality=95),
        "content/articles/gala/clip.jpg": clipped,
    })
    run = build_outcome(site)
    assert [line for line in run.err.splitlines() if "damaged" in line] == []


def test_a_photo_deleted_after_a_build_is_one_error_as_in_a_clean_build(make_site) -> None:
    """Found by a red-team pass: the story was checked again and failed, but the previous
    build's check of it was used all the same, so the image stage said it a second way."""
    site = make_site({
        "content/articles/gala/index.md": article(
            "The gala", category="Music",
            body='Text.\n\n![The room](room.jpg "Room."){credit="C/D"}'),
        "content/articles/gala/room.jpg": jpeg_bytes(photo((900, 600))),
    })
    assert build_outcome(site).code == 0
    (site / "content/articles/gala/room.jpg").unlink()
    after_edit = build_outcome(site, previous=snapshot(site / "output"))
    shutil.rmtree(site / "output")
    shutil.rmtree(site / ".byline-cache")
    clean = build_outcome(site)
    assert after_edit.code == clean.code == 1
    assert after_edit.err == clean.err
    assert after_edit.err.splitlines()[0] == (
        "content/articles/gala/index.md:9: error: image not found: room.jpg (looked for "
        "content/articles/gala/room.jpg)")


def test_a_name_stored_in_another_unicode_form_is_found_and_capitals_are_hinted(
    make_site,
) -> None:
    """Found by a red-team pass: a photo copied from a Mac stores "é" as "e" and an accent;
    the writer types it whole, and "image not found: café.jpg" named a file that looked
    exactly like the one in the folder.  A name that differs in capitals gets a hint."""
    import unicodedata

    stored = unicodedata.normalize("NFD", "café.jpg")
    site = make_site({
        "content/articles/gala/index.md": article(
            "The gala", category="Music",
            body='Text.\n\n![The café](café.jpg "The café."){credit="C/D"}'),
        f"content/articles/gala/{stored}": jpeg_bytes(photo((900, 600))),
    })
    run = build_outcome(site)
    assert (run.code, [line for line in run.err.splitlines() if "café" in line]) == (0, [])
    html = (site / "output/music/gala/index.html").read_text(encoding="utf-8")
    assert "<img" in html and "café" in unicodedata.normalize("NFC", html)
    (site / "content/articles/gala/index.md").write_text(article(
        "The gala", category="Music", body='Text.\n\n![The room](room.jpg "Room."){credit="C/D"}'
    ), encoding="utf-8")
    (site / "content/articles/gala/Room.JPG").write_bytes(jpeg_bytes(photo((900, 600))))
    run = build_outcome(site, previous=snapshot(site / "output"))
    assert run.err.splitlines()[0] == (
        "content/articles/gala/index.md:9: error: image not found: room.jpg (looked for "
        "content/articles/gala/room.jpg): the folder has Room.JPG, which differs in capitals; "
        "write it as it is")


def test_an_animation_comes_out_upright_and_in_srgb_as_a_still_does(tmp_path: Path, run) -> None:
    """Found by a red-team pass: an animated PNG in another colour profile kept its colours
    unconverted (and lost the profile), and one a phone marked as turned (EXIF orientation
    6) was stretched into the upright box the page declares."""
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned a quarter: shown upright, 90 by 160
    frames = []
    for colour in ((255, 0, 0), (200, 0, 0)):
        frame = Image.new("RGB", (160, 90), colour)
        ImageDraw.Draw(frame).rectangle((0, 0, 19, 89), fill=(0, 0, 255))  # stored left edge
        frames.append(frame)
    source = save(frames[0], tmp_path / "clip.png", "PNG", save_all=True,
                  append_images=frames[1:], duration=120, loop=0,
                  icc_profile=swapped_primaries_profile(), exif=exif)
    plan, report = run(source, ImageSettings(widths=(90,), formats=("webp",)))
    assert plan.source.animated and (plan.source.width, plan.source.height) == (90, 160)
    for variant in plan.variants:
        with Image.open(report.files[variant.url_path]) as image:
            assert image.n_frames == 2 and image.size == (90, 160)
            picture = image.convert("RGB")
            red, green, blue = picture.getpixel((45, 150))
            assert green > 200 and red < 60 and blue < 60  # "red" in that profile
            assert picture.getpixel((45, 5))[2] > 200  # the stored left edge, turned to the top


def test_a_remote_hero_is_said_to_leave_the_story_without_a_share_picture(make_site) -> None:
    # A red-team pass: the page showed it, but the story went to Facebook, X, search results
    # and feeds with no picture, and the warning said only that it was not resized.
    site = make_site({"content/articles/a.md": article(
        hero="{image: 'https://cdn.wire.example/premiere.jpg', alt: The premiere}",
        category="Music")})
    result = build(site)
    assert [str(w) for w in result.warnings if "remote" in str(w)] == [
        "content/articles/a.md:4: warning: remote image https://cdn.wire.example/premiere.jpg "
        "is left as is: it is not resized, and readers' browsers fetch it from that server, and "
        "the story is shared without a picture (no share card, none in search results or "
        "feeds) (copy it into the article folder instead)"]
