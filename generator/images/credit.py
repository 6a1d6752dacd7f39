"""Who to credit for a photo, as agencies and cameras record it inside the file.

Wire photos carry the credit in IPTC-IIM (the old Photoshop block) and in XMP; cameras put
the photographer in EXIF Artist.  Fields are tried from most to least specific: the credit
line an agency asks for, then the creator, then the source.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from PIL import Image, IptcImagePlugin

from generator.images.decoding import DECODE_ERRORS

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"
DC = "http://purl.org/dc/elements/1.1/"

# (IPTC-IIM dataset, XMP property) pairs, best first.
CREDIT_FIELDS = (
    ((2, 110), f"{{{PHOTOSHOP}}}Credit"),
    ((2, 80), f"{{{DC}}}creator"),
    ((2, 115), f"{{{PHOTOSHOP}}}Source"),
)
EXIF_ARTIST = 0x013B
IPTC_CHARSET = (1, 90)
IPTC_UTF8 = b"\x1b%G"

MAX_LENGTH = 200
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]+")


def read_credit(image: Image.Image) -> str | None:
    """The photo credit recorded in the file's IPTC, XMP or EXIF metadata, if any."""
    iptc = iptc_fields(image)
    xmp = parse_xmp(image.info.get("xmp") or image.info.get("XML:com.adobe.xmp"))
    for dataset, prop in CREDIT_FIELDS:
        value = clean(xmp_value(xmp, prop) if xmp is not None else None) or clean(iptc.get(dataset))
        if value:
            return value
    try:
        artist = image.getexif().get(EXIF_ARTIST)
    except DECODE_ERRORS:  # damaged EXIF: the photo is still usable, only uncredited
        return None
    if isinstance(artist, bytes):
        artist = artist.decode("utf-8", "replace")
    elif isinstance(artist, str):
        artist = _utf8_read_as_latin1(artist)
    return clean(artist if isinstance(artist, str) else None)


def _utf8_read_as_latin1(text: str) -> str:
    """EXIF text as written: exiftool and Windows write UTF-8 where the standard says ASCII,
    and Pillow reads each byte as a Latin-1 letter ("JosÃ©" for "José")."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):  # Latin-1 after all, or other text
        return text


def iptc_fields(image: Image.Image) -> dict[tuple[int, int], str]:
    """The IPTC-IIM datasets as text; repeated datasets (several By-lines) joined."""
    try:
        # Typed for Pillow's IPTC and JPEG files; it reads the IPTC block of any opened image.
        raw = IptcImagePlugin.getiptcinfo(image)  # type: ignore[arg-type]
    except (*DECODE_ERRORS, AttributeError):
        return {}
    if not raw:
        return {}
    utf8 = raw.get(IPTC_CHARSET) == IPTC_UTF8
    fields = {}
    for key, value in raw.items():
        values = value if isinstance(value, list) else [value]
        fields[key] = ", ".join(decode_iptc(v, utf8) for v in values)
    return fields


def decode_iptc(value: bytes, utf8: bool) -> str:
    """IPTC text: UTF-8 when the file says so, and in practice often when it does not."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("utf-8" if utf8 else "latin-1", "replace")


def parse_xmp(packet: bytes | str | None) -> ElementTree.Element | None:
    """The XMP packet as an element tree, or None when absent or unreadable."""
    if not packet:
        return None
    data = packet.encode() if isinstance(packet, str) else packet
    # XMP never needs a DTD; refusing one rules out entity-expansion attacks.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return None
    try:
        return ElementTree.fromstring(data.rstrip(b"\x00 \t\r\n"))
    except ElementTree.ParseError:
        return None


def xmp_value(root: ElementTree.Element, prop: str) -> str | None:
    """A property written either as an attribute or as an element (list items joined)."""
    for description in root.iter(f"{{{RDF}}}Description"):
        if prop in description.attrib:
            return description.attrib[prop]
    for element in root.iter(prop):
        items = [li.text for li in element.iter(f"{{{RDF}}}li") if li.text and li.text.strip()]
        if items:
            return ", ".join(items)
        if element.text and element.text.strip():
            return element.text
    return None


def clean(value: str | None) -> str | None:
    """One tidy line of reasonable length, or None when nothing is left."""
    if not value:
        return None
    text = " ".join(CONTROL_CHARACTERS.sub(" ", value).split())
    if len(text) > MAX_LENGTH:
        text = text[: MAX_LENGTH - 1].rstrip() + "…"
    return text or None
