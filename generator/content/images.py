"""Resolving the image paths writers type into files on disk (no image is opened here)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from generator.errors import Report, SourceLocation
from generator.inputfiles import (
    followed,
    is_regular,
    leaves_site,
    not_there,
    written_otherwise,
)
from generator.model import PHOTO_ROLES, ImageRef, ImageRole

REMOTE_PREFIXES = ("http://", "https://", "//")


def resolve_image(
    src: str,
    *,
    folder: Path,
    content_dir: Path,
    site_root: Path,
    location: SourceLocation,
    role: ImageRole,
    report: Report,
    alt: str | None = None,
    caption: str | None = None,
    credit: str | None = None,
    focus: tuple[float, float] = (0.5, 0.5),
) -> ImageRef | None:
    """An ImageRef for ``src``: relative to ``folder``, or to ``content/`` when it starts with /."""
    if src.startswith(REMOTE_PREFIXES):
        # A hero's photo is also the story's share card, its picture in search results and
        # in feeds: none of which Byline can make from a photo it does not have.
        shared = (", and the story is shared without a picture (no share card, none in "
                  "search results or feeds)") if role == "hero" else ""
        report.warning(
            f"remote image {src} is left as is: it is not resized, and readers' browsers "
            f"fetch it from that server{shared} (copy it into the article folder instead)",
            location,
        )
        return ImageRef(src, None, location, role, alt, caption, credit, focus)
    if src.startswith("data:"):
        kind = src[5:].split(";", 1)[0].split(",", 1)[0]
        ending = kind.removeprefix("image/").split("+", 1)[0] if kind.startswith("image/") else ""
        name = f"photo-1.{ending.replace('jpeg', 'jpg') or 'jpg'}"
        report.error(f"this photo is pasted into the text as data ({kind or 'data:'}), as "
                     "Google Docs exports photos: it would not be resized, and every reader "
                     f"would download all of it with the page. Save it as a file beside the "
                     f"story, e.g. {name}, and write its name: ![{alt or 'The crowd'}]({name})",
                     location)
        return None
    relative = src.split("#", 1)[0].split("?", 1)[0]
    if not relative.strip():
        named = f"image {src} names" if src.strip() else "an image with"
        report.error(f"{named} no file: write the photo's file name in the brackets, e.g. "
                     "![The crowd](crowd.jpg)", location)
        return None
    base = content_dir if relative.startswith("/") else folder
    path = followed(base / relative.lstrip("/"))
    if path is None:
        report.error(f"image {src} is a symbolic link that leads back to itself (a loop): "
                     "remove the link, or point it at the photo", location)
        return None
    if relative != src and not is_regular(path):
        # "#" and "?" end the file's part of an address, but a photo saved from a camera
        # roll or an agency's site may be named "red carpet #2.jpg": the name as typed.
        whole = followed(base / src.lstrip("/"))
        if whole is not None and is_regular(whole):
            path = whole
    if "%" in relative and not is_regular(path):
        # Editors that insert a dropped file write a space as %20, as in a link.
        decoded = followed(base / unquote(relative).lstrip("/"))
        if decoded is not None and is_regular(decoded):
            path = decoded
    if not path.is_relative_to(site_root.resolve()):
        report.error(leaves_site("image", src, base / relative.lstrip("/"), path, site_root),
                     location)
        return None
    hint = ""
    if not is_regular(path):
        same, hint = written_otherwise(path)
        path = same or path
    if not is_regular(path):
        shown = path.relative_to(site_root.resolve()) if path.is_relative_to(site_root) else path
        other = not_there(path, src, "a photo")
        report.error(f"image {other}" if other else f"image not found: {src} (looked for "
                     f"{shown}){hint}", location)
        return None
    # A photo with ![](…) has an empty alt: in Markdown that is forgetting, not a choice.
    if not (alt or "").strip() and role in PHOTO_ROLES:
        report.warning(f"image {src} has no alt text: describe it for readers who cannot see it",
                       location)
    return ImageRef(src, path, location, role, alt, caption, credit, focus)
