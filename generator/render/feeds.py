"""Atom, RSS and JSON feeds carrying whole stories, for readers and aggregators.

Feeds are what Flipboard, SmartNews, MSN and Apple News read: each entry carries the full
body (RSS ``content:encoded``, Atom ``content type="html"``, JSON Feed ``content_html``) with
absolute URLs, and the hero photo as Media RSS ``media:content`` / ``media:thumbnail`` with
its ``media:credit``, plus an enclosure (for a hero video: the video, and its poster as the
photo).  XML is built with ElementTree so every value is escaped and cleaned of what XML 1.0
forbids (see xmlout.py); JSON with the standard library.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urljoin

from generator.dates import instant, machine_moment, machine_time

from .xmlout import serialise

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"

# A start tag, attribute by attribute (a quoted value may hold ">" or "src="), and each
# attribute: those holding one URL, and srcset, which holds several ("url 480w, url 800w"),
# are made absolute, quoted either way or not at all, in any case, as writers type HTML.
_VALUE = r"""(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+)"""
# No "<" in a name: a "<" never closed stops the search at the next one (not quadratic).
_START_TAG = re.compile(
    rf"""<[A-Za-z][^\s/<>]*(?:\s+[^\s"'<>/=]+(?:\s*=\s*{_VALUE})?|\s*/)*\s*>""")
_ATTRIBUTE = re.compile(r"""(\s+([^\s"'>/=]+)\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
_URL_NAMES = frozenset({"href", "src", "poster", "cite", "data-src", "srcset"})
URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # https:, mailto:, data:, tel:…
_unescape = html.unescape  # the module, which absolute_urls' parameter hides


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """A feed's identity: title, its own URL and the page it describes (absolute URLs)."""

    title: str
    self_url: str
    site_url: str
    description: str
    language: str


@dataclass(frozen=True, slots=True)
class FeedImage:
    """A photo as feeds describe it (absolute URLs; ``length`` in bytes, 0 when unknown)."""

    url: str
    mime: str
    width: int
    height: int
    length: int
    thumbnail_url: str
    thumbnail_width: int
    thumbnail_height: int
    credit: str | None = None
    alt: str | None = None
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class FeedVideo:
    """A story's lead video as feeds carry it (absolute URL; ``length`` in bytes)."""

    url: str
    mime: str
    width: int
    height: int
    length: int
    credit: str | None = None
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One story as every feed format carries it."""

    title: str
    url: str
    published: datetime
    updated: datetime
    authors: tuple[tuple[str, str], ...]  # (name, absolute URL)
    category: str | None
    tags: tuple[str, ...]
    summary: str
    hero: FeedImage | None = None
    content_html: str = ""  # absolute URLs only; filled in as the feed is written
    # A live blog's update headings ("9:42 PM — The encore"), oldest first, and whether its
    # page shows the newest first: the feed's copy of the story reads as the page does.
    update_headings: tuple[str, ...] = ()
    newest_first: bool = False
    language: str | None = None  # the story's own, when it is not the feed's
    # A hero that is a video (``hero`` is then its poster): what readers play.
    video: FeedVideo | None = None


def absolute_urls(html: str, absolute: Callable[[str], str], page: str) -> str:
    """Every relative URL in ``html`` (``href``, ``src``, ``srcset``…) made absolute, since
    a feed reader shows the HTML on a page of its own: root-relative ones on the site's
    address, others ("#fn:1", "../other-story/") on the story's own, ``page``."""

    def made_absolute(url: str) -> str:
        if url.startswith("/") and not url.startswith("//"):
            return absolute(url)
        if URL_SCHEME.match(url) or url.startswith("//"):
            return url
        return urljoin(page, _unescape(url)).replace("&", "&amp;")

    def srcset(value: str) -> str:
        candidates = []
        for candidate in value.split(","):
            url, _, size = candidate.strip().partition(" ")
            candidates.append(f"{made_absolute(url)} {size}".strip())
        return ", ".join(candidates)

    def attribute(match: re.Match[str]) -> str:
        name = match.group(2).lower()
        if name not in _URL_NAMES:
            return match.group(0)
        value = next(v for v in match.group(3, 4, 5) if v is not None)
        made = srcset(value) if name == "srcset" else made_absolute(value)
        return f'{match.group(1)}"{made.replace(chr(34), "&quot;")}"'

    return _START_TAG.sub(lambda tag: _ATTRIBUTE.sub(attribute, tag.group(0)), html)


def atom_feed(info: FeedInfo, entries: Sequence[FeedEntry]) -> bytes:
    """An Atom 1.0 feed (newest first), each entry with its whole story."""
    ET.register_namespace("", ATOM_NS)
    ET.register_namespace("media", MEDIA_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": info.language})
    _sub(feed, "title", info.title)
    if info.description:
        _sub(feed, "subtitle", info.description)
    _sub(feed, "id", info.site_url)
    _sub(feed, "link", href=info.self_url, rel="self", type="application/atom+xml")
    _sub(feed, "link", href=info.site_url, rel="alternate", type="text/html")
    newest = max((e.updated for e in entries), key=instant, default=None)
    _sub(feed, "updated", machine_time(newest) if newest else "1970-01-01T00:00:00+00:00")
    _sub(feed, "generator", "Byline")
    for item in entries:
        entry = _sub(feed, "entry")
        if item.language:  # a story in another language than the feed's
            entry.set("xml:lang", item.language)
        _sub(entry, "title", item.title)
        _sub(entry, "link", href=item.url, rel="alternate", type="text/html")
        _sub(entry, "id", item.url)
        _sub(entry, "published", machine_time(item.published))
        _sub(entry, "updated", machine_time(item.updated))
        for name, url in item.authors or [("Staff", "")]:
            author = _sub(entry, "author")
            _sub(author, "name", name)
            if url:
                _sub(author, "uri", url)
        if item.category:
            _sub(entry, "category", term=item.category)
        _sub(entry, "summary", item.summary)
        _sub(entry, "content", item.content_html, type="html")
        if item.video:
            _sub(entry, "link", href=item.video.url, rel="enclosure", type=item.video.mime,
                 length=str(item.video.length))
            _video_media(entry, item.video)
        if item.hero:
            hero = item.hero
            _sub(entry, "link", href=hero.url, rel="enclosure", type=hero.mime,
                 length=str(hero.length))
            _media(entry, hero)
    return serialise(feed)


def rss_feed(info: FeedInfo, entries: Sequence[FeedEntry]) -> bytes:
    """An RSS 2.0 feed (newest first), each item with its whole story."""
    ET.register_namespace("atom", ATOM_NS)
    ET.register_namespace("media", MEDIA_NS)
    ET.register_namespace("content", CONTENT_NS)
    ET.register_namespace("dc", DC_NS)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", info.title)
    _sub(channel, "link", info.site_url)
    _sub(channel, "description", _as_html(info.description or info.title))
    _sub(channel, "language", info.language)
    ET.SubElement(channel, f"{{{ATOM_NS}}}link",
                  {"href": info.self_url, "rel": "self", "type": "application/rss+xml"})
    if entries:
        newest = machine_moment(max((e.updated for e in entries), key=instant))
        _sub(channel, "lastBuildDate", format_datetime(newest))
    for entry in entries:
        item = _sub(channel, "item")
        _sub(item, "title", entry.title)
        _sub(item, "link", entry.url)
        _sub(item, "guid", entry.url, isPermaLink="true")
        _sub(item, "pubDate", format_datetime(machine_moment(entry.published)))
        if entry.authors:
            _sub(item, f"{{{DC_NS}}}creator", ", ".join(name for name, _ in entry.authors))
        if entry.language:  # a story in another language than the channel's
            _sub(item, f"{{{DC_NS}}}language", entry.language)
        if entry.category:
            _sub(item, "category", entry.category)
        _sub(item, "description", _as_html(entry.summary))
        _sub(item, f"{{{CONTENT_NS}}}encoded", entry.content_html)
        if entry.video:  # one enclosure an item: the video, its poster in Media RSS
            video = entry.video
            _sub(item, "enclosure", url=video.url, length=str(video.length), type=video.mime)
            _video_media(item, video)
        if entry.hero:
            hero = entry.hero
            if not entry.video:
                _sub(item, "enclosure", url=hero.url, length=str(hero.length), type=hero.mime)
            _media(item, hero)
    return serialise(rss)


def json_feed(info: FeedInfo, entries: Sequence[FeedEntry]) -> bytes:
    """A JSON Feed 1.1 (https://jsonfeed.org/version/1.1), newest first."""
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "home_page_url": info.site_url,
        "feed_url": info.self_url,
        "language": info.language,
    }
    if info.description:
        feed["description"] = info.description
    items = []
    for entry in entries:
        item: dict[str, Any] = {
            "id": entry.url,
            "url": entry.url,
            "title": entry.title,
            "content_html": entry.content_html,
            "summary": entry.summary,
            "date_published": machine_time(entry.published),
            "date_modified": machine_time(entry.updated),
        }
        if entry.language:
            item["language"] = entry.language
        if entry.hero:
            item["image"] = entry.hero.url
        if entry.video:
            item["attachments"] = [{"url": entry.video.url, "mime_type": entry.video.mime,
                                    **({"size_in_bytes": entry.video.length}
                                       if entry.video.length else {})}]
        if entry.authors:
            item["authors"] = [{"name": n, **({"url": u} if u else {})} for n, u in entry.authors]
        tags = [*([entry.category] if entry.category else []), *entry.tags]
        if tags:
            item["tags"] = list(dict.fromkeys(tags))
        items.append(item)
    feed["items"] = items
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _media(parent: ET.Element, hero: FeedImage) -> None:
    """Media RSS: the photo, a thumbnail and who took it (readers show these as the lead)."""
    _media_content(parent, hero, "image", hero.caption or hero.alt,
                   {"role": "photographer"} if hero.credit else None)
    ET.SubElement(parent, f"{{{MEDIA_NS}}}thumbnail", {
        "url": hero.thumbnail_url, "width": str(hero.thumbnail_width),
        "height": str(hero.thumbnail_height)})


def _video_media(parent: ET.Element, video: FeedVideo) -> None:
    """Media RSS: the video, with what it shows and who made it."""
    _media_content(parent, video, "video", video.caption, {} if video.credit else None)


def _media_content(parent: ET.Element, media: FeedImage | FeedVideo, medium: str,
                   description: str | None, credit: dict[str, str] | None) -> None:
    """One ``media:content``, its description and (``credit``: its attributes) its credit."""
    attributes = {"url": media.url, "type": media.mime, "medium": medium,
                  "width": str(media.width), "height": str(media.height)}
    if media.length:
        attributes["fileSize"] = str(media.length)
    content = ET.SubElement(parent, f"{{{MEDIA_NS}}}content", attributes)
    if description:
        ET.SubElement(content, f"{{{MEDIA_NS}}}description").text = description
    if credit is not None:
        ET.SubElement(content, f"{{{MEDIA_NS}}}credit", credit).text = media.credit


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    if not tag.startswith("{") and parent.tag.startswith(f"{{{ATOM_NS}}}"):
        tag = f"{{{ATOM_NS}}}{tag}"
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _as_html(text: str) -> str:
    """Plain text for an RSS ``<description>``, which readers take as HTML.

    A dek that says "Tom & Jerry <3" or quotes "<em>" must show as written, not as markup:
    escaped once here for HTML, and again by ElementTree for XML.  (Atom's ``<summary>`` is
    declared text, so it needs only the one.)
    """
    return html.escape(text, quote=False)
