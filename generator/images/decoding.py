"""Opening untrusted image files: known formats only, a pixel limit, one-line problems.

Every Pillow failure while reading a source (unknown format, truncated data, decompression
bomb, odd exceptions from a hostile file) becomes an ``ImageProblem`` here, so the rest of
the pipeline only ever sees images that decoded.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from PIL import Image

from generator.images.problems import ImageProblem

# Only the formats a news photo arrives in.  Pillow would also open EPS (which runs
# Ghostscript), PSD, ICO, PCX, ...: none belongs on a web page, and each is more attack
# surface.  MPO is what many cameras and phones write: a JPEG with a second picture behind it.
OPEN_FORMATS = ("JPEG", "MPO", "PNG", "GIF", "WEBP", "AVIF", "HEIF", "TIFF", "BMP")

# ISO-BMFF brands of HEIC/HEIF files (iPhone photos), read from the file's "ftyp" box.
HEIF_BRANDS = {
    b"heic",
    b"heix",
    b"hevc",
    b"hevx",
    b"heim",
    b"heis",
    b"hevm",
    b"hevs",
    b"mif1",
    b"msf1",
}

# Formats whose extra frames are an animation; TIFF pages, MPO and HEIF bursts are not.
ANIMATION_FORMATS = ("GIF", "PNG", "WEBP", "AVIF")

# What each EXIF orientation asks for to show the picture upright.  Orientations 5-8 turn it
# a quarter, so it displays with width and height swapped.
ORIENTATION_TAG = 0x0112
TRANSPOSES: dict[int, Image.Transpose | None] = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
QUARTER_TURNS = {5, 6, 7, 8}

# What decoding a hostile or damaged file can raise, besides OSError.
DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    TypeError,
    struct.error,
    zlib.error,
    KeyError,
)


@cache
def heif_available() -> bool:
    """Whether HEIC files can be opened: only with the optional ``pillow_heif`` installed."""
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


@contextmanager
def decode_problems() -> Iterator[None]:
    """Turn whatever Pillow raises while decoding into an ``ImageProblem``."""
    try:
        yield
    except ImageProblem:
        raise
    except MemoryError:
        raise ImageProblem("image is too large to decode with the memory available") from None
    except DECODE_ERRORS as error:
        if "truncated" in str(error):
            raise ImageProblem(
                "image file is truncated (an incomplete copy or download?)"
            ) from None
        # Pillow's own words ("index out of range") tell a writer nothing.
        raise ImageProblem(f"image data is damaged (an incomplete copy or download?): "
                           f"{_DAMAGED_FIX}") from None


@contextmanager
def quiet_decoding() -> Iterator[None]:
    """Silence what Pillow prints about odd files ("Corrupt EXIF data", "Metadata Warning").

    Those would reach the writer's terminal as two-line Python warnings; what matters about
    a photo is reported as one ``ImageProblem`` line instead.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def open_image(data: bytes, max_pixels: int) -> Image.Image:
    """Open image bytes lazily (header only), refusing anything over ``max_pixels``."""
    if not data:
        raise ImageProblem("image file is empty")
    heif_available()
    Image.init()  # register every plugin: formats= only accepts ones already loaded
    known = [f for f in OPEN_FORMATS if f in Image.OPEN]  # MPO/HEIF vary by version
    # The site's limit (check_pixels, on the header, before anything is decoded) is the
    # only one: Pillow's own refuses at open anything over 179 million pixels, a stitched
    # panorama the site allows included, and blamed images.max_pixels for it.
    Image.MAX_IMAGE_PIXELS = None
    try:
        image = Image.open(io.BytesIO(data), formats=known)
    except Image.UnidentifiedImageError:
        raise ImageProblem(describe_unknown(data)) from None
    except DECODE_ERRORS:
        raise ImageProblem(f"image header is corrupt: {_DAMAGED_FIX}") from None
    check_pixels(image, max_pixels)
    return image


def check_pixels(image: Image.Image, max_pixels: int) -> None:
    """Refuse an image (all frames counted) whose decoded size would exceed ``max_pixels``."""
    width, height = image.size
    frames = frame_count(image)
    pixels = width * height * frames
    if pixels > max_pixels:
        frames_text = f" × {frames} frames" if frames > 1 else ""
        raise ImageProblem(
            f"image is {width}×{height}{frames_text} = {pixels:,} pixels, over"
            f" images.max_pixels ({max_pixels:,}): {_BOMB_FIX}"
        )


# A file claiming more pixels than any photo is most likely a decompression bomb (a few bytes
# that decode to gigabytes); a real photo that big is the writer's to allow.
_BOMB_FIX = ("if it is a real photo, raise images.max_pixels in site.yaml (or resize it); "
             "else it is a damaged or hostile file: replace it")


# What a file of each kind Byline reads starts with: one that does and still cannot be read
# is damaged, not of another format.
_SIGNATURES = ((b"\xff\xd8\xff", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"GIF8", "GIF"))
_DAMAGED_FIX = "export, copy or download it again"


def frame_count(image: Image.Image) -> int:
    """How many animation frames the image has (1 for a still, a TIFF's pages, an MPO)."""
    if image.format not in ANIMATION_FORMATS:
        return 1
    with decode_problems():
        return getattr(image, "n_frames", 1)


def is_animated(image: Image.Image) -> bool:
    """Whether the image is an animation."""
    return frame_count(image) > 1


def orientation(image: Image.Image) -> int:
    """The EXIF orientation, 1-8; 1 (show as stored) when missing, invalid or unreadable.

    Phones and editors write 0, 9 or garbage here now and then; showing the picture as
    stored is what browsers do with those too, which beats refusing the photo.
    """
    if image.format == "TIFF":
        return 1  # Pillow turns TIFFs upright itself: their size is already as displayed
    if image.format == "PNG":
        # Its EXIF chunk may follow the pixels, so reading it decodes them: a damaged file
        # must fail here, not pass as "no orientation".
        image.load()
    try:
        value = image.getexif().get(ORIENTATION_TAG, 1)
    except DECODE_ERRORS:
        return 1
    return value if isinstance(value, int) and value in TRANSPOSES else 1


def displayed_size(image: Image.Image) -> tuple[int, int]:
    """Width and height as shown, after the EXIF orientation is applied."""
    width, height = image.size
    return (height, width) if orientation(image) in QUARTER_TURNS else (width, height)


def decode_still(image: Image.Image, at_least: tuple[int, int] | None = None) -> Image.Image:
    """Decode the (first) picture, upright; JPEGs at the smallest scale still ≥ ``at_least``
    (see ``draft_at_least``)."""
    with decode_problems():
        if at_least:
            draft_at_least(image, at_least)
        image.load()
        return upright(image, orientation(image))


def draft_at_least(image: Image.Image, at_least: tuple[int, int]) -> None:
    """Have a JPEG decode at the smallest scale still ≥ ``at_least`` (in displayed
    orientation); ``image.size`` then says which.  libjpeg can decode at 1/2, 1/4 or 1/8
    scale for a fraction of the work, which is most of the time saved on big camera photos.
    Other formats decode whole."""
    if image.format in ("JPEG", "MPO"):
        want = at_least
        if orientation(image) in QUARTER_TURNS:
            want = (at_least[1], at_least[0])
        with decode_problems():
            image.draft(None, (max(1, want[0]), max(1, want[1])))


def upright(picture: Image.Image, turn: int) -> Image.Image:
    """``picture`` turned as EXIF orientation ``turn`` says it is shown."""
    method = TRANSPOSES[turn]
    return picture if method is None else picture.transpose(method)


# A JPEG's data that stops early at a stray end marker (a damaged copy) is no error to
# libjpeg: it warns, which Pillow does not pass on, and fills every block after with zeros,
# which decode as flat mid-grey (128 in each of Y, Cb and Cr).  Both are looked for: the
# end marker with more picture data after it, and a grey run across the foot of the picture
# at least one 16-pixel block row tall, below something else.  A whole file may well have a
# grey band (a title card's footer), or data after its end (a phone's motion clip), but not
# both; a picture grey all over may be meant so.
_FILLED = 128
_BLOCK_ROW = 16
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})  # markers with no length after them


def grey_filled_share(image: Image.Image, data: bytes, full_height: int) -> float:
    """The share of a decoded JPEG (as loaded from ``data``, before turning it upright)
    that libjpeg filled with flat grey because its data stopped early; 0.0 for a whole one,
    or another format.  ``full_height`` is the photo's stored height: ``image`` may be
    decoded at a smaller scale."""
    if image.format not in ("JPEG", "MPO") or image.mode not in ("L", "RGB"):
        return 0.0
    width, height = image.size
    row_bytes = width * len(image.getbands())
    pixels = image.tobytes()
    filled = bytes((_FILLED,)) * row_bytes
    rows = 0
    while rows < height and pixels[(height - rows - 1) * row_bytes:
                                   (height - rows) * row_bytes] == filled:
        rows += 1
    if rows == height or rows * full_height < _BLOCK_ROW * height or not _ends_early(data):
        return 0.0
    return rows / height


def _ends_early(data: bytes) -> bool:
    """Whether the JPEG's end marker comes before picture data: more data follows it that
    is not another picture (a camera's second JPEG) and not padding."""
    at = 2  # past the start marker
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
        elif marker in _STANDALONE:
            at += 2
        elif marker == 0xDA:  # the first scan: its data runs to the end marker
            end = data.find(b"\xff\xd9", at)
            rest = data[end + 2:].strip(b"\x00") if end >= 0 else b""
            return len(rest) > 0 and not rest.startswith(b"\xff\xd8")
        else:
            at += 2 + struct.unpack(">H", data[at + 2:at + 4])[0]
    return False


# Adam7's passes: (first column, first row, column step, row step).
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
          (0, 1, 1, 2))
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by colour type


def png_missing_share(data: bytes) -> float:
    """The share of a PNG's picture its data never reaches, 0.0 for a whole one or another
    format.  A PNG whose compressed data ends early but whose file is closed properly (an
    incomplete copy re-saved, a broken exporter) is no error to Pillow, which leaves the
    rows it never got black or transparent; the data is inflated again and measured against
    what the header's size needs."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return 0.0
    header = None
    inflater = zlib.decompressobj()
    got = 0
    at = 8
    try:
        while at + 8 <= len(data):
            length, kind = struct.unpack(">I4s", data[at:at + 8])
            body = data[at + 8:at + 8 + length]
            if kind == b"IHDR" and len(body) >= 13:
                header = struct.unpack(">IIBBBBB", body[:13])
            elif kind == b"IDAT":
                while body:  # a megabyte at a time: a huge photo is never held inflated
                    got += len(inflater.decompress(body, 1 << 20))
                    body = inflater.unconsumed_tail
            elif kind == b"IEND":
                break
            at += 12 + length
    except zlib.error:  # damaged otherwise: Pillow says so when it decodes
        return 0.0
    if header is None or (channels := _PNG_CHANNELS.get(header[3])) is None:
        return 0.0
    width, height, depth, interlaced = header[0], header[1], header[2], header[6]
    bits = channels * depth

    def needed(columns: int, rows: int) -> int:
        return rows * (1 + (columns * bits + 7) // 8) if columns and rows else 0

    expected = (sum(needed((width - x + dx - 1) // dx, (height - y + dy - 1) // dy)
                    for x, y, dx, dy in _ADAM7) if interlaced else needed(width, height))
    return 0.0 if not expected or got >= expected else 1 - got / expected


def describe_unknown(data: bytes) -> str:
    """Say, in one line, what a file that is not a supported image seems to be."""
    head = data[:512]
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        if not heif_available():
            return "HEIC needs `pip install byline[heif]`"
        return "HEIC file could not be read (corrupt?)"
    if kind := next((name for sign, name in _SIGNATURES if head.startswith(sign)),
                    "WebP" if head[:4] == b"RIFF" and head[8:12] == b"WEBP" else
                    "AVIF" if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis")
                    else None):
        return f"this {kind}'s header is damaged: {_DAMAGED_FIX}"
    if head.startswith(b"%PDF"):
        return "not an image: this is a PDF"
    if b"<svg" in head.lower():
        return ("SVG is not processed as a photo: save a PNG or JPEG of it for this place, "
                "or link the SVG as a file")
    # Text (any encoding) has no control bytes other than tab, newlines and escape.
    if not any(byte < 9 or (13 < byte < 32 and byte != 27) for byte in head):
        return "not an image: the file contains text"
    return "not an image, or a format Byline does not handle (use JPEG, PNG, GIF, WebP, AVIF)"
