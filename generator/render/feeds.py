"""Atom and RSS feeds, built with ElementTree so every value is escaped (see xmlout.py)."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

from .xmlout import serialise

ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """A feed's identity: title, its own URL and the page it describes (absolute URLs)."""

    title: str
    self_url: str
    site_url: str
    description: str
    language: str


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One article as a feed shows it (its URL absolute): all a feed is made from."""

    url: str
    title: str
    date: datetime
    modified: datetime
    authors: tuple[str, ...]
    category: str | None
    summary: str


def atom_feed(info: FeedInfo, articles: Sequence[FeedEntry]) -> bytes:
    """An Atom 1.0 feed of ``articles`` (newest first)."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": info.language})
    _sub(feed, "title", info.title)
    if info.description:
        _sub(feed, "subtitle", info.description)
    _sub(feed, "id", info.site_url)
    _sub(feed, "link", href=info.self_url, rel="self", type="application/atom+xml")
    _sub(feed, "link", href=info.site_url, rel="alternate", type="text/html")
    newest = max((a.modified for a in articles), default=None)
    _sub(feed, "updated", newest.isoformat() if newest else "1970-01-01T00:00:00+00:00")
    _sub(feed, "generator", "Byline")
    for article in articles:
        entry = _sub(feed, "entry")
        url = article.url
        _sub(entry, "title", article.title)
        _sub(entry, "link", href=url, rel="alternate", type="text/html")
        _sub(entry, "id", url)
        _sub(entry, "published", article.date.isoformat())
        _sub(entry, "updated", article.modified.isoformat())
        for name in article.authors or ["Staff"]:
            _sub(_sub(entry, "author"), "name", name)
        if article.category:
            _sub(entry, "category", term=article.category)
        _sub(entry, "summary", article.summary)
    return serialise(feed)


def rss_feed(info: FeedInfo, articles: Sequence[FeedEntry]) -> bytes:
    """An RSS 2.0 feed of ``articles`` (newest first)."""
    ET.register_namespace("atom", ATOM_NS)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", info.title)
    _sub(channel, "link", info.site_url)
    _sub(channel, "description", _as_html(info.description or info.title))
    _sub(channel, "language", info.language)
    ET.SubElement(channel, f"{{{ATOM_NS}}}link",
                  {"href": info.self_url, "rel": "self", "type": "application/rss+xml"})
    if articles:
        _sub(channel, "lastBuildDate", format_datetime(max(a.modified for a in articles)))
    for article in articles:
        item = _sub(channel, "item")
        url = article.url
        _sub(item, "title", article.title)
        _sub(item, "link", url)
        _sub(item, "guid", url, isPermaLink="true")
        _sub(item, "pubDate", format_datetime(article.date))
        names = article.authors
        if names:
            _sub(item, "{http://purl.org/dc/elements/1.1/}creator", ", ".join(names))
        if article.category:
            _sub(item, "category", article.category)
        _sub(item, "description", _as_html(article.summary))
    ET.register_namespace("dc", "http://purl.org/dc/elements/1.1/")
    return serialise(rss)


def _as_html(text: str) -> str:
    """Plain text for an RSS ``<description>``, which readers take as HTML.

    A dek that says "Tom & Jerry <3" or quotes "<em>" must show as written, not as markup:
    escaped once here for HTML, and again by ElementTree for XML.  (Atom's ``<summary>`` is
    declared text, so it needs only the one.)
    """
    return html.escape(text, quote=False)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    if not tag.startswith("{") and parent.tag.startswith(f"{{{ATOM_NS}}}"):
        tag = f"{{{ATOM_NS}}}{tag}"
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element
