"""``sitemap.xml``, the Google News sitemap and ``robots.txt``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from generator.dates import machine_time

from .meta import news_language
from .xmlout import serialise, xml_text

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One URL (absolute) and when it last changed, if known."""

    loc: str
    lastmod: datetime | None = None


@dataclass(frozen=True, slots=True)
class NewsEntry:
    """One recent article for the news sitemap."""

    loc: str
    title: str
    published: datetime
    language: str | None = None  # the story's own, when it is not the site's


def sitemap(entries: Sequence[SitemapEntry]) -> bytes:
    """A sitemaps.org URL set.

    Written as text, the way ElementTree would write it: this one lists every page of the
    site, and ElementTree took a quarter of a second over 10,000 of them.
    """
    if not entries:
        ET.register_namespace("", SITEMAP_NS)
        return serialise(ET.Element(f"{{{SITEMAP_NS}}}urlset"))
    lines = ["<?xml version='1.0' encoding='utf-8'?>", f'<urlset xmlns="{SITEMAP_NS}">']
    for entry in entries:
        lines += ["  <url>", f"    <loc>{_escape(entry.loc)}</loc>"]
        if entry.lastmod:
            lines.append(f"    <lastmod>{machine_time(entry.lastmod)}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def _escape(text: str) -> str:
    """Character data as ElementTree escapes it, without the characters XML 1.0 forbids."""
    text = xml_text(text)
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def news_sitemap(entries: Sequence[NewsEntry], publication: str, language: str) -> bytes:
    """A Google News sitemap (only articles of the last two days belong in it)."""
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("news", NEWS_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for entry in entries:
        url = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = entry.loc
        news = ET.SubElement(url, f"{{{NEWS_NS}}}news")
        pub = ET.SubElement(news, f"{{{NEWS_NS}}}publication")
        ET.SubElement(pub, f"{{{NEWS_NS}}}name").text = publication
        ET.SubElement(pub, f"{{{NEWS_NS}}}language").text = news_language(
            entry.language or language)
        ET.SubElement(news, f"{{{NEWS_NS}}}publication_date").text = machine_time(entry.published)
        ET.SubElement(news, f"{{{NEWS_NS}}}title").text = entry.title
    return serialise(urlset)


def sitemap_index(locs: Sequence[str]) -> bytes:
    """A sitemaps.org index: the sitemaps a crawler should read (absolute URLs)."""
    ET.register_namespace("", SITEMAP_NS)
    index = ET.Element(f"{{{SITEMAP_NS}}}sitemapindex")
    for loc in locs:
        entry = ET.SubElement(index, f"{{{SITEMAP_NS}}}sitemap")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = loc
    return serialise(index)


def robots_txt(sitemap_urls: Sequence[str]) -> bytes:
    """Allow everything and point crawlers at the sitemaps."""
    lines = ["User-agent: *", "Allow: /", ""]
    lines += [f"Sitemap: {url}" for url in sitemap_urls]
    return ("\n".join(lines) + "\n").encode()
